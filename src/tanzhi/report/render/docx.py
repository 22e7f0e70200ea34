"""DOCX rendering of a report with python-docx: A4, numbered headings, tables with a repeated
header row, charts as PNG, captions (表 above tables, 图 below charts), header and page numbers.

Fonts follow Chinese official-document practice: 宋体 for text, 黑体 for headings and captions
(Word substitutes Noto CJK or another installed CJK font where these are missing).
"""

from __future__ import annotations

import io

from tanzhi.report.model import (
    Cell,
    Chart,
    Document,
    Paragraph,
    Section,
    Table,
    edition_zh,
    licence_zh,
    number_document,
)
from tanzhi.report.render.charts import chart_png

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
TONE_FILL = {"green": "E3F2E6", "yellow": "FFF3CC", "red": "FBE0E0", "grey": "EEEEEE"}
TONE_TEXT = {"green": "1D6B2F", "yellow": "7A5A00", "red": "A11D1D", "grey": "555555"}


def _set_fonts(target, name: str) -> None:  # noqa: ANN001 — a style or run
    from docx.oxml.ns import qn

    target.font.name = name
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _styles(document) -> None:  # noqa: ANN001
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(11)
    sizes = {1: 15, 2: 13, 3: 11.5, 4: 11}
    for level, size in sizes.items():
        style = document.styles[f"Heading {level}"]
        _set_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    title = document.styles["Title"]
    _set_fonts(title, HEADING_FONT)
    title.font.size = Pt(22)
    title.font.color.rgb = RGBColor(0, 0, 0)
    caption = document.styles["Caption"]
    _set_fonts(caption, HEADING_FONT)
    caption.font.size = Pt(10.5)
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)


def _field(paragraph, instruction: str) -> None:  # noqa: ANN001
    """A Word field (PAGE, NUMPAGES) updated by Word when the document opens or prints."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _page_setup(document, doc: Document) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.different_first_page_header_footer = True
    head = section.header.paragraphs[0]
    head.text = doc.title
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.runs[0].font.size = Pt(8.5)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("第 ")
    _field(foot, "PAGE")
    foot.add_run(" 页 共 ")
    _field(foot, "NUMPAGES")
    foot.add_run(" 页")


def _cover(document, doc: Document) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    for _ in range(4):
        document.add_paragraph()
    if doc.synthetic:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run("本报告使用合成演示数据，不是官方统计数据")
        run.font.color.rgb = RGBColor(0xB0, 0x30, 0x30)
        run.bold = True
    title = document.add_paragraph(doc.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.subtitle:
        sub = document.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.add_run(doc.subtitle).font.size = Pt(14)
    document.add_paragraph()
    g = doc.generated_at
    for label, value in (("地区", f"{doc.region}（{doc.region_code}）" if doc.region_code
                          else doc.region), ("时段", doc.period), ("编制", doc.issuer),
                         ("生成时间", f"{g.year}年{g.month}月{g.day}日")):
        if value:
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            key = p.add_run(f"{label}：")
            key.bold = True
            p.add_run(value)
    document.add_page_break()


def _shade(cell, fill: str) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _table(document, table: Table) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    cap = document.add_paragraph(table.label, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
             "center": WD_ALIGN_PARAGRAPH.CENTER}
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    header = grid.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, col in zip(header.cells, table.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(col.header)
        run.bold = True
        run.font.size = Pt(9)
        _set_fonts(run, HEADING_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, "F2F2F2")
    for row, cells in zip(table.rows, table.formatted(), strict=True):
        out = grid.add_row().cells
        for i, (target, cell) in enumerate(zip(out, cells, strict=False)):
            para = target.paragraphs[0]
            text = ("\u3000" * row.indent + cell.text) if i == 0 and row.indent else cell.text
            run = para.add_run(text)
            run.font.size = Pt(9)
            run.bold = cell.bold or None
            para.alignment = align[table.columns[i].align] if i < len(table.columns) else None
            if isinstance(cell, Cell) and cell.tone:
                _shade(target, TONE_FILL[cell.tone])
                run.font.color.rgb = RGBColor.from_string(TONE_TEXT[cell.tone])
                run.bold = True
    for i, note in enumerate(table.notes):
        p = document.add_paragraph(("注：" if i == 0 else "") + note)
        p.runs[0].font.size = Pt(8.5)
        p.paragraph_format.space_after = Pt(0)
    document.add_paragraph()


def _chart(document, chart: Chart) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    cap = document.add_paragraph(chart.label, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if chart.note:
        p = document.add_paragraph(chart.note)
        p.runs[0].font.size = Pt(8.5)


def _paragraph(document, para: Paragraph) -> None:  # noqa: ANN001
    from docx.shared import Pt, RGBColor

    p = document.add_paragraph()
    run = p.add_run(para.text)
    if para.kind == "body":
        p.paragraph_format.first_line_indent = Pt(22)
    elif para.kind == "lead":
        p.paragraph_format.first_line_indent = Pt(22)
        run.bold = True
    elif para.kind == "note":
        run.font.size = Pt(9)
    elif para.kind == "warning":
        run.font.color.rgb = RGBColor(0x6B, 0x1F, 0x1D)


def _section(document, section: Section) -> None:  # noqa: ANN001
    document.add_heading(section.title, level=min(section.level, 4))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Table):
            _table(document, block)
        else:
            _chart(document, block)
    for child in section.subsections:
        _section(document, child)


def render_docx(doc: Document) -> bytes:
    """The document as DOCX bytes."""
    # python-docx loads lxml's whole XML stack (0.4 s at import); only this export uses it.
    import docx

    number_document(doc)
    document = docx.Document()
    _styles(document)
    _page_setup(document, doc)
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.author = doc.issuer or "tanzhi"
    props.created = props.modified = doc.generated_at.replace(tzinfo=None)
    props.last_modified_by = "tanzhi"
    props.revision = 1
    _cover(document, doc)
    for section in doc.sections:
        _section(document, section)
    if doc.provenance:
        document.add_heading("数据来源", level=1)
        for p in doc.provenance:
            parts = [p.title_zh or p.title, f"版本 {edition_zh(p.edition)}" if p.edition else "",
                     p.publisher, f"（{licence_zh(p.licence)}）" if p.licence else ""]
            document.add_paragraph("，".join(x for x in parts[:3] if x) + parts[3],
                                   style="List Number")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
