"""The audit-log viewer (issue #11 item 9): entries filtered by table, user and date range,
paged, with the state of the keyed hash chain, and the filtered view as CSV.

The log spans every region, so only the province administrator reads it (policy row "audit").
The chain is verified as the page is shown (`verify_chain`, the check `tanzhi audit verify`
starts with), so what the table lists is vouched for, or the page says where it is not.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tanzhi.http import CurrentUser, DbSession, render
from tanzhi.kernel import (
    AuditFilter,
    AuditLine,
    DataError,
    audit_actors,
    audit_tables,
    count_entries,
    csv_dict_writer,
    list_entries,
    verify_chain,
)

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["admin"])

PAGE_SIZE = 50
CSV_COLUMNS = ["seq", "at", "actor", "action", "table", "key", "reason", "before_json",
               "after_json"]
ACTION_LABELS = {"insert": ("新增", "insert"), "update": ("修改", "update"),
                 "delete": ("删除", "delete")}

# Reasons the platform's own commands and jobs store (English, as `unit_of_work` callers write
# them), shown by their Chinese name; the command or object they name is shown as a code
# (issue #11 item 7). A reason a user typed is shown as typed.
SYSTEM_REASONS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern), zh, en, code) for pattern, zh, en, code in (
        (r"tanzhi demo", "构建演示数据", "demo build", "{0}"),
        (r"report (\d+) (\w+) output", "生成报告 {1} 的 {2} 文件", "report {1} {2} output", ""),
        (r"plan import (.+)", "导入规划工作簿", "plan workbook import", "{1}"),
        (r"actuals template (.+)", "导入实际值模板", "actuals template import", "{1}"),
        (r"derive (.+)", "推算派生指标", "derived indicators", "{1}"),
        (r"plan decompose (.+)", "指标分解", "decomposition", "{1}"),
        (r"plan (assign|deliver|sync-warnings|check-overdue|status|coverage|list)",
         "规划命令", "plan command", "{0}"),
        (r"region add (.+)", "新增地区", "region added", "{1}"),
        (r"factor load (.+)", "导入排放因子", "factors loaded", "{1}"),
        (r"tanzhi user add", "新增用户", "user added", "{0}"),
        (r"job status", "后台任务状态", "job status", ""),
        (r"job recovery", "后台任务恢复", "job recovery", ""),
        (r"session last seen", "会话活动", "session activity", ""),
        (r"login/logout", "登录或退出", "login or logout", ""),
    ))


def reason_shown(reason: str | None) -> dict[str, str]:
    """``{"zh", "en", "code"}`` of a stored reason: a system reason by its name and the code it
    names (a command, file or id); any other reason as stored, in both languages."""
    text = reason or ""
    for pattern, zh, en, code in SYSTEM_REASONS:
        m = pattern.fullmatch(text)
        if m:
            parts = [m.group(0), *(g.upper() if g in ("html", "pdf", "docx") else g
                                   for g in m.groups())]
            return {"zh": zh.format(*parts), "en": en.format(*parts), "code": code.format(*parts)}
    return {"zh": text, "en": text, "code": ""}


def _day(value: str | None, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DataError.at(f"日期“{value}”无效，应为 YYYY-MM-DD",
                           f"'{value}' is not a date; expected YYYY-MM-DD",
                           column=column) from exc


def audit_filter(table: str | None, user: str | None, since: str | None,
                 until: str | None) -> AuditFilter:
    """The filter the query parameters ask for; a bad date or an inverted range is a located
    `DataError` (422)."""
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and first > last:
        raise DataError.at(f"起始日期 {first} 晚于截止日期 {last}",
                           f"start date {first} is after end date {last}", column="since")
    return AuditFilter(table=table or None, actor=user or None, since=first, until=last)


def _line_dict(line: AuditLine) -> dict[str, Any]:
    return {"seq": line.seq, "at": line.at, "actor": line.actor, "action": line.action,
            "table": line.table, "key": line.key, "reason": line.reason,
            "before_json": line.before_json, "after_json": line.after_json}


def shown_time(at: str) -> str:
    """An entry's time as the page shows it: ``2026-12-03 18:03:15`` (UTC, to the second)."""
    return at[:19].replace("T", " ")


def _chain(db: Session) -> dict[str, Any]:
    findings = verify_chain(db)
    return {"ok": not findings, "findings": len(findings),
            "shown": [{"seq": f.seq, "problem_zh": f.problem_zh, "problem_en": f.problem_en}
                      for f in findings[:10]]}


Table = Annotated[str | None, Query(max_length=80, description="table name, e.g. access_user")]
Actor = Annotated[str | None, Query(alias="user", max_length=120,
                                    description="who made the change (user name)")]
Since = Annotated[str | None, Query(description="first day, YYYY-MM-DD (UTC)")]
Until = Annotated[str | None, Query(description="last day, YYYY-MM-DD (UTC), inclusive")]
PageNo = Annotated[int, Query(ge=1, le=10_000_000)]


@api.get("/audit")
def audit_json(db: DbSession, user: CurrentUser, table: Table = None, user_: Actor = None,
               since: Since = None, until: Until = None, page: PageNo = 1) -> dict[str, Any]:
    """One page of the filtered audit log, newest first, with the chain's verification."""
    where = audit_filter(table, user_, since, until)
    total = count_entries(db, where)
    lines = list_entries(db, where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return {"total": total, "page": page, "page_size": PAGE_SIZE,
            "entries": [{**_line_dict(x), "time_utc": shown_time(x.at)} for x in lines],
            "chain": _chain(db)}


@pages.get("/audit")
def audit_page(request: Request, db: DbSession, user: CurrentUser, table: Table = None,
               user_: Actor = None, since: Since = None,
               until: Until = None, page: PageNo = 1) -> Response:
    """The audit-log viewer."""
    values = {"table": table or "", "user": user_ or "", "since": since or "",
              "until": until or ""}
    query = urlencode({k: v for k, v in values.items() if v})
    context: dict[str, Any] = {"values": values, "tables": audit_tables(db),
                               "actors": audit_actors(db), "query": query,
                               "actions": ACTION_LABELS, "shown_time": shown_time,
                               "reason_shown": reason_shown,
                               "json_url": "/api/v1/admin/audit" + (f"?{query}" if query else "")}
    try:
        where = audit_filter(table, user_, since, until)
    except DataError as exc:
        return render(request, "audit.html", {
            **context, "problems": [p.as_dict() for p in exc.problems], "lines": [], "total": 0,
            "page": 1, "pages": 1, "chain": _chain(db)}, status_code=422)
    total = count_entries(db, where)
    pages_n = max(1, -(-total // PAGE_SIZE))
    lines = list_entries(db, where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render(request, "audit.html", {
        **context, "problems": [], "lines": lines, "total": total, "page": page,
        "pages": pages_n, "chain": _chain(db)})


@pages.get("/audit/export.csv")
def audit_csv(db: DbSession, user: CurrentUser, table: Table = None,
              user_: Actor = None, since: Since = None,
              until: Until = None) -> Response:
    """Every entry of the filtered view as CSV (UTF-8 with BOM, so spreadsheet programs read the
    Chinese), text cells neutralised against formula injection."""
    where = audit_filter(table, user_, since, until)
    out = io.StringIO()
    writer = csv_dict_writer(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for line in list_entries(db, where, limit=None):
        writer.writerow(_line_dict(line))
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
