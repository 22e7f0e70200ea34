"""Actuals and revisions: record a yearly value, supersede it keeping history, refresh derived ones.

A key is (plan, indicator, region, year). Recording a value for a key that already has one
adds a new revision and links the old row to it (``superseded_by``); nothing is overwritten or
deleted, so the history of every figure stays visible. Derived values (computed from the
statistics, the inventory or the pilot registry) are refreshed by `refresh_derived`; a typed
value, an official release, always wins over a derived one and is never superseded by a refresh.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import DataError, Location, NotFound, Problem, get_region
from tanzhi.plan import store
from tanzhi.plan.model import Plan
from tanzhi.plan.service.registry import get_plan

ACTUAL_COLUMNS = ["plan_id", "indicator_id", "region_code", "year", "value", "source",
                  "released_on", "derived", "revision", "note", "lineage", "actor", "created_at",
                  "id"]


def _frame(rows: list[store.PlanActualRow]) -> pd.DataFrame:
    data = [{"plan_id": r.plan_id, "indicator_id": r.indicator_id, "region_code": r.region_code,
             "year": r.year, "value": r.value, "source": r.source,
             "released_on": r.released_on.isoformat() if r.released_on else None,
             "derived": bool(r.derived), "revision": r.revision, "note": r.note,
             "lineage": r.lineage or {}, "actor": r.actor,
             "created_at": r.created_at.isoformat() if r.created_at else None, "id": r.id}
            for r in rows]
    frame = pd.DataFrame(data, columns=ACTUAL_COLUMNS)
    return frame.astype({"year": "int64", "value": "float64", "revision": "int64",
                         "derived": "bool"}) if len(frame) else frame


def current_actuals(session: Session, plan_id: str, *, region_code: str | None = None
                    ) -> pd.DataFrame:
    """The value in force of every (indicator, region, year) of a plan.

    Columns: plan_id, indicator_id, region_code, year, value, source, released_on, derived,
    revision (+ note, lineage, actor, created_at, id).
    """
    regions = [region_code] if region_code else None
    return _frame(store.actual_rows(session, plan_id, region_codes=regions))


def actual_history(session: Session, plan_id: str, indicator_id: str, region_code: str
                   ) -> pd.DataFrame:
    """Every recorded value of one indicator in one region, superseded ones included.

    Columns as `current_actuals` plus ``superseded`` (bool), sorted by year then revision.
    """
    rows = store.actual_rows(session, plan_id, indicator_id=indicator_id,
                             region_codes=[region_code], current_only=False)
    frame = _frame(rows)
    frame["superseded"] = [r.superseded_by is not None for r in rows]
    return frame


def check_actual(session: Session, plan_id: str, indicator_id: str, region_code: str, year: int,
           value: float, source: str) -> None:
    plan = get_plan(session, plan_id)
    _raise_problems(_problems(plan, indicator_id, get_region(session, region_code) is not None,
                              region_code, year, value, source))


def check_actuals(session: Session, plan: Plan,
                  items: Sequence[tuple[str, str, int, float, str]]) -> None:
    """`check_actual` for many (indicator, region, year, value, source) of one plan at once:
    the plan is read once and each region once (an upload of a whole template)."""
    known = {code: get_region(session, code) is not None for code in {i[1] for i in items}}
    for indicator_id, region_code, year, value, source in items:
        _raise_problems(_problems(plan, indicator_id, known[region_code], region_code, year,
                                  value, source))


def _raise_problems(problems: list[tuple[str, str, str]]) -> None:
    if problems:
        raise DataError([Problem(zh, en, Location(column=col)) for col, zh, en in problems])


def _problems(plan: Plan, indicator_id: str, region_known: bool, region_code: str, year: int,
              value: float, source: str) -> list[tuple[str, str, str]]:
    base, _bracket, part = indicator_id.partition("[")
    ind = plan.indicator(base)
    if part and part.rstrip("]") not in (ind.target.parts or {}):
        raise NotFound(f"指标 {base} 没有分项 {part.rstrip(']')} / indicator {base} has no part "
                       f"{part.rstrip(']')}")
    problems = []
    if not region_known:
        problems.append(("region_code", f"未知行政区划代码 {region_code}",
                         f"unknown region code {region_code}"))
    if not plan.base_year - 10 <= year <= plan.period_end + 5:
        problems.append(("year",
                         f"年份 {year} 不在规划期附近（{plan.base_year}–{plan.period_end}）",
                         f"year {year} is outside the plan's span ({plan.base_year}–"
                         f"{plan.period_end})"))
    if not math.isfinite(value):
        problems.append(("value", "数值须为有限数", "value must be a finite number"))
    if not source.strip():
        problems.append(("source", "须注明数据来源", "a source is required"))
    return problems


def write_actual(session: Session, *, plan_id: str, indicator_id: str, region_code: str, year: int,
           value: float, source: str, released_on: date | None, note: str, actor: str,
           derived: bool, lineage: dict[str, Any]) -> store.PlanActualRow:
    previous = store.current_actual_row(session, plan_id, indicator_id, region_code, year)
    row = store.PlanActualRow(
        plan_id=plan_id, indicator_id=indicator_id, region_code=region_code, year=year,
        value=float(value), source=source, released_on=released_on, note=note,
        derived=derived, lineage=lineage,
        revision=(previous.revision + 1) if previous else 1, actor=actor)
    session.add(row)
    session.flush()
    if previous is not None:
        previous.superseded_by = row.id
        session.flush()
    return row


def write_actuals(session: Session, plan_id: str, values: Sequence[dict[str, Any]]
                  ) -> list[store.PlanActualRow]:
    """`write_actual` for many keys of one plan in two flushes instead of two per value.

    Each item holds `write_actual`'s keywords but `plan_id`; the keys must differ. The values
    in force are read in one query, the new rows inserted together, then the old ones linked
    forward (``superseded_by``): the same rows, revisions and audit entries as one by one.
    """
    regions = sorted({v["region_code"] for v in values})
    previous = {(r.indicator_id, r.region_code, r.year): r
                for r in store.actual_rows(session, plan_id, region_codes=regions)}
    pairs = []
    for v in values:
        before = previous.get((v["indicator_id"], v["region_code"], v["year"]))
        row = store.PlanActualRow(
            plan_id=plan_id, indicator_id=v["indicator_id"], region_code=v["region_code"],
            year=v["year"], value=float(v["value"]), source=v["source"],
            released_on=v["released_on"], note=v["note"], derived=v["derived"],
            lineage=v["lineage"], revision=(before.revision + 1) if before else 1,
            actor=v["actor"])
        pairs.append((before, row))
    session.add_all([row for _before, row in pairs])
    session.flush()
    for before, row in pairs:
        if before is not None:
            before.superseded_by = row.id
    session.flush()
    return [row for _before, row in pairs]


def derived_lineage(session: Session, plan_id: str, indicator_id: str, region_code: str
                    ) -> list[dict[str, Any]]:
    """Lineage of the derived values in force, one entry per year."""
    rows = store.actual_rows(session, plan_id, indicator_id=indicator_id,
                             region_codes=[region_code])
    return [{"year": r.year, "value": r.value, **(r.lineage or {})} for r in rows if r.derived]


def require_actual_row(session: Session, actual_id: int) -> store.PlanActualRow:
    """One actual row by id; `NotFound` otherwise."""
    row = session.get(store.PlanActualRow, actual_id)
    if row is None:
        raise NotFound(f"没有实际值 {actual_id} / no actual {actual_id}")
    return row
