"""The enterprise reporting template (monthly or annual energy by carrier, process and purchased
energy data) as .xlsx/.csv: `write_report_template` writes it, `read_report_workbook` reads it.

One sheet ``数据 Data``, one row per period × source kind × item (× facility × variant): the
columns of `tanzhi.enterprise.account.INPUT_COLUMNS` plus ``period`` — ``YYYY-MM`` for a month,
``YYYY`` for a year.  The kernel table reader checks every cell (kind, required, unit
dimension, plausible magnitude); this module adds the period format, one period kind per year
(a year reported both monthly and annually is refused) and no line reported twice.  Every
problem is listed with file, row and column, in Chinese and English; nothing is returned when
any is found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tanzhi.enterprise.account.model import SOURCE_KIND_ALIASES, SourceKind
from tanzhi.kernel import (
    Column,
    DataError,
    Location,
    Problem,
    TableSchema,
    is_empty,
    read_grid,
    read_table,
    write_template,
)

SHEET = "数据 Data"
PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?")

REPORT_SCHEMA = TableSchema("enterprise_report", (
    Column("period", aliases=("期间", "报告期"),
           description="YYYY-MM（月报）或 YYYY（年报） / YYYY-MM (month) or YYYY (year)"),
    Column("source_kind", aliases=("排放源类别",), choices=tuple(SOURCE_KIND_ALIASES),
           description="化石燃料燃烧、工业生产过程、购入电力、购入热力、绿色电力扣减 / "
                       "combustion, process, electricity, heat, green_power"),
    Column("item", aliases=("项目", "能源品种", "物料"),
           description="燃料、过程物料或产品、电力、热力 / "
                       "fuel, process material, electricity, heat"),
    Column("quantity", "float", aliases=("数量", "消耗量", "活动水平"), nonnegative=True,
           unit_column="unit"),
    Column("unit", "unit", aliases=("单位",), description="如 t、万立方米、MWh、GJ"),
    Column("facility", required=False, aliases=("设施", "排放设施")),
    Column("ncv", "float", required=False, aliases=("低位发热量", "实测低位发热量"),
           nonnegative=True, description="实测值；单位见 ncv_unit，缺省 GJ/t 或 GJ/万立方米"),
    Column("ncv_unit", "unit", required=False, aliases=("低位发热量单位",)),
    Column("carbon_content", "float", required=False, aliases=("单位热值含碳量",),
           nonnegative=True, description="实测值；单位见 carbon_content_unit，缺省 t C/TJ"),
    Column("carbon_content_unit", "unit", required=False, aliases=("单位热值含碳量单位",)),
    Column("oxidation", "float", required=False, aliases=("碳氧化率",), nonnegative=True,
           description="0–1 的小数 / fraction"),
    Column("purity", "float", required=False, aliases=("碳酸盐含量", "纯度"), nonnegative=True,
           description="碳酸盐质量分数 0–1 / carbonate mass fraction"),
    Column("carbon_fraction", "float", required=False, aliases=("含碳量",), nonnegative=True,
           description="生料中非燃料碳 质量分数 / raw-meal non-fuel carbon, mass fraction"),
    Column("cao_fraction", "float", required=False, aliases=("熟料CaO含量",), nonnegative=True),
    Column("mgo_fraction", "float", required=False, aliases=("熟料MgO含量",), nonnegative=True),
    Column("abatement", "float", required=False, aliases=("N2O去除率",), nonnegative=True),
    Column("variant", required=False, aliases=("工艺类型",),
           description="如硝酸装置类型 high_pressure / e.g. nitric-acid plant type"),
    Column("evidence", required=False, aliases=("证明材料", "凭证"),
           description="证明文件编号；绿色电力须填绿证 / evidence ref; green power: certificate"),
))
KEY = ("period", "source_kind", "item", "facility", "variant")


def write_report_template(path: Path) -> Path:
    """A blank template (.xlsx with notes and drop-downs, or .csv) at `path`."""
    return write_template(REPORT_SCHEMA, path)


def _data_rows(source: Path | bytes, filename: str | None) -> list[int]:
    """Spreadsheet row numbers of the non-blank data rows, as `read_table` reads them."""
    _, grid = read_grid(source, filename=filename)
    return [r + 1 for r, row in enumerate(grid[1:], start=1)
            if not all(is_empty(cell) for cell in row)]


def read_report_workbook(source: Path | bytes, *, filename: str | None = None) -> pd.DataFrame:
    """The template's rows as the long frame `account_report` takes, plus ``period`` and ``row``.

    ``row`` is each line's spreadsheet row, so errors of the accounting step point at the file.

    Raises
    ------
    DataError
        Every problem of the file, located (file, row, column), in Chinese and English.
    """
    frame = read_table(source, REPORT_SCHEMA, filename=filename)
    file = filename or (source.name if isinstance(source, Path) else "<upload>")
    frame.insert(0, "row", _data_rows(source, filename))
    problems: list[Problem] = []
    kinds: dict[str, dict[str, int]] = {}  # year → {"month"/"year": first row}
    seen: dict[tuple[str, ...], int] = {}
    for record in frame.to_dict("records"):
        row, period = int(record["row"]), str(record["period"]).strip()
        match = PERIOD.fullmatch(period)
        if match is None:
            problems.append(Problem(
                f"期间“{period}”应写作 YYYY-MM（月）或 YYYY（年）",
                f"period '{period}' must be YYYY-MM (month) or YYYY (year)",
                Location(file, row, "period")))
            continue
        kind = "month" if match["month"] else "year"
        first = kinds.setdefault(match["year"], {}).setdefault(kind, row)
        other = kinds[match["year"]].get("year" if kind == "month" else "month")
        if other is not None and first == row:
            problems.append(Problem(
                f"{match['year']} 年同时有月报与年报（第 {other} 行）；"
                "一个文件中一年只能按一种期间填报",
                f"{match['year']} has both monthly and annual rows (row {other}); report a year "
                "one way only", Location(file, row, "period")))
        source_kind = SOURCE_KIND_ALIASES[str(record["source_kind"])]
        key = (period, SourceKind(source_kind).value,
               *(str(record[k] or "").strip() for k in ("item", "facility", "variant")))
        if key in seen:
            problems.append(Problem(
                f"与第 {seen[key]} 行重复（同一期间、类别、项目、设施）",
                f"duplicates row {seen[key]} (same period, source kind, item and facility)",
                Location(file, row, "period")))
        else:
            seen[key] = row
    if problems:
        raise DataError(problems)
    return frame


def split_periods(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The frame of `read_report_workbook` split by period (sorted), ``period`` dropped."""
    return {str(period): part.drop(columns=["period"]).reset_index(drop=True)
            for period, part in sorted(frame.groupby("period", sort=True), key=lambda p: p[0])}
