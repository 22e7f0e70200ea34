"""Excel downloads of the status and score tables that had none (issue #11 item 9).

The plan's own workbook (`/plans/{id}/workbook`) is the plan document; the pilots, projects and
decomposition rounds have theirs. What was missing: a plan's status table as the plan page shows
it (one region, one year) and an assessment scheme's results and item scores as the workspace
shows them to the user. Both come from the services the pages read (`status_table`,
`workspace`), so the file holds the page's numbers: numbers as numbers, no formulas, text made
inert by `export_workbook`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import Response

from tanzhi.http import CurrentUser, DbSession, scope_region
from tanzhi.kernel import export_workbook, get_region
from tanzhi.plan import Status, status_table, stored_region, workspace

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (column of `status_table`, header)
STATUS_SHEET: tuple[tuple[str, str], ...] = (
    ("seq", "序号 no."), ("indicator_id", "代码 code"), ("name", "指标 indicator"),
    ("unit", "单位 unit"), ("nature", "属性 nature"), ("department", "牵头部门 department"),
    ("baseline", "基期值 baseline"), ("target", "目标值 target"), ("year", "年份 year"),
    ("actual", "实际值 actual"), ("completion", "目标完成度 completion"),
    ("time_progress", "时间进度 time progress"), ("status", "状态 status"),
    ("required_annual_rate", "所需年均变化率 required annual rate"),
)


def _number(value: Any) -> Any:
    """A cell value: NaN and pandas' NA become an empty cell, numpy scalars plain Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _sheet(book: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
           widths: int = 14, shares: frozenset[int] = frozenset()) -> None:
    """One sheet; the columns in `shares` hold fractions shown as percentages (``45.6%``), the
    other numbers take the house format from `export_workbook` (issue #11 item 7)."""
    bold = book.add_format({"bold": True, "bg_color": "#E8F1EC", "text_wrap": True})
    share = book.number_format(kind="share")
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, list(header), bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            cell = _number(value)
            if cell is not None:
                sheet.write(r, c, cell, share if c in shares and not isinstance(cell, str)
                            else None)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(header) - 1, widths)


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _status_label(value: Any) -> str | None:
    return Status(value).label_zh if value in {s.value for s in Status} else None


@router.get("/plans/{plan_id}/status.xlsx")
def plan_status_xlsx(plan_id: str, db: DbSession, user: CurrentUser,
                     region: Annotated[str | None, Query()] = None,
                     year: Annotated[int | None, Query(ge=1900, le=2100)] = None) -> Response:
    """The plan's status table in one region (the user's, by default) as of `year`."""
    code = scope_region(db, user, region, stored_region(db, plan_id) or "")
    frame = status_table(db, plan_id, region_code=code, year=year)
    rows = [[_status_label(rec[col]) if col == "status" else rec[col]
             for col, _h in STATUS_SHEET] for rec in frame.to_dict("records")]
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    place = get_region(db, code)
    _sheet(book, "状态 status", [h for _c, h in STATUS_SHEET], rows, shares=frozenset(
        i for i, (col, _h) in enumerate(STATUS_SHEET) if col in ("completion", "time_progress")))
    _sheet(book, "说明 about", ["项目 field", "值 value"], [
        ["规划 plan", plan_id], ["地区 region", place.name_zh if place else code],
        ["地区代码 region code", code], ["截至年份 as of", year if year else "最新 latest"]], 24)
    book.close()
    return _xlsx(buffer.getvalue(), f"{plan_id}-{code}-status.xlsx")


@router.get("/assess/schemes/{scheme_id}/scores.xlsx")
def scheme_scores_xlsx(scheme_id: int, db: DbSession, user: CurrentUser) -> Response:
    """Results (total, percentage, grade, rank) and item scores of the assessees the user may
    read, as the workspace shows them."""
    space = workspace(db, scheme_id, user)
    names = {a["id"]: a["name_zh"] for a in space["assessees"]}
    items = {i["id"]: i for i in space["items"]}
    results = [[r["rank"], r["name_zh"], r["total"], r["maximum"], r["percent"], r["grade_zh"]]
               for r in sorted(space["results"], key=lambda r: (r["kind"], r["rank"]))]
    scores = [[names.get(s["assessee_id"], ""), items[s["item_id"]]["seq"],
               items[s["item_id"]]["title_zh"], items[s["item_id"]]["max_score"],
               s["auto_score"], s["self_score"], s["review_score"], s["final_score"]]
              for s in space["scores"] if s["item_id"] in items]
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    _sheet(book, "结果 results", ["名次 rank", "被考核单位 assessee", "得分 total",
                                 "满分 maximum", "得分率 % percent", "等次 grade"], results)
    _sheet(book, "得分 scores", ["被考核单位 assessee", "序号 no.", "考核内容 item",
                                "分值 max", "系统评分 auto", "自评分 self", "审核分 review",
                                "最终分 final"], scores)
    book.close()
    return _xlsx(buffer.getvalue(), f"assessment-{scheme_id}-scores.xlsx")
