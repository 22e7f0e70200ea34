"""Read side of stored runs: result rows, summaries for charts, flows, region totals, residuals,
and the energy-CO2 calibre the intensity targets use."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.inventory import store
from tanzhi.inventory.calc import compute_energy_co2
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT
from tanzhi.inventory.service.compute import SECTOR_NAMES
from tanzhi.inventory.service.runs import get_run, latest_run
from tanzhi.kernel import DataError, NotFound, Problem, ipcc_category, list_regions, packaged_items

RESULT_COLUMNS = ("region_code", "year", "category", "sector", "item", "gas", "emissions_t",
                  "co2e_t", "memo", "notation", "method", "factor_ids", "activity_ids",
                  "activity_value", "activity_unit", "note")
SUMMARY_BY = ("sector", "gas", "item", "category")
# Energy sub-sectors of the guideline (能源活动) by IPCC prefix, most specific first.
ENERGY_SECTORS: tuple[tuple[str, str, str], ...] = (
    ("1.A.1", "能源生产与加工转换", "Energy industries"),
    ("1.A.2", "工业和建筑业", "Manufacturing and construction"),
    ("1.A.3", "交通运输", "Transport"),
    ("1.A.4.a", "服务业", "Commercial and institutional"),
    ("1.A.4.b", "居民生活", "Residential"),
    ("1.A.4.c", "农业", "Agriculture, forestry, fishing"),
)


def run_results(
    session: Session, run_id: int, *, region_codes: Iterable[str] | None = None,
    years: Iterable[int] | None = None, categories: Iterable[str] | None = None,
    gases: Iterable[str] | None = None, sectors: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Result rows of a run (`RESULT_COLUMNS`; ``sector`` 1–5 = energy, IPPU, agriculture,
    LULUCF, waste); filters optional.

    Raises
    ------
    NotFound
        No such run.
    """
    get_run(session, run_id)
    return store.read_results(session, run_id, region_codes=region_codes, years=years,
                              categories=categories, gases=gases, sectors=sectors)


def _counted(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.loc[~rows["memo"] & rows["co2e_t"].notna()]


def _category_names(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for code in codes:
        try:
            c = ipcc_category(code)
            out[code] = (c.name_zh or code, c.name_en or code)
        except DataError:
            out[code] = (code, code)
    return out


def _item_names(items: Iterable[str]) -> dict[str, tuple[str, str]]:
    known = packaged_items()
    return {i: ((known[i].name_zh, known[i].name_en) if i in known else (i, i)) for i in items}


def run_summary(session: Session, run_id: int, *, region_code: str,
                by: str = "sector") -> pd.DataFrame:
    """Territorial totals of one region per year and `by` key, for charts.

    Returns ``year, key, co2e_t, name_zh, name_en`` (memo and notation rows left out;
    LULUCF removals negative).  ``key`` is the sector code "1"–"5", the gas, the item or the
    category.
    """
    if by not in SUMMARY_BY:
        raise DataError(Problem(f"不支持的汇总方式“{by}”", f"unsupported grouping {by!r}; "
                                f"use one of {', '.join(SUMMARY_BY)}"))
    rows = _counted(run_results(session, run_id, region_codes=[region_code]))
    out = rows.groupby(["year", by], sort=True)["co2e_t"].sum().reset_index()
    out = out.rename(columns={by: "key"})
    out["key"] = out["key"].astype(str)
    if by == "sector":
        names = {str(k): v for k, v in SECTOR_NAMES.items()}
    elif by == "category":
        names = _category_names(out["key"].unique())
    elif by == "item":
        names = _item_names(out["key"].unique())
    else:
        names = {g: (g, g) for g in out["key"].unique()}
    out["name_zh"] = out["key"].map(lambda k: names.get(k, (k, k))[0])
    out["name_en"] = out["key"].map(lambda k: names.get(k, (k, k))[1])
    return out[["year", "key", "co2e_t", "name_zh", "name_en"]]


def energy_sector_of(category: str) -> tuple[str, str]:
    """The guideline's energy sub-sector (zh, en) of a 1.A category."""
    for prefix, zh, en in ENERGY_SECTORS:
        if category == prefix or category.startswith(prefix + "."):
            return zh, en
    return "其他", "Other"


def fuel_sector_flows(session: Session, run_id: int, *, region_code: str,
                      year: int) -> pd.DataFrame:
    """Fossil-fuel CO2 from each fuel to each energy sub-sector (for the Sankey).

    Returns ``fuel, sector, co2_t, fuel_zh, sector_en`` (``sector`` in Chinese; fuel combustion
    1.A, memo rows left out).
    """
    rows = run_results(session, run_id, region_codes=[region_code], years=[year], gases=["CO2"])
    rows = rows.loc[rows["category"].str.startswith("1.A.") & ~rows["memo"]
                    & rows["emissions_t"].notna()]
    names = {c: energy_sector_of(c) for c in rows["category"].unique()}
    rows = rows.assign(sector=rows["category"].map(lambda c: names[c][0]),
                       sector_en=rows["category"].map(lambda c: names[c][1]))
    out = rows.groupby(["item", "sector", "sector_en"], sort=True)["emissions_t"].sum()
    out = out.reset_index().rename(columns={"item": "fuel", "emissions_t": "co2_t"})
    fuels = _item_names(out["fuel"].unique())
    out["fuel_zh"] = out["fuel"].map(lambda f: fuels[f][0])
    return out[["fuel", "sector", "co2_t", "fuel_zh", "sector_en"]]


def region_totals(session: Session, run_id: int, *, parent_code: str,
                  year: int) -> pd.DataFrame:
    """Territorial CO2e of each direct child of `parent_code` in `year` (for the county map).

    Returns ``region_code, name_zh, co2e_t, name_en, level`` (children without rows in the run
    get NaN).
    """
    children = [r for r in list_regions(session) if r.parent_code == parent_code]
    if not children:
        raise NotFound(f"行政区 {parent_code} 没有下级 / region {parent_code!r} has no children")
    rows = _counted(run_results(session, run_id, region_codes=[r.code for r in children],
                                years=[year]))
    totals = rows.groupby("region_code")["co2e_t"].sum()
    return pd.DataFrame({
        "region_code": [r.code for r in children], "name_zh": [r.name_zh for r in children],
        "co2e_t": [float(totals.get(r.code, np.nan)) for r in children],
        "name_en": [r.name_en for r in children], "level": [r.level.value for r in children],
    })


def hierarchy_residuals(session: Session, run_id: int, *,
                        parent_code: str | None = None) -> pd.DataFrame:
    """Stored residuals of a run: ``parent_code, year, sector, gas, parent_t, children_t,
    residual_t, residual_pct, explanation_zh, explanation_en``."""
    get_run(session, run_id)
    return store.read_residuals(session, run_id, parent_code=parent_code)


def energy_co2(session: Session, *, region_code: str, run_id: int | None = None) -> pd.DataFrame:
    """Energy-activity CO2 with net imported electricity (the intensity-target calibre).

    Returns ``year, co2_t`` (fossil combustion CO2, 1.A without biomass and bunkers),
    ``electricity_co2_t`` (net imported electricity × grid average factor; negative for a net
    exporter), ``heat_co2_t``, ``total_t`` and ``complete`` (False where the electricity row
    is a notation key, e.g. no grid factor for that year — then ``electricity_co2_t`` and
    ``total_t`` are NaN rather than a silently smaller number).
    """
    run = get_run(session, run_id) if run_id is not None else latest_run(
        session, region_code=region_code)
    if run is None:
        raise NotFound(f"{region_code} 没有清单结果 / no inventory run covers {region_code}")
    rows = run_results(session, run.id, region_codes=[region_code])
    cols = ["year", "co2_t", "electricity_co2_t", "heat_co2_t", "total_t", "complete"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    calc = compute_energy_co2(rows, by=("year",))
    years = sorted(rows["year"].unique())
    out = pd.DataFrame({"year": years}).merge(calc, on="year", how="left").fillna(0.0)
    elec = rows.loc[rows["category"] == NET_IMPORTED_ELECTRICITY]
    missing = set(elec.loc[elec["emissions_t"].isna(), "year"])
    heat_missing = set(rows.loc[(rows["category"] == NET_IMPORTED_HEAT)
                                & rows["emissions_t"].isna(), "year"])
    out["complete"] = ~out["year"].isin(missing | heat_missing)
    out["co2_t"] = out["combustion_co2_t"]
    out["electricity_co2_t"] = np.where(out["year"].isin(missing), np.nan,
                                        out["net_electricity_co2_t"])
    out["heat_co2_t"] = np.where(out["year"].isin(heat_missing), np.nan, out["net_heat_co2_t"])
    out["total_t"] = np.where(out["complete"], out["energy_co2_t"], np.nan)
    out["year"] = out["year"].astype("int64")
    return out[cols]
