"""What pages, twins and the export read: one report version, the enterprise's whole file
(一企一档: registry, every report and version, verification, non-conformities, steps), the
lists of the authority and the verifier, and the file as one Excel workbook.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.access import User, region_lineage
from tanzhi.enterprise import store
from tanzhi.enterprise.model import (
    ACTION_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    VALUE_ADDED_PARTS,
    NcStatus,
    Period,
    SourceKind,
    Status,
)
from tanzhi.enterprise.service import emissions
from tanzhi.enterprise.service.registry import enterprise_dict, get_enterprise, visible_codes
from tanzhi.kernel import export_workbook, get_region


def value_added(report: store.ReportRow) -> float | None:
    """Value added by the income approach, 万元 (None until all four parts are entered)."""
    parts = [getattr(report, f) for f, _, _ in VALUE_ADDED_PARTS]
    return None if any(p is None for p in parts) else float(sum(parts))


def report_summary(report: store.ReportRow) -> dict[str, Any]:
    """The version's head: period, version, status, GWP, value added."""
    status = Status(report.status)
    period = Period(report.year, report.month)
    return {
        "id": report.id, "credit_code": report.credit_code, "year": report.year,
        "month": report.month, "period": period.key, "period_zh": period.label_zh,
        "version": report.version, "supersedes_id": report.supersedes_id,
        "status": status.value, "status_zh": status.label_zh, "status_en": status.label_en,
        "gwp": report.gwp, "value_added_10k_yuan": value_added(report),
        "co2e_t": report.co2e_t,
        "verifier": report.verifier, "approved_by": report.approved_by,
        "conclusion": report.conclusion, "updated_at": report.updated_at.isoformat(),
    }


def report_dict(session: Session, report: store.ReportRow) -> dict[str, Any]:
    """Everything about one version: lines, production, value-added parts, evidence, the
    checklist, the non-conformity register and the workflow steps."""
    lines = store.of_report(session, store.LineRow, report.id)
    return {
        **report_summary(report),
        "emissions": emissions.emissions(session, report),
        "value_added_parts": {f: getattr(report, f) for f, _, _ in VALUE_ADDED_PARTS},
        "lines": [{"id": ln.id, "source_kind": ln.source_kind,
                   "source_kind_zh": SOURCE_LABELS[SourceKind(ln.source_kind)][0],
                   "item": ln.item, "quantity": ln.quantity, "unit": ln.unit,
                   "facility": ln.facility, "evidence_id": ln.evidence_id,
                   "conservative": ln.conservative, "note": ln.note} for ln in lines],
        "production": [{"product": p.product, "quantity": p.quantity, "unit": p.unit}
                       for p in store.of_report(session, store.ProductionRow, report.id)],
        "evidence": [{"id": e.id, "filename": e.filename, "content_type": e.content_type,
                      "size": e.size, "sha256": e.sha256, "uploaded_by": e.uploaded_by,
                      "uploaded_at": e.uploaded_at.isoformat()}
                     for e in store.of_report(session, store.EvidenceRow, report.id)],
        "checks": [{"id": c.id, "kind": c.kind, "item_zh": c.item_zh, "item_en": c.item_en,
                    "result": c.result, "note": c.note, "checked_by": c.checked_by}
                   for c in store.of_report(session, store.CheckRow, report.id)],
        "nonconformities": [{"id": n.id, "description": n.description, "status": n.status,
                             "status_zh": NcStatus(n.status).label_zh,
                             "raised_by": n.raised_by, "raised_at": n.raised_at.isoformat(),
                             "response": n.response, "responded_by": n.responded_by,
                             "closed_by": n.closed_by, "closing_note": n.closing_note}
                            for n in store.of_report(session, store.NonconformityRow,
                                                     report.id)],
        "steps": [{"action": t.action, "action_zh": ACTION_LABELS[t.action][0],
                   "from_status": t.from_status, "to_status": t.to_status, "actor": t.actor,
                   "at": t.at.isoformat(), "note": t.note}
                  for t in store.of_report(session, store.TransitionRow, report.id)],
    }


def enterprise_file(session: Session, credit_code: str) -> dict[str, Any]:
    """一企一档: the registry entry and every report version, newest period first."""
    row = get_enterprise(session, credit_code)
    reports = store.reports(session, codes={credit_code})
    return {**enterprise_dict(session, row),
            "reports": [report_dict(session, r) for r in reports]}


def enterprise_list(session: Session, user: User, *, region: str | None = None,
                    industry: str | None = None, status: str | None = None
                    ) -> list[dict[str, Any]]:
    """The enterprises `user` may see, with each one's latest version per period counted by
    status; filtered by region (that region and below), industry class prefix and status."""
    codes = visible_codes(session, user)
    rows = store.enterprises(session, codes=codes)
    if region:
        rows = [r for r in rows if region in region_lineage(session, r.region_code)]
    if industry:
        rows = [r for r in rows if r.industry_code.startswith(industry.upper())]
    out = []
    by_code: dict[str, list[store.ReportRow]] = {}
    for rep in store.reports(session, codes={r.credit_code for r in rows}):
        by_code.setdefault(rep.credit_code, []).append(rep)
    for row in rows:
        latest: dict[tuple[int, int | None], store.ReportRow] = {}
        for rep in by_code.get(row.credit_code, []):
            key = (rep.year, rep.month)
            if key not in latest or rep.version > latest[key].version:
                latest[key] = rep
        counts = Counter(r.status for r in latest.values())
        if status and not counts.get(status):
            continue
        region_row = get_region(session, row.region_code)
        out.append({"credit_code": row.credit_code, "name_zh": row.name_zh,
                    "industry_code": row.industry_code, "region_code": row.region_code,
                    "region_name": region_row.name_zh if region_row else row.region_code,
                    "band": row.band, "synthetic": row.synthetic,
                    "reports": {s.value: counts.get(s.value, 0) for s in Status},
                    "to_approve": [r.id for r in latest.values()
                                   if r.status == Status.VERIFIED.value]})
    return out


def verifier_desk(session: Session, user: User) -> dict[str, Any]:
    """A verifier's assigned enterprises and the versions waiting for it or under its work."""
    codes = store.assigned_codes(session, user.username)
    rows = store.enterprises(session, codes=codes)
    names = {r.credit_code: r.name_zh for r in rows}
    work = [r for r in store.reports(session, codes=codes)
            if r.status in (Status.SUBMITTED.value, Status.IN_VERIFICATION.value)]
    open_ncs = {}
    for rep in work:
        open_ncs[rep.id] = sum(1 for n in store.of_report(session, store.NonconformityRow,
                                                          rep.id)
                               if n.status != NcStatus.CLOSED.value)
    return {"enterprises": [{"credit_code": r.credit_code, "name_zh": r.name_zh,
                             "industry_code": r.industry_code, "region_code": r.region_code}
                            for r in rows],
            "work": [{**report_summary(r), "name_zh": names.get(r.credit_code, ""),
                      "open_nonconformities": open_ncs[r.id]} for r in work]}


def file_workbook(session: Session, credit_code: str) -> bytes:
    """一企一档 as XLSX: the registry sheet, every version's lines, verification records."""
    data = enterprise_file(session, credit_code)
    out = io.BytesIO()
    book = export_workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True})
    sheet = book.add_worksheet("档案 file")
    facts = [("统一社会信用代码 credit code", data["credit_code"]),
             ("企业名称 name", data["name_zh"]),
             ("行业 industry (GB/T 4754-2017)", f"{data['industry_code']} "
                                              f"{data['industry_section_zh']}"),
             ("地区 region (GB/T 2260)", f"{data['region_code']} {data['region_name']}"),
             ("年综合能耗 energy use, tce", data["annual_energy_tce"]),
             ("用能分档 band", data["band_zh"]), ("地址 address", data["address"]),
             ("核查机构 verifiers", "、".join(data["verifiers"])),
             ("合成演示数据 synthetic", "是 yes" if data["synthetic"] else "否 no")]
    for i, (label, value) in enumerate(facts):
        sheet.write(i, 0, label, head)
        sheet.write(i, 1, value)
    row = len(facts) + 1
    for title, items, fields in (
            ("联系人 contacts", data["contacts"], ("name", "duty", "phone", "email")),
            ("设施 facilities", data["facilities"], ("id", "name")),
            ("排放源 sources", data["sources"], ("name", "source_kind", "item"))):
        sheet.write(row, 0, title, head)
        row += 1
        for item in items:
            for j, f in enumerate(fields):
                sheet.write(row, j, item[f])
            row += 1
        row += 1
    _table(book, head, "报告 reports", data["reports"],
           ("id", "period", "version", "status_zh", "gwp", "value_added_10k_yuan", "verifier",
            "approved_by", "conclusion", "supersedes_id"))
    lines = [{"report_id": r["id"], "period": r["period"], "version": r["version"], **ln}
             for r in data["reports"] for ln in r["lines"]]
    _table(book, head, "数据 lines", lines,
           ("report_id", "period", "version", "source_kind", "item", "quantity", "unit",
            "facility", "evidence_id", "conservative", "note"))
    ncs = [{"report_id": r["id"], **n} for r in data["reports"] for n in r["nonconformities"]]
    _table(book, head, "不符合项 NCs", ncs,
           ("report_id", "id", "description", "status", "raised_by", "response",
            "responded_by", "closed_by", "closing_note"))
    steps = [{"report_id": r["id"], **s} for r in data["reports"] for s in r["steps"]]
    _table(book, head, "流转 steps", steps,
           ("report_id", "action", "from_status", "to_status", "actor", "at", "note"))
    book.close()
    return out.getvalue()


# Columns holding an ISO time (the JSON form): written as Excel date-times, not as text.
_TIMES = frozenset({"at", "uploaded_at", "raised_at", "updated_at"})


def _table(book: Any, head: Any, name: str, rows: list[dict[str, Any]],
           fields: tuple[str, ...]) -> None:
    sheet = book.add_worksheet(name)
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for j, f in enumerate(fields):
        sheet.write(0, j, f"{f} (UTC)" if f in _TIMES else f, head)
    for i, item in enumerate(rows, start=1):
        for j, f in enumerate(fields):
            value = item.get(f)
            if value is None:
                continue
            if f in _TIMES:
                # Stored in UTC; Excel has no time zones, so the header says which.
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is not None:
                    moment = moment.astimezone(UTC).replace(tzinfo=None)
                sheet.write_datetime(i, j, moment, when)
            else:
                sheet.write(i, j, value)


STATUS_CHOICES = [(s.value, *STATUS_LABELS[s]) for s in Status]
