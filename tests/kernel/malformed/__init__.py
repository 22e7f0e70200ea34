"""Malformed input files, built by code (issue #8, deliverable 4; issue #9, item 8).

`corpus(header, good_row)` returns ≥ 100 named files — (name, bytes) — that a reader of a table
with that header must refuse with a located error: empty and wrong-type files, GBK, BOMs, NUL
bytes, invalid UTF-8, merged headers, huge declared and actual dimensions, a zip bomb, formulas,
non-finite and implausible numbers, duplicate keys, wrong units, missing columns …  Each reader's
test feeds every file and asserts a `DataError` naming the file, and that nothing was written.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from xml.sax.saxutils import escape

Cell = object
Rows = Sequence[Sequence[Cell]]

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
       'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>')
_CT_SHEET = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets>{sheets}</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
_SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
          'org/spreadsheetml/2006/main">{dim}<sheetData>{rows}</sheetData>{merge}</worksheet>')


def col(index: int) -> str:
    """Column letters of a 1-based column number."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = str(value)
    if text.startswith("=="):  # a formula with no cached value
        return f'<c r="{ref}"><f>{escape(text[2:])}</f></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet_xml(rows: Rows, *, dimension: str | None = None, merge: Sequence[str] = (),
              extra_cells: str = "") -> str:
    """Worksheet XML for `rows` (row 1 first), with an optional declared dimension."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{col(c)}{r}", v) for c, v in enumerate(row, start=1))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = ("<mergeCells>" + "".join(f'<mergeCell ref="{m}"/>' for m in merge)
              + "</mergeCells>") if merge else ""
    return _SHEET.format(dim=dim, rows="".join(body) + extra_cells, merge=merged)


def xlsx(sheets: Sequence[tuple[str, str]] | None = None, *, rows: Rows = (),
         **sheet_options: object) -> bytes:
    """A minimal, valid .xlsx: one (name, worksheet XML) per sheet, or one sheet of `rows`."""
    if sheets is None:
        sheets = [("Sheet1", sheet_xml(rows, **sheet_options))]  # type: ignore[arg-type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CT.format(
            sheets="".join(_CT_SHEET.format(n=n) for n in range(1, len(sheets) + 1))))
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WB.format(sheets="".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _) in enumerate(sheets, start=1))))
        book.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(rels="".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1))))
        for n, (_, xml) in enumerate(sheets, start=1):
            book.writestr(f"xl/worksheets/sheet{n}.xml", xml)
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int = 1024, *, lie: bool = False) -> bytes:
    """An .xlsx whose worksheet inflates to `unpacked_mb` MB of blanks from ~1 KB per MB.

    Built without inflating anything: one fully flushed deflate block of 1 MB of spaces does
    not refer back, so it can be repeated.  `lie` declares a 1 KB worksheet in the zip headers
    (the actual size is still `unpacked_mb`).
    """
    chunk = b" " * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    headz = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head_block = headz.compress(head) + headz.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
    body = head_block + block * unpacked_mb + final
    crc = zlib.crc32(head)
    chunk_crc_runs = unpacked_mb
    for _ in range(chunk_crc_runs):
        crc = zlib.crc32(chunk, crc)
    size = len(head) + len(chunk) * unpacked_mb
    declared = 1024 if lie else size
    good = xlsx(rows=[["a"]])
    # Re-pack the good workbook with the bomb as its worksheet member.
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    central = []
    for info in source.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            data, usize, ucrc = body, declared, crc & 0xFFFFFFFF
        else:
            raw = source.read(info.filename)
            packer2 = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            data, usize, ucrc = packer2.compress(raw) + packer2.flush(), len(raw), zlib.crc32(raw)
        name = info.filename.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, ucrc, len(data),
                              usize, len(name), 0) + name + data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, ucrc,
                                   len(data), usize, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          len(directory), start, 0))
    return out.getvalue()


def csv_bytes(rows: Rows, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    """CSV text of `rows` (cells as written with ``str``; None is blank)."""
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(ch in text for ch in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(",".join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def corpus(header: Sequence[str], good: Sequence[Cell], *, numeric: Sequence[int] = (),
           unit: int | None = None, key: bool = True,
           bad: int | None = None) -> list[tuple[str, bytes]]:
    """Malformed files for a table with `header` whose one valid data row is `good`.

    Parameters
    ----------
    numeric
        Indexes of the columns that hold numbers (non-finite and text values are put there).
    unit
        Index of a unit column, if any (broken units are put there).
    key
        Whether two identical rows are a duplicate key for this table.
    bad
        Index of a column where the text "不是数字" is invalid (default: the first numeric one).
    """
    header, good = list(header), list(good)
    files: list[tuple[str, bytes]] = []

    def both(name: str, rows: Rows) -> None:
        files.append((f"{name}.csv", csv_bytes(rows)))
        files.append((f"{name}.xlsx", xlsx(rows=rows)))

    def with_cell(index: int, value: Cell) -> list[list[Cell]]:
        row = list(good)
        row[index] = value
        return [header, row]

    # --- containers and encodings ------------------------------------------------------------
    files += [
        ("empty.csv", b""), ("empty.xlsx", b""), ("blank-lines.csv", b"\n\n\n"),
        ("only-bom.csv", b"\xef\xbb\xbf"), ("only-spaces.csv", b"   \n  \n"),
        ("nul-only.csv", b"\x00" * 64), ("nul-in-cell.csv", csv_bytes([header, good])[:-2]
                                         + b"\x00\n"),
        ("nul-header.csv", b"\x00".join(h.encode() for h in header) + b"\n"),
        ("random-binary.csv", bytes(range(256)) * 4),
        ("random-binary.xlsx", bytes(range(256)) * 4),
        ("pdf-named.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("png-named.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ("ole-xls.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("ole-named.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("ods.ods", b"PK\x03\x04" + b"\x00" * 26),
        ("text.pdf", b"%PDF-1.4"),
        ("zip-not-xlsx.xlsx", _plain_zip({"readme.txt": b"hello"})),
        ("ods-named.xlsx", _plain_zip({"mimetype": b"application/vnd.oasis.opendocument."
                                       b"spreadsheet", "content.xml": b"<office:document/>"})),
        ("xlsb-named.xlsx", _plain_zip({"[Content_Types].xml": b"<Types/>",
                                        "xl/workbook.bin": b"\x00" * 16})),
        ("truncated.xlsx", xlsx(rows=[header, good])[:300]),
        ("truncated-tail.xlsx", xlsx(rows=[header, good])[:-40]),
        ("no-sheets.xlsx", xlsx([])),
        ("broken-sheet-xml.xlsx", xlsx([("Sheet1", "<worksheet><sheetData><row><c r='A1'")])),
        ("invalid-utf8.csv", csv_bytes([header]) + b"\xff\xfe\xfa\x80\x81\n"),
        ("invalid-utf8-header.csv", b"\xc3\x28\xa0\xa1," + csv_bytes([header])),
        ("utf16-odd.csv", b"\xff\xfe" + "a,b\n".encode("utf-16-le") + b"\x00"),
        ("gbk-garbled.csv", "地区代码,数值\n".encode("gbk")[:-3] + b"\x81\n"),
        ("html-named.csv", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        ("json-named.csv", b'{"region_code": "330100", "value": 1}'),
        ("semicolon-one-column.csv", b"foo;bar;baz\n1;2;3\n"),
        ("unclosed-quote.csv", csv_bytes([header]) + b'"abc,def\n'),
    ]
    # Encodings that must read *correctly* still need a bad value to be refused, so they carry
    # a text in a numeric column.
    bad_row = list(good)
    bad_row[bad if bad is not None else numeric[0] if numeric else 0] = "不是数字"
    files += [
        ("gbk-bad-value.csv", csv_bytes([header, bad_row], "gbk")),
        ("gb18030-bad-value.csv", csv_bytes([header, bad_row], "gb18030")),
        ("utf8-bom-bad-value.csv", csv_bytes([header, bad_row], "utf-8-sig")),
        ("utf16-bad-value.csv", csv_bytes([header, bad_row], "utf-16")),
        ("crlf-bad-value.csv", csv_bytes([header, bad_row], newline="\r\n")),
        ("tab-bad-value.csv", "\n".join("\t".join("" if v is None else str(v) for v in r)
                                        for r in [header, bad_row]).encode()),
    ]
    # --- shapes --------------------------------------------------------------------------------
    both("header-only", [header])
    both("no-header", [good])
    both("header-row-2", [[None] * len(header), header, good])
    both("missing-first-column", [header[1:], good[1:]])
    both("missing-last-column", [header[:-1], good[:-1]])
    both("unknown-column", [[*header, "unknown_col"], [*good, "x"]])
    both("data-without-header", [[*header, None], [*good, "stray"]])
    both("duplicate-header", [[*header, header[0]], [*good, good[0]]])
    both("renamed-header", [["x" + h for h in header], good])
    both("split-header", [header[: len(header) // 2], header[len(header) // 2:], good])
    files.append(("merged-header.xlsx", xlsx(rows=[header, [None] * len(header), good],
                                             merge=["A1:A2"])))
    files.append(("merged-header-across.xlsx", xlsx(rows=[header, good],
                                                    merge=[f"A1:{col(len(header))}1"])))
    files.append(("merged-body.xlsx", xlsx(rows=[header, good, good],
                                           merge=["A2:A3"])))
    files.append(("merged-huge.xlsx", xlsx(rows=[header, good], merge=["A2:XFD1048576"])))
    # --- sizes ---------------------------------------------------------------------------------
    far_xfd = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    far_t = '<row r="1048576"><c r="T1048576"><v>1</v></c></row>'
    no_ref = '<row r="700000"><c><v>1</v></c></row>'
    files += [
        ("xfd1048576.xlsx", xlsx(rows=[header, good], extra_cells=far_xfd)),
        ("t1048576.xlsx", xlsx(rows=[header, good], extra_cells=far_t)),
        ("declared-xfd.xlsx", xlsx(rows=[header, good], dimension="A1:XFD1048576")),
        ("declared-rows.xlsx", xlsx(rows=[header, good], dimension="A1:B1048576")),
        ("declared-cols.xlsx", xlsx(rows=[header, good], dimension="A1:ZZ2")),
        ("row-tag-only.xlsx", xlsx(rows=[header, good],
                                   extra_cells='<row r="900000"><c r="A900000"/></row>')),
        ("cell-without-ref-far.xlsx", xlsx(rows=[header, good], extra_cells=no_ref)),
        ("second-sheet-huge.xlsx", xlsx([("Sheet1", sheet_xml([header, good])),
                                         ("Big", sheet_xml([], dimension="A1:XFD1048576"))])),
        ("zip-bomb.xlsx", zip_bomb(1024)),
        ("zip-bomb-lying-header.xlsx", zip_bomb(400, lie=True)),
        ("wide-row.csv", (",".join(["x"] * 5000) + "\n").encode()),
    ]
    # --- cells ----------------------------------------------------------------------------------
    for index in numeric:
        name = header[index]
        for label, value in (("inf", "inf"), ("neg-inf", "-inf"), ("nan", "nan"),
                             ("NaN-word", "NaN"), ("1e308", "1e308"), ("1e400", "1e400"),
                             ("-1e308", "-1e308"), ("text", "abc"), ("formula-text", "=1+1"),
                             ("hyperlink", '=HYPERLINK("http://evil.example","x")'),
                             ("percent-junk", "12%%"), ("dash", "-"), ("two-dots", "1.2.3")):
            both(f"{name}-{label}", with_cell(index, value))
        files.append((f"{name}-1e308-number.xlsx", xlsx(rows=with_cell(index, 1e308))))
        files.append((f"{name}-formula-no-cache.xlsx", xlsx(rows=with_cell(index, "==SUM(A1)"))))
        files.append((f"{name}-bool.xlsx", xlsx(rows=with_cell(index, True))))
    if bad is not None:  # a column that takes only certain texts (a choice, a code)
        name = header[bad]
        for label, value in (("formula", "=1+1"), ("hyperlink", '=HYPERLINK("http://x","y")'),
                             ("nul", "a\x00b"), ("long", "x" * 40_000), ("inf", "inf"),
                             ("1e308", "1e308"), ("negative", "-1"), ("date", "2022-01-01"),
                             ("fullwidth", "ＴＯＷＮ"), ("control", "\x07\x1b[2J")):
            both(f"{name}-{label}", with_cell(bad, value))
    if unit is not None:
        for label, value in (("paren", "("), ("one-over-zero", "1/0"), ("nul", "t\x00"),
                             ("empty", None), ("unknown", "furlongs"), ("ton", "ton"),
                             ("dunder", "__class__"), ("power", "t**99999"),
                             ("expression", "2+2"), ("bracket", "[mass]")):
            both(f"unit-{label}", with_cell(unit, value))
    if key:
        both("duplicate-key", [header, good, good])
    for index in range(len(header)):
        if good[index] not in (None, ""):
            both(f"empty-{header[index]}", with_cell(index, None))
    return files


def _plain_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in members.items():
            book.writestr(name, data)
    return buffer.getvalue()
