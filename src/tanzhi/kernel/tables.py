"""Input tables: read CSV and Excel files against a declared schema, and write blank templates."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import xlsxwriter

from tanzhi.kernel.errors import DataError, Location, Problem, UnitError
from tanzhi.kernel.frames import REGION_CODE
from tanzhi.kernel.sheets import cell_text, column_letter, is_empty, read_grid
from tanzhi.kernel.units import parse_unit

Kind = Literal["str", "int", "float", "year", "region", "unit"]
KINDS: tuple[str, ...] = ("str", "int", "float", "year", "region", "unit")

# Past this many problems the rest are counted, not listed: a wholly wrong million-row file
# must not build a million messages.  DataError itself shows the first 20.
MAX_PROBLEMS = 1000
YEARS = (1900, 2100)

# Full-width forms (Ｕ+FF01–FF5E: digits, letters, ，．－) typed with a Chinese IME, the
# ideographic space and the minus sign map to their ASCII counterparts.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_HEADER_NOISE = re.compile(r"[\s_\-]+")
_KIND_LABELS = {
    "str": ("文本", "text"),
    "int": ("整数", "integer"),
    "float": ("数值", "number"),
    "year": ("年份", "year"),
    "region": ("行政区划代码（6–12 位数字）", "region code (6-12 digits)"),
    "unit": ("单位", "unit"),
}


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    name
        Canonical name, used as the column of the returned frame and in templates.
    kind
        ``str``, ``int``, ``float``, ``year``, ``region`` (a 6–12 digit code kept as a string)
        or ``unit`` (parsed with `tanzhi.kernel.units.parse_unit`).
    required
        Whether the column must be present and every cell filled.
    aliases
        Other accepted header texts, e.g. Chinese ``"地区代码"``.  Matching ignores case,
        whitespace, ``_`` and ``-``, and full-width forms.
    nonnegative
        Refuse negative values (numeric kinds).
    unit_column
        For a numeric column: the name of the ``unit`` column giving its unit.
    dimension_of
        For a ``unit`` column: every unit must have this unit's dimension (e.g. ``"tce"``).
    choices
        For a ``str`` column: the allowed values.
    description
        What the column holds, shown in templates.
    """

    name: str
    kind: Kind = "str"
    required: bool = True
    aliases: tuple[str, ...] = ()
    nonnegative: bool = False
    unit_column: str | None = None
    dimension_of: str | None = None
    choices: tuple[str, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if self.dimension_of is not None and self.kind != "unit":
            raise ValueError(f"column {self.name!r}: dimension_of needs kind 'unit'")
        if self.unit_column is not None and self.kind not in ("int", "float"):
            raise ValueError(f"column {self.name!r}: unit_column needs a numeric kind")
        if self.nonnegative and self.kind not in ("int", "float"):
            raise ValueError(f"column {self.name!r}: nonnegative needs a numeric kind")
        if self.choices is not None and self.kind != "str":
            raise ValueError(f"column {self.name!r}: choices need kind 'str'")


@dataclass(frozen=True)
class TableSchema:
    """The columns an input table must have, and which of them form its key.

    Parameters
    ----------
    name
        Name of the table, e.g. ``"energy_consumption"``.
    columns
        The columns, in template order.
    key
        Names of the columns whose values must be unique together.
    allow_extra
        Accept (and drop) columns the schema does not name; by default they are an error,
        since an unknown header is usually a misspelt known one.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    allow_extra: bool = False

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for column in self.columns:
            for label in (column.name, *column.aliases):
                norm = _normalize_header(label)
                if seen.setdefault(norm, column.name) != column.name:
                    raise ValueError(f"schema {self.name!r}: header {label!r} is ambiguous")
        kinds = {c.name: c.kind for c in self.columns}
        if len(kinds) != len(self.columns):
            raise ValueError(f"schema {self.name!r}: duplicated column names")
        for name in self.key:
            if name not in kinds:
                raise ValueError(f"schema {self.name!r}: key column {name!r} is not a column")
        for column in self.columns:
            if column.unit_column is not None and kinds.get(column.unit_column) != "unit":
                raise ValueError(
                    f"schema {self.name!r}: {column.name!r} names unit column "
                    f"{column.unit_column!r}, which is not a 'unit' column"
                )


class _CellError(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


def _normalize_header(text: str) -> str:
    return _HEADER_NOISE.sub("", text.translate(_HALFWIDTH)).casefold()


# ----------------------------------------------------------------------------------- header


def _match_header(
    grid: list[list[object]], schema: TableSchema, file: str
) -> tuple[dict[int, Column], list[str], list[Problem]]:
    """Map file column indexes to schema columns; problems name headers as written."""
    lookup = {_normalize_header(label): column
              for column in schema.columns for label in (column.name, *column.aliases)}
    headers = [cell_text(raw) for raw in grid[0]]
    headers += [""] * (max(len(row) for row in grid) - len(headers))
    mapping: dict[int, Column] = {}
    problems: list[Problem] = []
    placed: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = lookup.get(_normalize_header(header)) if header else None
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
        normalized = (_normalize_header(cell_text(raw)) for raw in grid[r])
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
        text = raw.translate(_HALFWIDTH).strip()
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        elif not _PLAIN.fullmatch(text):
            raise _not_number(raw)
        value = float(text)
    else:
        value = float(raw)
    if not math.isfinite(value):
        raise _not_number(raw)
    return value


def _integer(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = raw.translate(_HALFWIDTH).strip() if isinstance(raw, str) else ""
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
        text = raw.translate(_HALFWIDTH).strip()
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


# ---------------------------------------------------------------------------------- templates


def _notes(column: Column, schema: TableSchema) -> tuple[str, str]:
    zh_kind, en_kind = _KIND_LABELS[column.kind]
    zh = [zh_kind, "必填" if column.required else "可选"]
    en = [en_kind, "required" if column.required else "optional"]
    if column.dimension_of:
        zh.append(f"须与“{column.dimension_of}”同量纲")
        en.append(f"must have the dimension of '{column.dimension_of}'")
    if column.unit_column:
        zh.append(f"单位见“{column.unit_column}”列")
        en.append(f"unit given in column '{column.unit_column}'")
    if column.nonnegative:
        zh.append("不能为负")
        en.append("not negative")
    if column.choices:
        zh.append("可选值：" + "、".join(column.choices))
        en.append("one of: " + ", ".join(column.choices))
    if column.name in schema.key:
        zh.append("键列（组合不得重复）")
        en.append("key column (no repeated combination)")
    return "；".join(zh), "; ".join(en)


def write_template(schema: TableSchema, path: Path) -> Path:
    """Write an empty input template for `schema`: a header row with the canonical names.

    ``.csv`` is written as UTF-8 with a BOM, so that Excel shows Chinese text correctly;
    ``.xlsx`` gets a header comment per column, text-formatted code columns (Excel keeps their
    leading zeros), drop-down lists for choices, and a second sheet "说明 Notes" describing each
    column in Chinese and English.

    Returns
    -------
    pathlib.Path
        `path`.
    """
    path = Path(path)
    names = [column.name for column in schema.columns]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerow(names)
        return path
    if suffix != ".xlsx":
        raise DataError.at(
            f"模板只能是 .csv 或 .xlsx，而不是“{suffix}”",
            f"a template is .csv or .xlsx, not '{suffix}'",
            file=path.name,
        )
    with xlsxwriter.Workbook(str(path)) as book:
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        text = book.add_format({"num_format": "@"})
        data = book.add_worksheet("数据 Data")
        notes = book.add_worksheet("说明 Notes")
        data.freeze_panes(1, 0)
        for i, column in enumerate(schema.columns):
            zh, en = _notes(column, schema)
            width = max(14, len(column.name) + 4)
            data.set_column(i, i, width, text if column.kind in ("str", "region", "unit") else None)
            data.write_string(0, i, column.name, bold)
            data.write_comment(0, i, "\n".join(filter(None, (column.description, zh, en))))
            joined = ",".join(column.choices or ())
            # Excel caps an inline drop-down list at 255 characters.
            if column.choices and len(joined) <= 255:
                data.data_validation(
                    1, i, 1_048_575, i, {"validate": "list", "source": list(column.choices)}
                )
        heads = ("列 Column", "别名 Aliases", "必填 Required", "要求（中文）", "Requirements",
                 "说明 Description")
        for j, head in enumerate(heads):
            notes.write_string(0, j, head, bold)
        notes.set_column(0, 2, 16)
        notes.set_column(3, 5, 48)
        for i, column in enumerate(schema.columns, start=1):
            zh, en = _notes(column, schema)
            notes.write_string(i, 0, column.name)
            notes.write_string(i, 1, "、".join(column.aliases))
            notes.write_string(i, 2, "是 yes" if column.required else "否 no")
            notes.write_string(i, 3, zh)
            notes.write_string(i, 4, en)
            notes.write_string(i, 5, column.description)
    return path
