"""Read views shared by the plan pages and their JSON twins: overview and indicator detail."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import NotFound
from tanzhi.plan import calc, store
from tanzhi.plan.service.actuals import actual_history
from tanzhi.plan.service.derive import derivation_for, not_derived_reason
from tanzhi.plan.service.nowcast import ELECTRICITY, SUPPORTED, nowcast
from tanzhi.plan.service.registry import get_plan, get_plan_record
from tanzhi.plan.service.status import (
    NOTES,
    child_regions,
    indicator_status,
    status_table,
)


def clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/NA → None, numpy scalars → Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready dicts."""
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def plan_overview(session: Session, plan_id: str, *, region_code: str | None = None,
                  year: int | None = None) -> dict[str, Any]:
    """Record, plan-level defects, status rows, counts by light and the mappable indicators."""
    plan = get_plan(session, plan_id)
    record = get_plan_record(session, plan_id)
    table = records(status_table(session, plan_id, region_code=region_code, year=year))
    defects = {ind.id: [d.model_dump() for d in ind.defects] for ind in plan.indicators}
    for row in table:
        row["defect_list"] = defects.get(row["indicator_id"], [])
        note = row.get("status_note")
        row["note_zh"], row["note_en"] = NOTES.get(note, (note or "", note or ""))
    counts = {k: sum(1 for r in table if r["status"] == k) for k in ("green", "yellow", "red")}
    counts["none"] = sum(1 for r in table if r["status"] is None)
    # Indicators whose child values are computed; those with an actual first.
    mappable = sorted((r["indicator_id"] for r in table if r["derived"]),
                      key=lambda i: next(r["actual"] is None for r in table
                                         if r["indicator_id"] == i))
    return {"plan": {k: v for k, v in plan.model_dump(mode="json").items() if k != "indicators"},
            "record": record.as_dict(), "region_code": region_code or plan.region_code,
            "children": child_regions(session, plan), "status": table, "counts": counts,
            "mappable": mappable}


def _trajectory(plan_years: range, row: dict[str, Any], trajectory: str, cumulative_cut: bool,
                base_year: int, end_year: int) -> list[dict[str, Any]]:
    baseline, target = row.get("baseline"), row.get("target")
    if baseline is None or target is None:
        return []
    out = []
    for year in plan_years:
        share = calc.time_progress(year, base_year, end_year)
        if trajectory == "compound" and cumulative_cut and 0 < target < 100:
            share = calc.expected_progress(year, base_year, end_year, trajectory="compound",
                                           baseline=1.0, target=1 - target / 100)
        elif trajectory == "compound" and baseline > 0 and target > 0 and not cumulative_cut:
            share = calc.expected_progress(year, base_year, end_year, trajectory="compound",
                                           baseline=baseline, target=target)
        out.append({"year": year, "value": baseline + share * (target - baseline)})
    return out


def _nowcast_for(session: Session, plan_id: str, indicator_id: str, region_code: str,
                 end_year: int) -> dict[str, Any] | None:
    """This year's nowcast when it falls in the plan, else a back-test of the final year."""
    rows = store.proxy_rows(session, region_code=region_code, variable=ELECTRICITY)
    if not rows or indicator_id not in SUPPORTED:
        return None
    latest_year = max(r.year for r in rows)
    latest_period = max(r.period for r in rows if r.year == latest_year)
    year, through, kind = latest_year, None, "nowcast"
    if latest_year > end_year:
        year, through, kind = end_year, latest_period, "backtest"
    try:
        found = nowcast(session, plan_id, indicator_id, region_code, year, through=through)
    except NotFound as exc:
        return {"error": str(exc)}
    return {**found.as_dict(), "kind": kind}


def indicator_detail(session: Session, plan_id: str, indicator_id: str, *,
                     region_code: str | None = None) -> dict[str, Any]:
    """Everything the indicator page shows: status, trajectory, actuals, history, nowcast."""
    plan = get_plan(session, plan_id)
    ind = plan.indicator(indicator_id)
    region = region_code or plan.region_code
    row = {k: clean(v) for k, v in indicator_status(session, plan, ind, region).items()}
    note = row.get("status_note")
    row["note_zh"], row["note_en"] = NOTES.get(note, (note or "", note or ""))
    history = records(actual_history(session, plan_id, indicator_id, region))
    current = [h for h in history if not h["superseded"]]
    cumulative_cut = ind.accumulation == "cumulative" and ind.unit == "%"
    years = range(plan.base_year, plan.period_end + 1)
    how = derivation_for(plan, ind)
    return {
        "plan": {"id": plan.id, "edition": plan.edition, "title_zh": plan.title_zh,
                 "title_en": plan.title_en, "region_code": plan.region_code,
                 "base_year": plan.base_year, "period_end": plan.period_end,
                 "defects": [d.model_dump() for d in plan.defects]},
        "indicator": ind.model_dump(mode="json"),
        "region_code": region,
        "status": row,
        "trajectory": _trajectory(years, row, ind.trajectory, cumulative_cut, plan.base_year,
                                  plan.period_end),
        "actuals": [{"year": h["year"], "value": h["value"], "derived": h["derived"],
                     "revision": h["revision"]} for h in current],
        "history": history,
        "derivation": None if how is None else {"kind": how.kind, "reason": how.reason},
        "not_derived_reason": not_derived_reason(plan, ind),
        "lineage": [{"year": h["year"], **(h["lineage"] or {})} for h in current if h["derived"]],
        "nowcast": _nowcast_for(session, plan_id, indicator_id, region, plan.period_end),
        "children": child_regions(session, plan),
    }
