"""Names and metadata for scripts/build_factors.py: the item catalogue, labels, dataset citations.

Dev-only data module (imported by the build script, never by the app).
"""

# ruff: noqa: E501  (long lines here are citations and Chinese labels, kept whole for grep)
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Canonical items: id, Chinese name, English name, kind, aliases (Chinese and English).
# --------------------------------------------------------------------------------------------
ITEMS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    # Solid fuels
    ("raw_coal", "原煤", "Raw coal", "fuel", ("coal",)),
    ("anthracite", "无烟煤", "Anthracite", "fuel", ()),
    ("bituminous_coal", "烟煤", "Bituminous coal", "fuel", ("Other Bituminous Coal",)),
    ("lignite", "褐煤", "Lignite", "fuel", ()),
    ("cleaned_coal", "洗精煤", "Cleaned coal", "fuel", ("洗精煤(炼焦煤)", "washed coal", "Coking Coal")),
    ("other_washed_coal", "其他洗煤", "Other washed coal", "fuel",
     ("其他洗煤(洗中煤)", "洗中煤", "middlings")),
    ("coal_slime", "煤泥", "Coal slime", "fuel", ("其他洗煤(煤泥)", "slime")),
    ("briquettes", "型煤", "Briquettes", "fuel", ("型煤(煤制品)", "煤制品", "Patent Fuel")),
    ("coke", "焦炭", "Coke", "fuel", ("Coke Oven Coke",)),
    ("coal_tar", "煤焦油", "Coal tar", "fuel", ("煤焦油(焦油)", "焦油")),
    ("other_coking_products", "其他焦化产品", "Other coking products", "fuel", ()),
    # Gases from coal and steel
    ("coke_oven_gas", "焦炉煤气", "Coke-oven gas", "fuel", ()),
    ("blast_furnace_gas", "高炉煤气", "Blast-furnace gas", "fuel", ()),
    ("converter_gas", "转炉煤气", "Converter (BOF) gas", "fuel",
     ("Oxygen Steel Furnace Gas", "BOF gas")),
    ("other_gas", "其他煤气", "Other gas", "fuel", ("Gas Works Gas",)),
    ("producer_gas", "发生炉煤气", "Producer gas", "fuel", ("其他煤气(发生炉煤气)",)),
    ("cracking_gas", "重油催化裂解煤气", "Heavy-oil catalytic cracking gas", "fuel",
     ("其他煤气(重油催化裂解煤气)",)),
    # Oil and gas
    ("crude_oil", "原油", "Crude oil", "fuel", ()),
    ("gasoline", "汽油", "Gasoline", "fuel", ("Motor Gasoline", "petrol")),
    ("kerosene", "煤油", "Kerosene", "fuel", ("煤油(一般煤油)", "一般煤油", "Other Kerosene")),
    ("jet_kerosene", "喷气煤油", "Jet kerosene", "fuel", ("煤油(喷气煤油)", "航空煤油")),
    ("diesel", "柴油", "Diesel oil", "fuel", ("Gas/Diesel Oil", "diesel oil")),
    ("fuel_oil", "燃料油", "Fuel oil", "fuel", ("Residual Fuel Oil",)),
    ("lpg", "液化石油气", "Liquefied petroleum gas", "fuel", ("LPG",)),
    ("refinery_gas", "炼厂干气", "Refinery dry gas", "fuel", ("Refinery Gas",)),
    ("natural_gas", "天然气", "Natural gas", "fuel", ("油田天然气", "气田天然气", "NG")),
    ("lng", "液化天然气", "Liquefied natural gas", "fuel", ("LNG",)),
    ("naphtha", "石脑油", "Naphtha", "fuel", ()),
    ("lubricants", "润滑油", "Lubricants", "fuel", ()),
    ("paraffin", "石蜡", "Paraffin waxes", "fuel", ()),
    ("white_spirit", "溶剂油", "White spirit", "fuel", ("White Spirit & SBP", "solvent oil")),
    ("bitumen", "石油沥青", "Bitumen", "fuel", ("asphalt",)),
    ("petroleum_coke", "石油焦", "Petroleum coke", "fuel", ()),
    ("other_petroleum_products", "其他石油制品", "Other petroleum products", "fuel", ()),
    ("all_fuels", "所有燃料", "All fuels", "fuel", ()),
    # Secondary energy
    ("electricity", "电力", "Electricity", "electricity", ("电", "电量", "外购电力", "grid electricity")),
    ("wind_power", "风力发电", "Wind power", "electricity", ("风电",)),
    ("solar_pv", "光伏发电", "Solar PV power", "electricity", ("光伏",)),
    ("biomass_power", "生物质发电", "Biomass power", "electricity", ()),
    ("heat", "热力", "Heat", "heat", ("外购热力", "蒸汽", "steam", "purchased heat")),
    # Industrial products (IPPU)
    ("cement_clinker", "水泥熟料", "Cement clinker", "product", ("熟料", "clinker")),
    ("cement", "水泥", "Cement", "product", ()),
    ("lime", "石灰", "Lime", "product", ()),
    ("high_calcium_lime", "高钙石灰", "High-calcium lime", "product", ()),
    ("dolomitic_lime", "白云石灰", "Dolomitic lime", "product", ()),
    ("hydraulic_lime", "水硬性石灰", "Hydraulic lime", "product", ()),
    ("glass", "玻璃", "Glass", "product", ("平板玻璃",)),
    ("limestone", "石灰石", "Limestone (calcite)", "product", ("碳酸钙", "方解石", "CaCO3", "calcite")),
    ("dolomite", "白云石", "Dolomite", "product", ()),
    ("soda_ash", "纯碱", "Soda ash", "product", ("碳酸钠", "Na2CO3")),
    ("ammonia", "合成氨", "Ammonia", "product", ("氨",)),
    ("nitric_acid", "硝酸", "Nitric acid", "product", ()),
    ("adipic_acid", "己二酸", "Adipic acid", "product", ()),
    ("hcfc22", "HCFC-22", "HCFC-22 production", "product", ("HCFC-22生产", "二氟一氯甲烷")),
    # Animals
    ("dairy_cattle", "奶牛", "Dairy cattle", "animal", ("奶牛(亚洲)",)),
    ("other_cattle", "非奶牛", "Other cattle", "animal", ("非奶牛(亚洲)", "肉牛", "其他牛")),
    ("buffalo", "水牛", "Buffalo", "animal", ()),
    ("sheep", "绵羊", "Sheep", "animal", ()),
    ("goats", "山羊", "Goats", "animal", ()),
    ("swine", "猪", "Swine", "animal", ("生猪", "pigs")),
    ("horses", "马", "Horses", "animal", ("马(含驴骡)",)),
    ("mules_asses", "驴骡", "Mules and asses", "animal", ("驴/骡", "驴", "骡")),
    ("camels", "骆驼", "Camels", "animal", ()),
    ("deer", "鹿", "Deer", "animal", ()),
    ("poultry", "家禽", "Poultry", "animal", ()),
    ("broilers", "肉鸡", "Broilers", "animal", ()),
    ("hens", "蛋鸡", "Laying hens", "animal", ("蛋鸡(≥1年)",)),
    ("ducks", "鸭", "Ducks", "animal", ()),
    # Manure management systems (IPCC 2006 Vol.4 Table 10.21)
    ("manure_daily_spread", "每日施用", "Manure: daily spread", "manure_system", ()),
    ("manure_solid_storage", "固体贮存", "Manure: solid storage", "manure_system", ()),
    ("manure_dry_lot", "干育肥场", "Manure: dry lot", "manure_system", ()),
    ("manure_liquid_crust", "液体/泥浆(有自然结壳)", "Manure: liquid/slurry with natural crust",
     "manure_system", ()),
    ("manure_liquid_no_crust", "液体/泥浆(无结壳)", "Manure: liquid/slurry without natural crust",
     "manure_system", ()),
    ("manure_anaerobic_lagoon", "敞口厌氧塘", "Manure: uncovered anaerobic lagoon", "manure_system", ()),
    ("manure_pit_storage", "舍内粪坑贮存", "Manure: pit storage below confinement", "manure_system", ()),
    ("manure_anaerobic_digester", "厌氧消化", "Manure: anaerobic digester", "manure_system", ()),
    ("manure_deep_bedding_no_mixing", "深层垫料(不混合)", "Manure: deep bedding, no mixing",
     "manure_system", ()),
    ("manure_deep_bedding_active_mixing", "深层垫料(主动混合)", "Manure: deep bedding, active mixing",
     "manure_system", ()),
    ("manure_composting_in_vessel", "堆肥-容器内", "Manure: composting in-vessel", "manure_system", ()),
    ("manure_composting_static_pile", "堆肥-静态堆", "Manure: composting static pile",
     "manure_system", ()),
    ("manure_composting_intensive_windrow", "堆肥-强化条垛", "Manure: composting intensive windrow",
     "manure_system", ()),
    ("manure_composting_passive_windrow", "堆肥-被动条垛", "Manure: composting passive windrow",
     "manure_system", ()),
    ("manure_poultry_with_litter", "家禽粪(有垫料)", "Poultry manure with litter", "manure_system", ()),
    ("manure_poultry_without_litter", "家禽粪(无垫料)", "Poultry manure without litter",
     "manure_system", ()),
    ("manure_aerobic_natural", "好氧处理(自然曝气)", "Manure: aerobic treatment, natural aeration",
     "manure_system", ()),
    ("manure_aerobic_forced", "好氧处理(强制曝气)", "Manure: aerobic treatment, forced aeration",
     "manure_system", ()),
    # Soils, nitrogen flows, rice
    ("managed_soils", "农用地", "Managed soils (N inputs)", "soil_n", ("农田土壤", "农用地土壤")),
    ("synthetic_fertiliser_n", "化肥氮", "Synthetic fertiliser N", "soil_n", ("化肥", "氮肥")),
    ("organic_n", "有机氮", "Organic N (manure, residues)", "soil_n", ("有机肥",)),
    ("rice", "水稻", "Rice cultivation", "crop", ("稻田", "稻田甲烷", "水稻种植")),
    # Waste
    ("paper", "纸/纸板", "Paper and cardboard", "waste", ("纸张", "纸类")),
    ("textiles", "纺织物", "Textiles", "waste", ("织物",)),
    ("food_waste", "食物垃圾", "Food waste", "waste", ("厨余垃圾", "餐厨垃圾")),
    ("wood_waste", "木材", "Wood (waste)", "waste", ("木竹",)),
    ("garden_waste", "园林垃圾", "Garden and park waste", "waste", ()),
    ("nappies", "尿布", "Nappies", "waste", ()),
    ("rubber_leather", "橡胶和皮革", "Rubber and leather", "waste", ("橡胶", "皮革")),
    ("plastics", "塑料", "Plastics", "waste", ()),
    ("inert_waste", "其他惰性废物", "Other inert waste", "waste", ("惰性废物",)),
    ("landfill", "填埋", "Solid waste disposal site", "waste_treatment",
     ("垃圾填埋", "卫生填埋", "SWDS")),
    ("waste_incineration", "焚烧", "Waste incineration", "waste_treatment", ("垃圾焚烧",)),
    ("open_burning", "露天焚烧", "Open burning of waste", "waste_treatment", ()),
    ("domestic_wastewater", "生活污水", "Domestic wastewater", "wastewater", ()),
    ("industrial_wastewater", "工业废水", "Industrial wastewater (COD basis)", "wastewater", ("污水",)),
    ("wastewater_n", "污水氮", "Nitrogen in wastewater", "wastewater", ("污水N2O", "wastewater_n2o")),
    # Forestry
    ("forest", "森林", "Forest land biomass", "forest",
     ("森林生物量", "根茎比", "生物量转换扩展因子", "木材密度")),
]

# Reference `fuel_zh` labels → item id (labels not listed map through ITEMS names/aliases).
FUEL_LABELS = {
    "其他洗煤(洗中煤)": "other_washed_coal",
    "其他洗煤(煤泥)": "coal_slime",
    "型煤(煤制品)": "briquettes",
    "煤油(一般煤油)": "kerosene",
    "煤油(喷气煤油)": "jet_kerosene",
    "洗精煤(炼焦煤)": "cleaned_coal",
    "煤焦油(焦油)": "coal_tar",
    "其他煤气(发生炉煤气)": "producer_gas",
    "其他煤气(重油催化裂解煤气)": "cracking_gas",
}

GRID_REGION = {  # grid regions are not GB/T 2260 areas; tanzhi codes them GRID-xx
    "全国": "000000", "华北": "GRID-NC", "东北": "GRID-NE", "华东": "GRID-EC", "华中": "GRID-CC",
    "西北": "GRID-NW", "南方": "GRID-SC", "西南": "GRID-SW",
    "浙江": "330000", "上海": "310000", "江苏": "320000", "安徽": "340000", "福建": "350000",
    "全国电网": "000000",
}


def item_index() -> dict[str, str]:
    """Every name and alias → item id."""
    index: dict[str, str] = {}
    for item, zh, en, _kind, aliases in ITEMS:
        for name in (item, zh, en, *aliases):
            index.setdefault(name.strip().lower(), item)
    index.update({k.lower(): v for k, v in FUEL_LABELS.items()})
    return index


ITEM_ZH = {item: zh for item, zh, *_ in ITEMS}


def item_of(label: str) -> str:
    found = item_index().get(label.strip().lower())
    if not found:
        raise SystemExit(f"no item for reference label {label!r}")
    return found


COMMON_NOTES = [
    "Columns: id, category (IPCC 2006 code, '' if none), item (canonical id, see dataset factors/items), "
    "item_zh, variant/variant_zh (technology, climate or development class within one item), gas, "
    "parameter, value (float; ranges keep the central value), unit (parses with "
    "tanzhi.kernel.units.parse_unit), region_code ('' any, 000000 China, GB/T 2260 province codes, "
    "GRID-xx for regional grids), year_from/year_to (valid data years, inclusive; blank = open), "
    "source, locator, provisional, uncertainty_pct (half-width of the source's range as % of the "
    "value), confidence (V/S/C of the reference compendium, D = derived from a definition), note.",
    "Factor ids: <dataset>/<item>/<parameter>[/<variant>][/<region_code>][/<year or year_from-year_to>].",
    "Provisional rows (confidence S or C) say why in their note; V and D rows are confirmed.",
    "Built by scripts/build_factors.py from the reference compendium (fossil_fuels.csv, "
    "electricity.csv, ipcc_defaults.csv); a correction is a new edition.",
]

DATASETS = {
    "cn-gbt2589": dict(
        title="Standard-coal coefficients and net calorific values of China's energy statistics",
        title_zh="各种能源折标准煤参考系数及平均低位发热量（GB/T 2589 附录A / 中国能源统计年鉴附录）",
        publisher="国家标准化管理委员会 (GB/T 2589-2008); 国家统计局 (中国能源统计年鉴)",
        document="GB/T 2589-2008《综合能耗计算通则》附录A; 《中国能源统计年鉴》附录 各种能源折标准煤参考系数",
        locator="Annex A table (fuel rows as listed); yearbook appendix",
        url="https://max.book118.com/html/2020/1123/8133103033003020.shtm",
        licence="national standard / official statistics (facts, cited)",
        units="ncv kJ/kg or kJ/m**3 (gases) as printed; standard_coal_coefficient kgce per unit",
    ),
    "cn-energy-reporting": dict(
        title="Standard-coal coefficients of the enterprise energy-statistics reporting list",
        title_zh="各种能源与标准煤的参考折标系数（能源统计报表目录）",
        publisher="issuing statistics body not shown in the copy",
        document="各种能源与标准煤的参考折标系数 (enterprise energy-statistics reporting list, document copy)",
        locator="first table",
        url="http://www.huatuo6.cn/wenku/rdvvd/4gNGBm3BKO",
        licence="official statistics form (facts, cited)",
        units="standard_coal_coefficient in kgce/kg, kgce/m**3, kgce/kWh or tce/GJ",
    ),
    "cn-nbs-balance": dict(
        title="Standard-coal coefficients used for NBS provincial energy balances (leads)",
        title_zh="国家统计局能源平衡表（标准量）折标系数（线索，待核实）",
        publisher="国家统计局 (as transcribed in unattributed code)",
        document="NBS energy-balance standard-quantity coefficients (DIV_COEF dict of a public script)",
        locator="DIV_COEF entries",
        licence="facts, cited; every row provisional",
        units="standard_coal_coefficient in tce/t, kgce/m**3, kgce/kWh, tce/GJ",
    ),
    "cn-prov-2011": dict(
        title="Fossil-fuel NCV, carbon content and oxidation of the provincial inventory guideline family",
        title_zh="化石燃料低位发热量、单位热值含碳量与碳氧化率（省级温室气体清单编制指南（试行）体系）",
        publisher="国家发展改革委 应对气候变化司 (guideline, 2011); values via circulated copies",
        document="《省级温室气体清单编制指南（试行）》(2011), as circulated in 各种能源折标准煤及碳排放参考系数",
        locator="table columns 平均低位发热量 / 单位热值含碳量 / 碳氧化率 / 二氧化碳排放系数",
        url="https://max.book118.com/html/2020/1123/8133103033003020.shtm",
        licence="government guideline (facts, cited)",
        units="ncv kJ/kg, kJ/m**3, MJ/t; carbon_content tC/TJ; oxidation fraction; co2_ef kgCO2/kg or kgCO2/m**3",
    ),
    "cn-ndrc-2013": dict(
        title="NDRC enterprise GHG accounting guideline fuel defaults, first-batch family (leads)",
        title_zh="国家发展改革委企业温室气体排放核算方法与报告指南（首批）燃料缺省值（线索，待核实）",
        publisher="国家发展改革委 (2013 first batch of enterprise guidelines)",
        document="企业温室气体排放核算方法与报告指南（试行）附录 常用化石燃料相关参数缺省值 (first-batch family, as transcribed)",
        locator="annex table of fossil-fuel defaults (guideline not stated in the transcription)",
        licence="government guideline (facts, cited); every row provisional",
        units="ncv GJ/t or GJ/万立方米; carbon_content tC/TJ; oxidation fraction",
    ),
    "cn-ndrc-2015": dict(
        title="NDRC enterprise GHG accounting guideline fuel defaults, later-batch family (leads)",
        title_zh="国家发展改革委企业温室气体排放核算方法与报告指南（第三批，如工业其他行业）燃料缺省值（线索，待核实）",
        publisher="国家发展改革委 (2015 third batch, e.g. 工业其他行业)",
        document="工业其他行业企业温室气体排放核算方法与报告指南（试行）附录二 (later-batch family, as transcribed)",
        locator="annex table of fossil-fuel defaults",
        licence="government guideline (facts, cited); every row provisional",
        units="ncv GJ/t or GJ/万立方米; carbon_content tC/TJ; oxidation fraction",
    ),
    "ipcc-2006": dict(
        title="IPCC 2006 Guidelines Tier 1 defaults (energy, IPPU, AFOLU, waste) with EFDB ids",
        title_zh="2006年IPCC国家温室气体清单指南 方法1缺省值（能源、工业过程、农林土地利用、废弃物）",
        publisher="IPCC National Greenhouse Gas Inventories Programme",
        document="2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2–5",
        locator="tables per row (e.g. Vol.2 Table 1.2/1.3/1.4; Vol.3 Eq.2.4; Vol.4 Tables 10.10–11.3; Vol.5 Tables 2.4–6.11); EFDB EF ID in each locator",
        url="https://www.ipcc-nggip.iges.or.jp/EFDB/",
        licence="IPCC guidelines (facts, cited); EFDB export copy via github.com/Open-Earth-Foundation/CityCatalyst",
        units="per row; gas-specific units use openscm-units species (kgN2ON = N2O as N)",
    ),
    "cn-grid-average": dict(
        title="China electricity CO2 emission factors (MEE/NBS annual average, inventory use)",
        title_zh="电力二氧化碳排放因子（生态环境部、国家统计局年度公告：全国、区域、省级平均）",
        publisher="生态环境部、国家统计局",
        document="关于发布2021年电力二氧化碳排放因子的公告（公告2024年第12号）；关于发布2022年电力二氧化碳排放因子的公告（2024-12-20）；关于发布2023年电力二氧化碳排放因子的公告",
        locator="annex tables: national, regional grid and provincial averages",
        licence="official publication (facts, cited)",
        units="kgCO2/kWh",
    ),
    "cn-grid-ets": dict(
        title="National grid emission factor for carbon-market (ETS) reporting",
        title_zh="全国碳市场企业温室气体排放报告用全国电网平均排放因子",
        publisher="生态环境部",
        document="关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知 (2023-02)",
        locator="notice text",
        url="http://tanpaifang.com/tanguwen/2023/0215/94510.html",
        licence="official publication (facts, cited)",
        units="tCO2/MWh",
    ),
    "cn-power-footprint": dict(
        title="Electricity carbon-footprint factors 2023 (life cycle, product footprints only)",
        title_zh="2023年电力碳足迹因子（仅用于产品碳足迹）",
        publisher="生态环境部、国家统计局、国家能源局",
        document="关于发布2023年电力碳足迹因子数据的公告 (2025-01-17), 附件1《2023年全国电力碳足迹因子》",
        locator="annex 1",
        url="http://nengy.net/a/xinnenyuanzixun/2025/0124/1821.html",
        licence="official publication (facts, cited)",
        units="kgCO2/kWh, gas CO2e (life-cycle CO2 equivalent)",
    ),
    "cn-grid-om-2016": dict(
        title="Regional grid operating-margin baseline factors, 2016 vintage (offset projects only)",
        title_zh="2016年度中国区域电网基准线排放因子 OM（仅用于减排项目）",
        publisher="国家发展改革委 应对气候变化司",
        document="2016年度中国区域电网二氧化碳基准线排放因子 附件2 OM编制说明",
        locator="table '2012—2014年区域电网OM排放因子计算结果'",
        url="https://max.book118.com/html/2017/1201/142256742.shtm",
        licence="official publication (facts, cited)",
        units="tCO2/MWh",
    ),
    "cn-heat": dict(
        title="Purchased-heat CO2 emission factor default",
        title_zh="外购热力二氧化碳排放因子缺省值",
        publisher="国家发展改革委 (enterprise guidelines); 国家标准化管理委员会 (GB/T 32150 family)",
        document="企业温室气体排放核算方法与报告指南（24 个行业）; GB/T 32150《工业企业温室气体排放核算和报告通则》",
        locator="purchased-heat default 0.11 tCO2/GJ",
        licence="government guideline / national standard (facts, cited); provisional",
        units="tCO2/GJ",
    ),
}

EXTRA_NOTES = {
    "cn-gbt2589": [
        "Raw coal, cleaned coal and other washed coal NCVs are confirmed (V) by the NDRC 2016 OM annex copy; "
        "other rows are from document copies of the list (S). GB/T 2589-2020 Annex A was not seen.",
        "Natural gas 38931 kJ/m3 and 1.3300 kgce/m3 are the list's oilfield-gas (油田天然气) values; "
        "the reporting list's 1.2143 is in cn-energy-reporting.",
        "Electricity 0.1229 kgce/kWh and heat 0.03412 tce/GJ are derived (D) from the kgce definition.",
    ],
    "cn-prov-2011": [
        "The guideline's own tables were not seen: carbon content and oxidation come from a widely "
        "circulated table (S) whose attribution line is cut off; fuels it lacks come from a code "
        "seed attributed to the guideline (C). Where both give a value, the table's is shipped and "
        "the seed's value is in the note (coke 29.5 vs 29.42, crude oil 20.1 vs 20.08 …).",
        "Blast-furnace gas 12.2 tC/TJ (C) is suspicious (IPCC and NDRC give 70.8); cleaned-coal "
        "oxidation 1.0 (C) looks like a transcription artefact (others 0.93).",
        "Oxidation is single-valued per fuel; the guideline's sector-differentiated rates were not found.",
    ],
    "cn-grid-average": [
        "Region codes: 000000 national; GRID-NC 华北, GRID-NE 东北, GRID-EC 华东 (上海、江苏、浙江、安徽、福建), "
        "GRID-CC 华中, GRID-NW 西北, GRID-SC 南方, GRID-SW 西南; provinces by GB/T 2260 code.",
        "Valid years are the data year of each factor (year_from = year_to). Purposes are kept apart: "
        "inventory averages here; carbon-market reporting in cn-grid-ets; product footprints in "
        "cn-power-footprint; offset baselines in cn-grid-om-2016.",
        "Zhejiang 330000 values (2021 0.5422, 2022 0.5153) are leads (C) and ship provisional; the "
        "2023 Zhejiang value was not found.",
    ],
    "ipcc-2006": [
        "All IPCC rows are V (read from an EFDB export dated 2023-09-05). Energy rows (NCV, carbon "
        "content, oxidation 1) are for comparison with Chinese values; item mapping is approximate "
        "where the note says so.",
        "Manure-CH4 rows (Table 10.15) were assigned to 'developing country, temperate' from the "
        "record order; check each against the table.",
    ],
}
