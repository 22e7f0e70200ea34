"""Read views shared by the plan pages and their JSON twins: overview and indicator detail."""

from __future__ import annotations

import io
import math
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import NotFound, export_workbook
from tanzhi.plan import calc, store
from tanzhi.plan.calc import Status
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


# The indicator page's Excel download (brief acct item 2): what the page shows, as numbers.
SERIES_HEADER = ("年份 year", "预期路径 expected path", "实际值 actual", "口径 kind",
                 "版本 revision", "数据来源 source", "发布日期 released")


def _cell(value: Any) -> Any:
    value = clean(value)
    return None if value == "" else value


def indicator_workbook(detail: dict[str, Any], *, region_name: str,
                       provenance: list[dict[str, Any]]) -> bytes:
    """The indicator page (`indicator_detail`) as an xlsx: three sheets.

    - ``序列 series``: per year of the plan and of every value in force, the expected path, the
      actual in force, whether it was entered or computed, its revision, source and release;
    - ``状态 status``: baseline, target, latest actual, completion, time progress and the light
      (its label, or the reason there is none), each with its basis, as the status card shows;
    - ``来源 provenance``: the plan record, the indicator's source in the plan text, how its
      values are computed and the lineage of each computed value.

    Numbers are written as numbers (no formulas); text goes through `export_workbook`, which
    neutralises formula-like cells.
    """
    ind, row, plan = detail["indicator"], detail["status"], detail["plan"]
    path = {p["year"]: p["value"] for p in detail["trajectory"]}
    current = {h["year"]: h for h in detail["history"] if not h["superseded"]}
    series = []
    for year in sorted(set(path) | set(current)):
        h = current.get(year)
        series.append([year, path.get(year), h["value"] if h else None,
                       ("推算 computed" if h["derived"] else "填报 entered") if h else None,
                       h["revision"] if h else None, h["source"] if h else None,
                       h["released_on"] if h else None])
    status = row.get("status")
    light = (f"{Status(status).label_zh} {status}" if status in {s.value for s in Status}
             else f"无状态 none: {row.get('note_zh') or ''}")
    unit = ind.get("unit") or ""
    status_rows = [
        ["指标 indicator", ind["name_zh"], ind["id"]],
        ["地区 region", region_name, detail["region_code"]],
        ["单位 unit", unit, None],
        ["基期值 baseline", row.get("baseline"), row.get("baseline_basis")],
        ["目标值 target", row.get("target"), row.get("target_basis")],
        ["最新实际值 latest actual", row.get("actual"), row.get("source")],
        ["实际值年份 year of the actual", row.get("year"), None],
        ["目标完成度 completion", row.get("completion"), None],
        ["时间进度 time progress", row.get("time_progress"), None],
        ["预期进度 expected progress", row.get("expected_progress"), None],
        ["状态 status", light, None],
        ["所需年均变化率 required annual rate", row.get("required_annual_rate"),
         row.get("required_basis")],
    ]
    source = ind.get("source") or {}
    derivation = detail.get("derivation") or {}
    about = [["规划 plan", plan["title_zh"], plan["id"]],
             ["版次 edition", plan["edition"], None]]
    for p in provenance:
        about += [["发布单位 publisher", p.get("publisher"), None],
                  ["许可 licence", p.get("licence"), None]]
    about += [["规划文本出处 source in the plan", source.get("section"), source.get("quote")],
              ["计算方法 how it is computed", derivation.get("reason"), derivation.get("kind")]]
    for line in detail.get("lineage") or []:
        about.append([f"推算 {line['year']} computed", line.get("method"),
                      ", ".join(line.get("datasets") or [])])
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E8F1EC", "text_wrap": True})
    for name, header, rows in (
            ("序列 series", SERIES_HEADER, series),
            ("状态 status", ("项目 field", "值 value", "依据 basis"), status_rows),
            ("来源 provenance", ("项目 field", "值 value", "说明 detail"), about)):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, list(header), bold)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                cell = _cell(value)
                if cell is not None:
                    sheet.write(r, c, cell if not isinstance(cell, dict | list) else str(cell))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(header) - 1, 18)
    book.close()
    return buffer.getvalue()
