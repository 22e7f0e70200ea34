"""Size limits for uploaded spreadsheets, checked before a single cell is loaded.

A 4.8 KB .xlsx holding one cell at XFD1048576 made the reader allocate ~550 GB and the process
abort; a cell at T1048576 cost 9.7 s and 0.8 GB per request (issue #8, finding 3).  The reader
(python-calamine) allocates a dense grid from A1 to the last cell and reserves room for the
sheet's declared ``<dimension ref=…>``, so both must be known, and bounded, first.

`inspect_xlsx` therefore checks, on the raw bytes:

1. the file size;
2. the zip container: number of members, compression method, and each member's *actual*
   decompressed size (streamed through zlib with a cap, so a header that understates it is
   caught) against a total cap and a compression-ratio cap (zip bombs);
3. every worksheet's declared dimension, merged ranges and the position of every cell, by
   streaming the worksheet XML and scanning its tags, stopping at the first one past the caps.

CSV files are bounded by `SheetLimits.max_rows`/``max_columns`` as they are read
(`tanzhi.kernel.sheets`).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from tanzhi.kernel.errors import DataError

_MB = 1024 * 1024
_CHUNK = 256 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


@dataclass(frozen=True)
class SheetLimits:
    """Caps on an input spreadsheet; the defaults suit every table tanzhi reads.

    Parameters
    ----------
    max_file_bytes
        Largest file accepted (the web server's request cap, 20 MB by default, is lower).
    max_rows, max_columns
        Largest sheet accepted, in rows and columns (header included).  200,000 rows is four
        times the largest real import seen (a 50,000-row ACTIVITY file, issue #8 finding 6);
        200 columns is well beyond the widest table (the energy balance, ~40 columns).
    max_cells
        Largest rows × columns rectangle: the reader holds the sheet as a dense grid of about
        40 bytes per cell, so 4 million cells bound it to ~160 MB.
    max_unzipped_bytes
        Largest total decompressed size of the .xlsx members.
    max_ratio
        Largest decompressed / compressed ratio of a member once past 1 MB unpacked: 100, the
        bound Apache POI applies to .xlsx (``ZipSecureFile`` minimum inflate ratio 0.01); real
        sheets compress 5-50×, a zip bomb by 1000× and more.
    max_members
        Largest number of members in the .xlsx container.
    """

    max_file_bytes: int = 64 * _MB
    max_rows: int = 200_000
    max_columns: int = 200
    max_cells: int = 4_000_000
    max_unzipped_bytes: int = 200 * _MB
    max_ratio: int = 100
    max_members: int = 2_000


DEFAULT_LIMITS = SheetLimits()

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension|mergeCell)\b([^>]*)>")
_REF_ATTR = re.compile(rb"""\s(r|ref)\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,4})?\$?(\d{1,8})?")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*["']([^"']*)["']""")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _position(ref: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of a cell reference such as ``XFD1048576``; parts may be 0."""
    match = _CELL_REF.fullmatch(ref.strip())
    if match is None:
        return None
    letters, digits = match.groups()
    return int(digits or 0), _column_number(letters or "")


def _refuse(file: str, zh: str, en: str) -> DataError:
    return DataError.at(zh, en, file=file)


def _too_large(file: str, sheet: str, what_zh: str, what_en: str, rows: int, columns: int,
               limits: SheetLimits) -> DataError:
    return _refuse(
        file,
        f"工作表“{sheet}”{what_zh}达 {rows:,} 行 × {columns:,} 列，超过上限"
        f"（{limits.max_rows:,} 行、{limits.max_columns:,} 列、共 {limits.max_cells:,} 个单元格）；"
        "请删除多余的行列（含只有格式的空单元格）后另存",
        f"sheet '{sheet}' {what_en} {rows:,} rows × {columns:,} columns, beyond the limit "
        f"({limits.max_rows:,} rows, {limits.max_columns:,} columns, {limits.max_cells:,} cells "
        "in all); delete the surplus rows and columns (formatted blank cells too) and save again",
    )


def check_size(data: bytes, file: str, limits: SheetLimits = DEFAULT_LIMITS) -> None:
    """Refuse a file larger than `SheetLimits.max_file_bytes`."""
    if len(data) > limits.max_file_bytes:
        raise _refuse(
            file,
            f"文件 {len(data) / _MB:.1f} MB，超过 {limits.max_file_bytes / _MB:.0f} MB 上限",
            f"the file is {len(data) / _MB:.1f} MB, above the "
            f"{limits.max_file_bytes / _MB:.0f} MB limit",
        )


def _member_chunks(data: bytes, info: zipfile.ZipInfo, file: str, budget: int) -> Iterator[bytes]:
    """The decompressed bytes of a member, in chunks, never more than `budget` in all.

    The member's raw bytes are read from its local header and inflated here, not through
    `zipfile`, which trusts the declared size and stops there; the real size is what the
    spreadsheet reader will inflate.
    """
    offset = info.header_offset
    header = data[offset:offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise _refuse(file, f"工作簿已损坏（成员 {info.filename} 的头部无效）",
                      f"the workbook is damaged (bad header of member {info.filename})")
    fields = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise _BudgetExceeded
        yield bytes(raw)
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _refuse(file, f"工作簿成员 {info.filename} 使用了不支持的压缩方式",
                      f"member {info.filename} uses an unsupported compression method")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    try:
        for pos in range(0, len(raw), _CHUNK):
            pending = bytes(raw[pos:pos + _CHUNK])
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                total += len(out)
                if total > budget:
                    raise _BudgetExceeded
                if out:
                    yield out
                if inflater.eof:
                    return
    except zlib.error as exc:
        raise _refuse(file, f"工作簿已损坏（成员 {info.filename} 无法解压）",
                      f"the workbook is damaged (member {info.filename} cannot be inflated)"
                      ) from exc


class _BudgetExceeded(Exception):
    pass


def _sheet_names(book: zipfile.ZipFile, data: bytes, file: str) -> dict[str, str]:
    """Worksheet part path → sheet name, read from workbook.xml and its relationships."""
    names: dict[str, str] = {}
    try:
        workbook = _small_member(book, data, "xl/workbook.xml", file)
        rels = _small_member(book, data, "xl/_rels/workbook.xml.rels", file)
    except KeyError:
        return names
    targets = {}
    for match in _REL.finditer(rels):
        attrs = dict(_ATTR.findall(match.group(1)))
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace").lstrip("/")
            targets[attrs[b"Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    for match in _SHEET.finditer(workbook):
        attrs = dict(_ATTR.findall(match.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if rid in targets and b"name" in attrs:
            names[targets[rid]] = attrs[b"name"].decode("utf-8", "replace")
    return names


def _small_member(book: zipfile.ZipFile, data: bytes, name: str, file: str) -> bytes:
    info = book.getinfo(name)  # KeyError when absent
    try:
        return b"".join(_member_chunks(data, info, file, 16 * _MB))
    except _BudgetExceeded:
        raise _refuse(file, f"工作簿成员 {name} 过大", f"workbook member {name} is too large"
                      ) from None


def inspect_xlsx(data: bytes, file: str, limits: SheetLimits = DEFAULT_LIMITS) -> None:
    """Refuse an .xlsx whose container or sheets exceed `limits`, before any cell is loaded.

    Raises
    ------
    DataError
        Located at the file, naming the sheet and the limit exceeded, in Chinese and English.
    """
    check_size(data, file, limits)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _refuse(file, "不是有效的 .xlsx 工作簿（zip 容器已损坏），"
                      "请在 Excel/WPS 中另存为 .xlsx",
                      "not a valid .xlsx workbook (damaged zip container); save it again "
                      "as .xlsx in Excel or WPS") from exc
    if len(members) > limits.max_members:
        raise _refuse(file, f"工作簿含 {len(members):,} 个成员，超过 {limits.max_members:,} 的上限",
                      f"the workbook holds {len(members):,} members, above the "
                      f"{limits.max_members:,} limit")
    declared = sum(info.file_size for info in members)
    if declared > limits.max_unzipped_bytes:
        raise _bomb(file, declared, limits)
    names = {info.filename for info in members}
    if "xl/workbook.xml" not in names:
        # python-calamine would open an .ods or .xlsb inside the zip too, past the checks
        # below, which read the .xlsx worksheet XML only.
        raise _refuse(file, "不是 .xlsx 工作簿（可能是 .ods、.xlsb 或其他 zip 文件），"
                      "请在 Excel/WPS 中另存为 .xlsx 或 CSV UTF-8",
                      "not an .xlsx workbook (an .ods, .xlsb or other zip file?); save it as "
                      ".xlsx or CSV UTF-8 in Excel or WPS")
    sheets = _sheet_names(book, data, file)
    budget = limits.max_unzipped_bytes
    for info in members:
        if info.is_dir():
            continue
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        sheet = sheets.get(info.filename, info.filename)
        scanner = _SheetScanner(file, sheet, limits) if is_sheet else None
        size = 0
        try:
            for chunk in _member_chunks(data, info, file, budget):
                size += len(chunk)
                if size > info.file_size:
                    # More bytes than the header declares: a spreadsheet reader that trusts
                    # the header would be fooled; refuse at once.
                    raise _bomb(file, size, limits, info.filename)
                if size > _CHUNK * 4 and size > limits.max_ratio * max(info.compress_size, 1):
                    raise _bomb(file, size, limits, info.filename)
                if scanner is not None:
                    scanner.feed(chunk)
        except _BudgetExceeded:
            raise _bomb(file, limits.max_unzipped_bytes + 1, limits) from None
        if scanner is not None:
            scanner.close()
        budget -= size


def _bomb(file: str, size: int, limits: SheetLimits, member: str | None = None) -> DataError:
    where_zh = f"成员 {member} 的压缩比超过 {limits.max_ratio}:1" if member else (
        f"解压后超过 {limits.max_unzipped_bytes / _MB:.0f} MB")
    where_en = f"member {member} is compressed more than {limits.max_ratio}:1" if member else (
        f"it unpacks to more than {limits.max_unzipped_bytes / _MB:.0f} MB")
    return _refuse(file, f"工作簿过大或是压缩炸弹（{where_zh}），已拒绝",
                   f"the workbook is too large or a zip bomb ({where_en}); refused")


class _SheetScanner:
    """Scan worksheet XML chunks for the declared dimension, merged ranges and cell positions."""

    def __init__(self, file: str, sheet: str, limits: SheetLimits) -> None:
        self.file, self.sheet, self.limits = file, sheet, limits
        self.tail = b""
        self.row = 0
        self.column = 0
        self.max_row = 0
        self.max_column = 0

    def _check(self, rows: int, columns: int, what_zh: str, what_en: str) -> None:
        limits = self.limits
        if (rows > limits.max_rows or columns > limits.max_columns
                or rows * columns > limits.max_cells):
            raise _too_large(self.file, self.sheet, what_zh, what_en, rows, columns, limits)

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        end = text.rfind(b">") + 1
        # Keep an unfinished tag for the next chunk; cell and row tags are short, so a long
        # stretch without ">" (a long text) needs only its last few hundred bytes kept.
        self.tail = text[end:] if len(text) - end <= 4096 else text[-512:]
        for match in _TAG.finditer(text, 0, end):
            self._tag(match.group(1), match.group(2))

    def _tag(self, name: bytes, attrs: bytes) -> None:
        ref_match = _REF_ATTR.search(attrs)
        ref = ref_match.group(2).decode("ascii", "replace") if ref_match else None
        if name == b"row":
            given = _position(ref)[0] if ref and _position(ref) else 0
            self.row = given or self.row + 1
            self.column = 0
        elif name == b"c":
            position = _position(ref) if ref else None
            if position and position[0]:
                self.row = position[0]
            self.column = position[1] if position and position[1] else self.column + 1
            if self.row > self.max_row or self.column > self.max_column:
                self.max_row = max(self.max_row, self.row)
                self.max_column = max(self.max_column, self.column)
                self._check(self.max_row, self.max_column, "的单元格", "has cells up to")
        elif ref:  # dimension, mergeCell: "A1:XFD1048576" or "A1"
            corner = ref.split(":")[-1]
            position = _position(corner)
            if position is None:
                return
            rows, columns = position
            if name == b"dimension":
                self._check(rows, columns, "声明的范围", "declares a range of")
            else:
                self._check(rows, columns, "的合并单元格", "has merged cells up to")

    def close(self) -> None:
        self.feed(b"")
