"""Types of the actuals template (issue #11 item 2): its columns, its rows, what an upload asks.

The template is one sheet, one row per (indicator, region, year) a department answers for in a
plan, with a hidden key column that names the row, the current value in force for reference, and
the cells the department fills (unit, value, source, release date, note). No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SHEET = "实际值"
README_SHEET = "说明"
KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One template column: field name (second header line), Chinese header, editable or not."""

    field: str
    zh: str
    editable: bool = False
    width: float = 14


COLUMNS: tuple[Column, ...] = (
    Column("key", "键（勿改）"),
    Column("indicator_id", "指标编号", width=22),
    Column("indicator_name", "指标名称", width=26),
    Column("region_code", "地区代码", width=10),
    Column("region_name", "地区", width=12),
    Column("year", "年份", width=8),
    Column("current_value", "当前值", width=12),
    Column("current_source", "当前值来源", width=24),
    Column("unit", "单位", editable=True, width=12),
    Column("value", "填报值", editable=True, width=12),
    Column("source", "数据来源", editable=True, width=26),
    Column("released_on", "发布日期", editable=True, width=12),
    Column("note", "备注", editable=True, width=20),
)
FIELDS = tuple(c.field for c in COLUMNS)


def column_of(field: str) -> int:
    """0-based index of a template column."""
    return FIELDS.index(field)


def make_key(plan_id: str, indicator_id: str, region_code: str, year: int) -> str:
    """The hidden key of a template row."""
    return KEY_SEPARATOR.join((plan_id, indicator_id, region_code, str(int(year))))


@dataclass(frozen=True)
class TemplateRow:
    """One prefilled row of a department's template."""

    plan_id: str
    indicator_id: str
    indicator_name: str
    region_code: str
    region_name: str
    year: int
    unit: str
    current_value: float | None
    current_source: str

    @property
    def key(self) -> str:
        """The row's hidden key."""
        return make_key(self.plan_id, self.indicator_id, self.region_code, self.year)


@dataclass(frozen=True)
class UploadRow:
    """One data row of an uploaded template, cells as read (not yet checked)."""

    sheet_row: int  # 1-based, the header is row 1 (as a spreadsheet shows it)
    cells: dict[str, object]


@dataclass(frozen=True)
class Entry:
    """One checked value to record: in the indicator's own unit, with where it came from."""

    indicator_id: str
    region_code: str
    year: int
    value: float  # in the indicator's unit
    source: str
    released_on: date | None
    note: str
    typed_value: float
    typed_unit: str
    sheet_row: int


@dataclass(frozen=True)
class IngestSummary:
    """What an upload did: rows read, values recorded, rows unchanged or left blank."""

    rows: int
    written: int
    unchanged: int
    blank: int
    warned: int
