"""The actuals template as an .xlsx file: `template_workbook` writes it, `read_upload` reads it.

Layout: sheet ``实际值`` with one header row (the Chinese header, the field name on its second
line) and one row per `TemplateRow`. Column A holds the row's key and is hidden; the sheet is
protected so that only the cells a department fills (unit, value, source, release date, note)
can be edited in Excel or WPS. The protection has no password: it guards against slips, and the
key is checked again on upload against the visible indicator, region and year.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from tanzhi.kernel import (
    DataError,
    Location,
    Problem,
    cell_text,
    export_workbook,
    is_empty,
    read_grid,
)
from tanzhi.plan.ingest.model import COLUMNS, FIELDS, README_SHEET, SHEET, TemplateRow, UploadRow

README = (
    ("填报说明", "How to fill in this template"),
    ("每行是一个指标、一个地区、一个年份。只填写“单位、填报值、数据来源、发布日期、备注”五列；"
     "其余各列（包括隐藏的键列）由平台生成，请勿修改。",
     "Each row is one indicator, region and year. Fill only unit, value, source, release date "
     "and note; the other columns (and the hidden key column) come from the platform."),
    ("“填报值”预填当前值；与当前值相同或留空的行不会写入。修改后的值作为新版本记录，旧值保留。",
     "The value column starts with the current value; rows left unchanged or blank write "
     "nothing. A changed value is recorded as a new revision; the old one is kept."),
    ("单位可改为同一量纲的其他单位（如 万吨 改为 吨），平台换算为指标单位。",
     "The unit may be changed to another unit of the same dimension (万吨 → 吨); the platform "
     "converts to the indicator's unit."),
    ("上传后全部行先校验；只要有一行有误，整个文件都不写入，并逐行列出错误（工作表、行、列）。",
     "On upload every row is checked first; if any row is wrong nothing is written and each "
     "problem is listed with its sheet, row and column."),
)


def template_workbook(rows: Sequence[TemplateRow], *, title: str) -> bytes:
    """The template of `rows` as .xlsx bytes (see the module docstring)."""
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E8F1EC", "text_wrap": True,
                            "locked": True})
    fixed = book.add_format({"bg_color": "#F4F4F4", "locked": True})
    number = book.add_format({"bg_color": "#F4F4F4", "locked": True, "num_format": "0.####"})
    editable = book.add_format({"locked": False, "bg_color": "#FFFBE6"})
    editable_number = book.add_format({"locked": False, "bg_color": "#FFFBE6",
                                       "num_format": "0.####"})
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, [f"{c.zh}\n{c.field}" for c in COLUMNS], head)
    sheet.set_row(0, 32)
    for index, column in enumerate(COLUMNS):
        options = {"hidden": True} if column.field == "key" else {}
        sheet.set_column(index, index, column.width, None, options)
    for r, row in enumerate(rows, start=1):
        values: dict[str, object] = {
            "key": row.key, "indicator_id": row.indicator_id,
            "indicator_name": row.indicator_name, "region_code": row.region_code,
            "region_name": row.region_name, "year": row.year,
            "current_value": row.current_value, "current_source": row.current_source,
            "unit": row.unit, "value": row.current_value, "source": "", "released_on": "",
            "note": ""}
        for c, column in enumerate(COLUMNS):
            value = values[column.field]
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            style = ((editable_number if is_number else editable) if column.editable
                     else (number if is_number else fixed))
            if value is None or value == "":
                sheet.write_blank(r, c, None, style)
            else:
                sheet.write(r, c, value, style)
    sheet.freeze_panes(1, 3)
    sheet.protect("", {"format_columns": True, "autofilter": True, "sort": False})
    sheet.autofilter(0, 1, max(len(rows), 1), len(COLUMNS) - 1)
    notes = book.add_worksheet(README_SHEET)
    notes.set_column(0, 1, 70)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.write_row(0, 0, [title, ""], head)
    for r, (zh, en) in enumerate(README, start=1):
        notes.write_row(r, 0, [zh, en], wrap)
    book.close()
    return buffer.getvalue()


def read_upload(data: bytes, *, filename: str) -> tuple[str, list[UploadRow]]:
    """(file name for messages, data rows) of an uploaded template; blank rows skipped.

    Raises
    ------
    DataError
        Not an .xlsx/.csv file, no sheet ``实际值``, or a header that is not the template's.
    """
    file, grid = read_grid(data, filename=filename, sheet=SHEET)
    where = f"{file}:{SHEET}"
    if not grid:
        raise DataError(Problem("工作表为空", "the sheet is empty", Location(where, 1)))
    header = [cell_text(h) for h in grid[0]]
    problems = []
    for index, column in enumerate(COLUMNS):
        found = header[index] if index < len(header) else ""
        if found.split("\n")[-1].strip() != column.field:
            problems.append(Problem(
                f"第 {index + 1} 列表头应为“{column.zh}”（{column.field}），实为“{found}”；"
                "请使用平台下载的模板",
                f"column {index + 1} should be headed {column.field!r}, found {found!r}; use "
                "the template downloaded from the platform",
                Location(where, 1, column.field)))
    if problems:
        raise DataError(problems)
    rows = []
    for number, raw in enumerate(grid[1:], start=2):
        if all(is_empty(cell) for cell in raw):
            continue
        cells = {field: (raw[i] if i < len(raw) else "") for i, field in enumerate(FIELDS)}
        rows.append(UploadRow(number, cells))
    return file, rows
