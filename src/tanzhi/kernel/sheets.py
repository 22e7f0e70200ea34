"""Raw cell grids from CSV and Excel (.xlsx) files: file format, text encoding, merged cells.

Every spreadsheet or CSV a user gives tanzhi is read here, and nothing is loaded before its size
is known to be bounded (`tanzhi.kernel.sheet_limits`; issue #8, finding 3).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

from charset_normalizer import from_bytes
from python_calamine import CalamineError, CalamineWorkbook

from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.exports import restore
from tanzhi.kernel.sheet_limits import DEFAULT_LIMITS, SheetLimits, check_size, inspect_xlsx

_ZIP = b"PK\x03\x04"
# OLE2 compound file: the old binary .xls, and also any password-protected .xlsx.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ""})
_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})

Merged = tuple[tuple[int, int], tuple[int, int]]


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_empty(raw: object) -> bool:
    """Whether a raw cell is blank (missing, or only whitespace)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def cell_text(raw: object) -> str:
    """A raw cell as display text; Excel's integral floats lose their ``.0``."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return "" if raw is None else str(raw).strip()


def read_grid(
    source: Path | bytes, *, filename: str | None = None, sheet: str | None = None,
    merged: Literal["refuse", "fill"] = "refuse", limits: SheetLimits = DEFAULT_LIMITS,
) -> tuple[str, list[list[object]]]:
    """Read a CSV or .xlsx file into rows of raw cells, row 1 first; trailing blank rows dropped.

    Parameters
    ----------
    source
        A path, or the raw bytes of an upload.
    filename
        Name shown in messages, whose suffix picks the format; defaults to the path's name,
        or ``<upload>`` for bytes (the format is then sniffed).
    sheet
        Excel sheet name; the first sheet by default.  Ignored for CSV.
    merged
        ``"refuse"`` merged cells (tables want one value per cell), or ``"fill"`` every cell
        of a merged range with its first cell's value (printed layouts such as the energy
        balance table).
    limits
        Size caps, checked before any cell is loaded (`SheetLimits`).

    Returns
    -------
    tuple
        The file name for messages, and the rows: CSV cells are strings; Excel cells are
        str, float, bool or date/time values as stored, with ``""`` for blanks.

    Raises
    ------
    DataError
        Unreadable file, unsupported format (.xls, .ods …), a file past `limits`, unknown
        sheet, or merged cells.
    """
    file, data = _load(source, filename)
    check_size(data, file, limits)
    suffix = Path(file).suffix.lower()
    looks_excel = data.startswith((_ZIP, _OLE))
    if suffix == ".xls" or (data.startswith(_OLE) and suffix not in _EXCEL_SUFFIXES):
        raise DataError.at(
            "不支持旧版 .xls 或加密的工作簿，请在 Excel/WPS 中另存为 .xlsx 或 CSV UTF-8",
            "old .xls and password-protected workbooks are not supported; "
            "save as .xlsx or CSV UTF-8 in Excel or WPS",
            file=file,
        )
    if suffix in _EXCEL_SUFFIXES or (suffix == "" and looks_excel):
        rows = _xlsx_rows(data, file, sheet, merged, limits)
    elif suffix in _TEXT_SUFFIXES and not looks_excel:
        rows = _csv_rows(data, file, limits)
    else:
        raise DataError.at(
            f"不支持的文件类型“{suffix or '?'}”，请上传 .xlsx 或 .csv 文件",
            f"unsupported file type '{suffix or '?'}'; upload an .xlsx or .csv file",
            file=file,
        )
    while rows and all(is_empty(raw) for raw in rows[-1]):
        rows.pop()
    # Exports neutralise formula-like text with a leading quote (tanzhi.kernel.exports); a
    # file exported and uploaded again reads as the original text.
    for row in rows:
        for index, raw in enumerate(row):
            if isinstance(raw, str) and raw.startswith("'"):
                row[index] = restore(raw)
    return file, rows


def _load(source: Path | bytes, filename: str | None) -> tuple[str, bytes]:
    if isinstance(source, bytes | bytearray):
        return filename or "<upload>", bytes(source)
    name = filename or Path(source).name
    try:
        return name, Path(source).read_bytes()
    except OSError as exc:
        raise DataError.at(
            f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})", file=name
        ) from exc


def decode_text(data: bytes, file: str) -> str:
    """Decode CSV bytes: UTF-16 by its BOM, else strict UTF-8 (BOM or not), else strict GB18030.

    Excel on a Chinese-locale Windows saves "CSV" in GBK (code page 936) and "CSV UTF-8" with a
    BOM; GB18030 is a superset of GBK.  A strict attempt in this order never garbles Chinese
    text (GBK bytes are almost never valid UTF-8); charset-normalizer guesses anything else.

    Examples
    --------
    >>> decode_text("地区代码".encode("gbk"), "a.csv")
    '地区代码'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError.at(
                f"UTF-16 文本在第 {exc.start} 字节处损坏，请另存为 UTF-8 编码的 CSV",
                f"damaged UTF-16 text at byte {exc.start}; save it as CSV UTF-8", file=file,
            ) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise DataError.at(
            "无法识别文件编码，请另存为 UTF-8 编码的 CSV",
            "cannot detect the file's text encoding; save it as CSV UTF-8",
            file=file,
        )
    return str(best)


def _csv_rows(data: bytes, file: str, limits: SheetLimits) -> list[list[object]]:
    text = decode_text(data, file)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataError.at(
            f"文件含二进制内容（NUL 字符，约第 {line} 行），不是 CSV 文本",
            f"the file holds binary data (a NUL character, near line {line}), not CSV text",
            file=file, row=line,
        )
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", "\t", ";") if d in first_line), ",")
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Streamed, stopping at the caps: a CSV has no declared dimension to check first.
        for row in reader:
            if len(rows) >= limits.max_rows:
                raise DataError.at(
                    f"文件超过 {limits.max_rows:,} 行的上限，请分成几个文件",
                    f"the file has more than {limits.max_rows:,} rows, the limit; split it",
                    file=file, row=limits.max_rows + 1,
                )
            if len(row) > limits.max_columns:
                raise DataError.at(
                    f"第 {reader.line_num} 行有 {len(row):,} 列，"
                    f"超过 {limits.max_columns} 列的上限",
                    f"line {reader.line_num} has {len(row):,} columns, above the "
                    f"{limits.max_columns} limit", file=file, row=len(rows) + 1,
                )
            rows.append(row)
    except csv.Error as exc:
        raise DataError.at(f"CSV 格式错误（{exc}）", f"malformed CSV ({exc})", file=file,
                           row=len(rows) + 1) from exc
    return rows


def _xlsx_rows(data: bytes, file: str, sheet: str | None, merged: str,
               limits: SheetLimits) -> list[list[object]]:
    inspect_xlsx(data, file, limits)
    # python-calamine reads both the cell values and the sheet's <mergeCells> in one fast
    # pass; openpyxl sees merged cells only when it loads the whole workbook into objects.
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        raise DataError.at(
            f"无法打开 Excel 工作簿（{exc}）", f"cannot open the Excel workbook ({exc})", file=file
        ) from exc
    names = list(book.sheet_names)
    if not names:
        raise DataError.at("工作簿没有工作表", "the workbook has no sheets", file=file)
    if sheet is not None and sheet not in names:
        raise DataError.at(
            f"工作簿中没有工作表“{sheet}”（现有：{'、'.join(names)}）",
            f"the workbook has no sheet '{sheet}' (sheets: {', '.join(names)})",
            file=file,
        )
    name = sheet if sheet is not None else names[0]
    try:
        worksheet = book.get_sheet_by_name(name)
        # skip_empty_area=False anchors the grid at A1: list indexes are sheet rows and columns.
        rows: list[list[object]] = worksheet.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise DataError.at(
            f"无法读取工作表“{name}”（{exc}）", f"cannot read sheet '{name}' ({exc})", file=file
        ) from exc
    ranges = list(worksheet.merged_cell_ranges or [])
    if merged == "fill":
        _fill_merged(ranges, rows)
    else:
        _refuse_merged(ranges, rows, file, name)
    return rows


def _fill_merged(merged: list[Merged], rows: list[list[object]]) -> None:
    """Give every cell of a merged range its first cell's value (ranges are within the caps)."""
    for (r0, c0), (r1, c1) in merged:
        value = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            rows[r] = list(rows[r]) + [""] * (c1 + 1 - len(rows[r]))
            for c in range(c0, c1 + 1):
                rows[r][c] = value


def _refuse_merged(merged: list[Merged], rows: list[list[object]], file: str, sheet: str) -> None:
    """Refuse merged cells: a merged range leaves all but its first cell empty."""
    problems = []
    for (r0, c0), (r1, c1) in sorted(merged):
        cells = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        text = cell_text(rows[r0][c0]) if r0 < len(rows) and c0 < len(rows[r0]) else ""
        zh_at, en_at = f"（工作表“{sheet}”单元格 {cells}）", f" (sheet '{sheet}', cells {cells})"
        if r0 == 0 and r1 > 0:
            zh = f"表头跨了 {r1 + 1} 行{zh_at}；表头只能占第 1 行，请取消合并，每列一个表头单元格"
            en = (f"the header spans {r1 + 1} rows{en_at}; the header must be row 1 only: "
                  "unmerge and keep one header cell per column")
        elif r0 == 0:
            zh = f"表头是合并单元格{zh_at}；请取消合并，每列一个表头"
            en = f"header cells are merged{en_at}; unmerge them, one header per column"
        else:
            zh = f"合并单元格{zh_at}；请取消合并并在每一行填入数值"
            en = f"merged cells{en_at}; unmerge them and fill in every row"
        problems.append(Problem(zh, en, Location(file, r0 + 1, text or column_letter(c0))))
    if problems:
        raise DataError(problems)
