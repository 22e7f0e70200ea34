"""Excel/CSV import and export of the pilot and project registries.

Imports read with `tanzhi.kernel.tables.read_table` against the schemas below, then check every
row (regions exist, stage dates in order, units by dimension); one bad cell means nothing is
written, and every problem names the file, the row and the column. Exports use the same column
names, so an exported workbook imports again unchanged.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.kernel import (
    Column,
    DataError,
    Location,
    Problem,
    TableSchema,
    export_workbook,
    read_table,
)
from tanzhi.plan.assess.model import (
    CARBON_LEVELS,
    INVESTMENT_UNIT,
    PILOT_KINDS,
    PROJECT_SECTORS,
    PROJECT_STATUSES,
    REDUCTION_UNIT,
    PilotStage,
)
from tanzhi.plan.assess.registry import (
    check_pilot,
    check_project,
    create_pilot,
    create_project,
    pilot_dict,
    project_dict,
    require_writer,
)
from tanzhi.plan.store import PilotRow, ProjectRow

_DATE_COLUMNS = ("applied_on", "approved_on", "midterm_on", "accepted_on", "removed_on")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")

PILOT_SCHEMA = TableSchema("pilots", (
    Column("name_zh", "str", aliases=("名称", "试点名称")),
    Column("name_en", "str", required=False, aliases=("英文名称",)),
    Column("kind", "str", choices=tuple(PILOT_KINDS), aliases=("类型", "试点类型")),
    Column("carbon_level", "str", choices=tuple(CARBON_LEVELS), aliases=("级别", "低碳级别")),
    Column("region_code", "region", aliases=("地区代码", "行政区划代码")),
    Column("stage", "str", choices=tuple(s.value for s in PilotStage), aliases=("阶段",)),
    Column("applied_on", "str", aliases=("申报日期",), description="YYYY-MM-DD"),
    Column("approved_on", "str", required=False, aliases=("批准日期",)),
    Column("midterm_on", "str", required=False, aliases=("中期评估日期",)),
    Column("accepted_on", "str", required=False, aliases=("验收日期",)),
    Column("removed_on", "str", required=False, aliases=("撤销日期",)),
    Column("lead_unit", "str", required=False, aliases=("牵头单位",)),
    Column("notes", "str", required=False, aliases=("备注",)),
), key=("name_zh", "region_code"))

PROJECT_SCHEMA = TableSchema("projects", (
    Column("name_zh", "str", aliases=("项目名称", "名称")),
    Column("name_en", "str", required=False, aliases=("英文名称",)),
    Column("region_code", "region", aliases=("地区代码", "行政区划代码")),
    Column("sector", "str", choices=tuple(PROJECT_SECTORS), aliases=("领域",)),
    Column("investment_value", "float", nonnegative=True, unit_column="investment_unit",
           aliases=("总投资",)),
    Column("investment_unit", "unit", dimension_of=INVESTMENT_UNIT, aliases=("投资单位",)),
    Column("start_year", "year", aliases=("开工年份",)),
    Column("end_year", "year", aliases=("完工年份",)),
    Column("reduction_value", "float", required=False, nonnegative=True,
           unit_column="reduction_unit", aliases=("预计年减排量",)),
    Column("reduction_unit", "unit", required=False, dimension_of=REDUCTION_UNIT,
           aliases=("减排量单位",)),
    Column("status", "str", choices=tuple(PROJECT_STATUSES), aliases=("状态",)),
    Column("owner_unit", "str", required=False, aliases=("业主单位",)),
    Column("notes", "str", required=False, aliases=("备注",)),
), key=("name_zh", "region_code"))


def parse_date(raw: object, loc: Location) -> tuple[date | None, Problem | None]:
    """A date from ISO text, 2023/5/1, 2023年5月1日 or an Excel datetime; (None, problem) if bad."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    if not text or text.lower() in {"nan", "none"}:
        return None, None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError:
        return None, Problem(f"“{text}”不是日期（应为 2023-05-01）",
                             f"'{text}' is not a date (expected 2023-05-01)", loc)


def _clean(value: object) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value.lower() in {"nan", "none", "<na>"}:
        return None
    return value


def import_pilots(session: Session, source: bytes, *, filename: str, user: User) -> int:
    """Import pilots from an Excel/CSV file, all or nothing; returns rows written."""
    frame = read_table(source, PILOT_SCHEMA, filename=filename)
    problems: list[Problem] = []
    records = []
    existing = {(r.name_zh, r.region_code) for r in session.scalars(select(PilotRow))}
    for index, raw in enumerate(frame.to_dict("records")):
        row_number = index + 2
        values = {k: _clean(v) for k, v in raw.items()}
        for column in _DATE_COLUMNS:
            parsed, problem = parse_date(values.get(column),
                                         Location(filename, row_number, column))
            values[column] = parsed
            if problem:
                problems.append(problem)
        loc = Location(filename, row_number)
        problems += check_pilot(session, values, loc)
        if (values.get("name_zh"), values.get("region_code")) in existing:
            problems.append(Problem("该试点已登记（名称与地区相同）",
                                    "this pilot is already registered (same name and region)",
                                    Location(filename, row_number, "name_zh")))
        records.append((values, loc))
    for values, loc in records:
        if not any(p.location.row == loc.row for p in problems):
            try:
                stage = values.get("stage")
                require_writer(session, user, values["region_code"],
                               approver=stage != PilotStage.APPLICATION.value)
            except Exception as exc:  # noqa: BLE001 — reported as this row's problem
                problems.append(Problem(str(exc), str(exc), Location(filename, loc.row,
                                                                     "region_code")))
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.location.row or 0))
    for values, loc in records:
        create_pilot(session, user=user, values=values, loc=loc, check_user=False)
    return len(records)


def import_projects(session: Session, source: bytes, *, filename: str, user: User) -> int:
    """Import major projects from an Excel/CSV file, all or nothing; returns rows written."""
    frame = read_table(source, PROJECT_SCHEMA, filename=filename)
    problems: list[Problem] = []
    records = []
    existing = {(r.name_zh, r.region_code) for r in session.scalars(select(ProjectRow))}
    for index, raw in enumerate(frame.to_dict("records")):
        row_number = index + 2
        values = {k: _clean(v) for k, v in raw.items()}
        loc = Location(filename, row_number)
        if values.get("reduction_value") is not None and not values.get("reduction_unit"):
            problems.append(Problem("填写了减排量但缺少单位", "a reduction needs its unit",
                                    Location(filename, row_number, "reduction_unit")))
        problems += check_project(session, values, loc)
        if (values.get("name_zh"), values.get("region_code")) in existing:
            problems.append(Problem("该项目已登记（名称与地区相同）",
                                    "this project is already registered (same name and region)",
                                    Location(filename, row_number, "name_zh")))
        else:
            try:
                require_writer(session, user, str(values.get("region_code")))
            except Exception as exc:  # noqa: BLE001 — reported as this row's problem
                problems.append(Problem(str(exc), str(exc),
                                        Location(filename, row_number, "region_code")))
        records.append((values, loc))
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.location.row or 0))
    for values, loc in records:
        create_project(session, user=user, values=values, loc=loc, check_user=False)
    return len(records)


def _workbook(schema: TableSchema, rows: list[dict[str, Any]], sheet: str) -> bytes:
    buffer = io.BytesIO()
    with export_workbook(buffer, {"in_memory": True}) as book:
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        text = book.add_format({"num_format": "@"})
        data = book.add_worksheet(sheet)
        data.freeze_panes(1, 0)
        for j, column in enumerate(schema.columns):
            data.write_string(0, j, column.name, bold)
            data.set_column(j, j, max(12, len(column.name) + 4),
                            text if column.kind in ("str", "region", "unit") else None)
        for i, row in enumerate(rows, start=1):
            for j, column in enumerate(schema.columns):
                value = row.get(column.name)
                if value is None or value == "":
                    continue
                if column.kind in ("float", "int", "year"):
                    data.write_number(i, j, float(value))
                else:
                    data.write_string(i, j, str(value))
    return buffer.getvalue()


def pilots_workbook(rows: list[PilotRow]) -> bytes:
    """The pilots as an .xlsx in the import layout."""
    return _workbook(PILOT_SCHEMA, [pilot_dict(r) for r in rows], "试点 Pilots")


def projects_workbook(rows: list[ProjectRow]) -> bytes:
    """The projects as an .xlsx in the import layout."""
    return _workbook(PROJECT_SCHEMA, [project_dict(r) for r in rows], "项目 Projects")
