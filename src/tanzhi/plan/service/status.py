"""Status of plan indicators: completion, time progress, traffic light, rate still required.

One row per indicator for a plan's own region, or for one of its child regions when the
decomposition helper has adopted child targets (`adopted_child_targets`) or an assignment
entered for the child region (`store.entered_assignments`, e.g. the demo's). The maths is
`tanzhi.plan.calc`; this module picks what goes in:

- baseline: 0 for cumulative indicators (reductions and counts since the base year); the
  printed base-year value otherwise, or the region's base-year actual when none is printed (and
  always for child regions);
- target: the printed number (value, or the number of a ≥/≤/左右 comparator); 不减少 keeps the
  baseline; a target relative to another indicator adds its offset to that indicator's target;
  a target "set by the higher level" stays without status until a number is filled in, by an
  edited edition or by the parent plan's adopted decomposition for this region; sub-area,
  component, qualitative and blank targets carry no single number, so no status;
- actual: the latest value in force after the base year, up to the year asked for;
- expected progress: linear time progress, or the compound path for intensity targets
  (for cumulative reductions R the path runs from 1 to 1 − R).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import get_region, list_regions
from tanzhi.plan import calc, store
from tanzhi.plan.model import Indicator, Plan
from tanzhi.plan.service.derive import derivation_for
from tanzhi.plan.service.registry import get_plan

STATUS_COLUMNS = [
    "indicator_id", "name", "unit", "baseline", "target", "actual", "completion",
    "time_progress", "status", "required_annual_rate",
    "name_en", "nature", "department", "direction", "year", "defects",
    "region_code", "region_name", "seq", "category", "accumulation", "trajectory",
    "baseline_printed", "baseline_basis", "target_printed", "target_kind", "target_basis",
    "status_note", "expected_progress", "required_basis", "derived", "revision", "source",
]

NOTES = {
    "set_by_higher_level": ("上级下达，待填", "set by the higher level, to be filled"),
    "qualitative": ("定性目标", "qualitative target"),
    "per_region": ("分区域目标", "one target per sub-area"),
    "per_component": ("分项目标", "one target per component"),
    "not_stated": ("目标未填", "no target stated"),
    "relative": ("相对目标，参照指标未定", "relative target; the reference is not set"),
    "not_decomposed": ("尚未分解到本地区", "not yet decomposed to this region"),
    "no_baseline": ("无基准值", "no baseline"),
    "no_actual": ("无基准年后实际值", "no actual after the base year"),
}


def adopted_child_targets(session: Session, plan_id: str) -> pd.DataFrame:
    """Children's targets of the adopted decomposition rounds of a plan.

    Columns: indicator_id, region_code, target (in the round's unit: % for an intensity
    round, a cut even on a level indicator such as 单位 GDP 综合能耗 in tce/万元, which status
    applies to the child's baseline), round_id. The rounds are written by
    `tanzhi.plan.decompose` into `tanzhi.plan.store`, where status reads them (issue #10: status
    does not import the decomposition package).
    """
    rows = store.adopted_rows(session, plan_id=plan_id)
    return pd.DataFrame(
        [(r.indicator_id, t.region_code, float(t.target), r.id) for r, t in rows],
        columns=["indicator_id", "region_code", "target", "round_id"])


def part_key(indicator_id: str, part: str) -> str:
    """The indicator id under which one part of a split target keeps its actuals."""
    return f"{indicator_id}[{part}]"


def _assigned_from_parent(session: Session, plan: Plan) -> dict[str, tuple[float, str]]:
    """Targets the parent region's plan assigned to this plan's region by an adopted round."""
    region = get_region(session, plan.region_code)
    if region is None or region.parent_code is None:
        return {}
    parent = get_region(session, region.parent_code)
    parent_name = parent.name_zh if parent else region.parent_code
    out: dict[str, tuple[float, str]] = {}
    for row in store.current_edition_rows(session):
        if row.region_code != region.parent_code:
            continue
        frame = adopted_child_targets(session, row.plan_id)
        for rec in frame[frame["region_code"] == plan.region_code].itertuples(index=False):
            out[rec.indicator_id] = (float(rec.target),
                                     f"上级分解方案第 {rec.round_id} 轮（{parent_name}，已采纳）")
    return out


def _assignments(session: Session, plan: Plan) -> dict[str, store.Assignment]:
    """Assignments for the plan's own region: entered ones over packaged ones."""
    out = {a.indicator_id: a for a in store.packaged_assignments()
           if a.plan_id == plan.id and a.region_code == plan.region_code}
    out.update({a.indicator_id: a for a in store.entered_assignments(
        session, plan.id, plan.region_code)})
    return out


class _Context:
    """What status rows of one plan and region share: actuals, assigned and child targets."""

    def __init__(self, session: Session, plan: Plan, region_code: str,
                 rows: list[store.PlanActualRow] | None = None) -> None:
        self.plan = plan
        self.region_code = region_code
        self.own = region_code == plan.region_code
        # Read once per context: `get_region` builds a fresh object per call, so the ORM row
        # leaves the identity map and every status row would query it again.
        region = get_region(session, region_code)
        self.region_name = region.name_zh if region else region_code
        if rows is None:
            rows = store.actual_rows(session, plan.id, region_codes=[region_code])
        self.actuals: dict[str, dict[int, store.PlanActualRow]] = {}
        for r in rows:
            self.actuals.setdefault(r.indicator_id, {})[r.year] = r
        self.assignments: dict[str, store.Assignment] = {}
        if self.own:
            self.assigned = _assigned_from_parent(session, plan)
            self.assignments = _assignments(session, plan)
            self.child: dict[str, tuple[float, str, str]] = {}
        else:
            self.assigned = {}
            # Targets the plan's region assigned to this child outside a decomposition round.
            self.assignments = {a.indicator_id: a for a in store.entered_assignments(
                session, plan.id, region_code)}
            self.child = {r.indicator_id: (float(t.target), f"第 {r.id} 轮", r.unit)
                          for r, t in store.adopted_rows(session, plan_id=plan.id,
                                                         child_code=region_code)}


def _target(ctx: _Context, ind: Indicator, baseline: float | None, seen: tuple[str, ...] = ()
            ) -> tuple[float | None, str, str | None]:
    """(target value, basis, note) for an indicator in the context's region."""
    t = ind.target
    if not ctx.own:
        if ind.id in ctx.child:
            value, basis, unit = ctx.child[ind.id]
            if unit == "%" and ind.unit != "%":  # an intensity cut on a level indicator
                if baseline is None:
                    return None, "", "no_baseline"
                return baseline * (1 - value / 100), (
                    f"目标分解{basis}：{baseline:g} × (1 − {value:g}%)"), None
            return value, f"目标分解{basis}", None
        if ind.id in ctx.assignments:
            return _apply_assignment(ind, ctx.assignments[ind.id], baseline)
        return None, "", "not_decomposed"
    if t.kind == "value" or (t.kind == "comparator" and t.value is not None):
        return float(t.value), "规划文本所载", None  # type: ignore[arg-type]
    if t.kind == "comparator":  # 不减少: keep the base-year level
        return baseline, "保持基年水平（不减少）", None if baseline is not None else (
            "no_baseline")
    if t.kind == "set_by_higher_level":
        entered = ctx.assignments.get(ind.id)
        if entered is not None and not entered.provisional:
            return _apply_assignment(ind, entered, baseline)
        if ind.id in ctx.assigned:
            value, basis = ctx.assigned[ind.id]
            return value, basis, None
        if entered is not None:
            return _apply_assignment(ind, entered, baseline)
        return None, "", "set_by_higher_level"
    if t.kind == "relative" and t.relative_to and t.relative_to not in seen:
        ref = ctx.plan.indicator(t.relative_to)
        ref_value, ref_basis, _note = _target(ctx, ref, 0.0, (*seen, ind.id))
        if ref_value is not None and t.value is not None:
            return ref_value + t.value, f"{ref.name_zh}目标（{ref_basis}）+ {t.value:g}", None
        return None, "", "relative"
    return None, "", t.kind


def _apply_assignment(ind: Indicator, a: store.Assignment, baseline: float | None
                      ) -> tuple[float | None, str, str | None]:
    """(target, basis, note) from an assignment; a % cut on a level indicator needs a baseline.

    Packaged assignments are % cuts (the decomposition's parent targets): on an indicator kept
    in % they are the target itself, on an intensity level they cut the baseline.
    """
    basis = a.basis if a.origin == "entered" else ("value" if ind.unit == "%" else "reduction_pct")
    flags = "".join(f"（{w}）" for w, on in (("暂定", a.provisional), ("演示合成", a.synthetic))
                    if on)
    label = "上级下达" + flags + "：" + a.source_zh
    if basis == "value":
        return a.value, label, None
    if baseline is None:
        return None, "", "no_baseline"
    return baseline * (1 - a.value / 100), f"{label}；{baseline:g} × (1 − {a.value:g}%)", None


def _baseline(ctx: _Context, ind: Indicator) -> tuple[float | None, str]:
    if ind.accumulation == "cumulative":
        return 0.0, "自基年起累计 / cumulative since the base year"
    if ctx.own and ind.baseline.value is not None:
        return float(ind.baseline.value), "规划文本所载 / printed"
    row = ctx.actuals.get(ind.id, {}).get(ctx.plan.base_year)
    if row is not None:
        return float(row.value), f"{ctx.plan.base_year}年实际值 / {ctx.plan.base_year} actual"
    return None, ""


def _row(session: Session, ctx: _Context, ind: Indicator, year: int | None) -> dict[str, Any]:
    plan = ctx.plan
    baseline, baseline_basis = _baseline(ctx, ind)
    target, target_basis, note = _target(ctx, ind, baseline)
    series = ctx.actuals.get(ind.id, {})
    years = [y for y in series if y > plan.base_year and (year is None or y <= year)]
    latest = series[max(years)] if years else None
    out: dict[str, Any] = {c: None for c in STATUS_COLUMNS}
    out.update({
        "indicator_id": ind.id, "name": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
        "nature": ind.nature, "department": ind.department, "direction": ind.direction,
        "defects": ",".join(d.code for d in ind.defects), "region_code": ctx.region_code,
        "region_name": ctx.region_name, "seq": ind.seq,
        "category": ind.category, "accumulation": ind.accumulation,
        "trajectory": ind.trajectory, "baseline_printed": ind.baseline.printed,
        "baseline": baseline, "baseline_basis": baseline_basis, "target": target,
        "target_printed": ind.target.printed, "target_kind": ind.target.kind,
        "target_basis": target_basis, "derived": derivation_for(plan, ind) is not None,
    })
    if latest is not None:
        out.update({"actual": latest.value, "year": latest.year, "revision": latest.revision,
                    "source": latest.source, "derived": bool(latest.derived)})
    if ctx.own and ind.target.kind in ("per_region", "per_component") and ind.target.parts:
        return _rate_parts(ctx, ind, year, out)
    if note is None and baseline is None:
        note = "no_baseline"
    if note is None and latest is None:
        note = "no_actual"
    out["status_note"] = note
    if note is not None or latest is None or baseline is None or target is None:
        return out
    y, actual = latest.year, float(latest.value)
    out["time_progress"] = calc.time_progress(y, plan.base_year, plan.period_end)
    cumulative_cut = ind.accumulation == "cumulative" and ind.unit == "%"
    compound = ind.trajectory == "compound"
    # One rule for the planned path, shared with the evaluation report's charts (issue #10).
    progress = calc.planned_progress(y, plan.base_year, plan.period_end,
                                     trajectory=ind.trajectory, cumulative_cut=cumulative_cut,
                                     baseline=baseline, target=target)
    out["expected_progress"] = progress
    light = calc.status(baseline=baseline, target=target, actual=actual, direction=ind.direction,
                        progress=progress, thresholds=plan.thresholds)
    out["status"] = light.value
    out["completion"] = None if target == baseline else calc.completion(baseline, target, actual)
    left = plan.period_end - y
    met = (actual >= target) if ind.direction == "increase" else (actual <= target)
    if left > 0 and not met:
        if compound and cumulative_cut and actual < 100 and target < 100:
            out["required_annual_rate"] = 100 * calc.required_annual_reduction(
                actual / 100, target / 100, left)
            out["required_basis"] = "%/yr intensity decline"
        elif compound and actual > 0 and target > 0 and not cumulative_cut:
            out["required_annual_rate"] = 100 * calc.required_annual_rate(actual, target, left)
            out["required_basis"] = "%/yr decline"
        else:
            out["required_annual_rate"] = calc.required_annual_change(actual, target, left)
            out["required_basis"] = f"{ind.unit or ''}/yr"
    return out


def _rate_parts(ctx: _Context, ind: Indicator, year: int | None, out: dict[str, Any]
                ) -> dict[str, Any]:
    """Rate a split target part by part (module docstring); the row carries the worst light."""
    plan, parts = ctx.plan, ind.target.parts or {}
    rated: list[tuple[str, calc.Status, float | None, int]] = []
    missing: list[str] = []
    for name, part in parts.items():
        series = ctx.actuals.get(part_key(ind.id, name), {})
        years = [y for y in series if y > plan.base_year and (year is None or y <= year)]
        base_row = series.get(plan.base_year)
        baseline = 0.0 if ind.accumulation == "cumulative" else (
            float(base_row.value) if base_row is not None else None)
        if part.value is None or not years or baseline is None:
            missing.append(name)
            continue
        latest = series[max(years)]
        target, actual = float(part.value), float(latest.value)
        progress = calc.planned_progress(
            latest.year, plan.base_year, plan.period_end, trajectory=ind.trajectory,
            cumulative_cut=False, baseline=baseline, target=target)
        light = calc.status(baseline=baseline, target=target, actual=actual,
                            direction=ind.direction, progress=progress,
                            thresholds=plan.thresholds)
        done = None if target == baseline else calc.completion(baseline, target, actual)
        rated.append((name, light, done, latest.year))
    if missing:
        out["status_note"] = ind.target.kind
        out["target_basis"] = "缺分项实际值：" + "、".join(missing)
        return out
    worst = min(rated, key=lambda r: r[1].rank)
    completions = [r[2] for r in rated if r[2] is not None]
    last = min(r[3] for r in rated)
    out.update({
        "status": worst[1].value, "year": last,
        "completion": min(completions) if completions else None,
        "time_progress": calc.time_progress(last, plan.base_year, plan.period_end),
        "target_basis": "分项评价：" + "；".join(f"{n} {light.label_zh}" for n, light, _d, _y
                                             in rated),
    })
    return out


def indicator_status(session: Session, plan: Plan, ind: Indicator, region_code: str, *,
                     year: int | None = None) -> dict[str, Any]:
    """One status row (see `STATUS_COLUMNS`) of one indicator in one region."""
    return _row(session, _Context(session, plan, region_code), ind, year)


class StatusBatch:
    """`indicator_status` for many (indicator, region) of one plan, for an upload that re-rates
    every indicator it touched before and after writing.

    Each region's actuals and targets are read once, the actuals of all regions in one query;
    `put_in_force` then places newly written actual rows in the same contexts (the targets do
    not change when an actual is recorded), so the after-state is rated without reading again.
    """

    def __init__(self, session: Session, plan: Plan, regions: Sequence[str]) -> None:
        self.session, self.plan = session, plan
        by_region: dict[str, list[store.PlanActualRow]] = {code: [] for code in regions}
        for row in store.actual_rows(session, plan.id, region_codes=list(regions)):
            by_region[row.region_code].append(row)
        self.contexts = {code: _Context(session, plan, code, rows)
                         for code, rows in by_region.items()}

    def status(self, ind: Indicator, region_code: str, year: int | None) -> dict[str, Any]:
        """The status row `indicator_status(…, ind, region_code, year=year)` gives."""
        return _row(self.session, self.contexts[region_code], ind, year)

    def put_in_force(self, rows: Sequence[store.PlanActualRow]) -> None:
        """Rate from now on with `rows` (just written, current) as the values in force."""
        for row in rows:
            self.contexts[row.region_code].actuals.setdefault(row.indicator_id, {})[
                row.year] = row


def status_table(session: Session, plan_id: str, *, region_code: str | None = None,
                 year: int | None = None) -> pd.DataFrame:
    """Status of every indicator of a plan in its region (or one child region), as of `year`.

    Columns: indicator_id, name, unit, baseline, target, actual, completion, time_progress,
    status, required_annual_rate, then name_en, nature, department, direction, year, defects
    and the rest of `STATUS_COLUMNS`. ``status`` is green/yellow/red, or empty with the reason
    in ``status_note`` (e.g. ``set_by_higher_level``). ``year`` None means the latest actual.
    """
    plan = get_plan(session, plan_id)
    ctx = _Context(session, plan, region_code or plan.region_code)
    rows = [_row(session, ctx, ind, year) for ind in plan.indicators]
    return _typed(pd.DataFrame(rows, columns=STATUS_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer columns as nullable integers, numbers as floats (None → NaN)."""
    for column in ("year", "revision", "seq"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    for column in ("baseline", "target", "actual", "completion", "time_progress",
                   "required_annual_rate", "expected_progress"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def child_regions(session: Session, plan: Plan) -> list[str]:
    """Direct children of the plan's region."""
    return [r.code for r in list_regions(session, parent=plan.region_code)
            if r.parent_code == plan.region_code]


def region_statuses(session: Session, plan_id: str, indicator_id: str, *,
                    year: int | None = None) -> pd.DataFrame:
    """Status of one indicator in each child region, for the map.

    Columns: region_code, name_zh, status, status_note, actual, target, completion, year.
    Child targets come from the adopted decomposition; without one a child has no status
    (``not_decomposed``) but its actual is still shown.
    """
    plan = get_plan(session, plan_id)
    ind = plan.indicator(indicator_id)
    rows = []
    for code in child_regions(session, plan):
        row = _row(session, _Context(session, plan, code), ind, year)
        rows.append({k: row[k] for k in ("region_code", "region_name", "status", "status_note",
                                          "actual", "target", "completion", "year")})
    frame = pd.DataFrame(rows, columns=["region_code", "region_name", "status", "status_note",
                                        "actual", "target", "completion", "year"])
    return frame.rename(columns={"region_name": "name_zh"})
