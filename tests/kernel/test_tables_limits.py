"""Files that cannot hurt: sizes checked before any cell is loaded (issue #8, finding 3).

The oversized files are read in a child process under an address-space limit, so the old reader
(which allocated ~550 GB for a cell at XFD1048576 and aborted) fails the test instead of taking
the test run down, and the child's peak memory is asserted — no timing assertions here; times
are in ``bench/bench_files.py``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tanzhi.kernel.errors import DataError
from tanzhi.kernel.exports import export_workbook, neutralise
from tanzhi.kernel.sheet_limits import SheetLimits, inspect_xlsx
from tanzhi.kernel.sheets import read_grid
from tests.kernel.malformed import csv_bytes, sheet_xml, xlsx, zip_bomb

HEADER = ["region_code", "year", "value"]
FAR_XFD = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
FAR_T = '<row r="1048576"><c r="T1048576"><v>1</v></c></row>'

# The child reads one file with read_grid and reports the outcome and its own peak RSS.
_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    from tanzhi.kernel.errors import DataError
    from tanzhi.kernel.sheets import read_grid
    path, name = sys.argv[1], sys.argv[2]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_grid(open(path, "rb").read(), filename=name)
        outcome = {"error": None}
    except DataError as exc:
        p = exc.problems[0]
        outcome = {"error": p.message_en, "file": p.location.file, "zh": p.message_zh}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome["extra_kb"] = peak - base
    print(json.dumps(outcome))
""")


def read_in_child(tmp_path: Path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), name], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("name", "data", "en"),
    [
        ("xfd1048576.xlsx", xlsx(rows=[HEADER, ["330100", 2022, 1]], extra_cells=FAR_XFD),
         "has cells up to 1,048,576 rows × 16,384 columns"),
        ("t1048576.xlsx", xlsx(rows=[HEADER], extra_cells=FAR_T),
         "has cells up to 1,048,576 rows × 20 columns"),
        ("declared.xlsx", xlsx(rows=[HEADER], dimension="A1:XFD1048576"),
         "declares a range of 1,048,576 rows × 16,384 columns"),
        ("bomb.xlsx", zip_bomb(1024), "zip bomb"),
        ("bomb-lying.xlsx", zip_bomb(400, lie=True), "zip bomb"),
    ],
)
def test_oversized_workbooks_are_refused_with_bounded_memory(tmp_path: Path, name: str,
                                                            data: bytes, en: str) -> None:
    outcome = read_in_child(tmp_path, name, data)
    assert outcome["file"] == name and en in outcome["error"] and outcome["zh"]
    # Refused while streaming: a few MB of zlib output at a time, never the sheet.
    assert outcome["extra_kb"] < 64 * 1024


def test_the_xfd_file_is_small() -> None:
    # The finding's file was 4.8 KB; ours is the same attack in a minimal package.
    assert len(xlsx(rows=[HEADER], extra_cells=FAR_XFD)) < 5000


def test_a_workbook_within_the_limits_reads(tmp_path: Path) -> None:
    rows = [HEADER] + [["330100", 2000 + i % 30, i] for i in range(2000)]
    file, grid = read_grid(xlsx(rows=rows, dimension="A1:C2001"), filename="ok.xlsx")
    assert file == "ok.xlsx" and len(grid) == 2001 and grid[-1][2] == 1999.0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_row_and_column_caps_are_configurable(fmt: str) -> None:
    limits = SheetLimits(max_rows=10, max_columns=3, max_cells=30)
    rows = [HEADER] + [["330100", 2022, i] for i in range(10)]
    data = csv_bytes(rows) if fmt == "csv" else xlsx(rows=rows)
    with pytest.raises(DataError) as info:
        read_grid(data, filename=f"r.{fmt}", limits=limits)
    assert info.value.problems[0].location.file == f"r.{fmt}"
    wide = [[*HEADER, "x"], ["330100", 2022, 1, 2]]
    data = csv_bytes(wide) if fmt == "csv" else xlsx(rows=wide)
    with pytest.raises(DataError, match="column"):
        read_grid(data, filename=f"w.{fmt}", limits=limits)
    assert len(read_grid(csv_bytes(rows[:10]) if fmt == "csv" else xlsx(rows=rows[:10]),
                         filename=f"ok.{fmt}", limits=limits)[1]) == 10


def test_file_size_cap() -> None:
    with pytest.raises(DataError, match="above the 1 MB limit"):
        read_grid(b"a,b\n" * 300_000, filename="big.csv", limits=SheetLimits(max_file_bytes=2**20))


@pytest.mark.parametrize(
    ("name", "extra", "merge", "en"),
    [
        ("merged.xlsx", "", ["A2:XFD1048576"], "has merged cells up to"),
        ("far-row-no-ref.xlsx", '<row r="700000"><c><v>1</v></c></row>', [], "has cells up to"),
        ("prefixed.xlsx", '<x:row r="900000"><x:c r="B900000"><x:v>1</x:v></x:c></x:row>', [],
         "has cells up to"),
    ],
)
def test_positions_found_however_written(name: str, extra: str, merge: list[str],
                                         en: str) -> None:
    data = xlsx([("Sheet1", sheet_xml([HEADER], merge=merge, extra_cells=extra))])
    with pytest.raises(DataError, match=en):
        inspect_xlsx(data, name)


def test_a_huge_second_sheet_is_refused_even_when_the_first_is_read() -> None:
    data = xlsx([("数据", sheet_xml([HEADER])), ("大表", sheet_xml([], dimension="A1:ZZ999999"))])
    with pytest.raises(DataError, match="sheet '大表'"):
        read_grid(data, filename="two.xlsx")


@pytest.mark.parametrize(
    ("name", "data", "en"),
    [
        ("ods-in-zip.xlsx", None, "not an .xlsx workbook"),
        ("text.xlsx", b"region_code,year\n", "not a valid .xlsx workbook"),
        ("nul.csv", b"a,b\n1,2\n3,\x004\n", "near line 3"),
        ("utf16-broken.csv", b"\xff\xfea\x00,\x00b", "UTF-16"),
        ("binary.csv", bytes(range(256)), "text encoding"),
    ],
)
def test_non_spreadsheets_are_located_errors(name: str, data: bytes | None, en: str) -> None:
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as book:
            book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            book.writestr("content.xml", "<office:document-content/>")
        data = buffer.getvalue()
    with pytest.raises(DataError) as info:
        read_grid(data, filename=name)
    assert en in str(info.value) and info.value.problems[0].location.file == name


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings_read_correctly(encoding: str) -> None:
    _, grid = read_grid(csv_bytes([["地区代码", "数值"], ["330100", "1.5"]], encoding),
                        filename="e.csv")
    assert grid == [["地区代码", "数值"], ["330100", "1.5"]]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-a", "@SUM(A1)",
                                  "\tx", "\rx", "'plain"])
def test_exported_text_reads_back_unchanged(text: str) -> None:
    # Exports prefix formula-like text with a quote; reading the file back drops it again.
    buffer = io.BytesIO()
    with export_workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("data")
        sheet.write(0, 0, "name")
        sheet.write(1, 0, text)
    raw = xlsx_cells(buffer.getvalue())
    if text in ("+1", "'plain"):  # a plain number, and text that is no formula, stay as written
        assert raw[1] == text
    else:
        assert str(raw[1]).startswith("'")
    _, grid = read_grid(buffer.getvalue(), filename="n.xlsx")
    assert grid[1][0] == text
    _, grid = read_grid(csv_bytes([["name"], [neutralise(text)]]), filename="n.csv")
    assert grid[1][0] == text.strip() or text.startswith(("\t", "\r"))


def xlsx_cells(data: bytes) -> list[object]:
    """First-column values as stored, read with openpyxl (no quote handling of ours)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [row[0] for row in book.active.iter_rows(values_only=True)]
