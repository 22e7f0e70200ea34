"""Statistics → ACTIVITY rows: each demo statistics series (docs/demo-model.md) mapped to an
IPCC 2006 category and a factor-library item, with the choice behind each mapping.

Sector mapping follows the provincial guideline's energy chapter (省级温室气体清单编制指南（试行）
2011, 能源活动: 能源生产与加工转换, 工业和建筑业, 交通运输, 服务业, 居民生活, 农业) expressed in
IPCC 2006 codes (Vol.2 Ch.8 Table 8.2).  Final use of electricity and heat is secondary energy
and not combustion; it is not mapped (heat plants' fuel is in 1.A.1.a.iii, electricity enters
the energy-CO2 calibre as net imports).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY
from tanzhi.kernel import read_statistics

# energy_final sector → IPCC category.  Construction goes with industry as the guideline's
# 工业和建筑业 does (IPCC 1.A.2.k sits under 1.A.2); commercial = 服务业 → 1.A.4.a.
FINAL_SECTOR_CATEGORY = {
    "industry": "1.A.2",
    "construction": "1.A.2.k",
    "agriculture": "1.A.4.c",
    "commercial": "1.A.4.a",
    "residential": "1.A.4.b",
}
# Transport fuels by mode (the statistics give fuel, not mode): kerosene is burnt at airports
# (→ domestic aviation), fuel oil at ports (→ domestic navigation), the rest on roads.  The
# international share (bunkers, memo 1.A.3.a.i / 1.A.3.d.i) is not separable in the
# statistics: it is included in the domestic rows, reported IE.
TRANSPORT_CATEGORY = {
    "煤油": "1.A.3.a.ii",
    "燃料油": "1.A.3.d.ii",
}
TRANSPORT_DEFAULT = "1.A.3.b"
TRANSFORMATION_CATEGORY = {"power": "1.A.1.a.i", "heat": "1.A.1.a.iii"}
FUEL_ITEM = {
    "原煤": "raw_coal", "焦炭": "coke", "原油": "crude_oil", "汽油": "gasoline",
    "煤油": "kerosene", "柴油": "diesel", "燃料油": "fuel_oil", "液化石油气": "lpg",
    "天然气": "natural_gas",
}
NOT_COMBUSTION = frozenset({"电力", "热力"})
# industrial_output item → (category, item, variant).  Variants where the factor library holds
# several technology defaults and the statistics give no plant data: the highest Tier 1 default
# (conservative, IPCC 2006 Vol.3 §3.3.2.2 nitric acid; §3.10.2.2 HCFC-22 unoptimised plants).
INDUSTRY_MAP = {
    "水泥熟料": ("2.A.1", "cement_clinker", ""),
    "石灰": ("2.A.2", "lime", ""),
    "平板玻璃": ("2.A.3", "glass", ""),
    "合成氨": ("2.B.1", "ammonia", "conventional_reforming"),
    "硝酸": ("2.B.2", "nitric_acid", "high_pressure"),
    "己二酸": ("2.B.3", "adipic_acid", ""),
    "HCFC-22": ("2.B.9.a", "hcfc22", "old_unoptimised"),
}
# 羊 is counted as sheep (湖羊 dominate Zhejiang's flock; sheep and goats share the Tier 1
# enteric factor of 5 kg CH4/head/yr, IPCC 2006 Vol.4 Table 10.10).
LIVESTOCK_ITEM = {
    "奶牛": "dairy_cattle", "其他牛": "other_cattle", "水牛": "buffalo", "猪": "swine",
    "羊": "sheep", "家禽": "poultry",
}
# Rice water regime unknown → IPCC 2006 Vol.4 Table 5.12 "irrigated, aggregated case".
RICE_ITEM = "irrigated_aggregated_case"
WASTE_MAP = {"填埋": ("4.A.1", "msw"), "焚烧": ("4.C.1", "msw")}
COD_MAP = {"生活": ("4.D.1", "domestic_cod"), "工业": ("4.D.2", "industrial_cod")}

STATISTIC_VARIABLES = ("energy_final", "energy_transformation", "electricity",
                       "industrial_output", "crop_area", "livestock", "fertiliser",
                       "forest_stock", "wetland_area", "waste_msw", "wastewater_cod")

# Engine variant choices for the statistics calibre (InventoryOptions.variants): China is a
# developing-country region for IPCC Tier 1 livestock defaults (Vol.4 Tables 10.10-10.11, Asia
# for cattle); Zhejiang's annual mean temperature (≈17 °C) is the "temperate" manure class
# (15-25 °C, Table 10.14); managed anaerobic landfills, uncovered (Vol.5 Tables 3.1, 3.2).
STATISTICS_VARIANTS = {
    "swine/EF_enteric_CH4": "developing", "sheep/EF_enteric_CH4": "developing",
    "goats/EF_enteric_CH4": "developing", "buffalo/EF_enteric_CH4": "developing",
    "dairy_cattle/EF_enteric_CH4": "asia", "other_cattle/EF_enteric_CH4": "asia",
    "EF_manure_CH4": "developing_temperate",
    "MCF_SWDS": "managed_anaerobic", "OX": "uncovered",
}


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    cols = ["region_code", "year", "category", "item", "value", "unit", "variant", "basis"]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return pd.concat([p[cols] for p in parts], ignore_index=True)


def statistics_to_activity(stats: pd.DataFrame) -> pd.DataFrame:
    """Map a long statistics frame (kernel `read_statistics`) to ACTIVITY rows.

    Returns ``region_code, year, category, item, value, unit, variant, basis`` (basis = the
    statistic ``variable/sector/item`` the row came from), sorted by region, year, category,
    item.  Rows of one key in several datasets (a seed-stated cell and the demo) keep the
    non-synthetic one.
    """
    s = stats.copy()
    if "synthetic" in s.columns:
        s = s.sort_values("synthetic", kind="stable")
    s = s.drop_duplicates(["region_code", "year", "variable", "sector", "item"])
    s = s.loc[s["variable"].isin(STATISTIC_VARIABLES)]
    s["basis"] = s["variable"] + "/" + s["sector"] + "/" + s["item"]
    s["variant"] = ""
    parts: list[pd.DataFrame] = []

    fin = s.loc[(s["variable"] == "energy_final") & ~s["item"].isin(NOT_COMBUSTION)].copy()
    fin["category"] = np.where(
        fin["sector"] == "transport",
        fin["item"].map(TRANSPORT_CATEGORY).fillna(TRANSPORT_DEFAULT),
        fin["sector"].map(FINAL_SECTOR_CATEGORY))
    fin = fin.loc[fin["category"].notna()]
    fin["item"] = fin["item"].map(FUEL_ITEM).fillna(fin["item"])
    parts.append(fin)

    tr = s.loc[s["variable"] == "energy_transformation"].copy()
    tr["category"] = tr["sector"].map(TRANSFORMATION_CATEGORY)
    tr["item"] = tr["item"].map(FUEL_ITEM).fillna(tr["item"])
    parts.append(tr.loc[tr["category"].notna()])

    el = s.loc[(s["variable"] == "electricity") & s["sector"].isin(["import", "export"])].copy()
    if not el.empty:
        el["signed"] = np.where(el["sector"] == "import", el["value"], -el["value"])
        net = el.groupby(["region_code", "year", "unit"], as_index=False).agg(
            value=("signed", "sum"))
        net["category"] = NET_IMPORTED_ELECTRICITY
        net["item"] = "electricity"
        net["variant"] = ""
        net["basis"] = "electricity/import−export"
        parts.append(net)

    ind = s.loc[s["variable"] == "industrial_output"].copy()
    mapped = ind["item"].map(INDUSTRY_MAP)
    ind = ind.loc[mapped.notna()]
    mapped = mapped.loc[mapped.notna()]
    ind["category"] = [m[0] for m in mapped]
    ind["variant"] = [m[2] for m in mapped]
    ind["item"] = [m[1] for m in mapped]
    parts.append(ind)

    rice = s.loc[(s["variable"] == "crop_area") & (s["item"] == "水稻")].copy()
    rice["category"], rice["item"] = "3.C.7", RICE_ITEM
    parts.append(rice)

    live = s.loc[s["variable"] == "livestock"].copy()
    live["category"] = "3.A"
    live["item"] = live["item"].map(LIVESTOCK_ITEM)
    parts.append(live.loc[live["item"].notna()])

    fert = s.loc[s["variable"] == "fertiliser"].copy()
    fert["category"], fert["item"] = "3.C.4", "synthetic_n"
    parts.append(fert)

    forest = s.loc[s["variable"] == "forest_stock"].copy()
    forest["category"], forest["item"] = "3.B.1.a", "forest"
    parts.append(forest)

    wet = s.loc[s["variable"] == "wetland_area"].copy()
    wet["category"], wet["item"] = "3.B.4", "wetland"
    parts.append(wet)

    msw = s.loc[(s["variable"] == "waste_msw") & s["item"].isin(list(WASTE_MAP))].copy()
    msw["category"] = msw["item"].map(lambda i: WASTE_MAP[i][0])
    msw["item"] = msw["item"].map(lambda i: WASTE_MAP[i][1])
    parts.append(msw)

    cod = s.loc[(s["variable"] == "wastewater_cod") & s["item"].isin(list(COD_MAP))].copy()
    cod["category"] = cod["item"].map(lambda i: COD_MAP[i][0])
    cod["item"] = cod["item"].map(lambda i: COD_MAP[i][1])
    parts.append(cod)

    out = _frame(parts)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["region_code", "year", "category", "item"], ignore_index=True)


def activity_from_statistics(
    session: Session, *, region_codes: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """ACTIVITY frame from the stored kernel statistics (all datasets; stated cells win).

    Columns ``region_code, year, category, item, value, unit, variant, basis``.
    """
    stats = read_statistics(session, region_codes=region_codes, years=years,
                            variables=STATISTIC_VARIABLES)
    return statistics_to_activity(stats)
