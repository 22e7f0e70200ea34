"""Inputs of a decomposition round: the children's statistics, projections and the parent target.

Children are the regions directly below the plan's region (a province's cities, a city's
counties). For each child, at the plan's base year:

- GDP at 2020 constant prices (``gdp`` / ``constant_2020``), population (``population`` /
  ``total``), secondary-sector value added (``value_added`` / ``secondary``), total energy use
  (``energy_total``, 万tce);
- coal use in tce: raw coal and coke burnt or transformed (``energy_final`` and
  ``energy_transformation``) × the GB/T 2589 standard-coal coefficients (factor library
  ``cn-gbt2589``);
- non-fossil energy: non-fossil generation + net non-fossil electricity imports, × the base
  year's coal rate of thermal power (`tanzhi.kernel.coal_rate`: the child's statistic
  ``thermal_coal_rate`` when given, else the national series cn-coal-rate; issue #9);
- energy CO2: from ``tanzhi.inventory.energy_co2`` when the inventory has a run;
  otherwise **provisional**: fossil energy (total − non-fossil) × 2.7726 tCO2/tce, the IPCC 2006
  default carbon content of other bituminous coal (25.8 tC/TJ, Vol. 2 Table 1.3) × 44/12 ×
  29.3076 GJ/tce. A single factor cancels out of every intensity-reduction allocation; it only
  scales the base values shown.

GDP (and, for share targets, energy) is projected at each child's average annual growth of the
five years before the base year, ``g = (X_0 / X_-5)^(1/5) − 1``; a user may override it per child.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.inventory import energy_co2
from tanzhi.kernel import (
    STATISTIC_ITEM,
    STATISTIC_VARIABLE,
    DataError,
    NotFound,
    Problem,
    Region,
    coal_rate_for,
    default_library,
    list_regions,
    read_statistics,
    require_region,
)
from tanzhi.plan.model import Indicator, Plan
from tanzhi.plan.store import adopted_rows

GROWTH_YEARS = 5
IPCC_COAL_CARBON = "ipcc-2006/bituminous_coal/carbon_content"
TJ_PER_10K_TCE = 293.076  # 1 万tce = 293.076 TJ (29.3076 GJ/tce)
NONFOSSIL_ITEMS = ("水电", "核电", "风电", "太阳能发电", "生物质发电")


@dataclass(frozen=True)
class IndicatorKind:
    """How an indicator is decomposed: target kind, quantity and the unit of the target."""

    kind: str  # intensity | total | share
    quantity: str  # co2 | energy
    unit: str


def indicator_kind(indicator: Indicator) -> IndicatorKind:
    """The decomposition kind of a plan indicator; `DataError` if it cannot be decomposed."""
    name = indicator.name_zh
    unit = indicator.unit or ""
    quantity = "co2" if ("二氧化碳" in name or "碳排放" in name) else "energy"
    if "非化石" in name:
        return IndicatorKind("share", "energy", "%")
    if ("单位" in name or "强度" in name) and ("降低" in name or "下降" in name) and unit == "%":
        return IndicatorKind("intensity", quantity, "%")
    if "单位" in name and "GDP" in name.replace(" ", "") and "/" in unit:
        # A level indicator (tce/万元) whose target the text states as a reduction (绍兴 16.5%).
        return IndicatorKind("intensity", quantity, "%")
    if "总量" in name and unit:
        return IndicatorKind("total", quantity, unit)
    raise DataError(Problem(
        f"指标“{name}”不是可分解的强度、总量或非化石比重指标",
        f"indicator '{indicator.name_en}' is not a decomposable intensity, total or "
        "non-fossil share indicator"))


@dataclass(frozen=True)
class ParentTarget:
    """The parent's target used by a round, with where it comes from."""

    value: float
    source_zh: str
    source_en: str
    provisional: bool = False


def _assignments() -> list[dict[str, str]]:
    text = resources.files("tanzhi.plan.decompose").joinpath("assigned_targets.csv").read_text(
        encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def resolve_parent_target(session: Session, plan: Plan, indicator: Indicator,
                          override: float | None = None) -> ParentTarget:
    """The parent's target: the user's value, the plan's number, the adopted higher-level
    round, or a packaged assignment (``assigned_targets.csv``) — in that order."""
    if override is not None:
        if not math.isfinite(override):
            raise DataError(Problem("上级目标须为数值", "the parent target must be a number"))
        return ParentTarget(float(override), "用户输入", "entered by the user")
    if indicator.target.value is not None and indicator.target.kind in ("value", "comparator"):
        src = indicator.source
        return ParentTarget(float(indicator.target.value),
                            f"规划文本：{src.section}（“{src.quote}”）",
                            f"plan text: {src.section} (“{src.quote}”)")
    for round_row, target in reversed(adopted_rows(  # the higher level's adopted round

            session, child_code=plan.region_code, indicator_id=indicator.id)):
        return ParentTarget(float(target.target),
                            f"上级分解方案第 {round_row.id} 轮（{round_row.name}）已采纳",
                            f"adopted round {round_row.id} of the level above ({round_row.name})",
                            provisional=bool(round_row.params.get("provisional")))
    for row in _assignments():
        if row["plan_id"] == plan.id and row["indicator_id"] == indicator.id:
            return ParentTarget(float(row["value"]), row["source_zh"], row["source_en"],
                                provisional=row["provisional"] == "true")
    raise DataError(Problem(
        f"指标“{indicator.name_zh}”的目标为“{indicator.target.printed}”，尚无数值；请输入上级下达的目标值",
        f"indicator '{indicator.name_en}' has no numeric target ('{indicator.target.printed}'); "
        "enter the value the level above assigned"))


@dataclass
class Inputs:
    """The children's data for one round and where each number comes from."""

    parent: Region
    children: pd.DataFrame
    sources: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)


def child_regions(session: Session, parent_code: str) -> list[Region]:
    """Regions directly below `parent_code`, by code."""
    require_region(session, parent_code)
    kids = [r for r in list_regions(session, parent=parent_code) if r.parent_code == parent_code
            and r.level.value in ("city", "county")]
    return sorted(kids, key=lambda r: r.code)


def _pick(frame: pd.DataFrame) -> pd.DataFrame:
    """One value per key: a stated (non-synthetic) figure wins over a generated one."""
    ordered = frame.sort_values("synthetic", kind="stable")
    return ordered.drop_duplicates(["region_code", "year", "variable", "sector", "item"])


def _series(stats: pd.DataFrame, variable: str, *, sector: str | None = None,
            item: str | None = None) -> pd.DataFrame:
    rows = stats[stats["variable"] == variable]
    if sector is not None:
        rows = rows[rows["sector"] == sector]
    if item is not None:
        rows = rows[rows["item"] == item]
    return rows.pivot_table(index="region_code", columns="year", values="value", aggfunc="sum")


def _coal_coefficients() -> tuple[dict[str, float], list[str]]:
    lib = default_library()
    coeffs, ids = {}, []
    for item in ("原煤", "焦炭"):
        factor = lib.lookup(item=item, parameter="standard_coal_coefficient", dataset="cn-gbt2589")
        coeffs[item] = factor.value_in("kgce/kg")  # = tce per t
        ids.append(factor.id)
    return coeffs, ids


def fallback_co2_factor() -> tuple[float, str]:
    """tCO2 per tce of fossil energy for the provisional CO2 estimate, and the factor id."""
    factor = default_library().by_id(IPCC_COAL_CARBON)
    if factor.unit != "tC/TJ":
        raise DataError(Problem(f"{factor.id} 的单位应为 tC/TJ", f"{factor.id} must be in tC/TJ"))
    return factor.value * 44.0 / 12.0 * TJ_PER_10K_TCE / 1e4, factor.id


def _energy_co2(session: Session, code: str, year: int) -> float | None:
    """Energy CO2 (t) of one region and year from the inventory, or None when there is none."""
    try:
        frame = energy_co2(session, region_code=code)
    except (NotFound, DataError, LookupError):
        return None
    if frame is None or not len(frame) or "year" not in frame.columns:
        return None
    rows = frame[frame["year"] == year]
    column = "total_t" if "total_t" in frame.columns else "co2_t"
    if not len(rows) or column not in rows.columns:
        return None
    value = float(rows[column].iloc[0])
    return value if value > 0 else None


def gather_inputs(session: Session, parent_code: str, *, base_year: int, quantity: str,
                  growth_overrides: dict[str, float] | None = None) -> Inputs:
    """The children's base-year data and projected growth (see the module docstring)."""
    parent = require_region(session, parent_code)
    kids = child_regions(session, parent_code)
    if not kids:
        raise DataError(Problem(f"{parent.name_zh}没有下级地区",
                                f"{parent.name_en} has no children"))
    codes = [k.code for k in kids]
    years = list(range(base_year - GROWTH_YEARS, base_year + 1))
    stats = read_statistics(session, region_codes=codes, years=years, variables=[
        "gdp", "population", "value_added", "energy_total", "energy_final",
        "energy_transformation", "electricity", STATISTIC_VARIABLE])
    if not len(stats):
        raise DataError(Problem(f"{parent.name_zh}的下级地区在 {base_year} 年没有统计数据",
                                f"no statistics for the children of {parent.name_en} "
                                f"in {base_year}"))
    stats = _pick(stats)
    gdp = _series(stats, "gdp", item="constant_2020")
    energy = _series(stats, "energy_total")
    frame = pd.DataFrame({"region_code": codes, "name_zh": [k.name_zh for k in kids],
                          "name_en": [k.name_en for k in kids]}).set_index("region_code")
    problems = []
    for label_zh, label_en, table in (("不变价GDP", "GDP at constant prices", gdp),
                                      ("能源消费总量", "total energy use", energy)):
        missing = [c for c in codes if c not in table.index or base_year not in table.columns
                   or not np.isfinite(table.loc[c, base_year])]
        if missing:
            problems.append(Problem(f"缺少 {base_year} 年{label_zh}：{', '.join(missing[:5])}",
                                    f"{label_en} {base_year} missing for {', '.join(missing[:5])}"))
    if problems:
        raise DataError(problems)
    frame["gdp0"] = gdp.loc[codes, base_year]
    frame["energy0"] = energy.loc[codes, base_year]
    first = min(y for y in years if y in gdp.columns)
    span = base_year - first
    frame["gdp_growth"] = ((gdp.loc[codes, base_year] / gdp.loc[codes, first]) ** (1 / span) - 1
                           if span else 0.0)
    frame["growth_source"] = f"{first}–{base_year}"
    first_e = min(y for y in years if y in energy.columns)
    span_e = base_year - first_e
    frame["energy_growth"] = ((energy.loc[codes, base_year] / energy.loc[codes, first_e])
                              ** (1 / span_e) - 1 if span_e else 0.0)
    for code, growth in (growth_overrides or {}).items():
        if code not in frame.index:
            raise DataError(Problem(f"{code} 不是 {parent.name_zh} 的下级地区",
                                    f"{code} is not a child of {parent.name_en}"))
        frame.loc[code, "gdp_growth"] = float(growth)
        frame.loc[code, "growth_source"] = "用户设定 / user"
    pop = _series(stats, "population", item="total")
    frame["population"] = pop.reindex(codes)[base_year] if base_year in pop.columns else np.nan
    sec = _series(stats, "value_added", sector="secondary")
    cur = _series(stats, "gdp", item="current")
    if base_year in sec.columns and base_year in cur.columns:
        frame["secondary_share"] = sec.reindex(codes)[base_year] / cur.reindex(codes)[base_year]
    else:
        frame["secondary_share"] = np.nan
    coeffs, coal_ids = _coal_coefficients()
    coal = pd.Series(0.0, index=codes)
    for variable in ("energy_final", "energy_transformation"):
        for item, coeff in coeffs.items():
            table = _series(stats, variable, item=item)
            if base_year in table.columns:
                coal = coal.add(table.reindex(codes)[base_year].fillna(0.0) * coeff, fill_value=0)
    frame["coal_share"] = coal / frame["energy0"]
    elec = stats[(stats["variable"] == "electricity") & (stats["year"] == base_year)]
    gen = elec[(elec["sector"] == "generation") & elec["item"].isin(NONFOSSIL_ITEMS)]
    imp = elec[(elec["sector"] == "import") & (elec["item"] == "非化石电力")]
    exp = elec[(elec["sector"] == "export") & (elec["item"] == "非化石电力")]
    nf_kwh = (gen.groupby("region_code")["value"].sum().reindex(codes, fill_value=0)
              + imp.groupby("region_code")["value"].sum().reindex(codes, fill_value=0)
              - exp.groupby("region_code")["value"].sum().reindex(codes, fill_value=0))
    rate_rows = stats[(stats["variable"] == STATISTIC_VARIABLE) & (stats["year"] == base_year)
                      & (stats["item"] == STATISTIC_ITEM)].set_index("region_code")
    rates = {c: coal_rate_for(base_year,
                          statistic=rate_rows.at[c, "value"] if c in rate_rows.index else None,
                          unit=rate_rows.at[c, "unit"] if c in rate_rows.index else None)
             for c in codes}
    frame["nonfossil0"] = (nf_kwh * pd.Series({c: r.tce_per_100m_kwh
                                               for c, r in rates.items()})).clip(lower=0.0)
    frame["share0"] = frame["nonfossil0"] / frame["energy0"]
    notes: list[tuple[str, str]] = []
    sources: list[dict[str, Any]] = []
    if quantity == "co2":
        factor, factor_id = fallback_co2_factor()
        co2 = {c: _energy_co2(session, c, base_year) for c in codes}
        from_inventory = all(v is not None for v in co2.values())
        if from_inventory:
            frame["emissions0"] = pd.Series(co2)
            sources.append({"what": "energy CO2", "source": "tanzhi.inventory energy_co2",
                            "provisional": False})
        else:
            frame["emissions0"] = (frame["energy0"] - frame["nonfossil0"]) * 1e4 * factor
            sources.append({"what": "energy CO2", "source": f"fallback {factor:.4f} tCO2/tce",
                            "factor_id": factor_id, "provisional": True})
            notes.append((
                f"清单尚无能源活动二氧化碳结果：以化石能源消费量 × {factor:.4f} tCO2/tce"
                "（IPCC 2006 烟煤缺省含碳量）估算，属暂定值；统一系数在强度降低率分解中相互抵消。",
                f"No inventory energy-CO2 result yet: estimated as fossil energy × {factor:.4f} "
                "tCO2/tce (IPCC 2006 bituminous-coal default carbon content), provisional; one "
                "factor cancels out of an intensity-reduction allocation."))
        frame["unit0"] = "t CO2"
    else:
        frame["emissions0"] = frame["energy0"]
        frame["unit0"] = "万吨标准煤"
    # Shown intensity: tCO2 (or tce) per 万元; GDP is in 亿元 (1 亿元 = 1e4 万元), energy in 万tce.
    frame["intensity"] = (frame["emissions0"] / (frame["gdp0"] * 1e4) if quantity == "co2"
                          else frame["emissions0"] / frame["gdp0"])
    frame["gdp_per_capita"] = frame["gdp0"] / frame["population"]
    frame["gdp_share"] = frame["gdp0"] / frame["gdp0"].sum()
    used = stats[stats["region_code"].isin(codes)]
    for (dataset, synthetic), part in used.groupby(["dataset", "synthetic"]):
        sources.append({"what": "statistics", "dataset": dataset, "synthetic": bool(synthetic),
                        "years": sorted(int(y) for y in part["year"].unique()),
                        "variables": sorted(part["variable"].unique().tolist())})
    sources.append({"what": "standard-coal coefficients", "factor_ids": coal_ids,
                    "provisional": True})
    bases = sorted({(r.basis, r.factor_id or "", r.tce_per_100m_kwh) for r in rates.values()})
    sources.append({"what": "non-fossil electricity",
                    "basis": "; ".join(f"{b} {v:.4f} 万tce/亿kWh" + (f" ({fid})" if fid else "")
                                       for b, fid, v in bases),
                    "provisional": any(r.provisional for r in rates.values())})
    return Inputs(parent=parent, children=frame.reset_index(), sources=sources,
                  synthetic=bool(used["synthetic"].any()), notes=notes)
