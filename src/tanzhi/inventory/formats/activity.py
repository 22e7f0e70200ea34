"""The ACTIVITY long format (活动水平数据): reading CSV/Excel files, checking them, templates.

Columns ``region_code, year, category, item, value, unit[, uncertainty_pct][, variant]``:
``category`` an IPCC 2006 code (``1.A.1.a``; the compact ``1A1a`` is accepted) or a memo item
(``memo.net_imported_electricity``, ``memo.net_imported_heat``); ``item`` a fuel, product,
animal, waste type … of `tanzhi factor items` in Chinese or English (see `vocabulary` for what
each category takes); ``uncertainty_pct`` the 95 % half-width in % of the value; ``variant`` an
optional technology class (nitric-acid plant type, cement type …).

Reading is all-or-nothing: every problem found (unknown category or item, unit of the wrong
dimension for the item, negative activity, duplicated row) is reported with file, row and
column, in Chinese and English, and nothing is returned.  The factor override file (FILE) is
read by `tanzhi.inventory.formats.factors` and re-exported here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from tanzhi.inventory.calc.agriculture import LIVESTOCK_CATEGORY
from tanzhi.inventory.formats.factors import (
    FACTOR_SCHEMA,
    FactorOverrides,
    read_factor_overrides,
)
from tanzhi.inventory.formats.vocabulary import (
    MEMO_CATEGORIES,
    accepted_names,
    category_rules,
    check_unit,
    norm,
    resolve_activity_item,
    rule_for,
    supported_prefixes,
)
from tanzhi.kernel import (
    Column,
    DataError,
    Location,
    Problem,
    TableSchema,
    cell_text,
    excel_format,
    ipcc_category,
    is_empty,
    read_grid,
    read_table,
    write_template,
)

__all__ = [
    "ACTIVITY_SCHEMA",
    "FACTOR_SCHEMA",
    "FactorOverrides",
    "read_activity",
    "read_factor_overrides",
    "write_activity_template",
]

ACTIVITY_SCHEMA = TableSchema(
    "inventory_activity",
    (
        Column("region_code", "region", aliases=("地区代码", "行政区划代码", "区划代码"),
               description="地区代码（GB/T 2260）/ region code"),
        Column("year", "year", aliases=("年份", "年度"), description="数据年份 / data year"),
        Column("category", "str", aliases=("类别", "排放源类别", "清单类别", "IPCC类别"),
               description="IPCC 2006 类别代码，如 1.A.1.a / IPCC 2006 category code"),
        Column("item", "str", aliases=("项目", "品种", "活动项目"),
               description="燃料、产品、畜种、废弃物类型等（中文名可用）/ fuel, product, "
                           "animal, waste type (see `tanzhi factor items`)"),
        Column("value", "float", aliases=("数值", "活动水平", "数量"), unit_column="unit",
               description="活动水平，不能为负（调入电力净值除外）/ activity, not negative "
                           "(except net imported electricity/heat)"),
        Column("unit", "unit", aliases=("单位", "计量单位"),
               description="单位，如 万吨、亿立方米、万千瓦时、万头 / unit"),
        Column("uncertainty_pct", "float", required=False, nonnegative=True,
               aliases=("不确定性", "不确定性%", "不确定性(%)"),
               description="95% 置信区间半宽，占数值的百分比 / 95 % half-width, % of value"),
        Column("variant", "str", required=False, aliases=("技术类型", "类型"),
               description="技术类型（如硝酸生产工艺）/ technology class, optional"),
    ),
)

# Canonical column → accepted header keys (to name columns as the file writes them).
_HEADER_KEYS = {c.name: {norm(x).replace("_", "").replace("-", "") for x in (c.name, *c.aliases)}
                for c in ACTIVITY_SCHEMA.columns}


def _file_rows_and_headers(source: Path | bytes, filename: str | None,
                           sheet: str | None) -> tuple[str, list[int], dict[str, str]]:
    """Sheet row numbers of the data rows read_table returns, and headers as written."""
    file, grid = read_grid(source, filename=filename, sheet=sheet)
    rows = [r + 1 for r, row in enumerate(grid[1:], start=1)
            if not all(is_empty(raw) for raw in row)]
    written: dict[str, str] = {}
    for raw in grid[0] if grid else []:
        text = cell_text(raw)
        key = norm(text).replace("_", "").replace("-", "")
        for name, keys in _HEADER_KEYS.items():
            if key in keys:
                written.setdefault(name, text)
    return file, rows, written


def read_activity(
    source: Path | bytes, *, filename: str | None = None, sheet: str | None = None,
    factors: FactorOverrides | None = None,
) -> pd.DataFrame:
    """Read and check an ACTIVITY file (CSV UTF-8/GBK or .xlsx).

    Parameters
    ----------
    source
        Path or uploaded bytes.
    filename
        Name for messages (its suffix picks the format).
    sheet
        Excel sheet; the first by default.
    factors
        The user factor file of the same run, whose forest types and other variants are then
        accepted as items.

    Returns
    -------
    pandas.DataFrame
        ``region_code, year, category, item, value, unit, uncertainty_pct, variant, _row``:
        category in canonical IPCC form, item as the engine's id (Chinese names resolved),
        ``uncertainty_pct`` NaN when not given, ``variant`` "" when not given, ``_row`` the
        sheet row (header = row 1) for messages.  ``attrs["source"]`` holds the file name.

    Raises
    ------
    DataError
        Every problem, each naming file, row and column (nothing half-done).
    """
    frame = read_table(source, ACTIVITY_SCHEMA, filename=filename, sheet=sheet)
    file, rows, headers = _file_rows_and_headers(source, filename, sheet)
    frame["_row"] = rows[: len(frame)]
    extra = factors.variant_names() if factors is not None else frozenset()
    problems: list[Problem] = []

    def at(row: int, column: str) -> Location:
        return Location(file, int(row), headers.get(column, column))

    categories: dict[str, str | Problem] = {}
    for code in frame["category"].unique():
        categories[code] = _category(code)
    items: dict[tuple[str, str], str | Problem] = {}
    out_cat, out_item = [], []
    variants = frame["variant"].fillna("").astype(str).str.strip()
    for row, code, name, value, unit in zip(frame["_row"], frame["category"], frame["item"],
                                            frame["value"], frame["unit"], strict=True):
        cat = categories[code]
        if isinstance(cat, Problem):
            problems.append(Problem(cat.message_zh, cat.message_en, at(row, "category")))
            out_cat.append(code)
            out_item.append(name)
            continue
        key = (cat, name)
        if key not in items:
            try:
                items[key] = resolve_activity_item(cat, name, extra=extra)
            except DataError as exc:
                items[key] = exc.problems[0]
        item = items[key]
        out_cat.append(cat)
        if isinstance(item, Problem):
            problems.append(Problem(item.message_zh, item.message_en, at(row, "item")))
            out_item.append(name)
            continue
        out_item.append(item)
        rule = rule_for(cat)
        if value < 0 and not (rule and rule.signed):
            problems.append(Problem(f"活动水平 {value:g} 为负数", f"activity {value:g} is negative",
                                    at(row, "value")))
        wanted = check_unit(cat, item, unit)
        if wanted is not None:
            problems.append(Problem(
                f"单位“{unit}”与项目“{name}”（类别 {cat}）的量纲不符，应为 {wanted} 之类",
                f"unit '{unit}' has the wrong dimension for item '{name}' under {cat}; "
                f"expected a unit like {wanted}", at(row, "unit")))
    frame["category"] = out_cat
    frame["item"] = out_item
    frame["variant"] = variants
    problems += _duplicates(frame, at)
    if problems:
        problems.sort(key=lambda p: p.location.row or 0)
        raise DataError(problems)
    frame["uncertainty_pct"] = frame["uncertainty_pct"].astype("float64")
    frame.attrs["source"] = file
    return frame


def _category(code: str) -> str | Problem:
    """Canonical category code, or the problem with it."""
    text = code.strip()
    if text in MEMO_CATEGORIES:
        return text
    try:
        canonical = ipcc_category(text).code
    except DataError as exc:
        p = exc.problems[0]
        return Problem(p.message_zh + "（或信息项 " + "、".join(MEMO_CATEGORIES) + "）",
                       p.message_en + " (or a memo item: " + ", ".join(MEMO_CATEGORIES) + ")")
    rule = rule_for(canonical)
    if rule is None:
        shown = ", ".join(supported_prefixes())
        return Problem(f"tanzhi 没有类别 {canonical} 的计算方法（可用：{shown}）",
                       f"tanzhi has no method for category {canonical} (supported: {shown})")
    if rule.prefix == LIVESTOCK_CATEGORY and canonical != LIVESTOCK_CATEGORY:
        return Problem("畜禽存栏量填在类别 3.A 下"
                       "（由 tanzhi 分出 3.A.1 肠道发酵与 3.A.2 粪便管理）",
                       "livestock populations go under category 3.A (tanzhi derives 3.A.1 "
                       "enteric fermentation and 3.A.2 manure management from them)")
    return canonical


def _duplicates(frame: pd.DataFrame, at) -> list[Problem]:
    keys = ["region_code", "year", "category", "item", "variant"]
    dup = frame.duplicated(keys, keep="first")
    if not dup.any():
        return []
    first = frame.drop_duplicates(keys).set_index(keys)["_row"]
    out = []
    for _, row in frame.loc[dup].iterrows():
        orig = int(first.loc[tuple(row[k] for k in keys)])
        out.append(Problem(
            f"与第 {orig} 行重复（同一地区、年份、类别、项目）",
            f"duplicates row {orig} (same region, year, category, item)",
            at(row["_row"], "item")))
    return out


# An example of each sector, in the units statistical yearbooks use (synthetic numbers).
TEMPLATE_EXAMPLES: tuple[tuple[object, ...], ...] = (
    ("330100", 2022, "1.A.1.a.i", "原煤", 120.5, "万吨", 5, ""),
    ("330100", 2022, "1.A.3.b", "柴油", 35.2, "万吨", 5, ""),
    ("330100", 2022, "1.A.4.b", "天然气", 2.1, "亿立方米", 5, ""),
    ("330100", 2022, "memo.net_imported_electricity", "电力", 150, "亿千瓦时", 3, ""),
    ("330100", 2022, "2.A.1", "水泥熟料", 300, "万吨", 3, ""),
    ("330100", 2022, "2.B.2", "硝酸", 5, "万吨", 5, "高压法装置"),
    ("330100", 2022, "3.A", "猪", 80, "万头", 10, ""),
    ("330100", 2022, "3.C.4", "化肥氮", 3.2, "万吨", 10, ""),
    ("330100", 2022, "3.C.7", "间歇灌溉-单次晒田", 5, "万公顷", 10, ""),
    ("330100", 2022, "3.B.1", "森林", 9500, "万立方米", 10, ""),
    ("330100", 2022, "4.A.1", "食物垃圾", 50, "万吨", 20, ""),
    ("330100", 2022, "4.C.1", "塑料", 20, "万吨", 20, ""),
)


def write_activity_template(path: Path | str) -> Path:
    """Write an ACTIVITY template: ``.xlsx`` (data sheet, column notes, examples, the item and
    unit each category takes) or ``.csv`` (header row only, UTF-8 with BOM)."""
    path = write_template(ACTIVITY_SCHEMA, Path(path))
    if path.suffix.lower() != ".xlsx":
        return path
    book = load_workbook(path)
    example = book.create_sheet("示例 Example")
    example.append([c.name for c in ACTIVITY_SCHEMA.columns])
    for row in TEMPLATE_EXAMPLES:
        example.append(list(row))
    # the examples' figures read as the pages print them (kernel.numbers, issue #11 item 7)
    for cells in example.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, float) and not cell.value.is_integer():
                cell.number_format = excel_format(cell.value)
    guide = book.create_sheet("类别 Categories")
    guide.append(["类别前缀 Category prefix", "项目示例 Items (e.g.)", "单位 Units",
                  "可为负 Signed"])
    for rule in category_rules():
        guide.append([rule.prefix, "、".join(accepted_names(rule, 8)), " / ".join(rule.units),
                      "是 yes" if rule.signed else ""])
    for sheet, widths in ((example, (12, 8, 30, 20, 10, 12, 16, 16)),
                          (guide, (30, 80, 24, 12))):
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(65 + i)].width = width
    book.save(path)
    return path

