"""The MRV workflow of a report version (MEE 《企业温室气体排放报告核查指南（试行）》):

draft → submitted (the enterprise) → in verification (the assigned verifier: document review,
on-site checklist, non-conformities raised / responded / closed, conservative estimates where
data are missing) → verified (the verifier's conclusion) → approved (the authority). Every step
is a `TransitionRow` written in the caller's transaction, so the audit chain holds it too.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.enterprise import store
from tanzhi.enterprise.checks import (
    check_line,
    check_state,
    check_submittable,
    check_verifiable,
    raise_errors,
)
from tanzhi.enterprise.model import (
    ACTION_LABELS,
    DEFAULT_CHECKS,
    TRANSITIONS,
    VALUE_ADDED_PARTS,
    CheckResult,
    NcStatus,
    Status,
)
from tanzhi.enterprise.service import emissions
from tanzhi.enterprise.service.reports import get_report
from tanzhi.kernel import DataError, NotFound, utcnow


def _step(session: Session, report: store.ReportRow, action: str, *, user: User,
          note: str = "") -> store.ReportRow:
    source, target = TRANSITIONS[action]
    raise_errors(check_state(Status(report.status), (source,),
                             doing_zh=ACTION_LABELS[action][0],
                             doing_en=action))
    session.add(store.TransitionRow(report_id=report.id, action=action,
                                    from_status=report.status, to_status=target.value,
                                    actor=user.username, note=note))
    report.status = target.value
    report.updated_at = utcnow()
    session.flush()
    return report


def submit(session: Session, report_id: int, *, user: User) -> store.ReportRow:
    """The enterprise submits a draft for verification."""
    report = get_report(session, report_id)
    lines = store.of_report(session, store.LineRow, report_id)
    raise_errors(check_state(Status(report.status), (Status.DRAFT,), doing_zh="提交",
                             doing_en="submit"))
    raise_errors(check_submittable(
        len(lines), {f: getattr(report, f) for f, _, _ in VALUE_ADDED_PARTS},
        annual=report.month is None))
    emissions.record(session, report)
    return _step(session, report, "submit", user=user)


def start_verification(session: Session, report_id: int, *, user: User) -> store.ReportRow:
    """The assigned verifier takes the version up; its checklist is laid out."""
    report = get_report(session, report_id)
    _step(session, report, "start", user=user)
    report.verifier = user.username
    for kind, zh, en in DEFAULT_CHECKS:
        session.add(store.CheckRow(report_id=report_id, kind=kind.value, item_zh=zh, item_en=en))
    session.flush()
    return report


def _in_verification(report: store.ReportRow, doing_zh: str, doing_en: str) -> None:
    raise_errors(check_state(Status(report.status), (Status.IN_VERIFICATION,),
                             doing_zh=doing_zh, doing_en=doing_en))


def record_check(session: Session, check_id: int, *, result: str, note: str, user: User
                 ) -> store.CheckRow:
    """Mark one checklist item conforming or not (a non-conformity needs its note)."""
    row = session.get(store.CheckRow, check_id)
    if row is None:
        raise NotFound(f"没有核查项 {check_id} / no check {check_id}")
    _in_verification(get_report(session, row.report_id), "记录核查结果", "record a check")
    if result not in {r.value for r in CheckResult} - {CheckResult.PENDING.value}:
        raise DataError.at(f"核查结果“{result}”无效", f"unknown check result '{result}'",
                           column="result")
    if result == CheckResult.NONCONFORMITY.value and not note.strip():
        raise DataError.at("不符合须写明情况", "a non-conformity needs a note", column="note")
    row.result, row.note, row.checked_by = result, note.strip(), user.username
    session.flush()
    return row


def raise_nonconformity(session: Session, report_id: int, *, description: str, user: User
                        ) -> store.NonconformityRow:
    """The verifier raises a non-conformity on the version under verification."""
    report = get_report(session, report_id)
    _in_verification(report, "登记不符合项", "raise a non-conformity")
    if not description.strip():
        raise DataError.at("不符合项须写明内容", "the non-conformity needs a description",
                           column="description")
    row = store.NonconformityRow(report_id=report_id, description=description.strip(),
                                 raised_by=user.username)
    session.add(row)
    session.flush()
    return row


def _nc(session: Session, nc_id: int) -> tuple[store.NonconformityRow, store.ReportRow]:
    row = session.get(store.NonconformityRow, nc_id)
    if row is None:
        raise NotFound(f"没有不符合项 {nc_id} / no non-conformity {nc_id}")
    return row, get_report(session, row.report_id)


def respond(session: Session, nc_id: int, *, response: str, user: User
            ) -> store.NonconformityRow:
    """The enterprise answers an open non-conformity (its rectification)."""
    row, report = _nc(session, nc_id)
    _in_verification(report, "回复不符合项", "respond to a non-conformity")
    if row.status == NcStatus.CLOSED.value:
        raise DataError.at(f"不符合项 {nc_id} 已关闭", f"non-conformity {nc_id} is closed",
                           column="status")
    if not response.strip():
        raise DataError.at("回复不能为空", "the response is empty", column="response")
    row.response, row.responded_by = response.strip(), user.username
    row.status = NcStatus.RESPONDED.value
    session.flush()
    return row


def close(session: Session, nc_id: int, *, note: str, user: User) -> store.NonconformityRow:
    """The verifier closes a non-conformity: rectified (after the response), or unrectified
    with a conservative estimate recorded for the missing data (核查指南 step 5)."""
    row, report = _nc(session, nc_id)
    _in_verification(report, "关闭不符合项", "close a non-conformity")
    if row.status == NcStatus.CLOSED.value:
        raise DataError.at(f"不符合项 {nc_id} 已关闭", f"non-conformity {nc_id} is closed",
                           column="status")
    if row.status == NcStatus.OPEN.value and not any(
            line.conservative for line in store.of_report(session, store.LineRow, report.id)):
        raise DataError.at("企业尚未回复；未整改的不符合项须先录入保守估计再关闭",
                           "the enterprise has not responded; close an unrectified "
                           "non-conformity only after recording a conservative estimate",
                           column="status")
    row.status, row.closed_by, row.closing_note = (NcStatus.CLOSED.value, user.username,
                                                   note.strip())
    session.flush()
    return row


def conservative_estimate(session: Session, report_id: int, *, source_kind: str, item: str,
                          quantity: float, unit: str, note: str, user: User) -> store.LineRow:
    """The verifier records a conservative estimate for data the enterprise could not show."""
    report = get_report(session, report_id)
    _in_verification(report, "录入保守估计", "record a conservative estimate")
    raise_errors(check_line(source_kind=source_kind, item=item, quantity=quantity, unit=unit))
    if not note.strip():
        raise DataError.at("保守估计须说明依据", "a conservative estimate needs its basis",
                           column="note")
    row = store.LineRow(report_id=report_id, source_kind=source_kind, item=item.strip(),
                        quantity=quantity, unit=unit.strip(), conservative=True,
                        note=f"{note.strip()}（{user.username}）")
    session.add(row)
    session.flush()
    return row


def verify(session: Session, report_id: int, *, conclusion: str, user: User
           ) -> store.ReportRow:
    """The verifier's conclusion: every check done, every non-conformity closed."""
    report = get_report(session, report_id)
    _in_verification(report, "出具核查结论", "conclude the verification")
    raise_errors(check_verifiable(
        [c.result for c in store.of_report(session, store.CheckRow, report_id)],
        [n.status for n in store.of_report(session, store.NonconformityRow, report_id)]))
    if not conclusion.strip():
        raise DataError.at("核查结论不能为空", "the conclusion is empty", column="conclusion")
    report.conclusion = conclusion.strip()
    emissions.record(session, report)  # conservative estimates included
    return _step(session, report, "verify", user=user, note=conclusion.strip())


def approve(session: Session, report_id: int, *, user: User, note: str = ""
            ) -> store.ReportRow:
    """The authority approves a verified version; it is immutable from now on."""
    report = get_report(session, report_id)
    raise_errors(check_state(Status(report.status), (Status.VERIFIED,), doing_zh="审定",
                             doing_en="approve"))
    emissions.record(session, report)
    _step(session, report, "approve", user=user, note=note.strip())
    report.approved_by = user.username
    session.flush()
    return report
