"""Document model and renderers on a hand-built document: numbering, captions, CJK in PDF/DOCX."""

from __future__ import annotations

import io
import re

import pytest

from tanzhi.report.model import (
    Cell,
    Chart,
    Column,
    Document,
    Paragraph,
    Row,
    Section,
    Series,
    Table,
    chinese_numeral,
    document_from_dict,
    format_value,
    number_document,
)
from tanzhi.report.render import render_document
from tanzhi.report.render.charts import chart_svg


def sample() -> Document:
    """Two numbered chapters with subsections, two tables, two charts, an appendix."""
    table = Table("分领域排放", [Column("领域", align="left", digits=None),
                               Column("二氧化碳", "万吨", 1), Column("甲烷", "万吨", 2)],
                  [Row(["能源活动", 1234.56, "NE"]), Row(["工业生产过程", 300.0, "NA"], indent=1),
                   Row(["合计", 1534.56, None], emphasis=True)], ["NE 表示未估算。"])
    trend = Chart("排放趋势", "line", ["2020", "2021", "2022"],
                  [Series("实际值", [1.0, 2.0, None]), Series("规划路径", [1, 1.5, 2], "dashed")],
                  unit="万吨")
    status = Table("指标状态", [Column("指标", align="left", digits=None),
                              Column("状态", align="center", digits=None)],
                   [Row(["森林蓄积量", Cell("未完成", "red")])])
    one = Section("基本情况", [Paragraph("绍兴市位于浙江省中北部。")])
    two = Section("清单结果", [Paragraph("总体情况。"), table])
    two.sub("趋势", trend)
    two.sub("构成", Chart("气体构成", "pie", ["二氧化碳", "甲烷"], [Series("x", [90, 10])]),
            status)
    appendix = Section("附录", [Paragraph("排放因子表。")], numbered=False)
    return number_document(Document("绍兴市2023年温室气体清单报告", [one, two, appendix],
                                    subtitle="（草稿）", region="绍兴市", region_code="330600",
                                    period="2023年", synthetic=True))


@pytest.fixture(scope="module")
def doc() -> Document:
    return sample()


def test_chinese_numerals_and_heading_numbers(doc: Document) -> None:
    assert [chinese_numeral(n) for n in (1, 9, 10, 12, 20, 99)] == [
        "一", "九", "十", "十二", "二十", "九十九"]
    titles = [s.title for s in doc.walk()]
    assert titles == ["一、基本情况", "二、清单结果", "（一）趋势", "（二）构成", "附录"]


def test_captions_are_numbered_in_reading_order(doc: Document) -> None:
    assert [t.label for t in doc.tables] == ["表1 分领域排放", "表2 指标状态"]
    assert [c.label for c in doc.charts] == ["图1 排放趋势", "图2 气体构成"]


def test_cells_format_numbers_and_keep_notation_keys(doc: Document) -> None:
    cells = [[c.text for c in row] for row in doc.tables[0].formatted()]
    assert cells == [["能源活动", "1,234.6", "NE"], ["工业生产过程", "300.0", "NA"],
                     ["合计", "1,534.6", "—"]]
    assert doc.tables[0].formatted()[2][0].bold
    assert format_value(0.456, Column("x", digits=1, percent=True)) == "45.6%"
    assert format_value(-0.0001, Column("x", digits=2)) == "0.00"


def test_document_round_trips_through_json(doc: Document) -> None:
    back = document_from_dict(doc.to_dict())
    assert back.content_hash() == doc.content_hash()
    assert [s.title for s in back.walk()] == [s.title for s in doc.walk()]
    assert back.tables[1].rows[0].cells[1] == Cell("未完成", "red")


def test_svg_charts_are_deterministic(doc: Document) -> None:
    first, second = chart_svg(doc.charts[0]), chart_svg(doc.charts[0])
    assert first == second
    assert first.startswith("<svg")


def test_html_has_headings_captions_and_inline_svg(doc: Document) -> None:
    html = render_document(doc, "html").decode("utf-8")
    for text in ("一、基本情况", "（二）构成", "表1 分领域排放", "图2 气体构成", "附录",
                 "二氧化碳（万吨）", "tone-red", "@page", "counter(page)"):
        assert text in html, text
    assert html.count("<svg") == 2
    assert "合成演示数据" in html


def test_pdf_holds_the_chinese_text(doc: Document) -> None:
    pypdf = pytest.importorskip("pypdf")
    data = render_document(doc, "pdf")
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3  # cover, contents, body
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    for needle in ("绍兴市2023年温室气体清单报告", "一、基本情况", "表1分领域排放", "图1排放趋势",
                   "1,234.6", "未完成"):
        assert needle in text, needle


def test_docx_reads_back_headings_tables_and_pictures(doc: Document) -> None:
    import docx

    data = render_document(doc, "docx")
    back = docx.Document(io.BytesIO(data))
    headings = [p.text for p in back.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == ["一、基本情况", "二、清单结果", "（一）趋势", "（二）构成", "附录"]
    captions = [p.text for p in back.paragraphs if p.style.name == "Caption"]
    assert captions == ["表1 分领域排放", "图1 排放趋势", "图2 气体构成", "表2 指标状态"]
    first = back.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["领域", "二氧化碳（万吨）", "甲烷（万吨）"]
    assert [c.text for c in first.rows[1].cells] == ["能源活动", "1,234.6", "NE"]
    assert len(back.inline_shapes) == 2
    footer = back.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
