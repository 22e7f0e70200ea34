"""Input tables: encodings, Excel quirks, and bilingual errors naming file, row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanzhi.kernel.errors import DataError
from tanzhi.kernel.tables import Column, TableSchema, read_table, write_template
from tanzhi.kernel.units import GENERIC_CEILING

ENERGY = TableSchema(
    "energy",
    (
        Column("region_code", "region", aliases=("地区代码",), description="GB/T 2260 code"),
        Column("year", "year", aliases=("年份",)),
        Column("item", aliases=("品种",)),
        Column("value", "float", aliases=("数值",), nonnegative=True, unit_column="unit"),
        Column("unit", "unit", aliases=("单位",), dimension_of="tce"),
        Column("source", choices=("统计年鉴", "企业直报"), required=False, aliases=("来源",)),
        Column("note", required=False, aliases=("备注",)),
    ),
    key=("region_code", "year", "item"),
)
ZH_HEADER = ["地区代码", "年份", "品种", "数值", "单位"]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: list[list[object]], merge: tuple[str, ...] = (), sheet: str = "数据"
) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    book.save(path)
    return path


def problems(path: Path | bytes, schema: TableSchema = ENERGY, **kw: object) -> DataError:
    with pytest.raises(DataError) as info:
        read_table(path, schema, **kw)
    return info.value


def assert_located(error: DataError, file: str, row: int, column: str) -> str:
    """The message names file, row and column in Chinese and in English; return that line."""
    text = str(error)
    line = next(
        (ln for ln in text.splitlines()
         if f"第 {row} 行" in ln and f"“{column}”列" in ln), None
    )
    assert line is not None, text
    for part in (f"文件 {file}", f"file {file}", f"row {row}", f"column '{column}'"):
        assert part in line, (part, line)
    return line


# ------------------------------------------------------------------------------- encodings


def test_gbk_csv_is_read_without_garbling(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "能源.csv",
        [ZH_HEADER + ["备注"],
         ["330100", "2020", "原煤", "1,234.5", "万吨标准煤", "含洗精煤"],
         ["330102", "2021", "天然气", "88", "吨标准煤", ""]],
        encoding="gbk",
    )
    frame = read_table(path, ENERGY)
    expected = pd.DataFrame({
        "region_code": pd.Series(["330100", "330102"], dtype="str"),
        "year": pd.Series([2020, 2021], dtype="int64"),
        "item": pd.Series(["原煤", "天然气"], dtype="str"),
        "value": pd.Series([1234.5, 88.0], dtype="float64"),
        "unit": pd.Series(["万吨标准煤", "吨标准煤"], dtype="str"),
        "source": pd.Series([None, None], dtype="str"),
        "note": pd.Series(["含洗精煤", None], dtype="str"),
    })
    pd.testing.assert_frame_equal(frame, expected)


def test_gb18030_character_outside_gbk(tmp_path: Path) -> None:
    # 𠮷 (U+20BB7) exists in GB18030's four-byte area only.
    path = write_csv(tmp_path / "a.csv", [ZH_HEADER, ["330100", "2020", "𠮷煤", "1", "tce"]],
                     encoding="gb18030")
    assert read_table(path, ENERGY)["item"].tolist() == ["𠮷煤"]


def test_utf8_with_bom_and_excel_unicode_text(tmp_path: Path) -> None:
    rows = [ZH_HEADER, ["330100", "2020", "原煤", "5", "万吨标准煤"]]
    bom = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_table(bom, ENERGY)["region_code"].tolist() == ["330100"]
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    frame = read_table(text.encode("utf-16"), ENERGY, filename="u.txt")
    assert frame["item"].tolist() == ["原煤"] and frame["value"].tolist() == [5.0]


# ------------------------------------------------------------------------------ cell errors


@pytest.mark.parametrize(
    ("cells", "row", "column", "zh", "en"),
    [
        ({"单位": "斤标准煤"}, 3, "单位", "未知单位“斤标准煤”", "unknown unit '斤标准煤'"),
        ({"单位": "kWh"}, 3, "单位", "量纲不同", "does not have the dimension of 'tce'"),
        ({"数值": "-5"}, 3, "数值", "为负", "negative"),
        ({"数值": "约100"}, 3, "数值", "“约100”不是数字", "'约100' is not a number"),
        ({"数值": ""}, 3, "数值", "必填单元格为空", "required cell is empty"),
        ({"年份": "1800"}, 3, "年份", "不在 1900–2100 之间", "outside 1900-2100"),
        ({"地区代码": "3301"}, 3, "地区代码", "不是行政区划代码", "not a region code"),
        ({"来源": "网上"}, 3, "来源", "不是可选值", "'网上' is not one of"),
    ],
)
def test_bad_cell_names_file_row_and_column(
    tmp_path: Path, cells: dict[str, str], row: int, column: str, zh: str, en: str
) -> None:
    header = ZH_HEADER + ["来源"]
    good = ["330100", "2020", "原煤", "5", "万吨标准煤", "统计年鉴"]
    bad = ["330100", "2021", "原煤", "5", "万吨标准煤", "统计年鉴"]
    for name, value in cells.items():
        bad[header.index(name)] = value
    path = write_csv(tmp_path / "bad.csv", [header, good, bad])
    error = problems(path)
    assert len(error.problems) == 1
    line = assert_located(error, "bad.csv", row, column)
    assert zh in line and en in line


def test_kwh_where_tce_expected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [ZH_HEADER, ["330100", "2020", "电力", "12", "万千瓦时"]])
    line = assert_located(problems(path), "e.csv", 2, "单位")
    assert "[coal_equivalent]" in line


def test_every_problem_is_listed_in_row_order(tmp_path: Path) -> None:
    rows = [ZH_HEADER,
            ["330100", "2020", "原煤", "-1", "kWh"],
            [],  # a blank line is skipped but still counts as row 3
            ["33010x", "２０２１", "原煤", "x", "tce"]]
    error = problems(write_csv(tmp_path / "e.csv", rows))
    located = [(p.location.row, p.location.column) for p in error.problems]
    assert located == [(2, "数值"), (2, "单位"), (4, "地区代码"), (4, "数值")]


def test_duplicated_key_names_both_rows(tmp_path: Path) -> None:
    rows = [ZH_HEADER,
            ["330100", "2020", "原煤", "1", "tce"],
            ["330100", "2021", "原煤", "1", "tce"],
            ["330100", "2020", "原煤", "2", "万吨标准煤"]]
    error = problems(write_csv(tmp_path / "dup.csv", rows))
    line = assert_located(error, "dup.csv", 4, "地区代码, 年份, 品种")
    assert "与第 2 行重复" in line and "duplicates row 2" in line
    assert "地区代码=330100, 年份=2020, 品种=原煤" in line


def test_numbers_full_width_and_thousands(tmp_path: Path) -> None:
    rows = [ZH_HEADER,
            ["330100", "２０２０", "a", "１２３", "tce"],
            ["330100", "2021年", "a", "1,234,567.25", "tce"],
            ["330100", "2022", "a", "１，２３４", "tce"],
            ["330100", "2023", "a", "1.5e3", "tce"]]
    frame = read_table(write_csv(tmp_path / "n.csv", rows), ENERGY)
    assert frame["year"].tolist() == [2020, 2021, 2022, 2023]
    assert frame["value"].tolist() == [123.0, 1234567.25, 1234.0, 1500.0]


@pytest.mark.parametrize(
    "text", ["约100", "100左右", "1.2万", "1,23", "nan", "inf", "--1", "1 000"]
)
def test_not_numbers(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "n.csv", [ZH_HEADER, ["330100", "2020", "a", text, "tce"]])
    assert_located(problems(path), "n.csv", 2, "数值")


# ---------------------------------------------------------------------------------- headers


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["地区代码", "年份", "品种", "数量", "单位"],
                                          ["330100", "2020", "a", "1", "tce"]])
    error = problems(path)
    unknown = assert_located(error, "h.csv", 1, "数量")
    assert "未知列“数量”" in unknown and "unknown column '数量'" in unknown
    missing = assert_located(error, "h.csv", 1, "value")
    assert "缺少必填列“value”" in missing and "数值" in missing


def test_headers_match_aliases_case_and_width_insensitively(tmp_path: Path) -> None:
    rows = [[" Region Code ", "YEAR", "ｉｔｅｍ", "Value", "单 位"],
            ["330100", "2020", "a", "1", "tce"]]
    frame = read_table(write_csv(tmp_path / "h.csv", rows), ENERGY)
    assert list(frame.columns) == [c.name for c in ENERGY.columns]


def test_extra_column_allowed_only_when_schema_says(tmp_path: Path) -> None:
    rows = [ZH_HEADER + ["联系人"], ["330100", "2020", "a", "1", "tce", "张三"]]
    path = write_csv(tmp_path / "x.csv", rows)
    assert_located(problems(path), "x.csv", 1, "联系人")
    lenient = TableSchema("energy", ENERGY.columns, ENERGY.key, allow_extra=True)
    assert "联系人" not in read_table(path, lenient).columns


def test_data_without_header(tmp_path: Path) -> None:
    rows = [ZH_HEADER, ["330100", "2020", "a", "1", "tce", "孤立"]]
    line = assert_located(problems(write_csv(tmp_path / "x.csv", rows)), "x.csv", 1, "F")
    assert "no header" in line and "第 2 行起" in line


def test_header_over_two_rows_without_merging(tmp_path: Path) -> None:
    rows = [["地区代码", "年份", "品种", "能源消费", ""],
            ["", "", "", "数值", "单位"],
            ["330100", "2020", "a", "1", "tce"]]
    error = problems(write_csv(tmp_path / "two.csv", rows))
    assert len(error.problems) == 1
    assert "第 1–2 两行" in str(error) and "span rows 1-2" in str(error)


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    rows = [["2020年能源消费表"], [], ZH_HEADER, ["330100", "2020", "a", "1", "tce"]]
    error = problems(write_csv(tmp_path / "t.csv", rows))
    assert "表头似乎在第 3 行" in str(error) and "header seems to be in row 3" in str(error)


# ------------------------------------------------------------------------------------ Excel


def test_excel_merged_header_cells(tmp_path: Path) -> None:
    rows = [["地区代码", "年份", "品种", "能源", None],
            ["330100", 2020, "a", 1, "tce"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merge=("D1:E1",))
    error = problems(path)
    line = assert_located(error, "m.xlsx", 1, "能源")
    assert "D1:E1" in line and "工作表“数据”" in line and "sheet '数据'" in line
    assert "取消合并" in line and "unmerge" in line


def test_excel_header_spanning_two_rows(tmp_path: Path) -> None:
    rows = [["地区代码", "年份", "品种", "数值", "单位"], [None, None, None, None, None],
            ["330100", 2020, "a", 1, "tce"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merge=("A1:A2", "B1:B2"))
    error = problems(path)
    assert [p.location.column for p in error.problems] == ["地区代码", "年份"]
    assert "A1:A2" in str(error) and "spans 2 rows" in str(error) and "跨了 2 行" in str(error)


def test_excel_merged_data_cells(tmp_path: Path) -> None:
    rows = [ZH_HEADER, ["330100", 2020, "a", 1, "tce"], [None, 2021, "a", 1, "tce"]]
    line = assert_located(
        problems(write_xlsx(tmp_path / "m.xlsx", rows, merge=("A2:A3",))), "m.xlsx", 2, "330100"
    )
    assert "A2:A3" in line


def test_excel_codes_years_and_numbers(tmp_path: Path) -> None:
    rows = [ZH_HEADER,
            ["010100", 2020, "a", 7, "tce"],        # text cell: leading zero kept
            [330102, 2021.0, "a", 2.5, "万吨标准煤"],  # number cells
            [10100, "2022", 2023, "３", "kgce"]]     # Excel dropped the code's leading zero
    frame = read_table(write_xlsx(tmp_path / "codes.xlsx", rows), ENERGY)
    assert frame["region_code"].tolist() == ["010100", "330102", "010100"]
    assert frame["year"].tolist() == [2020, 2021, 2022]
    assert frame["item"].tolist() == ["a", "a", "2023"]
    assert frame["value"].tolist() == [7.0, 2.5, 3.0]
    assert str(frame["year"].dtype) == "int64" and str(frame["value"].dtype) == "float64"


def test_excel_sheet_choice_and_bool_cell(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["封面"])
    ws = book.create_sheet("数据")
    ws.append(ZH_HEADER)
    ws.append(["330100", 2020, "a", True, "tce"])
    book.save(path)
    assert_located(problems(path, sheet="数据"), "s.xlsx", 2, "数值")
    error = problems(path, sheet="Data")
    assert "没有工作表“Data”" in str(error) and "Sheet, 数据" in str(error)


@pytest.mark.parametrize(
    ("name", "data", "en"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old .xls"),
        ("a.ods", b"PK\x03\x04", "unsupported file type '.ods'"),
        ("fake.xlsx", b"region_code\n", "not a valid .xlsx workbook"),
        ("empty.csv", b"\n\n", "the file is empty"),
        ("head.csv", ",".join(ZH_HEADER).encode(), "no data rows"),
    ],
)
def test_unreadable_files(name: str, data: bytes, en: str) -> None:
    error = problems(data, filename=name)
    assert en in str(error) and f"文件 {name}" in str(error)


def test_raises_before_returning_anything(tmp_path: Path) -> None:
    rows = [ZH_HEADER] + [["330100", str(y), "a", "1", "tce"] for y in range(2000, 2030)]
    rows.append(["330100", "2030", "a", "1", "kWh"])
    result = None
    with pytest.raises(DataError):
        result = read_table(write_csv(tmp_path / "late.csv", rows), ENERGY)
    assert result is None


def test_many_problems_are_all_counted(tmp_path: Path) -> None:
    rows = [ZH_HEADER] + [["330100", str(y), "a", "-1", "tce"] for y in range(2000, 2030)]
    error = problems(write_csv(tmp_path / "neg.csv", rows))
    assert len(error.problems) == 30
    assert "另有 10 处问题" in str(error) and "and 10 more problems" in str(error)


# -------------------------------------------------------------------------------- templates


def test_csv_template_is_excel_friendly_and_reads_back(tmp_path: Path) -> None:
    path = write_template(ENERGY, tmp_path / "energy.csv")
    assert path.read_bytes() == (
        b"\xef\xbb\xbfregion_code,year,item,value,unit,source,note\r\n"
    )
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("330100,2020,原煤,1.5,万吨标准煤,企业直报,\r\n")
    frame = read_table(path, ENERGY)
    assert frame.loc[0, "item"] == "原煤" and frame.loc[0, "source"] == "企业直报"


def test_xlsx_template_has_notes_and_reads_back(tmp_path: Path) -> None:
    path = write_template(ENERGY, tmp_path / "energy.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["数据 Data", "说明 Notes"]
    header = [c.value for c in book["数据 Data"][1]]
    assert header == ["region_code", "year", "item", "value", "unit", "source", "note"]
    notes = {row[0]: row for row in book["说明 Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["unit"][1] == "单位"
    assert "须与“tce”同量纲" in notes["unit"][3] and "dimension of 'tce'" in notes["unit"][4]
    assert notes["region_code"][2] == "是 yes" and notes["note"][2] == "否 no"
    assert notes["region_code"][5] == "GB/T 2260 code"
    book["数据 Data"].append(["010100", 2020, "原煤", 3, "tce", "统计年鉴"])
    book.save(path)
    frame = read_table(path, ENERGY)
    assert frame.loc[0, "region_code"] == "010100" and frame.loc[0, "value"] == 3.0


def test_schema_is_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="key column 'nope'"):
        TableSchema("t", (Column("a"),), key=("nope",))
    with pytest.raises(ValueError, match="not a 'unit' column"):
        TableSchema("t", (Column("v", "float", unit_column="a"), Column("a")))
    with pytest.raises(ValueError, match="ambiguous"):
        TableSchema("t", (Column("a", aliases=("x",)), Column("b", aliases=("X",))))
    with pytest.raises(ValueError, match="dimension_of needs kind 'unit'"):
        Column("a", "float", dimension_of="tce")


# ------------------------------------------------------------------------------- round trip

ROUND = TableSchema(
    "round",
    (
        Column("region_code", "region", aliases=("地区代码",)),
        Column("year", "year", aliases=("年份",)),
        Column("item", aliases=("品种",)),
        Column("value", "float", aliases=("数值",)),
        Column("unit", "unit", aliases=("单位",), dimension_of="tce"),
        Column("count", "int", required=False, aliases=("个数",)),
    ),
    key=("region_code", "year", "item"),
)
ITEM_TEXT = st.text(
    alphabet=st.sampled_from("煤油气电热力原洗精焦炭abcXYZ09 ,\"'\n-（）"), min_size=1, max_size=8
).filter(lambda s: s == s.strip())
ROWS = st.lists(
    st.tuples(
        st.from_regex(r"[0-9]{6}([0-9]{3}){0,2}", fullmatch=True),
        st.integers(1990, 2060),
        ITEM_TEXT,
        st.floats(min_value=-GENERIC_CEILING, max_value=GENERIC_CEILING),
        st.sampled_from(["tce", "万吨标准煤", "kgce", "亿吨标准煤"]),
        st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda r: (r[0], r[1], r[2]),
)


@settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS, chinese=st.booleans())
def test_written_frames_read_back_unchanged(
    tmp_path: Path, rows: list[tuple], chinese: bool
) -> None:
    # A GBK-encoded file carries Chinese headers, as Excel on a Chinese Windows writes them.
    header = [c.aliases[0] if chinese else c.name for c in ROUND.columns]
    cells = [["" if v is None else repr(v) if isinstance(v, float) else v for v in r] for r in rows]
    path = write_csv(tmp_path / "r.csv", [header, *cells], "gbk" if chinese else "utf-8-sig")
    back = read_table(path, ROUND)
    columns = list(zip(*rows, strict=True))
    counts = columns[5]
    dtypes = ("str", "int64", "str", "float64", "str",
              "Int64" if None in counts else "int64")
    expected = pd.DataFrame({
        c.name: pd.Series(list(values), dtype=dtype)
        for c, values, dtype in zip(ROUND.columns, columns, dtypes, strict=True)
    })
    pd.testing.assert_frame_equal(back, expected)
