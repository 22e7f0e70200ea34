"""The demo data's generation model: variables, parameters, regional weights, anchors and logins.

Everything here is a parameter of the documented model (`docs/demo-model.md`); `calc.py` turns it
into numbers.  Every figure is synthetic — an illustrative level or weight chosen to look like a
Chinese coastal province — except the anchors in ``anchors.csv``, which the five seed plans state,
and the standard-coal coefficients, which carry their source.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tanzhi.kernel import TCE_PER_100M_KWH_PER_KGCE_PER_KWH

YEARS: tuple[int, ...] = tuple(range(2015, 2026))
DEMO_SEED = 20210501
SYNTHETIC_DATASET = "demo"
ANCHORS_FILE = Path(__file__).with_name("anchors.csv")

PROVINCE = "330000"
# The 11 设区市 in GB/T 2260 order; every per-city tuple below follows this order.
CITIES = ("330100", "330200", "330300", "330400", "330500", "330600",
          "330700", "330800", "330900", "331000", "331100")
HANGZHOU, JIAXING, SHAOXING, TAIZHOU = "330100", "330400", "330600", "331000"


@dataclass(frozen=True)
class Fuel:
    """A fuel of the energy balance, its physical unit and standard-coal coefficient."""

    item: str
    name_en: str
    unit: str
    tce_per_unit: float  # 万吨标准煤 per one `unit`


# 折标准煤系数 from the GB/T 2589-2008 Annex A / China Energy Statistical Yearbook list (raw coal
# 0.7143, coke 0.9714, crude and fuel oil 1.4286, gasoline and kerosene 1.4714, diesel 1.4571, LPG
# 1.7143 kgce/kg) and the energy-statistics reporting form (natural gas 12.1430 tce per 10^4 m3;
# heat 0.0341 tce/GJ), as compiled in reference/factors/fossil_fuels.csv (confidence S: one check
# against GB/T 2589-2020 Table A.1 still due).  Per 万吨 the kgce/kg figure is also 万tce per 万t.
# The demo's synthetic coal rate of thermal power (kgce/kWh), held for every year: the energy-
# statistics reporting form's figure, packaged as cn-energy-reporting/electricity/
# standard_coal_coefficient_generation (tests/demo check they agree).  The demo writes it as the
# statistic thermal_coal_rate, so consumers convert electricity through tanzhi.kernel.coal_rate
# (statistic first, national series otherwise; issue #9) exactly as this synthetic balance did.
DEMO_COAL_RATE = 0.404
ELECTRICITY_TCE = DEMO_COAL_RATE * TCE_PER_100M_KWH_PER_KGCE_PER_KWH  # 万tce per 亿kWh
FUELS: dict[str, Fuel] = {f.item: f for f in (
    Fuel("原煤", "raw coal", "万吨", 0.7143),
    Fuel("焦炭", "coke", "万吨", 0.9714),
    Fuel("原油", "crude oil", "万吨", 1.4286),
    Fuel("汽油", "gasoline", "万吨", 1.4714),
    Fuel("煤油", "kerosene", "万吨", 1.4714),
    Fuel("柴油", "diesel", "万吨", 1.4571),
    Fuel("燃料油", "fuel oil", "万吨", 1.4286),
    Fuel("液化石油气", "LPG", "万吨", 1.7143),
    Fuel("天然气", "natural gas", "亿立方米", 12.143),
    Fuel("电力", "electricity", "亿千瓦时", ELECTRICITY_TCE),
    Fuel("热力", "heat", "TJ", 0.00341),
)}
# Primary and traded electricity enter total energy at DEMO_COAL_RATE (a generation-coal-rate
# basis, fossil_fuels.csv, confidence S) — provisional: the statistical bureau uses each year's
# actual thermal coal rate, which is lower; real data give it as the statistic thermal_coal_rate.
THERMAL_INPUT = 3.0     # 万tce of fuel per 亿kWh of thermal power (300 gce/kWh; synthetic)
HEAT_EFFICIENCY = 0.85  # heat delivered per heat of fuel in heating plants (synthetic)
TJ_PER_WAN_TCE = 293.076  # GB/T 2589 §3: 1 kgce = 29.3076 MJ
GRID_LOSS = 0.055       # line losses and own use per unit of final electricity (synthetic)

Cell = tuple[str, str, str]  # (variable, sector, item)

# Energy groups of the calibration, in 万tce; FI (fossil electricity net inflow) is the residual.
GROUPS = ("coal", "coke", "oil", "gas", "nonfossil")
# Each group's cells with their within-group tce weights in 2015 and 2025 (linear in between).
GROUP_CELLS: dict[str, dict[Cell, tuple[float, float]]] = {
    "coal": {
        ("energy_transformation", "power", "原煤"): (0.60, 0.66),
        ("energy_transformation", "heat", "原煤"): (0.12, 0.15),
        ("energy_final", "industry", "原煤"): (0.23, 0.17),
        ("energy_final", "agriculture", "原煤"): (0.006, 0.002),
        ("energy_final", "commercial", "原煤"): (0.018, 0.004),
        ("energy_final", "residential", "原煤"): (0.026, 0.004),
    },
    "coke": {("energy_final", "industry", "焦炭"): (1.0, 1.0)},
    "oil": {
        ("energy_final", "industry", "原油"): (0.08, 0.07),
        ("energy_final", "industry", "汽油"): (0.01, 0.008),
        ("energy_final", "industry", "柴油"): (0.05, 0.035),
        ("energy_final", "industry", "燃料油"): (0.04, 0.02),
        ("energy_final", "industry", "液化石油气"): (0.03, 0.03),
        ("energy_final", "agriculture", "汽油"): (0.004, 0.004),
        ("energy_final", "agriculture", "柴油"): (0.03, 0.025),
        ("energy_final", "construction", "汽油"): (0.008, 0.007),
        ("energy_final", "construction", "柴油"): (0.03, 0.028),
        ("energy_final", "transport", "汽油"): (0.20, 0.20),
        ("energy_final", "transport", "柴油"): (0.25, 0.23),
        ("energy_final", "transport", "煤油"): (0.07, 0.10),
        ("energy_final", "transport", "燃料油"): (0.08, 0.09),
        ("energy_final", "transport", "液化石油气"): (0.006, 0.003),
        ("energy_final", "commercial", "汽油"): (0.02, 0.02),
        ("energy_final", "commercial", "柴油"): (0.01, 0.008),
        ("energy_final", "commercial", "液化石油气"): (0.02, 0.018),
        ("energy_final", "residential", "汽油"): (0.06, 0.10),
        ("energy_final", "residential", "液化石油气"): (0.05, 0.035),
        ("energy_transformation", "power", "燃料油"): (0.004, 0.002),
    },
    "gas": {
        ("energy_final", "industry", "天然气"): (0.45, 0.40),
        ("energy_transformation", "power", "天然气"): (0.28, 0.30),
        ("energy_transformation", "heat", "天然气"): (0.04, 0.06),
        ("energy_final", "residential", "天然气"): (0.11, 0.12),
        ("energy_final", "commercial", "天然气"): (0.07, 0.08),
        ("energy_final", "transport", "天然气"): (0.05, 0.04),
    },
}
ELECTRICITY_FINAL: dict[str, tuple[float, float]] = {
    "agriculture": (0.012, 0.010), "industry": (0.735, 0.670), "construction": (0.012, 0.012),
    "transport": (0.018, 0.040), "commercial": (0.108, 0.135), "residential": (0.115, 0.133)}
# County tilt of the electricity split by sector: (core district, other district, county).
ELECTRICITY_KIND_TILT: dict[str, tuple[float, float, float]] = {
    "agriculture": (0.1, 0.8, 2.0), "industry": (0.5, 1.0, 1.0),
    "commercial": (2.0, 1.2, 0.8), "residential": (1.5, 1.0, 1.0)}
HEAT_FINAL: dict[str, tuple[float, float]] = {
    "industry": (0.92, 0.88), "commercial": (0.05, 0.07), "residential": (0.03, 0.05)}
# 原煤 cells counted as 规上工业煤炭 (Shaoxing's anchor): industry plus power and heat plants.
INDUSTRIAL_COAL: tuple[Cell, ...] = (
    ("energy_final", "industry", "原煤"), ("energy_transformation", "power", "原煤"),
    ("energy_transformation", "heat", "原煤"))
NONFOSSIL_ITEMS = ("水电", "核电", "风电", "太阳能发电", "生物质发电")

# City tilts of within-group weights (default 1): where power plants, refineries, ports sit.
CITY_CELL_TILT: dict[Cell, dict[str, float]] = {
    ("energy_transformation", "power", "原煤"): {
        "330100": 0.45, "330200": 1.3, "330400": 1.2, "330600": 0.3, "330700": 0.8,
        "331000": 1.3, "331100": 0.2},
    ("energy_transformation", "heat", "原煤"): {"330100": 1.5, "330400": 1.5, "330600": 3.0},
    ("energy_final", "industry", "原煤"): {"330500": 1.5, "330800": 2.0},
    ("energy_final", "industry", "原油"): {"default": 0.05, "330200": 4.0, "330900": 8.0},
    ("energy_final", "transport", "燃料油"): {"default": 0.6, "330200": 2.5, "330900": 4.0},
    ("energy_final", "transport", "煤油"): {
        "default": 0.4, "330100": 2.0, "330200": 1.2, "330300": 1.2, "330400": 0.05,
        "330500": 0.05, "330600": 0.05},
    ("energy_transformation", "power", "天然气"): {
        "330100": 1.5, "330200": 1.3, "330600": 0.5, "330800": 0.3, "330900": 0.5, "331100": 0.1},
}

# Relative city weights per profile (synthetic, in the order of CITIES).
CITY_WEIGHTS: dict[str, tuple[float, ...]] = {
    "population": (1194, 940, 957, 540, 337, 527, 705, 228, 116, 662, 251),
    "gdp": (16100, 12400, 6870, 5510, 3200, 6000, 4700, 1640, 1510, 5260, 1540),
    "primary": (326, 335, 160, 125, 140, 209, 148, 90, 150, 300, 107),
    "tertiary": (10960, 6080, 3900, 2520, 1600, 2900, 2750, 890, 760, 2670, 890),
    "energy": (18, 21, 8, 9, 6, 10, 7, 4.5, 4, 6.5, 2),
    "coal": (8, 30, 8, 14, 9, 6.5, 5, 6, 5, 9, 0.8),
    "coke": (1, 4, 1, 1, 1.5, 1, 1, 2.5, 0.2, 1, 0.5),
    "oil": (14, 26, 9, 7, 3.5, 6, 7, 2.5, 12, 7, 2.5),
    "gas": (20, 20, 6, 10, 5, 13, 6, 3, 4, 5, 1.5),
    "hydro": (25, 3, 10, 0.1, 2, 3, 7, 10, 0.1, 5, 35),
    "wind": (15, 20, 15, 8, 2, 2, 3, 2, 20, 18, 5),
    "solar": (14, 13, 8, 16, 9, 10, 11, 5, 2, 9, 4),
    "clinker": (10, 3, 1, 0.5, 30, 6, 10, 18, 0.1, 3, 2),
    "lime": (5, 2, 2, 1, 10, 3, 6, 10, 0.2, 2, 3),
    "glass": (4, 2, 0.5, 5, 10, 4, 1, 0.5, 0.1, 1, 0.2),
    "ammonia": (3, 2, 0.5, 1, 0.5, 3, 1, 10, 0, 0.5, 0),
    "nitric": (2, 5, 0.5, 2, 0.5, 5, 1, 10, 0, 1, 0),
    "hcfc22": (0, 0, 0, 0, 0, 0, 2, 10, 0, 0, 0),
    "none": (0,) * 11,
    "rice": (10, 12, 11, 18, 10, 11, 12, 9, 1, 12, 7),
    "dairy": (25, 15, 5, 10, 5, 8, 15, 5, 1, 6, 5),
    "cattle": (8, 6, 10, 3, 3, 6, 15, 12, 1, 10, 15),
    "buffalo": (5, 5, 15, 1, 3, 5, 15, 10, 1, 15, 20),
    "sheep": (15, 5, 5, 25, 30, 5, 5, 3, 1, 3, 3),
    "pigs": (10, 7, 6, 12, 5, 6, 15, 14, 1, 9, 5),
    "poultry": (12, 10, 8, 14, 10, 8, 14, 8, 2, 9, 5),
    "fertiliser": (12, 12, 10, 15, 9, 10, 12, 8, 2, 12, 7),
    "forest_area": (1689, 660, 1170, 30, 440, 670, 1000, 1000, 90, 850, 2050),
    "forest_stock": (6500, 2000, 3500, 200, 1500, 2200, 3500, 4500, 300, 3000, 9500),
    "wetland": (8, 16, 15, 5, 5, 5, 3, 3, 12, 18.6, 3),
    "industry": (4800, 5700, 2900, 2900, 1600, 2700, 1800, 700, 500, 2300, 600),
}
# City urbanisation rates relative to the province, percentage points (synthetic).
URBAN_OFFSET = (12.0, 7.0, 1.0, -0.5, -5.0, -0.5, -2.0, -13.0, 2.0, -7.5, -8.0)
URBAN_KIND_OFFSET = (15.0, 5.0, -8.0)  # county rate vs its city: core district, district, county
CITY_PROFILE = {"msw": "population"}  # profiles that borrow another profile's city weights

# County profiles: multipliers for core urban districts, other districts (区) and counties
# (县, 县级市), then named plants or resources (GB/T 2260 codes) and the weight of the rest.
CORE_DISTRICTS = frozenset({
    "330102", "330105", "330106", "330108", "330203", "330205", "330302", "330402", "330502",
    "330602", "330702", "330802", "331002", "331102"})
COUNTY_TYPE: dict[str, tuple[float, float, float]] = {
    "population": (1.5, 1.3, 1.0), "tertiary": (3.5, 1.8, 1.0), "industry": (0.4, 1.4, 1.0),
    "agri": (0.05, 0.8, 1.6), "forest": (0.05, 0.7, 2.5), "transport": (1.6, 1.4, 1.0),
    "demand": (1.2, 1.5, 1.0), "solar": (0.6, 1.2, 1.0), "wetland": (0.3, 1.0, 1.2),
}
COUNTY_SPECIALS: dict[str, tuple[dict[str, float], float]] = {
    # 电厂: 北仑, 镇海, 宁海, 乐清, 龙湾, 平湖 (嘉兴电厂), 长兴, 萧山, 兰溪, 衢江, 定海, 椒江, 玉环
    "power_plant": ({"330206": 20, "330211": 8, "330226": 10, "330382": 8, "330303": 4,
                     "330482": 10, "330522": 8, "330109": 3, "330781": 5, "330803": 4,
                     "330902": 3, "331002": 5, "331083": 8, "330604": 2, "330603": 2}, 0.05),
    "heat": ({"330603": 4, "330604": 2.5, "330109": 2, "330481": 2, "330483": 2,
              "330110": 1.5}, 1.0),
    "petrochem": ({"330211": 30, "330921": 20, "330206": 5, "330604": 1}, 0.01),
    "port": ({"330206": 10, "330902": 4, "330903": 4, "330921": 4, "330211": 2,
              "330303": 2, "331002": 2}, 0.2),
    "airport": ({"330109": 20, "330212": 8, "330303": 8, "331004": 4, "330782": 4,
                 "330903": 2, "330803": 2}, 0.02),
    "hydro": ({"330127": 20, "330182": 5, "330122": 5, "331121": 8, "331125": 5, "331127": 4,
               "331181": 3, "331123": 3, "330328": 3, "330329": 3, "330824": 2, "330881": 2,
               "331023": 2, "331024": 2, "330683": 1}, 0.05),
    "wind": ({"330225": 5, "330226": 3, "330921": 5, "330922": 5, "330903": 4, "330327": 4,
              "330326": 3, "330305": 4, "331083": 4, "331081": 3, "331082": 3, "331022": 3,
              "330424": 3, "330482": 2, "330282": 3}, 0.05),
    "cement": ({"330111": 4, "330182": 4, "330122": 3, "330522": 8, "330523": 5, "330502": 2,
                "330781": 5, "330881": 5, "330822": 5, "330681": 2, "330624": 2, "331082": 2,
                "331122": 1, "330226": 1, "330324": 1}, 0.0),
    "lime": ({"330522": 4, "330523": 3, "330881": 4, "330822": 4, "330781": 3, "330182": 3,
              "330111": 2}, 0.1),
    "glass": ({"330522": 10, "330604": 4, "330109": 3, "330482": 3, "330206": 2}, 0.0),
    "ammonia": ({"330803": 10, "330604": 5, "330211": 4, "330109": 2, "330482": 1}, 0.0),
    "nitric": ({"330803": 10, "330604": 5, "330211": 5, "330482": 2, "330109": 1}, 0.0),
    # HCFC-22: 衢州 and 武义 chemical parks (synthetic sites)
    "hcfc22": ({"330803": 10, "330723": 10}, 0.0),
    "sheep": ({"330502": 3, "330503": 4, "330522": 3, "330521": 2, "330481": 3,
               "330483": 3}, 1.0),
}
# Which county profile allocates each cell or series; "demand" also carries electricity.
CELL_COUNTY_PROFILE: dict[tuple[str, str], str] = {
    ("energy_transformation", "power"): "power_plant",
    ("energy_transformation", "heat"): "heat",
    ("energy_final", "industry"): "industry", ("energy_final", "agriculture"): "agri",
    ("energy_final", "construction"): "tertiary", ("energy_final", "transport"): "transport",
    ("energy_final", "commercial"): "tertiary", ("energy_final", "residential"): "population",
}
CELL_COUNTY_OVERRIDE: dict[Cell, str] = {
    ("energy_final", "industry", "原油"): "petrochem",
    ("energy_final", "transport", "燃料油"): "port",
    ("energy_final", "transport", "煤油"): "airport",
}


@dataclass(frozen=True)
class SeriesSpec:
    """A non-energy series: province levels in 2015/2020/2025 and its city and county profiles."""

    variable: str
    item: str
    unit: str
    points: tuple[float, float, float]
    city_profile: str
    county_profile: str


NON_ENERGY: tuple[SeriesSpec, ...] = (
    SeriesSpec("industrial_output", "水泥熟料", "万吨", (9000, 8800, 8000), "clinker", "cement"),
    SeriesSpec("industrial_output", "石灰", "万吨", (800, 700, 600), "lime", "lime"),
    SeriesSpec("industrial_output", "平板玻璃", "万吨", (300, 330, 340), "glass", "glass"),
    SeriesSpec("industrial_output", "合成氨", "万吨", (60, 45, 40), "ammonia", "ammonia"),
    SeriesSpec("industrial_output", "硝酸", "万吨", (40, 45, 45), "nitric", "nitric"),
    # No adipic-acid plant in the demo province: explicit zeros, so an inventory finds "none".
    SeriesSpec("industrial_output", "己二酸", "万吨", (0, 0, 0), "none", "industry"),
    SeriesSpec("industrial_output", "HCFC-22", "t", (60000, 70000, 55000), "hcfc22", "hcfc22"),
    SeriesSpec("crop_area", "水稻", "万亩", (1270, 1500, 1550), "rice", "agri"),
    SeriesSpec("livestock", "奶牛", "万头", (4.5, 4.0, 4.2), "dairy", "agri"),
    SeriesSpec("livestock", "其他牛", "万头", (15, 12, 13), "cattle", "agri"),
    SeriesSpec("livestock", "水牛", "万头", (3, 2.5, 2.2), "buffalo", "agri"),
    SeriesSpec("livestock", "羊", "万只", (150, 130, 120), "sheep", "sheep"),
    SeriesSpec("livestock", "猪", "万头", (1100, 630, 700), "pigs", "agri"),
    SeriesSpec("livestock", "家禽", "万只", (9000, 8000, 7500), "poultry", "agri"),
    SeriesSpec("fertiliser", "氮肥(折纯)", "万吨", (50, 42, 38), "fertiliser", "agri"),
    SeriesSpec("forest_area", "", "万亩", (9100, 9150, 9180), "forest_area", "forest"),
    SeriesSpec("forest_stock", "", "万立方米", (29000, 37500, 44000), "forest_stock", "forest"),
    SeriesSpec("wetland_area", "", "万公顷", (99, 100, 101), "wetland", "wetland"),
    SeriesSpec("wastewater_cod", "生活", "万吨", (55, 45, 38), "population", "population"),
    SeriesSpec("wastewater_cod", "工业", "万吨", (20, 12, 9), "industry", "industry"),
)
MSW_TOTAL = (1500.0, 1650.0, 1750.0)  # 万吨 of household waste disposed
# Disposal shares 2015/2020/2025; "其他" (biological treatment, composting) is the remainder.
MSW_SHARES: dict[str, tuple[float, float, float]] = {
    "填埋": (0.55, 0.12, 0.02), "焚烧": (0.40, 0.682, 0.78)}

# Province paths (synthetic levels; growth shapes only — anchors fix the levels).
POPULATION_2015 = 5539.0  # 万人
POPULATION_GROWTH = (3.15, 3.15, 3.15, 3.15, 3.15, 1.1, 0.6, 0.8, 0.6, 0.5)  # %/yr 2016–2025
URBAN_2025 = 75.0
GDP_2020 = 64613.0  # 亿元, current prices
NOMINAL_GROWTH = (7.8, 10.8, 9.9, 8.6, 3.9, 14.0, 6.0, 5.5, 5.0, 5.0)  # %/yr 2016–2025
INFLATION = (1.2, 2.9, 2.6, 1.6, 0.3, 2.5, 1.8, 0.2, 0.5, 0.8)  # GDP deflator, %/yr 2016–2025
VA_SHARES = {"primary": (4.3, 3.3, 2.9), "tertiary": (49.8, 55.8, 58.5)}  # % of GDP
INDUSTRY_IN_SECONDARY = (0.88, 0.87, 0.86)
ENERGY_GROWTH = (2.0, 3.5, 3.0, 2.8, 1.5, 6.5, 2.5, 3.0, 2.5, 2.0)  # %/yr 2016–2025 (shape)
GROUP_SHARES = {  # share of total energy, 2015/2020/2025
    "coal": (0.46, 0.39, 0.33), "coke": (0.012, 0.010, 0.008), "oil": (0.19, 0.185, 0.17),
    "gas": (0.045, 0.075, 0.095), "nonfossil": (0.16, 0.20, 0.245)}
NONFOSSIL_GENERATION = {  # 亿kWh, province, 2015/2020/2025 (nuclear is per site below)
    "水电": (200, 210, 215), "风电": (20, 45, 150), "太阳能发电": (8, 120, 400),
    "生物质发电": (55, 95, 120)}
NONFOSSIL_PROFILE = {"水电": "hydro", "风电": "wind", "太阳能发电": "solar",
                     "生物质发电": "population"}
# Nuclear stations by county: 海盐 (秦山, 方家山) and 三门 (from 2018); 亿kWh, synthetic output.
NUCLEAR_SITES: dict[str, dict[int, float]] = {
    "330424": {2015: 400, 2020: 470, 2025: 480},
    "331022": {2017: 0, 2018: 100, 2019: 200, 2025: 210},
}
NOISE = {"province": 0.006, "city": 0.02, "county": 0.03}  # σ of the smooth log-noise
NOISE_PERSISTENCE = 0.7


@dataclass(frozen=True)
class Anchor:
    """A figure a seed plan states, with how the demo reproduces (or deliberately skips) it."""

    id: str
    region_code: str
    year: int
    base_year: int | None
    metric: str
    qualifier: str
    value: float
    unit: str
    op: str
    tolerance: float
    param: float | None
    status: str  # enforced | reference | not_used
    seed_file: str
    locator: str
    quote: str
    note: str

    @property
    def dataset(self) -> str:
        """Dataset name of the rows stating this figure, e.g. ``seed:003_46e059fa6ebfa811``."""
        return "seed:" + Path(self.seed_file).stem


@lru_cache(maxsize=1)
def anchors() -> tuple[Anchor, ...]:
    """The packaged anchors (``anchors.csv``: one row per seed figure considered)."""
    with ANCHORS_FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Anchor(
                id=r["id"], region_code=r["region_code"], year=int(r["year"]),
                base_year=int(r["base_year"]) if r["base_year"] else None,
                metric=r["metric"], qualifier=r["qualifier"], value=float(r["value"]),
                unit=r["unit"], op=r["op"], tolerance=float(r["tolerance"] or 0),
                param=float(r["param"]) if r["param"] else None, status=r["status"],
                seed_file=r["seed_file"], locator=r["locator"], quote=r["quote"],
                note=r["note"],
            )
            for r in csv.DictReader(fh)
        )


def anchor(anchor_id: str) -> Anchor:
    """One anchor by id (KeyError if the id is unknown: a programming error)."""
    for a in anchors():
        if a.id == anchor_id:
            return a
    raise KeyError(anchor_id)


@dataclass(frozen=True)
class DemoUser:
    """A demo login."""

    username: str
    role: str
    display_name: str
    region_code: str | None = None
    department: str | None = None
    enterprise_id: str | None = None


# One shared, documented password: the demo is for trying the platform, never for production.
DEMO_PASSWORD = "tanzhi-demo"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("zj.admin", "province_admin", "浙江省生态环境厅（演示）", "330000"),
    DemoUser("hz.city", "city_officer", "杭州市生态环境局（演示）", "330100"),
    DemoUser("jx.city", "city_officer", "嘉兴市生态环境局（演示）", "330400"),
    DemoUser("sx.city", "city_officer", "绍兴市生态环境局（演示）", "330600"),
    DemoUser("tz.city", "city_officer", "台州市生态环境局（演示）", "331000"),
    DemoUser("kq.county", "county_officer", "绍兴市生态环境局柯桥分局（演示）", "330603"),
    DemoUser("zj.fgw", "department_officer", "省发展改革委（演示）", "330000",
             "development_reform"),
    DemoUser("zj.jingxin", "department_officer", "省经信厅（演示）", "330000", "economy_it"),
    DemoUser("zj.jianshe", "department_officer", "省建设厅（演示）", "330000",
             "housing_construction"),
    DemoUser("zj.jiaotong", "department_officer", "省交通运输厅（演示）", "330000", "transport"),
    DemoUser("zj.linye", "department_officer", "省林业局（演示）", "330000", "forestry"),
    # Enterprise reporters and verifiers of the synthetic enterprises (tanzhi.enterprise's
    # DEMO_ENTERPRISES, issue #12 item 6): one reporter per enterprise, two verifier agencies.
    DemoUser("ent.reporter", "enterprise_reporter", "柯桥演示印染填报员", None, None,
             "91330603MA2DM00015"),
    DemoUser("ent.cement", "enterprise_reporter", "长兴演示水泥填报员", None, None,
             "91330522MA2DM0002K"),
    DemoUser("ent.paper", "enterprise_reporter", "海宁演示纸业填报员", None, None,
             "91330481MA2DM00030"),
    DemoUser("ent.ceramic", "enterprise_reporter", "黄岩演示陶瓷填报员", None, None,
             "91331003MA2DM0004U"),
    DemoUser("verifier", "verifier", "演示核查机构甲"),
    DemoUser("verifier.b", "verifier", "演示核查机构乙"),
    DemoUser("analyst", "analyst", "演示分析人员", "330000"),
    DemoUser("citizen", "citizen", "演示公众用户"),
)
