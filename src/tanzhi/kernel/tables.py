"""Input tables: read CSV and Excel files against a declared schema (`tanzhi.kernel.table_schema`).

Every cell is checked: kind, required, choices, unit dimension, and for numbers finiteness and a
plausible magnitude for the unit's dimension (`tanzhi.kernel.units.implausible`; issue #9 item 8).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tanzhi.kernel.errors import DataError, Location, Problem, UnitError
from tanzhi.kernel.frames import REGION_CODE
from tanzhi.kernel.sheets import cell_text, column_letter, is_empty, read_grid
from tanzhi.kernel.table_schema import (
    HALFWIDTH,
    KINDS,
    Column,
    Kind,
    TableSchema,
    normalize_header,
    write_template,
)
from tanzhi.kernel.units import implausible, parse_unit

__all__ = ["KINDS", "MAX_PROBLEMS", "YEARS", "Column", "Kind", "TableSchema", "read_table",
           "write_template"]

# Past this many problems the rest are counted, not listed: a wholly wrong million-row file
# must not build a million messages.  DataError itself shows the first 20.
MAX_PROBLEMS = 1000
YEARS = (1900, 2100)

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


class _CellError(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


# ----------------------------------------------------------------------------------- header


def _match_header(
    grid: list[list[object]], schema: TableSchema, file: str
) -> tuple[dict[int, Column], list[str], list[Problem]]:
    """Map file column indexes to schema columns; problems name headers as written."""
    lookup = {normalize_header(label): column
              for column in schema.columns for label in (column.name, *column.aliases)}
    headers = [cell_text(raw) for raw in grid[0]]
    headers += [""] * (max(len(row) for row in grid) - len(headers))
    mapping: dict[int, Column] = {}
    problems: list[Problem] = []
    placed: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = lookup.get(normalize_header(header)) if header else None
        if not header:
            filled = next((r + 1 for r, row in enumerate(grid[1:], start=1)
                           if index < len(row) and not is_empty(row[index])), None)
            if filled is not None:
                problems.append(Problem(
                    f"{column_letter(index)} 列有数据（第 {filled} 行起）但没有表头",
                    f"column {column_letter(index)} holds data (from row {filled}) "
                    "but has no header",
                    Location(file, 1, column_letter(index))))
        elif column is None and not schema.allow_extra:
            names = [c.name for c in schema.columns]
            problems.append(Problem(f"未知列“{header}”（应为：{'、'.join(names)}）",
                                    f"unknown column '{header}' (expected: {', '.join(names)})",
                                    Location(file, 1, header)))
        elif column is not None and column.name in placed:
            letter, first = column_letter(placed[column.name]), headers[placed[column.name]]
            problems.append(Problem(f"“{header}”与 {letter} 列“{first}”都表示 {column.name}",
                                    f"'{header}' and column {letter} '{first}' both mean "
                                    f"{column.name}", Location(file, 1, header)))
        elif column is not None:
            placed[column.name] = index
            mapping[index] = column
    missing = [c for c in schema.columns if c.required and c.name not in placed]
    if missing:
        moved = _header_elsewhere(grid, lookup, {c.name for c in missing}, set(placed), file)
        if moved is not None:
            raise DataError(moved)
    for column in missing:
        labels = (column.name, *column.aliases)
        problems.append(Problem(
            f"缺少必填列“{column.name}”（可用表头：{'、'.join(labels)}）",
            f"missing required column '{column.name}' (accepted headers: {', '.join(labels)})",
            Location(file, 1, column.name)))
    return mapping, headers, problems


def _header_elsewhere(grid: list[list[object]], lookup: dict[str, Column], missing: set[str],
                      found: set[str], file: str) -> Problem | None:
    """Spot a header that sits below row 1 or is split over rows 1 and 2."""
    for r in range(1, min(len(grid), 5)):
        normalized = (normalize_header(cell_text(raw)) for raw in grid[r])
        names = {lookup[n].name for n in normalized if n in lookup}
        if not names & missing or not missing <= names | found:
            continue
        if r == 1 and found:
            return Problem("表头似乎占了第 1–2 两行；表头只能占第 1 行，请把两行合成一行",
                           "the header seems to span rows 1-2; it must be row 1 only: "
                           "combine the two rows into one", Location(file, 1))
        return Problem(f"表头似乎在第 {r + 1} 行；表头必须在第 1 行，请删除其上方的 {r} 行",
                       f"the header seems to be in row {r + 1}; it must be row 1: "
                       f"delete the {r} row(s) above it", Location(file, r + 1))
    return None


# ------------------------------------------------------------------------------------ cells


def _not_number(raw: object) -> _CellError:
    return _CellError(f"“{raw}”不是数字", f"'{raw}' is not a number")


def _number(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _not_number(raw)
    if isinstance(raw, str):
        text = raw.translate(HALFWIDTH).strip()
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        elif not _PLAIN.fullmatch(text):
            raise _not_number(raw)
        value = float(text)
    else:
        value = float(raw)
    if not math.isfinite(value):
        raise _CellError(f"“{raw}”不是有限数值", f"'{raw}' is not a finite number")
    return value


def _integer(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = raw.translate(HALFWIDTH).strip() if isinstance(raw, str) else ""
        if _THOUSANDS.fullmatch(text) and "." not in text:
            text = text.replace(",", "")
        if _INTEGER.fullmatch(text):
            value = int(text)  # exact, also beyond float's 2**53
        else:
            number = _number(raw)
            if not number.is_integer():
                raise _CellError(f"“{raw}”不是整数", f"'{raw}' is not an integer")
            value = int(number)
    if not -(2**63) <= value < 2**63:
        raise _CellError(f"整数“{raw}”超出范围", f"integer '{raw}' is out of range")
    return value


def _year(raw: object) -> int:
    if isinstance(raw, str) and raw.strip().endswith("年"):
        raw = raw.strip()[:-1]
    try:
        year = _integer(raw)
    except _CellError:
        raise _CellError(f"“{raw}”不是年份", f"'{raw}' is not a year") from None
    if not YEARS[0] <= year <= YEARS[1]:
        raise _CellError(f"年份 {year} 不在 {YEARS[0]}–{YEARS[1]} 之间",
                         f"year {year} is outside {YEARS[0]}-{YEARS[1]}")
    return year


def _region(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer() and raw >= 0:
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        # Excel stores a code typed into a number cell as a number and drops its leading
        # zeros; 6 digits is the GB/T 2260 width.
        text = str(raw).zfill(6)
    elif isinstance(raw, str):
        text = raw.translate(HALFWIDTH).strip()
    else:
        text = str(raw)
    if not REGION_CODE.fullmatch(text):
        raise _CellError(
            f"“{raw}”不是行政区划代码（应为 6–12 位数字，如 330100）",
            f"'{raw}' is not a region code (6-12 digits expected, e.g. 330100)",
        )
    return text


def _text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _cell_parser(column: Column) -> Callable[[object], object]:
    if column.kind in ("int", "float"):
        convert: Callable[[object], float | int] = _integer if column.kind == "int" else _number

        def numeric(raw: object) -> object:
            value = convert(raw)
            if column.nonnegative and value < 0:
                raise _CellError(
                    f"数值 {raw} 为负；本列不能为负数", f"value {raw} is negative; this column "
                    "must not be negative",
                )
            return value

        return numeric
    if column.kind == "year":
        return _year
    if column.kind == "region":
        return _region
    if column.kind == "unit":
        return _unit_parser(column)
    if column.choices is not None:
        by_norm = {c.casefold(): c for c in column.choices}

        def choice(raw: object) -> object:
            text = _text(raw)
            if text.casefold() not in by_norm:
                raise _CellError(
                    f"“{text}”不是可选值（{'、'.join(column.choices or ())}）",
                    f"'{text}' is not one of: {', '.join(column.choices or ())}",
                )
            return by_norm[text.casefold()]

        return choice
    return _text


def _unit_parser(column: Column) -> Callable[[object], object]:
    expected = parse_unit(column.dimension_of) if column.dimension_of else None

    def unit(raw: object) -> object:
        text = _text(raw)
        try:
            parsed = parse_unit(text)
        except UnitError as exc:
            first = exc.problems[0]
            raise _CellError(first.message_zh, first.message_en) from None
        if expected is not None and parsed.dimensionality != expected.dimensionality:
            raise _CellError(
                f"单位“{text}”与“{column.dimension_of}”量纲不同（{parsed.dimensionality} ≠ "
                f"{expected.dimensionality}），本列须用与“{column.dimension_of}”同量纲的单位",
                f"unit '{text}' does not have the dimension of '{column.dimension_of}' "
                f"({parsed.dimensionality} ≠ {expected.dimensionality})",
            )
        return text

    return unit


# ------------------------------------------------------------------------------------- read


_BAD = object()  # stands in for a cell that failed its check
_MISS = object()


def _attempt(parse: Callable[[object], object], raw: object) -> object:
    try:
        return parse(raw)
    except _CellError as exc:
        return exc


def read_table(
    source: Path | bytes,
    schema: TableSchema,
    *,
    filename: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel (.xlsx) table, checking every cell against `schema`.

    Parameters
    ----------
    source
        A path, or the raw bytes of an upload.
    schema
        The expected columns and key.
    filename
        Name to show in messages (and whose suffix picks the format); defaults to the path's
        name, or ``<upload>`` for bytes.
    sheet
        Excel sheet name; the first sheet by default.  Ignored for CSV.

    Returns
    -------
    pandas.DataFrame
        One row per non-blank data row, columns named and ordered as in `schema` (absent
        optional columns are all missing): ``int``/``year`` as int64 (nullable Int64 if an
        optional cell is empty), ``float`` as float64, ``str``/``region``/``unit`` as str.

    Raises
    ------
    DataError
        Listing every problem, each with the file, its spreadsheet row (header = row 1) and
        the column's header as written in the file, in Chinese and English.  Nothing is
        returned when any problem is found.

    Examples
    --------
    >>> schema = TableSchema("demo", (Column("region_code", "region", aliases=("地区代码",)),
    ...                               Column("value", "float", aliases=("数值",))))
    >>> gbk = '地区代码,数值\\n330100,"１,234.5"\\n'.encode("gbk")
    >>> read_table(gbk, schema, filename="a.csv").to_dict("list")
    {'region_code': ['330100'], 'value': [1234.5]}
    >>> read_table(b"region_code,value\\n330100,-\\n", schema, filename="b.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tanzhi.kernel.errors.DataError: 文件 b.csv 第 2 行 “value”列：“-”不是数字 / file b.csv, ...
    """
    file, grid = read_grid(source, filename=filename, sheet=sheet)
    if not grid:
        raise DataError.at("文件为空", "the file is empty", file=file)
    mapping, headers, problems = _match_header(grid, schema, file)
    body = [(r + 1, row) for r, row in enumerate(grid[1:], start=1)
            if not all(is_empty(raw) for raw in row)]
    if not body:
        problems.append(Problem("没有数据行", "the file has no data rows", Location(file, 2)))
    columns = [(i, column, headers[i], _cell_parser(column)) for i, column in mapping.items()]
    # Units, years, codes and labels repeat down a column: parse each distinct cell once.
    caches: dict[str, dict[tuple[type, object], object]] = {c.name: {} for _, c, *_ in columns}
    values: dict[str, list[object]] = {c.name: [] for _, c, *_ in columns}
    overflow = 0
    for row_number, row in body:
        for index, column, header, parse in columns:
            raw = row[index] if index < len(row) else None
            if is_empty(raw):
                if not column.required:
                    values[column.name].append(None)
                    continue
                result: object = _CellError("必填单元格为空", "required cell is empty")
            elif column.kind == "float":
                result = _attempt(parse, raw)
            else:
                cache = caches[column.name]
                key = (type(raw), raw)
                result = cache.get(key, _MISS)
                if result is _MISS:
                    result = cache[key] = _attempt(parse, raw)
            if not isinstance(result, _CellError):
                values[column.name].append(result)
                continue
            values[column.name].append(_BAD)
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem(
                    result.message_zh, result.message_en, Location(file, row_number, header)
                ))
            else:
                overflow += 1
    headers_by_name = {column.name: header for _, column, header, _ in columns}
    duplicates = _duplicate_keys(schema, headers_by_name, values, body, file)
    duplicates += _implausible_values(schema, headers_by_name, values, body, file)
    overflow += max(0, len(problems) + len(duplicates) - MAX_PROBLEMS)
    problems = (problems + duplicates)[:MAX_PROBLEMS]
    problems.sort(key=lambda p: p.location.row or 0)  # stable: by column within a row
    if overflow:
        problems.append(Problem(f"另有 {overflow} 处问题未逐一列出",
                                f"{overflow} further problems not listed", Location(file)))
    if problems:
        raise DataError(problems)
    return _frame(schema, values, len(body))


def _duplicate_keys(
    schema: TableSchema,
    headers: dict[str, str],
    values: dict[str, list[object]],
    body: list[tuple[int, list[object]]],
    file: str,
) -> list[Problem]:
    if not schema.key or any(name not in values for name in schema.key):
        return []
    label = ", ".join(headers[name] for name in schema.key)
    first_row: dict[tuple[object, ...], int] = {}
    problems = []
    for position, (row_number, _) in enumerate(body):
        key = tuple(values[name][position] for name in schema.key)
        if any(v is _BAD or v is None for v in key):
            continue
        if key in first_row:
            shown = ", ".join(f"{headers[n]}={v}" for n, v in zip(schema.key, key, strict=True))
            problems.append(Problem(
                f"与第 {first_row[key]} 行重复（{shown}）",
                f"duplicates row {first_row[key]} ({shown})",
                Location(file, row_number, label),
            ))
        else:
            first_row[key] = row_number
    return problems


def _implausible_values(
    schema: TableSchema,
    headers: dict[str, str],
    values: dict[str, list[object]],
    body: list[tuple[int, list[object]]],
    file: str,
) -> list[Problem]:
    """Numbers past the ceiling of their unit's dimension (`tanzhi.kernel.units.implausible`)."""
    problems: list[Problem] = []
    for column in schema.columns:
        if column.kind != "float" or column.name not in values:
            continue
        units = values.get(column.unit_column) if column.unit_column else None
        for position, value in enumerate(values[column.name]):
            if not isinstance(value, float):
                continue
            unit = units[position] if units is not None else None
            if unit is _BAD or (column.unit_column is not None and not isinstance(unit, str)):
                continue  # the unit cell already has its own problem
            try:
                reason = implausible(value, unit if isinstance(unit, str) else None)
            except UnitError:
                continue
            if reason is not None and len(problems) < MAX_PROBLEMS:
                problems.append(Problem(*reason, Location(file, body[position][0],
                                                          headers[column.name])))
    return problems


def _frame(schema: TableSchema, values: dict[str, list[object]], length: int) -> pd.DataFrame:
    series = {}
    for column in schema.columns:
        cells = values.get(column.name, [None] * length)
        if column.kind == "float":
            series[column.name] = pd.Series(cells, dtype="float64")
        elif column.kind in ("int", "year"):
            has_na = any(v is None for v in cells)
            series[column.name] = pd.Series(cells, dtype="Int64" if has_na else "int64")
        else:
            series[column.name] = pd.Series(cells, dtype="str")
    return pd.DataFrame(series, index=pd.RangeIndex(length))

