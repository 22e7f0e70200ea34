"""Demo rows of the plan area: the seed plans, their derived actuals and synthetic proxies.

Called by `tanzhi demo` after the statistics, users, inventory and pilots (`demo_seed`):

1. the five seed plans are synced into the database;
2. every derivable indicator gets its actuals 2020–2025 for the plan's region and its children
   (cities of the province, counties of each city), computed from the demo statistics, the
   inventory run and the pilot registry;
3. synthetic sub-annual proxies for each plan region, for the nowcast: monthly electricity
   consumption and quarterly GDP at 2020 prices. For 2021–2025 they split the annual statistics
   (final electricity use; GDP constant_2020) by a fixed seasonal profile with a small
   deterministic noise, so each year sums exactly to its annual figure; for the current year
   2026 they continue 2025's months at 2025's annual growth, up to October (monthly) and the
   third quarter (quarterly) — the releases out by the demo's "as of" date, 2026-11-20. These
   proxies are synthetic and stored with ``synthetic = true``;
4. synthetic stand-ins where the plan states no number and no data derives one (issue #11
   item 1), each marked synthetic:
   - a target "set by the higher level" with no assignment and no adopted round gets a demo
     assignment (`store.PlanAssignmentRow`, ``synthetic = true``): the parent plan's target for
     the same indicator when it is a share or rate in %, else the parent's planned ratio
     (target ÷ baseline) applied to this plan's baseline, else (a cumulative count) the
     parent's target split equally over its child regions, else the baseline moved 5 % the
     way the indicator should go; with none of these (no baseline, no parent figure) it stays
     a gap owned by the level above;
   - an indicator no derivation covers gets actuals 2021–2025 (and a 2020 value when the plan
     prints no baseline) on a path baseline + p × (target − baseline) × t ÷ T with a
     per-indicator performance p drawn in [0.75, 1.25] from the demo seed, derived rows whose
     lineage names the ``demo`` dataset, as the statistics-derived actuals do. A missing
     baseline is 85 % of the target for a rising indicator and target ÷ 0.85 for a falling one.
   - `DEMO_STAND_INS`: a set-by-the-higher-level target no parent figure covers, given a stand-in
     the plan itself states (named in the assignment's source);
5. county figures of the plans the demo assesses counties against (`COUNTY_PLANS`, issue #11
   item 4), each marked synthetic (`fill_county_demo`): where no derivation gives a county's
   actual, a synthetic series from the city's own series (lineage dataset ``demo``), consistent
   with it — a share in % is the city's value plus a county offset in percentage points whose
   2020-GDP-weighted mean is 0 (so the GDP-weighted average of the counties is the city's value,
   before clipping to [0, 100]); a ratio or a cumulative % cut is the city's value times a county
   factor whose 2020-GDP-weighted mean is 1; an additive quantity (万亩, 万立方米) is the city's
   value times a county share, the shares summing to 1 (the counties add up to the city).
   Where no adopted decomposition round gives a county's target, a synthetic assignment of the
   city (`store.PlanAssignmentRow`, source shown) carries the city's planned step to the county:
   a share in % moves the county's baseline by the city's step in points (a keep-the-level
   target keeps the county's baseline), a ratio or a level quantity scales the county's baseline
   by the city's target ÷ baseline, a cumulative % cut is the city's cut, a cumulative quantity
   is the city's target times the county's share.
"""

from __future__ import annotations

import zlib

import numpy as np
from sqlalchemy.orm import Session

from tanzhi.kernel import get_region, list_regions, read_statistics
from tanzhi.plan import store
from tanzhi.plan.model import Indicator, Plan
from tanzhi.plan.service.actuals import write_actual
from tanzhi.plan.service.derive import derivation_for
from tanzhi.plan.service.nowcast import ELECTRICITY, GDP
from tanzhi.plan.service.registry import get_plan, list_plan_records, sync_packaged_plans
from tanzhi.plan.service.status import indicator_status, part_key
from tanzhi.plan.workflow import refresh_all_derived

DEMO_SEED = 20210501
AS_OF = (2026, 10, 3)  # year, last month released, last quarter released
# Monthly shares of annual electricity use (synthetic; winter and summer peaks, a Spring
# Festival dip in February), and quarterly shares of annual GDP (synthetic).
MONTH_PROFILE = np.array([8.6, 6.4, 8.0, 7.9, 8.1, 8.4, 9.6, 9.8, 8.6, 8.0, 8.1, 8.5])
QUARTER_PROFILE = np.array([23.0, 24.6, 25.0, 27.4])
SOURCE = "演示代理数据（合成） / synthetic demo proxy"
ACTUAL_SOURCE = "演示数据（合成，规划未载实际值） / synthetic demo value"
ASSIGNMENT_SOURCE = "演示数据（合成）：{rule}"
NOT_RATED = ("qualitative", "not_stated")
# Set-by-the-higher-level targets no parent figure covers: (plan, indicator) → (value, rule);
# the stand-in is a figure the plan itself states.
DEMO_STAND_INS: dict[tuple[str, str], tuple[float, str]] = {
    ("sx-fyp14-climate", "industrial_energy_intensity_reduction"): (
        16.5, "省下达数未公开，暂用本规划总体目标“单位地区生产总值能源消耗降低 16.5%”"
              "（种子 000 第88行）作工业增加值能耗降低目标"),
}
# Plans whose counties the demo's assessment scheme scores (`tanzhi.plan.assess.seed`).
COUNTY_PLANS = ("sx-fyp14-climate",)
COUNTY_RATED = ("value", "comparator", "set_by_higher_level", "relative")
COUNTY_SOURCE = "演示数据（合成，由市级数据按县区系数推算） / synthetic demo county value"


def _noisy(profile: np.ndarray, key: str, sigma: float) -> np.ndarray:
    rng = np.random.default_rng([DEMO_SEED, zlib.crc32(key.encode())])
    weights = profile * np.exp(rng.normal(0.0, sigma, size=len(profile)))
    return weights / weights.sum()


def _proxies(session: Session, region: str) -> int:
    stats = read_statistics(session, region_codes=[region], variables=["energy_final", "gdp"],
                            years=range(2020, 2026))
    elec = stats[(stats["variable"] == "energy_final") & (stats["item"] == "电力")]
    annual_e = elec.groupby("year")["value"].sum().to_dict()
    gdp = stats[(stats["variable"] == "gdp") & (stats["item"] == "constant_2020")]
    annual_g = gdp.sort_values("synthetic").drop_duplicates("year").set_index("year")[
        "value"].to_dict()
    rows = 0
    existing = {(r.variable, r.year, r.period)
                for v in (ELECTRICITY, GDP) for r in store.proxy_rows(
                    session, region_code=region, variable=v)}

    def add(variable: str, year: int, period: str, value: float, unit: str) -> None:
        nonlocal rows
        if (variable, year, period) in existing:
            return
        session.add(store.PlanProxyRow(region_code=region, variable=variable, year=year,
                                       period=period, value=float(value), unit=unit,
                                       source=SOURCE, synthetic=True))
        rows += 1

    for variable, annual, profile, prefix, unit, sigma, last in (
            (ELECTRICITY, annual_e, MONTH_PROFILE, "M", "亿千瓦时", 0.03, AS_OF[1]),
            (GDP, annual_g, QUARTER_PROFILE, "Q", "亿元", 0.01, AS_OF[2])):
        years = sorted(y for y in annual if y >= 2021)
        for year in years:
            split = annual[year] * _noisy(profile, f"{variable}:{region}:{year}", sigma)
            for i, value in enumerate(split, start=1):
                add(variable, year, f"{prefix}{i:02d}" if prefix == "M" else f"Q{i}", value, unit)
        if 2025 in annual and 2024 in annual:
            growth = annual[2025] / annual[2024]
            split = annual[2025] * growth * _noisy(profile, f"{variable}:{region}:2026", sigma)
            for i, value in enumerate(split[:last], start=1):
                add(variable, 2026, f"{prefix}{i:02d}" if prefix == "M" else f"Q{i}", value, unit)
    session.flush()
    return rows


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng([DEMO_SEED, zlib.crc32(key.encode())])


def _parent_plan(session: Session, plan: Plan) -> Plan | None:
    region = get_region(session, plan.region_code)
    if region is None or region.parent_code is None:
        return None
    for record in list_plan_records(session):
        if record.region_code == region.parent_code:
            return get_plan(session, record.plan_id)
    return None


def _demo_assignment(session: Session, plan: Plan, ind: Indicator) -> tuple[float, str] | None:
    """(value, rule) of a synthetic assignment for a set-by-the-higher-level target, or None."""
    if (plan.id, ind.id) in DEMO_STAND_INS:
        return DEMO_STAND_INS[(plan.id, ind.id)]
    row = indicator_status(session, plan, ind, plan.region_code)
    baseline = row["baseline"]
    parent = _parent_plan(session, plan)
    if parent is not None and any(i.id == ind.id for i in parent.indicators):
        p_ind = parent.indicator(ind.id)
        p_row = indicator_status(session, parent, p_ind, parent.region_code)
        p_target, p_base = p_row["target"], p_row["baseline"]
        if p_target is not None and ind.unit == "%" and p_ind.unit == "%":
            return float(p_target), f"上级规划（{parent.title_zh}）本级目标 {p_target:g}% 暂代"
        if p_target is not None and p_base and baseline is not None and baseline > 0:
            ratio = float(p_target) / float(p_base)
            return baseline * ratio, (f"按上级规划目标与基期之比 {ratio:.4f} 推算"
                                      f"（{p_base:g} → {p_target:g}）")
        children = [r for r in list_regions(session, parent=parent.region_code)
                    if r.parent_code == parent.region_code]
        if p_target is not None and ind.accumulation == "cumulative" and children:
            return float(p_target) / len(children), (
                f"上级规划累计目标 {p_target:g} 在 {len(children)} 个下级地区间平均分配")
    if baseline is not None and baseline > 0 and ind.accumulation != "cumulative":
        step = 1.05 if ind.direction == "increase" else 0.95
        return baseline * step, f"基期值 {baseline:g} 按指标方向变动 5%"
    return None


def _assign_gaps(session: Session, plan: Plan) -> int:
    """Synthetic assignments for the plan's set-by-the-higher-level targets left without one."""
    written = 0
    for ind in plan.indicators:
        if ind.target.kind != "set_by_higher_level":
            continue
        if indicator_status(session, plan, ind, plan.region_code)["status_note"] != (
                "set_by_higher_level"):
            continue
        found = _demo_assignment(session, plan, ind)
        if found is None or store.current_assignment_row(
                session, plan.id, ind.id, plan.region_code) is not None:
            continue
        value, rule = found
        session.add(store.PlanAssignmentRow(
            plan_id=plan.id, indicator_id=ind.id, region_code=plan.region_code,
            value=round(value, 6), basis="value", source_zh=ASSIGNMENT_SOURCE.format(rule=rule),
            source_en="synthetic demo assignment", provisional=True, synthetic=True,
            actor="demo"))
        session.flush()
        written += 1
    return written


def _targets(session: Session, plan: Plan, ind: Indicator) -> list[tuple[str, float, float | None]]:
    """(actual key, target, printed baseline or None) of each rated figure of an indicator."""
    if ind.target.kind in ("per_region", "per_component"):
        return [(part_key(ind.id, name), float(part.value), None)
                for name, part in (ind.target.parts or {}).items() if part.value is not None]
    row = indicator_status(session, plan, ind, plan.region_code)
    if row["target"] is None:
        return []
    printed = 0.0 if ind.accumulation == "cumulative" else ind.baseline.value
    return [(ind.id, float(row["target"]), printed)]


def _synthetic_actuals(session: Session, plan: Plan) -> int:
    """Synthetic actuals for the plan's own region where no derivation covers an indicator."""
    written, years = 0, range(plan.base_year + 1, plan.period_end + 1)
    have = {(r.indicator_id, r.year) for r in store.actual_rows(
        session, plan.id, region_codes=[plan.region_code])}
    for ind in plan.indicators:
        if ind.target.kind in NOT_RATED or derivation_for(plan, ind) is not None:
            continue
        for key, target, printed in _targets(session, plan, ind):
            base = printed if printed is not None else (
                target * 0.85 if ind.direction == "increase" else target / 0.85)
            if ind.unit == "%":
                base = min(base, 100.0)
            rng = _rng(f"{plan.id}:{key}")
            perf = float(rng.uniform(0.75, 1.25))
            rule = "baseline + p × (target − baseline) × t ÷ T"
            series = {y: base + perf * (target - base) * (y - plan.base_year) / plan.plan_years
                      for y in years}
            if target == base:  # keep-the-level targets: a small wobble around the baseline
                series = {y: base * (1 + float(rng.uniform(-0.004, 0.01))) for y in years}
                rule = "baseline × (1 + u), u in [−0.4 %, +1 %]"
            if printed is None:
                series[plan.base_year] = base
            for year, value in sorted(series.items()):
                if (key, year) in have:
                    continue
                if ind.unit == "%":
                    value = min(value, 100.0)
                write_actual(session, plan_id=plan.id, indicator_id=key,
                             region_code=plan.region_code, year=year,
                             value=round(value, 4 if abs(value) < 10 else 2),
                             source=ACTUAL_SOURCE, released_on=None, note="", actor="demo",
                             derived=True, lineage={
                                 "method": "synthetic", "datasets": ["demo"], "synthetic": True,
                                 "rule": rule, "performance": round(perf, 4),
                                 "target": target, "baseline": base})
                written += 1
    return written


def _county_mode(ind: Indicator) -> str:
    """How a county's figure relates to the city's (module docstring, step 5)."""
    if ind.unit == "%":
        return "pct_cumulative" if ind.accumulation == "cumulative" else "pct_level"
    return "ratio" if "/" in (ind.unit or "") else "additive"


def _county_weights(session: Session, plan: Plan, children: list[str]) -> dict[str, float]:
    """Each county's share of the counties' base-year GDP (constant prices), summing to 1."""
    stats = read_statistics(session, region_codes=children, variables=["gdp"],
                            years=[plan.base_year])
    gdp = stats[stats["item"] == "constant_2020"].groupby("region_code")["value"].sum()
    if set(gdp.index) != set(children) or float(gdp.sum()) <= 0:
        return {c: 1.0 / len(children) for c in children}  # equal weights, said in the lineage
    return {c: float(gdp[c]) / float(gdp.sum()) for c in children}


def _county_coefficients(plan: Plan, ind: Indicator, children: list[str],
                         weights: dict[str, float]) -> dict[str, float]:
    """Offsets (points), factors or shares per county, normalised as the mode requires."""
    mode = _county_mode(ind)
    raw = {c: _rng(f"{plan.id}:{ind.id}:{c}") for c in children}
    if mode == "pct_level":
        u = {c: float(g.uniform(-4.0, 4.0)) for c, g in raw.items()}
        mean = sum(weights[c] * u[c] for c in children)
        return {c: u[c] - mean for c in children}  # GDP-weighted mean 0
    if mode == "additive":
        g = {c: float(r.uniform(0.5, 1.5)) for c, r in raw.items()}
        return {c: g[c] / sum(g.values()) for c in children}  # shares summing to 1
    g = {c: float(r.uniform(0.9, 1.1)) for c, r in raw.items()}
    mean = sum(weights[c] * g[c] for c in children)
    return {c: g[c] / mean for c in children}  # GDP-weighted mean 1


def _county_value(mode: str, city_value: float, k: float) -> float:
    if mode == "pct_level":
        return min(100.0, max(0.0, city_value + k))
    return city_value * k


def _county_target(mode: str, ind: Indicator, city: dict, county_base: float | None, k: float
                   ) -> tuple[float, str] | None:
    """(target, rule) of a county from the city's target (module docstring, step 5)."""
    target, base = city["target"], city["baseline"]
    if target is None:
        return None
    if mode == "pct_cumulative":
        return float(target), f"市级目标 {target:g}% 同样下达"
    if mode == "additive" and ind.accumulation == "cumulative":
        return float(target) * k, f"市级累计目标 {target:g} 按本县区份额 {k:.4f} 分配"
    if county_base is None or base is None:
        return None
    if mode == "pct_level":
        step = float(target) - float(base)
        return min(100.0, county_base + step), (
            f"本县区基期 {county_base:.4g}% 加市级规划增幅 {step:g} 个百分点" if step else
            f"保持本县区基期水平 {county_base:.4g}%")
    if not base:
        return None
    ratio = float(target) / float(base)
    return county_base * ratio, (f"本县区基期 {county_base:.4g} 乘市级目标与基期之比 "
                                 f"{ratio:.4f}（{base:g} → {target:g}）")


def _city_series(session: Session, plan: Plan, ind: Indicator, city: dict) -> dict[int, float]:
    series = {r.year: float(r.value) for r in store.actual_rows(
        session, plan.id, region_codes=[plan.region_code]) if r.indicator_id == ind.id}
    if plan.base_year not in series and city["baseline"] is not None:
        series[plan.base_year] = float(city["baseline"])
    return series


def fill_county_demo(session: Session) -> int:
    """Step 5 of the module docstring: county actuals and targets of `COUNTY_PLANS`; rows."""
    written = 0
    for plan_id in COUNTY_PLANS:
        plan = get_plan(session, plan_id)
        children = [r.code for r in list_regions(session, parent=plan.region_code)
                    if r.parent_code == plan.region_code and r.level == "county"]
        if not children:
            continue
        weights = _county_weights(session, plan, children)
        for ind in plan.indicators:
            if ind.target.kind not in COUNTY_RATED:
                continue
            city = indicator_status(session, plan, ind, plan.region_code)
            series = _city_series(session, plan, ind, city)
            mode = _county_mode(ind)
            coeff = _county_coefficients(plan, ind, children, weights)
            for code in children:
                written += _fill_county(session, plan, ind, code, city, series, mode,
                                        coeff[code], weights[code])
    return written


def _fill_county(session: Session, plan: Plan, ind: Indicator, code: str, city: dict,
                 series: dict[int, float], mode: str, k: float, weight: float) -> int:
    written = 0
    row = indicator_status(session, plan, ind, code)
    have = {r.year for r in store.actual_rows(session, plan.id, region_codes=[code])
            if r.indicator_id == ind.id}
    if row["actual"] is None and plan.base_year + 1 in series:
        for year, value in sorted(series.items()):
            if year in have or year < plan.base_year:
                continue
            value = _county_value(mode, value, k)
            write_actual(session, plan_id=plan.id, indicator_id=ind.id, region_code=code,
                         year=year, value=round(value, 4 if abs(value) < 10 else 2),
                         source=COUNTY_SOURCE, released_on=None, note="", actor="demo",
                         derived=True, lineage={
                             "method": "synthetic", "datasets": ["demo"], "synthetic": True,
                             "rule": f"county from city ({mode})", "coefficient": round(k, 6),
                             "gdp_weight": round(weight, 6), "city_value": series[year]})
            written += 1
        row = indicator_status(session, plan, ind, code)
    if row["target"] is not None or store.current_assignment_row(
            session, plan.id, ind.id, code) is not None:
        return written
    found = _county_target(mode, ind, city, row["baseline"], k)
    if found is None:
        return written
    value, rule = found
    session.add(store.PlanAssignmentRow(
        plan_id=plan.id, indicator_id=ind.id, region_code=code, value=round(value, 6),
        basis="value", source_zh=ASSIGNMENT_SOURCE.format(rule=rule),
        source_en="synthetic demo assignment of the city to the county", provisional=True,
        synthetic=True, actor="demo"))
    session.flush()
    return written + 1


def fill_demo_gaps(session: Session) -> int:
    """Step 4 of the module docstring over every stored plan, parents first; rows written."""
    plans = sorted((get_plan(session, r.plan_id) for r in list_plan_records(session)),
                   key=lambda p: (p.region_code[2:] != "0000", p.region_code))
    written = 0
    for plan in plans:
        written += _assign_gaps(session, plan)
        written += _synthetic_actuals(session, plan)
    return written


def demo_seed(session: Session) -> int:
    """Sync the seed plans, derive their actuals from the demo data, add proxies; rows written.

    `fill_demo_gaps` runs later, once the decomposition rounds are adopted (`tanzhi demo`).
    """
    written = sync_packaged_plans(session) + refresh_all_derived(session, actor="demo")
    for record in list_plan_records(session):
        written += _proxies(session, record.region_code)
    return written
