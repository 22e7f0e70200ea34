"""Indicator progress for quantitative assessment items, read from the plan's status table.

The plan service (`tanzhi.plan.service.status_table`) computes completion, time progress and
status per indicator and region; assessment sits above it (issue #10 layers). When it has no
status for an indicator the basis carries none, the item has no automatic score, and the basis
says why in the status table's own words (`note`: no actual, target set by the higher level
and not yet assigned, …), so the page names the gap instead of "no data" (issue #11).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.kernel import TanzhiError
from tanzhi.plan.assess.model import ProgressBasis
from tanzhi.plan.service import status_table


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _status_frame(session: Session, plan_id: str, region_code: str, year: int) -> Any:
    try:
        return status_table(session, plan_id, region_code=region_code, year=year)
    except (TanzhiError, LookupError, ValueError):  # no status: the item has no automatic score
        return None


def progress_bases(
    session: Session, plan_id: str, region_code: str, year: int, indicator_ids: list[str]
) -> dict[str, ProgressBasis]:
    """Progress of each indicator for one region and year (status None where unknown)."""
    frame = _status_frame(session, plan_id, region_code, year)
    rows: dict[str, dict[str, Any]] = {}
    if frame is not None and len(frame):
        for record in frame.to_dict("records"):
            rows[str(record.get("indicator_id"))] = record
    out = {}
    for indicator_id in indicator_ids:
        record = rows.get(indicator_id, {})
        status = record.get("status")
        status = str(status) if status in ("green", "yellow", "red") else None
        if status is not None and hasattr(record.get("status"), "value"):
            status = record["status"].value
        completion = _num(record.get("completion"))
        progress = _num(record.get("expected_progress", record.get("time_progress")))
        actual = _num(record.get("actual"))
        if actual is None:
            status = None
        note = record.get("status_note")
        note = "" if status is not None else (
            str(note) if isinstance(note, str) and note else
            "no_status_table" if frame is None else "no_actual" if actual is None else "")
        raw_year = record.get("year")
        out[indicator_id] = ProgressBasis(
            indicator_id=indicator_id,
            year=int(raw_year) if _num(raw_year) is not None else year, actual=actual,
            completion=completion, progress=progress, status=status,
            met=completion is not None and completion >= 1.0,
            source=f"plan status table {plan_id} {region_code} {year}", note=note,
        )
    return out
