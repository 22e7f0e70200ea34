"""A report version's emissions, through the account (`tanzhi.enterprise.account.account_report`:
GB/T 32150 and the national industry guidelines, the kernel's factor library, per gas, the
version's own GWP set).

Drafts and versions under work are accounted on each reading; the account is stored on the
version at submission, at the verifier's conclusion and at approval — from then on an approved
version shows the account it was approved with, whatever the factor library says later.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.enterprise import store
from tanzhi.enterprise.account import AccountResult, account_report
from tanzhi.enterprise.model import Status
from tanzhi.kernel import DataError, Location, Problem


def lines_frame(session: Session, report: store.ReportRow) -> pd.DataFrame:
    """The version's lines as the account reads them (evidence: the file's name and digest)."""
    evidence = {e.id: f"{e.filename} sha256:{e.sha256[:12]}"
                for e in store.of_report(session, store.EvidenceRow, report.id)}
    rows = [{"source_kind": ln.source_kind, "item": ln.item, "quantity": ln.quantity,
             "unit": ln.unit, "facility": ln.facility,
             "evidence": evidence.get(ln.evidence_id, "") if ln.evidence_id else ""}
            for ln in store.of_report(session, store.LineRow, report.id)]
    return pd.DataFrame(rows, columns=["source_kind", "item", "quantity", "unit", "facility",
                                       "evidence"])


def compute(session: Session, report: store.ReportRow, extra: dict[str, Any] | None = None
            ) -> AccountResult:
    """Account the version's lines now, with `extra` (a line about to be added) last
    (DataError: a line the account refuses — unknown item, a unit of the wrong dimension)."""
    frame = lines_frame(session, report)
    if extra is not None:
        frame = pd.concat([frame, pd.DataFrame([{"facility": "", "evidence": "", **extra}])],
                          ignore_index=True)
    return account_report(frame, gwp=report.gwp, year=report.year)


def check_new_line(session: Session, report: store.ReportRow, line: dict[str, Any]) -> None:
    """Refuse a line the account cannot use, before it is written (the problem named by the
    line's own fields, not its row in the account's frame)."""
    try:
        compute(session, report, line)
    except DataError as exc:
        last = len(lines_frame(session, report)) + 2  # the new line's row in the frame
        mine = [p for p in exc.problems if p.location.row == last]
        if mine:
            raise DataError([Problem(p.message_zh, p.message_en,
                                     Location(column=p.location.column)) for p in mine]) from None


def _clean(value: Any) -> Any:
    """JSON-safe: NaN → None (a missing measured value), numpy scalars → Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _summary(result: AccountResult) -> dict[str, Any]:
    return json.loads(json.dumps(_clean(result.as_dict()), default=str))


def record(session: Session, report: store.ReportRow) -> AccountResult:
    """Account the version and store the result on it (refused: errors in the account)."""
    result = compute(session, report)
    errors = result.errors()
    if errors:
        raise DataError([f.as_problem() for f in errors])
    report.co2e_t = result.total_co2e_t
    report.account_json = json.dumps(_summary(result), ensure_ascii=False)
    return result


def emissions(session: Session, report: store.ReportRow) -> dict[str, Any]:
    """The account a page shows: the stored one of an approved version, else computed now;
    a draft whose lines the account refuses shows the problems instead."""
    if report.status == Status.APPROVED.value and report.account_json:
        return {**json.loads(report.account_json), "stored": True, "problems": []}
    if not store.of_report(session, store.LineRow, report.id):
        return {"total_co2e_t": None, "totals": [], "lines": [], "parameters": [],
                "findings": [], "stored": False, "problems": []}
    try:
        result = compute(session, report)
    except DataError as exc:
        return {"total_co2e_t": None, "totals": [], "lines": [], "parameters": [],
                "findings": [], "stored": False,
                "problems": [p.as_dict() for p in exc.problems]}
    return {**_summary(result), "stored": False, "problems": []}
