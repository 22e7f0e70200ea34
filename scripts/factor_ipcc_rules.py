"""Mapping rules from ipcc_defaults.csv rows to tanzhi factors, for scripts/build_factors.py.

Dev-only (imported by the build script, never by the app).  Each rule returns the item, the
parameter, the gas, a parseable unit and the variant (technology, climate or development class).
"""

# ruff: noqa: E501  (long lines here are Chinese labels, kept whole for grep)
from __future__ import annotations

import re

from factor_catalogue import item_of

# --------------------------------------------------------------------------------------------
# IPCC 2006 Tier 1 defaults (ipcc_defaults.csv, all V)
# --------------------------------------------------------------------------------------------
VARIANT_ZH = {
    "conventional_reforming": "常规蒸汽重整（天然气）", "excess_air_reforming": "过量空气重整（天然气）",
    "partial_oxidation": "部分氧化法", "nscr": "非选择性催化还原（NSCR）装置",
    "n2o_destruction": "工艺集成或尾气 N2O 分解装置", "atmospheric_pressure": "常压法装置",
    "medium_pressure": "中压燃烧法装置", "high_pressure": "高压法装置",
    "old_unoptimised": "未经优化的老装置", "recent_design": "新设计装置",
    "global_average_1978_1995": "1978–1995 年全球平均",
    "paper_textiles": "纸张/纺织物", "wood_straw": "木材/秸秆",
    "other_organic_garden": "其他（非食物）易腐有机物/园林垃圾",
    "food_sewage_sludge": "食物垃圾/污泥", "bulk_waste": "混合垃圾",
    "default": "缺省值（地上生物量，全部）", "tropical_subtropical": "热带和亚热带（各部分）",
    "temperate_boreal_broadleaf": "温带和北方：阔叶树", "temperate_boreal_conifer": "温带和北方：针叶树",
    "subtropical_humid_forest_agb_lt125_t_ha": "亚热带湿润森林，地上生物量 <125 t/ha",
    "subtropical_humid_forest_agb_gt125_t_ha": "亚热带湿润森林，地上生物量 >125 t/ha",
    "subtropical_dry_forest_agb_lt20_t_ha": "亚热带干旱森林，地上生物量 <20 t/ha",
    "subtropical_dry_forest_agb_gt20_t_ha": "亚热带干旱森林，地上生物量 >20 t/ha",
    "hardwoods_growing_stock_lt20_m3_ha": "阔叶树，蓄积量 <20 m³/ha",
    "conifers_growing_stock_lt20_m3_ha": "针叶树，蓄积量 <20 m³/ha",
    "hardwoods_21_40_m3_ha": "阔叶树，蓄积量 21–40 m³/ha",
    "conifers_21_40_m3_ha": "针叶树，蓄积量 21–40 m³/ha",
    "hardwoods_41_80_m3_ha": "阔叶树，蓄积量 41–80 m³/ha",
    "conifers_41_80_m3_ha": "针叶树，蓄积量 41–80 m³/ha",
    "hardwoods_gt80_m3_ha": "阔叶树，蓄积量 >80 m³/ha",
    "conifers_gt80_m3_ha": "针叶树，蓄积量 >80 m³/ha",
    "quercus_temperate_boreal": "栎属（温带/北方）", "populus_temperate_boreal": "杨属（温带/北方）",
    "pinus_sylvestris_temperate_boreal": "欧洲赤松（温带/北方）",
    "quercus_spp_tropical_asia": "栎属（热带亚洲）",
}
K_CLASS = {
    "Paper/textiles": "paper_textiles", "Wood/straw": "wood_straw",
    "Other (non-food) organic putrescible / garden and park waste": "other_organic_garden",
    "Food waste / sewage sludge": "food_sewage_sludge", "Bulk waste": "bulk_waste",
}


def slugify(text: str) -> str:
    text = text.lower().replace("<", " lt").replace(">", " gt")
    text = re.sub(r"(lt|gt)\s+", r"\1", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def ipcc_rule(row: dict[str, str]) -> tuple[str, str, str, str, str, str, float | None]:
    """(item, parameter, gas, unit, variant, variant_zh, value override) for one IPCC row."""
    p, en, zh, unit = row["parameter"], row["fuel_en"], row["fuel_zh"], row["unit"]
    slug = slugify(en)
    if p == "EF_clinker":
        return "cement_clinker", "co2_ef", "CO2", "tCO2/t", "", "", None
    if p == "CKD_correction_factor":
        return "cement_clinker", "ckd_correction", "", "dimensionless", "", "", None
    if p == "clinker_fraction_in_cement":
        v = "blended" if "blended" in en else "portland"
        label = "混合水泥（类型不明）" if v == "blended" else "基本为硅酸盐水泥"
        return "cement", "clinker_fraction", "", "%", v, label, None
    if p == "EF_lime":
        item = {"Lime (Tier 1 mix)": "lime", "High-calcium lime": "high_calcium_lime",
                "Hydraulic lime": "hydraulic_lime"}.get(en, "dolomitic_lime")
        variant = ""
        if item == "dolomitic_lime":
            variant = "developed" if "developed countries" in en and "developing" not in en else "developing"
        return item, "co2_ef", "CO2", "tCO2/t", variant, {"developed": "发达国家", "developing": "发展中国家"}.get(variant, ""), None
    if p == "LKD_correction_factor":
        return "lime", "lkd_correction", "", "dimensionless", "", "", None
    if p == "EF_glass":
        return "glass", "co2_ef", "CO2", "tCO2/t", "", "", None
    if p == "cullet_ratio":
        return "glass", "cullet_ratio", "", "dimensionless", "", "", None
    if p == "EF_carbonate":
        item = {"Calcite/aragonite CaCO3": "limestone", "Dolomite CaMg(CO3)2": "dolomite"}.get(en, "soda_ash")
        return item, "co2_ef", "CO2", "tCO2/t", "", "", None
    if p == "total_fuel_requirement":
        v = {"conventional": "conventional_reforming", "excess-air": "excess_air_reforming",
             "partial": "partial_oxidation"}
        key = next(k for k in v if k in en)
        return "ammonia", "fuel_requirement", "", "GJ/t", v[key], VARIANT_ZH[v[key]], None
    if p == "EF_ammonia":
        return "ammonia", "co2_ef", "CO2", "tCO2/t", "conventional_reforming", VARIANT_ZH["conventional_reforming"], None
    if p == "EF_N2O_nitric_acid":
        tech = en.split(" - ", 1)[1]
        v = ("nscr" if "NSCR" in tech else "n2o_destruction" if "destruction" in tech else
             "atmospheric_pressure" if "atmospheric" in tech else
             "medium_pressure" if "medium" in tech else "high_pressure")
        return "nitric_acid", "n2o_ef", "N2O", "kgN2O/t", v, VARIANT_ZH[v], None
    if p == "N2O_generation_factor":
        return "adipic_acid", "n2o_generation", "N2O", "kgN2O/t", "", "", None
    if p == "N2O_destruction_factor":
        return "adipic_acid", "n2o_destruction", "", "%", "catalytic", "催化分解", None
    if p == "abatement_system_utilisation_factor":
        return "adipic_acid", "abatement_utilisation", "", "%", "", "", None
    if p == "EF_HFC23_byproduct":
        tech = en.split(" - ", 1)[1]
        v = "old_unoptimised" if "old" in tech else "recent_design" if "recent" in tech else "global_average_1978_1995"
        return "hcfc22", "hfc23_ef", "HFC23", "kgHFC23/kg", v, VARIANT_ZH[v], None
    if p == "EF_enteric_CH4":
        item = item_of(zh.split("(")[0]) if zh not in ("奶牛(亚洲)", "非奶牛(亚洲)") else item_of(zh)
        v = "developed" if "developed" in en and "developing" not in en else (
            "developing" if "developing" in en else "asia")
        return item, "enteric_ch4_ef", "CH4", "kgCH4/head/yr", v, {"developed": "发达国家", "developing": "发展中国家", "asia": "亚洲"}[v], None
    if p == "EF_manure_CH4":
        return item_of(zh), "manure_ch4_ef", "CH4", "kgCH4/head/yr", "developing_temperate", "发展中国家、温带", None
    if p == "Nrate_N_excretion_rate":
        item = {"商品猪": "swine", "种猪": "swine", "马(含驴骡)": "horses"}.get(zh) or item_of(zh)
        v = {"商品猪": ("market", "商品猪"), "种猪": ("breeding", "种猪")}.get(zh, ("", ""))
        return item, "n_excretion_rate", "", "kgN/t/day", v[0], v[1], None
    if p == "EF3_direct_N2O_manure":
        return item_of(zh), "direct_n2o_ef", "N2O", "kgN2ON/kgN", "", "", None
    # Every Tier 1 managed-soil parameter belongs to the managed-soils item (3.C.4/3.C.5), so the
    # soil N2O method finds them all under one item; the parameter says which one it is.
    soils = {
        "EF1_direct_N2O": ("direct_n2o_ef", "N2O", "kgN2ON/kgN"),
        "EF1FR_direct_N2O": ("direct_n2o_ef_flooded_rice", "N2O", "kgN2ON/kgN"),
        "EF3PRP_CPP": ("direct_n2o_ef_prp_cpp", "N2O", "kgN2ON/kgN"),
        "EF3PRP_SO": ("direct_n2o_ef_prp_so", "N2O", "kgN2ON/kgN"),
        "EF4_indirect_N2O": ("indirect_n2o_ef_deposition", "N2O", "kgN2ON/kgN"),
        "EF5_indirect_N2O": ("indirect_n2o_ef_leaching", "N2O", "kgN2ON/kgN"),
        "FracGASF": ("frac_gasf", "", "dimensionless"),
        "FracGASM": ("frac_gasm", "", "dimensionless"),
        "FracLEACH-(H)": ("frac_leach", "", "dimensionless"),
    }
    if p in soils:
        parameter, gas, unit_ = soils[p]
        return "managed_soils", parameter, gas, unit_, "", "", None
    if p == "EFc_baseline_CH4":
        return "rice", "ch4_ef_baseline", "CH4", "kgCH4/ha/day", "", "", None
    if p in ("SFw_scaling_factor", "SFp_scaling_factor", "CFOA_conversion_factor"):
        parameter = {"SFw_scaling_factor": "sf_water", "SFp_scaling_factor": "sf_preseason",
                     "CFOA_conversion_factor": "cfoa"}[p]
        label = en.split(": ", 1)[1]
        variant = slugify(label)
        return "rice", parameter, "", "dimensionless", variant, zh.split("-", 1)[1], None
    if p == "DOC_wet_weight":
        return item_of(zh) if zh != "木材" else "wood_waste", "doc", "", "%", "", "", None
    if p == "k_methane_generation_rate":
        variant = K_CLASS[en]
        return "landfill", "k", "", "1/yr", variant, VARIANT_ZH[variant], None
    if p == "MCF_SWDS":
        variant = slugify(en.split("(")[0])
        return "landfill", "mcf", "", "dimensionless", variant, zh.split("-", 1)[1], None
    if p == "DOCf":
        return "landfill", "docf", "", "dimensionless", "", "", None
    if p == "F":
        return "landfill", "f_ch4", "", "dimensionless", "", "", None
    if p == "OX":
        v = "covered_oxidising" if "covered with" in en else "uncovered"
        return "landfill", "ox", "", "dimensionless", v, {"covered_oxidising": "有甲烷氧化覆盖层", "uncovered": "无覆盖/非管理型"}[v], None
    if p == "delay_time":
        return "landfill", "delay_time", "", "month", "", "", None
    if p in ("dm_dry_matter_content", "CF_total_carbon_content", "FCF_fossil_carbon_fraction"):
        parameter = {"dm_dry_matter_content": "dry_matter", "CF_total_carbon_content": "carbon_content",
                     "FCF_fossil_carbon_fraction": "fossil_carbon_fraction"}[p]
        return item_of(zh) if zh != "木材" else "wood_waste", parameter, "", "%", "", "", None
    if p == "OF_oxidation_factor":
        return ("open_burning" if "Open" in en else "waste_incineration"), "oxidation", "", "%", "", "", None
    if p == "EF_N2O" and zh == "焚烧":
        v = {"MSW - continuous and semi-continuous incinerators": ("msw_continuous", "生活垃圾-连续/半连续焚烧炉"),
             "MSW - batch-type incinerators": ("msw_batch", "生活垃圾-间歇式焚烧炉"),
             "Industrial waste - all incinerators": ("industrial_waste", "工业固废"),
             "Sewage sludge incineration": ("sewage_sludge", "污泥")}[en]
        return "waste_incineration", "n2o_ef", "N2O", "gN2O/t", v[0], v[1], None
    if p == "EF_N2O":
        return "open_burning", "n2o_ef", "N2O", "gN2O/t", "msw", "生活垃圾", None
    if p == "EF_CH4":
        return "open_burning", "ch4_ef", "CH4", "gCH4/t", "msw", "生活垃圾", None
    if p == "Bo_max_CH4_producing_capacity":
        return ("domestic_wastewater" if "BOD" in unit else "industrial_wastewater"), "bo", "CH4", "kgCH4/kg", "", "", None
    if p == "BOD_per_capita":
        return "domestic_wastewater", "bod_per_capita", "", "g/person/day", "asia", "亚洲、中东、拉美", None
    if p == "MCF_domestic_wastewater":
        variant = slugify(en)
        return "domestic_wastewater", "mcf", "", "dimensionless", variant, zh.split("-", 1)[1], None
    if p == "EF_N2O_effluent":
        return "wastewater_n", "n2o_ef_effluent", "N2O", "kgN2ON/kgN", "", "", None
    if p == "EF_N2O_plant":
        return "wastewater_n", "n2o_ef_plant", "N2O", "gN2O/person/yr", "advanced_centralised", "集中式高级处理厂", None
    if p == "F_NON-CON":
        v = "developing" if "developing" in en else "developed"
        return "wastewater_n", "f_non_con", "", "dimensionless", v, {"developing": "发展中国家", "developed": "发达国家"}[v], None
    if p == "F_IND-COM":
        return "wastewater_n", "f_ind_com", "", "dimensionless", "", "", None
    if p == "F_NPR":
        return "wastewater_n", "f_npr", "", "kgN/kg", "", "", None
    if p == "CF_carbon_fraction":
        v = ("default" if "all (default)" in en else "tropical_subtropical" if "tropical" in en else
             "temperate_boreal_broadleaf" if "broad" in en else "temperate_boreal_conifer")
        return "forest", "carbon_fraction", "", "tC/t", v, VARIANT_ZH[v], None
    if p == "R_root_to_shoot":
        return "forest", "root_to_shoot", "", "dimensionless", slug, VARIANT_ZH[slug], None
    if p == "BCEF_S_growing_stock":
        return "forest", "bcef_s", "", "t/m**3", slug, VARIANT_ZH[slug], None
    if p == "wood_density_D":
        return "forest", "wood_density", "", "t/m**3", slug, VARIANT_ZH[slug], None
    raise SystemExit(f"no rule for IPCC row {row['_ref']} ({p})")
