"""Input table schemas (columns, kinds, key) and the blank templates written from them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tanzhi.kernel.errors import DataError
from tanzhi.kernel.exports import export_workbook

Kind = Literal["str", "int", "float", "year", "region", "unit"]
KINDS: tuple[str, ...] = ("str", "int", "float", "year", "region", "unit")

# Full-width forms (Ｕ+FF01–FF5E: digits, letters, ，．－) typed with a Chinese IME, the
# ideographic space and the minus sign map to their ASCII counterparts.
HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}
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
                norm = normalize_header(label)
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


def normalize_header(text: str) -> str:
    return _HEADER_NOISE.sub("", text.translate(HALFWIDTH)).casefold()


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
    with export_workbook(str(path)) as book:
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
