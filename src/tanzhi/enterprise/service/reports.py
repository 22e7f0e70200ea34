"""Report versions: create (form or uploaded sheet), lines, production, value added, evidence,
and a new version of an approved one.

A period (a month, or the year) has one report; it changes only as new versions: a second
report of a month already reported is refused with its location (issue #12 “a month reported
twice”), and an approved version never changes (`revise` starts version n + 1 as a draft copy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.enterprise import store
from tanzhi.enterprise.account import account_report
from tanzhi.enterprise.checks import (
    check_gwp,
    check_line,
    check_period,
    check_state,
    check_value_added,
    raise_errors,
)
from tanzhi.enterprise.model import VALUE_ADDED_PARTS, Period, Status
from tanzhi.enterprise.service import emissions
from tanzhi.enterprise.service.registry import get_enterprise
from tanzhi.kernel import (
    Column,
    DataError,
    Location,
    NotFound,
    Problem,
    TableSchema,
    check_evidence,
    read_evidence,
    read_table,
    store_evidence,
    utcnow,
)

# The upload sheet: one row per line of a month's report (energy by carrier, process material,
# electricity, heat, green power); months already reported are refused row by row.
LINES_SCHEMA = TableSchema("enterprise_lines", (
    Column("year", "year", aliases=("年份",)),
    Column("month", "int", aliases=("月份",)),
    Column("source_kind", "str", aliases=("排放源类别",),
           description="combustion | process | electricity | heat | green_power"),
    Column("item", "str", aliases=("品种",)),
    Column("quantity", "float", aliases=("数量",), nonnegative=True),
    Column("unit", "unit", aliases=("单位",)),
    Column("facility", "str", required=False, aliases=("设施",)),
))


def get_report(session: Session, report_id: int) -> store.ReportRow:
    """The report version with this id; `NotFound` otherwise."""
    row = session.get(store.ReportRow, report_id)
    if row is None:
        raise NotFound(f"没有报告 {report_id} / no report {report_id}")
    return row


def _already(session: Session, credit_code: str, period: Period, *, file: str | None = None,
             row: int | None = None) -> Problem | None:
    existing = store.period_reports(session, credit_code, period.year, period.month)
    if not existing:
        return None
    last = existing[-1]
    status = Status(last.status)
    return Problem(
        f"{period.label_zh}已报告（报告 {last.id} 第 {last.version} 版，{status.label_zh}）；"
        "同一期间不能重复报告，如需修改请在已审定版本上新建修订版本",
        f"{period.key} is already reported (report {last.id} version {last.version}, "
        f"{status.label_en}); a period is reported once — revise an approved version instead",
        Location(file=file, row=row, column="month" if period.month else "year"))


def _new_report(session: Session, credit_code: str, period: Period, *, gwp: str, user: User
                ) -> store.ReportRow:
    row = store.ReportRow(credit_code=credit_code, year=period.year, month=period.month,
                          version=1, status=Status.DRAFT.value, gwp=gwp,
                          created_by=user.username)
    session.add(row)
    session.flush()
    session.add(store.TransitionRow(report_id=row.id, action="create",
                                    to_status=Status.DRAFT.value, actor=user.username))
    return row


def create_report(session: Session, credit_code: str, *, year: int, month: int | None,
                  gwp: str, user: User) -> store.ReportRow:
    """A new draft for a period not reported yet (month None: the annual report)."""
    get_enterprise(session, credit_code)
    raise_errors(check_period(year, month) + check_gwp(gwp))
    period = Period(year, month)
    problem = _already(session, credit_code, period)
    if problem is not None:
        raise DataError(problem)
    return _new_report(session, credit_code, period, gwp=gwp, user=user)


def upload_months(session: Session, credit_code: str, *, filename: str, content: bytes,
                  gwp: str, user: User) -> list[store.ReportRow]:
    """Drafts for every month of an uploaded sheet (CSV/XLSX, `LINES_SCHEMA`), all or nothing:
    a month already reported, a line repeated, a bad cell — each named by row and column."""
    get_enterprise(session, credit_code)
    raise_errors(check_gwp(gwp))
    frame = read_table(content, LINES_SCHEMA, filename=filename)
    name = Path(filename).name
    problems: list[Problem] = []
    first_rows: dict[tuple[int, int], int] = {}
    seen: dict[tuple, int] = {}
    for index, rec in enumerate(frame.itertuples(index=False)):
        row = index + 2  # header is row 1
        facility = rec.facility if isinstance(rec.facility, str) else ""
        key = (int(rec.year), int(rec.month), rec.source_kind, rec.item.strip(), facility.strip())
        if key in seen:
            problems.append(Problem(
                f"与第 {seen[key]} 行重复（同一月份、类别、品种和设施只能报一行）",
                f"repeats row {seen[key]} (one line per month, kind, item and facility)",
                Location(file=name, row=row, column="item")))
        seen.setdefault(key, row)
        problems += [f.as_problem() for f in check_period(int(rec.year), int(rec.month),
                                                          file=name, row=row)]
        problems += [f.as_problem() for f in check_line(
            source_kind=rec.source_kind, item=rec.item, quantity=float(rec.quantity),
            unit=rec.unit, file=name, row=row)]
        first_rows.setdefault((int(rec.year), int(rec.month)), row)
    for (year, month), row in first_rows.items():
        problem = _already(session, credit_code, Period(year, month), file=name, row=row)
        if problem is not None:
            problems.append(problem)
    if not problems:
        problems += _account_problems(frame, gwp=gwp, file=name)
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.location.row or 0))
    made = []
    for (year, month), part in frame.groupby(["year", "month"], sort=True):
        report = _new_report(session, credit_code, Period(int(year), int(month)), gwp=gwp,
                             user=user)
        for rec in part.itertuples(index=False):
            facility = rec.facility if isinstance(rec.facility, str) else ""
            session.add(store.LineRow(report_id=report.id, source_kind=rec.source_kind,
                                      item=rec.item.strip(), quantity=float(rec.quantity),
                                      unit=rec.unit, facility=facility.strip()))
        made.append(report)
    session.flush()
    return made


def _account_problems(frame: Any, *, gwp: str, file: str) -> list[Problem]:
    """Each month's lines through the account (items known, units of the right dimension),
    its problems put back on the sheet's rows."""
    problems = []
    for (year, _month), part in frame.groupby(["year", "month"], sort=True):
        lines = part[["source_kind", "item", "quantity", "unit"]].assign(
            facility=part["facility"].fillna(""))
        try:
            account_report(lines.reset_index(drop=True), gwp=gwp, year=int(year))
        except DataError as exc:
            rows = [int(i) + 2 for i in part.index]  # sheet rows of this month's lines
            for p in exc.problems:
                row = rows[p.location.row - 2] if p.location.row else None
                problems.append(Problem(p.message_zh, p.message_en,
                                        Location(file=file, row=row, column=p.location.column)))
    return problems


def _draft(report: store.ReportRow, doing_zh: str, doing_en: str) -> None:
    raise_errors(check_state(Status(report.status), (Status.DRAFT,), doing_zh=doing_zh,
                             doing_en=doing_en))


def _touch(report: store.ReportRow) -> None:
    report.updated_at = utcnow()


def add_line(session: Session, report_id: int, *, source_kind: str, item: str, quantity: float,
             unit: str, facility: str = "", evidence_id: int | None = None) -> store.LineRow:
    """Add a line to a draft."""
    report = get_report(session, report_id)
    _draft(report, "修改数据", "change its lines")
    raise_errors(check_line(source_kind=source_kind, item=item, quantity=quantity, unit=unit))
    if evidence_id is not None:
        evidence = session.get(store.EvidenceRow, evidence_id)
        if evidence is None or evidence.report_id != report_id:
            raise DataError.at(f"本报告没有佐证材料 {evidence_id}",
                               f"the report has no evidence {evidence_id}", column="evidence_id")
    emissions.check_new_line(session, report, {
        "source_kind": source_kind, "item": item.strip(), "quantity": quantity,
        "unit": unit.strip(), "facility": facility.strip()})
    row = store.LineRow(report_id=report_id, source_kind=source_kind, item=item.strip(),
                        quantity=quantity, unit=unit.strip(), facility=facility.strip(),
                        evidence_id=evidence_id)
    session.add(row)
    _touch(report)
    session.flush()
    return row


def remove_line(session: Session, line_id: int) -> store.ReportRow:
    """Delete a line of a draft; returns its report."""
    line = session.get(store.LineRow, line_id)
    if line is None:
        raise NotFound(f"没有数据行 {line_id} / no line {line_id}")
    report = get_report(session, line.report_id)
    _draft(report, "修改数据", "change its lines")
    session.delete(line)
    _touch(report)
    session.flush()
    return report


def set_economics(session: Session, report_id: int, *, parts: dict[str, float | None],
                  production: list[tuple[str, float, str]]) -> store.ReportRow:
    """Value added by its income-approach parts (万元) and the period's production."""
    report = get_report(session, report_id)
    _draft(report, "修改数据", "change its figures")
    unknown = set(parts) - {f for f, _, _ in VALUE_ADDED_PARTS}
    if unknown:
        raise DataError.at(f"未知字段 {sorted(unknown)}", f"unknown fields {sorted(unknown)}")
    raise_errors(check_value_added(parts))
    for index, (product, quantity, unit) in enumerate(production, start=1):
        if not product.strip() or quantity < 0 or not unit.strip():
            raise DataError.at("产品名称、非负产量与单位均须填写",
                               "a product needs a name, an output ≥ 0 and a unit",
                               row=index, column="production")
    for field, value in parts.items():
        setattr(report, field, value)
    for old in store.of_report(session, store.ProductionRow, report_id):
        session.delete(old)
    for product, quantity, unit in production:
        session.add(store.ProductionRow(report_id=report_id, product=product.strip(),
                                        quantity=quantity, unit=unit.strip()))
    _touch(report)
    session.flush()
    return report


def add_evidence(session: Session, report_id: int, *, user: User, filename: str,
                 content: bytes, data_dir: Path) -> store.EvidenceRow:
    """Store an evidence file for a draft (type, signature and size checked by the kernel)."""
    report = get_report(session, report_id)
    _draft(report, "上传佐证材料", "upload evidence")
    name, content_type = check_evidence(filename, content)
    digest = store_evidence(data_dir, content)
    row = store.EvidenceRow(report_id=report_id, filename=name, content_type=content_type,
                            size=len(content), sha256=digest, uploaded_by=user.username)
    session.add(row)
    _touch(report)
    session.flush()
    return row


def open_evidence(session: Session, evidence_id: int, *, data_dir: Path
                  ) -> tuple[store.EvidenceRow, bytes]:
    """The row and the checked content of an evidence file."""
    row = session.get(store.EvidenceRow, evidence_id)
    if row is None:
        raise NotFound(f"没有佐证材料 {evidence_id} / no evidence {evidence_id}")
    return row, read_evidence(data_dir, row.sha256, label=str(evidence_id))


def revise(session: Session, report_id: int, *, user: User) -> store.ReportRow:
    """Version n + 1 of an approved report, a draft holding a copy of its lines, figures and
    evidence references; the approved version stays as it is."""
    old = get_report(session, report_id)
    raise_errors(check_state(Status(old.status), (Status.APPROVED,), doing_zh="新建修订版本",
                             doing_en="revise it"))
    versions = store.period_reports(session, old.credit_code, old.year, old.month)
    if versions[-1].id != old.id:
        raise DataError.at(f"已有更新的版本（报告 {versions[-1].id}）",
                           f"a newer version exists (report {versions[-1].id})",
                           column="version")
    new = store.ReportRow(credit_code=old.credit_code, year=old.year, month=old.month,
                          version=old.version + 1, supersedes_id=old.id,
                          status=Status.DRAFT.value, gwp=old.gwp, created_by=user.username,
                          **{f: getattr(old, f) for f, _, _ in VALUE_ADDED_PARTS})
    session.add(new)
    session.flush()
    evidence_map = {}
    for ev in store.of_report(session, store.EvidenceRow, old.id):
        copy = store.EvidenceRow(report_id=new.id, filename=ev.filename,
                                 content_type=ev.content_type, size=ev.size, sha256=ev.sha256,
                                 uploaded_by=ev.uploaded_by)
        session.add(copy)
        session.flush()
        evidence_map[ev.id] = copy.id
    for line in store.of_report(session, store.LineRow, old.id):
        session.add(store.LineRow(
            report_id=new.id, source_kind=line.source_kind, item=line.item,
            quantity=line.quantity, unit=line.unit, facility=line.facility,
            evidence_id=evidence_map.get(line.evidence_id), conservative=line.conservative,
            note=line.note))
    for prod in store.of_report(session, store.ProductionRow, old.id):
        session.add(store.ProductionRow(report_id=new.id, product=prod.product,
                                        quantity=prod.quantity, unit=prod.unit))
    session.add(store.TransitionRow(report_id=new.id, action="revise",
                                    to_status=Status.DRAFT.value, actor=user.username,
                                    note=f"修订自报告 {old.id}"))
    session.flush()
    return new
