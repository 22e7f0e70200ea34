"""Derived indicators: actuals computed from statistics, the inventory and the pilot registry.

Each seed indicator that other data determines is mapped to a derivation here (`DERIVATIONS`),
with the reason; indicators the data cannot determine are listed with the reason why not, in
`NOT_DERIVED_ANYWHERE` or, for one plan, in its data file (`not_derived`). Derived values are
stored as actuals with ``derived=True`` and a lineage naming the statistics (variable, sector,
item, dataset), the inventory run, the coefficients and the formula. A typed value (an official
release) always takes precedence over a derived one.

Coefficients (cited, as the demo data model uses them, docs/demo-model.md):

- non-fossil electricity counted into total energy at the year's coal rate of thermal power
  (`tanzhi.kernel.coal_rate`: the region's statistic ``thermal_coal_rate`` when given, else the
  packaged national series cn-coal-rate, provisional), as the statistics bureau does (issue #9;
  a fixed 4.04 万tce/亿kWh before);
- raw coal 0.7143 and coke 0.9714 kgce/kg (GB/T 2589-2008 Annex A, yearbook list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
import yaml
from sqlalchemy.orm import Session

from tanzhi.inventory import energy_co2, latest_run
from tanzhi.kernel import (
    STATISTIC_ITEM,
    STATISTIC_VARIABLE,
    CoalRate,
    DataError,
    Location,
    NotFound,
    Problem,
    coal_rate_for,
    conversion_factor,
    list_regions,
    read_statistics,
)
from tanzhi.plan.model import Indicator, Plan, plans_root
from tanzhi.plan.store import count_pilots

COAL_TCE = {"原煤": 0.7143, "焦炭": 0.9714}  # 万tce per 万t; GB/T 2589-2008 Annex A
NONFOSSIL_ITEMS = ("水电", "核电", "风电", "太阳能发电", "生物质发电")
RENEWABLE_ITEMS = ("水电", "风电", "太阳能发电", "生物质发电")
ENERGY_SOURCE = "能源消费总量、地区生产总值（2020年不变价） / energy_total, gdp constant_2020"
GDP_ITEM = "constant_2020"


@dataclass(frozen=True)
class Derivation:
    """How one indicator is computed, and why that is its meaning."""

    kind: str
    reason: str
    unit: str | None = None  # unit the computation yields (converted to the indicator's unit)
    params: dict[str, Any] = field(default_factory=dict)


# Each reason is "中文 / English" (shown through `one_language`, both kept in the lineage).
_POLICY_REDUCTION = ("“十四五”强度目标是按不变价计算的较基年累计降低率："
                     "100 × (1 − 当年强度 ÷ 基年强度)",
                     "five-year-plan intensity targets are cumulative cuts from the base year at "
                     "constant prices: 100 × (1 − I_y ÷ I_base)")
_GDP = ("地区生产总值（2020年不变价）", "GDP at 2020 prices")


def _bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


# indicator id → derivation; applied to every plan holding that id unless `not_derived_reason`
# names why not.
DERIVATIONS: dict[str, Derivation] = {
    "co2_intensity_reduction": Derivation(
        "co2_intensity_reduction", _bilingual(
            f"能源活动二氧化碳排放（清单，强度目标口径，含净调入电力）÷ {_GDP[0]}；"
            + _POLICY_REDUCTION[0],
            "energy CO2 (inventory, intensity-target calibre with net imported electricity) ÷ "
            f"{_GDP[1]}; " + _POLICY_REDUCTION[1]), "%"),
    "energy_intensity_reduction": Derivation(
        "energy_intensity_reduction", _bilingual(
            f"能源消费总量 ÷ {_GDP[0]}；" + _POLICY_REDUCTION[0],
            f"total energy ÷ {_GDP[1]}; " + _POLICY_REDUCTION[1]), "%"),
    "energy_intensity": Derivation(
        "energy_intensity", _bilingual(f"单位GDP综合能耗：能源消费总量 ÷ {_GDP[0]}",
                                       f"total energy ÷ {_GDP[1]}"),
        "吨标准煤/万元"),
    "non_fossil_share": Derivation(
        "non_fossil_share", _bilingual(
            "非化石能源发电量加非化石电力净调入量，按当年火电供电煤耗（本地统计，缺省时用全国序列）"
            "折算，÷ 能源消费总量",
            "non-fossil generation plus net inflow of non-fossil power, at the year's coal rate "
            "of thermal power (statistic thermal_coal_rate, else the national series "
            "cn-coal-rate), ÷ total energy"), "%"),
    "coal_share": Derivation(
        "coal_share", _bilingual("原煤和焦炭的燃烧与加工转换量（万吨标准煤）÷ 能源消费总量",
                                 "raw coal and coke burnt or transformed, in 10^4 tce, ÷ total "
                                 "energy"), "%"),
    "renewable_generation_share": Derivation(
        "renewable_generation_share", _bilingual(
            "本地水电、风电、光伏和生物质发电量 ÷ 本地全部发电量",
            "local hydro, wind, solar and biomass generation ÷ all local generation"), "%"),
    "forest_stock": Derivation(
        "level", _bilingual("统计指标：森林蓄积量", "the statistic forest_stock"), None,
        {"variable": "forest_stock"}),
    "wetland_area": Derivation(
        "level", _bilingual("统计指标：湿地保有量", "the statistic wetland_area"), None,
        {"variable": "wetland_area"}),
    "zero_carbon_pilots": Derivation(
        "pilots", _bilingual("在册零碳试点数（试点名录）",
                             "zero-carbon pilots in force (pilot registry)"), "个",
        {"carbon_levels": ("zero_carbon",)}),
    "low_carbon_industrial_parks": Derivation(
        "pilots", _bilingual("在册园区试点数（试点名录）", "park pilots in force (pilot registry)"),
        "个", {"kinds": ("park",)}),
    "low_carbon_demo_counties": Derivation(
        "pilots", _bilingual("在册县（市、区）试点数（试点名录）",
                             "county pilots in force (pilot registry)"), "个",
        {"kinds": ("county",)}),
    "low_zero_carbon_pilot_towns": Derivation(
        "pilots", _bilingual("在册乡镇试点数（试点名录）", "town pilots in force (pilot registry)"),
        "个", {"kinds": ("town",)}),
    "low_zero_carbon_pilot_villages": Derivation(
        "pilots", _bilingual("在册村和社区试点数（试点名录）",
                             "village and community pilots in force (pilot registry)"), "个",
        {"kinds": ("village", "community")}),
    "zero_carbon_public_institutions": Derivation(
        "pilots", _bilingual("在册零碳公共机构试点数（试点名录）",
                             "zero-carbon public-institution pilots in force (pilot registry)"),
        "家", {"kinds": ("public_institution",), "carbon_levels": ("zero_carbon",)}),
}

# indicator id → why the data cannot give it in any plan (shown on the detail page). What one
# plan's text rules out is data: ``data/plans/<plan-id>/not-derived.yaml`` (`not_derived`).
NOT_DERIVED_ANYWHERE: dict[str, str] = {
    "forest_coverage": "无土地面积统计 / no land-area statistic",
    "industrial_energy_intensity_reduction":
        "无不变价工业增加值 / no constant-price industrial value added",
    "industrial_co2_intensity_reduction":
        "无不变价工业增加值 / no constant-price industrial value added",
    "co2_total": "规划未给单位，目标为定性 / no unit in the plan; qualitative target",
    "low_zero_carbon_demonstrations":
        "分项目标（县/镇/村）合在一格 / one cell holds three component targets",
}
NOT_DERIVED_FILE = "not-derived.yaml"


@cache
def not_derived(plan_id: str) -> dict[str, str]:
    """Indicator id → why this plan's indicator is typed, not derived (the plan's data file).

    Raises
    ------
    DataError
        The file is not a mapping of indicator ids to reasons (located, bilingual).
    """
    path = plans_root() / plan_id / NOT_DERIVED_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()):
        raise DataError(Problem("须为“指标编号: 原因”的映射", "must map indicator ids to reasons",
                                Location(file=f"{plan_id}/{NOT_DERIVED_FILE}")))
    return dict(data)


def not_derived_reason(plan: Plan, indicator: Indicator) -> str | None:
    """Why an indicator is typed rather than computed, if a reason is recorded."""
    return not_derived(plan.id).get(indicator.id) or NOT_DERIVED_ANYWHERE.get(indicator.id)


def derivation_for(plan: Plan, indicator: Indicator) -> Derivation | None:
    """The derivation of an indicator in a plan, or None (see `not_derived_reason`)."""
    if not_derived_reason(plan, indicator) is not None:
        return None
    return DERIVATIONS.get(indicator.id)


def plan_regions(session: Session, plan: Plan) -> list[str]:
    """The plan's region and its direct children (cities of a province, counties of a city)."""
    children = [r.code for r in list_regions(session, parent=plan.region_code)
                if r.parent_code == plan.region_code]
    return [plan.region_code, *children]


class _Stats:
    """Statistics of some regions as a lookup; a stated (non-synthetic) row wins over demo."""

    def __init__(self, frame: pd.DataFrame) -> None:
        ordered = frame.sort_values("synthetic").drop_duplicates(
            ["region_code", "year", "variable", "sector", "item"], keep="first")
        self.cells = {(r.region_code, int(r.year), r.variable, r.sector, r.item):
                      (float(r.value), r.unit, r.dataset)
                      for r in ordered.itertuples(index=False)}
        self.datasets: set[str] = set()
        self.coal: CoalRate | None = None  # the coal rate the last value used
        self.index: dict[tuple[str, int, str], list[tuple[str, str, float, str]]] = {}
        for (r, y, var, s, i), (v, _u, d) in self.cells.items():
            self.index.setdefault((r, y, var), []).append((s, i, v, d))

    def get(self, region: str, year: int, variable: str, sector: str = "", item: str = ""
            ) -> float | None:
        found = self.cells.get((region, year, variable, sector, item))
        if found is None:
            return None
        self.datasets.add(found[2])
        return found[0]

    def unit(self, region: str, year: int, variable: str, sector: str = "", item: str = ""
             ) -> str | None:
        found = self.cells.get((region, year, variable, sector, item))
        return found[1] if found else None

    def total(self, region: str, year: int, variable: str, sector: str | None,
              items: Iterable[str]) -> float | None:
        wanted = set(items)
        found = [(v, d) for s, i, v, d in self.index.get((region, year, variable), [])
                 if (sector is None or s == sector) and i in wanted]
        self.datasets.update(d for _v, d in found)
        return sum(v for v, _d in found) if found else None


_VARIABLES = ("energy_total", "gdp", "electricity", "energy_final", "energy_transformation",
              "forest_stock", "wetland_area", STATISTIC_VARIABLE)


def _energy_intensity(st: _Stats, region: str, year: int) -> float | None:
    energy, gdp = st.get(region, year, "energy_total"), st.get(region, year, "gdp", "", GDP_ITEM)
    if energy is None or not gdp:
        return None
    factor = conversion_factor(f"{st.unit(region, year, 'energy_total')}/"
                               f"({st.unit(region, year, 'gdp', '', GDP_ITEM)})",
                               "吨标准煤/万元")
    return energy / gdp * factor


def _share(st: _Stats, region: str, year: int, kind: str) -> float | None:
    energy = st.get(region, year, "energy_total")
    if not energy:
        return None
    if kind == "non_fossil_share":
        gen = st.total(region, year, "electricity", "generation", NONFOSSIL_ITEMS)
        imp = st.get(region, year, "electricity", "import", "非化石电力") or 0.0
        exp = st.get(region, year, "electricity", "export", "非化石电力") or 0.0
        if gen is None:
            return None
        st.coal = coal_rate_for(year, statistic=st.get(region, year, STATISTIC_VARIABLE, "",
                                                   STATISTIC_ITEM),
                            unit=st.unit(region, year, STATISTIC_VARIABLE, "", STATISTIC_ITEM))
        return 100 * (gen + imp - exp) * st.coal.tce_per_100m_kwh / energy
    if kind == "coal_share":
        tce = 0.0
        for fuel, coef in COAL_TCE.items():
            for variable in ("energy_final", "energy_transformation"):
                tce += (st.total(region, year, variable, None, (fuel,)) or 0.0) * coef
        return 100 * tce / energy
    if kind == "renewable_generation_share":
        ren = st.total(region, year, "electricity", "generation", RENEWABLE_ITEMS)
        allgen = st.total(region, year, "electricity", "generation",
                          ("火电", *NONFOSSIL_ITEMS))
        return None if not allgen or ren is None else 100 * ren / allgen
    raise ValueError(kind)


def _co2_by_region(session: Session, regions: list[str]) -> tuple[dict[tuple[str, int], float],
                                                                   dict[str, Any]]:
    """Energy CO2 (t) by (region, year) from the latest inventory run, with its lineage."""
    out: dict[tuple[str, int], float] = {}
    for region in regions:
        try:
            frame = energy_co2(session, region_code=region)
        except (NotFound, DataError):  # no run covers the region: not derivable
            continue
        for row in frame.itertuples(index=False):
            out[(region, int(row.year))] = float(row.total_t)
    latest = latest_run(session)
    run_id = None if latest is None else latest.id
    return out, {"inventory_run": run_id, "calibre": "energy CO2 incl. net imported electricity"}


def derive_values(session: Session, plan: Plan, *, region_codes: list[str] | None = None,
                  years: Iterable[int] | None = None) -> pd.DataFrame:
    """Computed actuals of a plan's derivable indicators.

    Returns a frame with columns indicator_id, region_code, year, value, lineage (dict) for
    every (indicator, region, year) the data determines; years default to base year … end.
    """
    regions = region_codes or plan_regions(session, plan)
    span = list(years) if years is not None else list(range(plan.base_year, plan.period_end + 1))
    stats = read_statistics(session, region_codes=regions, variables=_VARIABLES,
                            years=sorted({*span, plan.base_year}))
    st = _Stats(stats)
    co2: dict[tuple[str, int], float] | None = None
    co2_lineage: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for ind in plan.indicators:
        how = derivation_for(plan, ind)
        if how is None:
            continue
        if how.kind == "co2_intensity_reduction" and co2 is None:
            co2, co2_lineage = _co2_by_region(session, regions)
        compute = _computer(session, plan, ind, how, st, co2 or {})
        for region in regions:
            for year in span:
                st.datasets = set()
                st.coal = None
                value = compute(region, year)
                if value is None:
                    continue
                lineage = {"method": how.kind, "reason": how.reason,
                           "datasets": sorted(st.datasets), "base_year": plan.base_year}
                if how.kind == "co2_intensity_reduction":
                    lineage.update(co2_lineage)
                if how.kind in ("non_fossil_share", "coal_share", "energy_intensity_reduction",
                                "energy_intensity"):
                    lineage["coefficients"] = {f"{k}_tce_per_t": v for k, v in COAL_TCE.items()}
                    if st.coal is not None:
                        lineage["coefficients"]["electricity"] = st.coal.lineage()
                rows.append({"indicator_id": ind.id, "region_code": region, "year": int(year),
                             "value": float(value), "lineage": lineage})
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "year", "value", "lineage"])


def _computer(session: Session, plan: Plan, ind: Indicator, how: Derivation, st: _Stats,
              co2: dict[tuple[str, int], float]) -> Callable[[str, int], float | None]:
    base = plan.base_year

    def reduction(level: Callable[[str, int], float | None]) -> Callable[[str, int], float | None]:
        def run(region: str, year: int) -> float | None:
            now, then = level(region, year), level(region, base)
            return None if now is None or not then else 100 * (1 - now / then)
        return run

    if how.kind == "energy_intensity_reduction":
        return reduction(lambda r, y: _energy_intensity(st, r, y))
    if how.kind == "energy_intensity":
        factor = conversion_factor("吨标准煤/万元", ind.unit or "吨标准煤/万元")
        return lambda r, y: (None if (v := _energy_intensity(st, r, y)) is None else v * factor)
    if how.kind == "co2_intensity_reduction":
        def co2_intensity(region: str, year: int) -> float | None:
            gdp = st.get(region, year, "gdp", "", GDP_ITEM)
            emitted = co2.get((region, year))
            return None if emitted is None or not gdp else emitted / gdp
        return reduction(co2_intensity)
    if how.kind in ("non_fossil_share", "coal_share", "renewable_generation_share"):
        return lambda r, y: _share(st, r, y, how.kind)
    if how.kind == "level":
        variable = how.params["variable"]

        def level(region: str, year: int) -> float | None:
            value = st.get(region, year, variable)
            unit = st.unit(region, year, variable)
            if value is None or unit is None or not ind.unit:
                return None
            return value * conversion_factor(unit, ind.unit)
        return level
    if how.kind == "pilots":
        return _pilot_counter(session, how)
    raise ValueError(f"unknown derivation {how.kind}")


def _pilot_counter(session: Session, how: Derivation) -> Callable[[str, int], float | None]:
    """Pilot counts from the pilot registry (`tanzhi.plan.store`); None while it is empty.

    An empty registry (nothing registered anywhere in the region) says nothing about the
    indicator, so no value is derived rather than a misleading zero.
    """

    def pilots(region: str, year: int) -> float | None:
        if not count_pilots(session, region_code=region):
            return None
        kwargs: dict[str, Any] = {"region_code": region, "year": year}
        kwargs.update({k: v for k, v in how.params.items() if k in ("kinds", "carbon_levels")})
        return float(count_pilots(session, **kwargs))
    return pilots
