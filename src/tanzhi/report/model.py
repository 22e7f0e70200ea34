"""The document model of a report: sections, paragraphs, tables and charts, numbered in Chinese.

A `Document` is plain data (no I/O): the composers (`tanzhi.report.compose`) build one from
the inputs a service gathered (`InventoryInputs`, `EvaluationInputs`, the lowest types of the
domain so every layer above can name them), `number_document` numbers its headings (一、 / （一）
/ 1.) and captions (表1 …, 图1 …) in reading order, and the renderers (`tanzhi.report.render`)
turn the same object into HTML, PDF and DOCX, so the three formats always agree. Documents
round-trip through JSON (`to_dict` / `document_from_dict`) for the store.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd
from markupsafe import Markup, escape

from tanzhi.kernel import fixed, significant
from tanzhi.plan import Plan

Tone = Literal["green", "yellow", "red", "grey"]
ChartKind = Literal["line", "stacked_bar", "bar", "pie"]
SeriesStyle = Literal["solid", "dashed", "dotted"]
ParagraphKind = Literal["body", "note", "lead", "warning"]

_DIGITS = "零一二三四五六七八九"
NOTATION_KEYS = frozenset({"NO", "NE", "NA", "IE", "C"})


def chinese_numeral(n: int) -> str:
    """The Chinese numeral for 1 ≤ n ≤ 99 as headings print it (一, 十, 十一, 二十三).

    >>> [chinese_numeral(n) for n in (1, 10, 11, 20, 23)]
    ['一', '十', '十一', '二十', '二十三']
    """
    if not 1 <= n <= 99:
        raise ValueError(f"Chinese heading numbers run from 1 to 99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The number of the n-th heading of a level: 一、 (1), （一） (2), 1. (3), （1） (4).

    >>> heading_number(1, 2), heading_number(2, 3), heading_number(3, 4), heading_number(4, 1)
    ('二、', '（三）', '4.', '（1）')
    """
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


@dataclass
class Cell:
    """A table cell with a display tone (status lights) or emphasis; plain values also work."""

    text: str
    tone: Tone | None = None
    bold: bool = False


@dataclass
class Column:
    """A table column: its label, unit (shown in the header) and number format."""

    label: str
    unit: str | None = None
    digits: int | None = 2  # decimals for numbers; None = as given
    align: Literal["left", "right", "center"] = "right"
    percent: bool = False  # value is a fraction shown as a percentage
    width: str | None = None  # CSS width of the column ("18%"), None = automatic
    # cells are codes (factor and parameter ids, units, check names, dataset ids): the HTML
    # shows them as code, and the Latin-word check reads them as codes (issue #11 item 7)
    code: bool = False

    @property
    def header(self) -> str:
        """The header text: label with the unit in brackets, as statistical tables print it."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass
class Row:
    """One table row; `emphasis` bolds totals and subtotals, `indent` nests sub-items."""

    cells: list[Any]
    emphasis: bool = False
    indent: int = 0


@dataclass
class Table:
    """A numbered table (表N): caption, columns, rows, and notes (注：…) with notation keys."""

    caption: str
    columns: list[Column]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    number: str = ""  # 表1, assigned by `number_document`
    kind_tag: str = "table"

    @property
    def label(self) -> str:
        """The full caption line, e.g. ``表1 2020年温室气体排放（万吨二氧化碳当量）``."""
        return f"{self.number} {self.caption}".strip()

    def formatted(self) -> list[list[Cell]]:
        """Every cell as display text (the same in HTML, PDF and DOCX)."""
        out = []
        for row in self.rows:
            cells = []
            for i, value in enumerate(row.cells):
                col = self.columns[i] if i < len(self.columns) else Column("")
                cell = value if isinstance(value, Cell) else Cell(format_value(value, col))
                if row.emphasis and not cell.bold:
                    cell = Cell(cell.text, cell.tone, True)
                cells.append(cell)
            out.append(cells)
        return out


@dataclass
class Series:
    """One data series of a chart (values aligned with the chart's categories; None = gap)."""

    name: str
    values: list[float | None]
    style: SeriesStyle = "solid"
    marker: bool = True
    color: str | None = None


@dataclass
class Chart:
    """A numbered chart (图N): kind, x categories, series and the unit of the value axis."""

    caption: str
    kind: ChartKind
    categories: list[str]
    series: list[Series]
    unit: str = ""
    note: str = ""
    number: str = ""  # 图1, assigned by `number_document`
    reference_lines: list[tuple[str, float]] = field(default_factory=list)  # (label, y)
    kind_tag: str = "chart"

    @property
    def label(self) -> str:
        """The full caption line, e.g. ``图1 2015—2023年温室气体排放趋势``."""
        return f"{self.number} {self.caption}".strip()


@dataclass
class Paragraph:
    """A paragraph of body text, a lead sentence, a note or a warning."""

    text: str
    kind: ParagraphKind = "body"
    kind_tag: str = "paragraph"


Block = Paragraph | Table | Chart


@dataclass
class Section:
    """A section: heading, ordered blocks (paragraphs, tables, charts) and subsections."""

    heading: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    numbered: bool = True
    number: str = ""  # 一、 / （一） / 1., assigned by `number_document`
    level: int = 1
    anchor: str = ""

    @property
    def title(self) -> str:
        """Number and heading as printed (``一、基本情况``; level 3 adds a space: ``1. 能源``)."""
        if not self.number:
            return self.heading
        sep = " " if self.number[-1] in ".）" and self.level >= 3 else ""
        return f"{self.number}{sep}{self.heading}"

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs of this section (not of its subsections)."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        """The tables of this section (not of its subsections)."""
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def charts(self) -> list[Chart]:
        """The charts of this section (not of its subsections)."""
        return [b for b in self.blocks if isinstance(b, Chart)]

    def add(self, *blocks: Block) -> Section:
        """Append blocks in order; returns self for chaining."""
        self.blocks.extend(blocks)
        return self

    def sub(self, heading: str, *blocks: Block) -> Section:
        """Add and return a subsection."""
        child = Section(heading, list(blocks), level=self.level + 1)
        self.subsections.append(child)
        return child


@dataclass
class Source:
    """A provenance entry (what the numbers come from), as pages show them."""

    title: str
    title_zh: str = ""
    edition: str = ""
    publisher: str = ""
    licence: str = ""


@dataclass
class Document:
    """A report: title page facts, sections, provenance and lineage."""

    title: str
    sections: list[Section]
    subtitle: str = ""
    region: str = ""  # region name (绍兴市)
    region_code: str = ""
    period: str = ""  # 2021—2025年 or 2020年
    kind: str = ""  # inventory | evaluation_final | evaluation_midterm
    issuer: str = ""  # who compiles it (编制单位)
    provenance: list[Source] = field(default_factory=list)
    synthetic: bool = False
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    lineage: dict[str, Any] = field(default_factory=dict)

    def walk(self) -> list[Section]:
        """Every section in reading order (depth first)."""
        out: list[Section] = []

        def visit(sections: list[Section]) -> None:
            for s in sections:
                out.append(s)
                visit(s.subsections)

        visit(self.sections)
        return out

    @property
    def tables(self) -> list[Table]:
        """Every table in reading order."""
        return [b for s in self.walk() for b in s.tables]

    @property
    def charts(self) -> list[Chart]:
        """Every chart in reading order."""
        return [b for s in self.walk() for b in s.charts]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`document_from_dict` reads it back)."""
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        return _clean(data)

    def content_hash(self) -> str:
        """sha256 of the content without the generation time: equal inputs, equal hash."""
        data = self.to_dict()
        data.pop("generated_at", None)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean(value: Any) -> Any:
    """NaN/inf → None so the JSON is valid."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _block_from(data: dict[str, Any]) -> Block:
    tag = data.get("kind_tag")
    if tag == "paragraph":
        return Paragraph(**data)
    if tag == "chart":
        series = [Series(**s) for s in data.get("series", [])]
        refs = [tuple(r) for r in data.get("reference_lines", [])]
        return Chart(**{**data, "series": series, "reference_lines": refs})
    columns = [Column(**c) for c in data.get("columns", [])]
    rows = [Row(cells=[Cell(**c) if isinstance(c, dict) else c for c in r["cells"]],
                emphasis=r.get("emphasis", False), indent=r.get("indent", 0))
            for r in data.get("rows", [])]
    return Table(**{**data, "columns": columns, "rows": rows})


def _section_from(data: dict[str, Any]) -> Section:
    return Section(
        heading=data["heading"], blocks=[_block_from(b) for b in data.get("blocks", [])],
        subsections=[_section_from(s) for s in data.get("subsections", [])],
        numbered=data.get("numbered", True), number=data.get("number", ""),
        level=data.get("level", 1), anchor=data.get("anchor", ""))


def document_from_dict(data: dict[str, Any]) -> Document:
    """Read a document back from `Document.to_dict`."""
    return Document(
        title=data["title"], sections=[_section_from(s) for s in data["sections"]],
        subtitle=data.get("subtitle", ""), region=data.get("region", ""),
        region_code=data.get("region_code", ""), period=data.get("period", ""),
        kind=data.get("kind", ""), issuer=data.get("issuer", ""),
        provenance=[Source(**p) for p in data.get("provenance", [])],
        synthetic=bool(data.get("synthetic", False)),
        generated_at=datetime.fromisoformat(data["generated_at"]),
        lineage=data.get("lineage", {}))


# The licence notes sources carry (in English, for the pages and the API) as a Chinese report
# prints them (issue #11 item 7).
LICENCE_ZH = {
    "public government document": "公开的政府文件",
    "synthetic, not official": "合成数据，非官方统计",
    "computed": "平台计算",
}


# An IPCC category code leading a cell ("1.A.1.a.i 电力生产").
CODE_PREFIX = re.compile(r"(\d(?:\.[0-9A-Za-z]+)+)(?=\s|$)")


def code_prefix(text: str) -> tuple[str, str]:
    """(leading IPCC category code, the rest) of a cell's text; ("", text) without one.

    >>> code_prefix("1.A.1.a.i 电力生产"), code_prefix("合计")
    (('1.A.1.a.i', ' 电力生产'), ('', '合计'))
    """
    m = CODE_PREFIX.match(text)
    return (m.group(1), text[m.end():]) if m else ("", text)


# IPCC category codes inside prose ("动物肠道发酵（3.A.1）").
CODE_INSIDE = re.compile(r"(?<![\w.])(\d(?:\.[0-9A-Za-z]+)+)(?![\w.])")


def codes_marked(text: str) -> Markup:
    """`text` escaped, its IPCC category codes wrapped as code (``<span class="code">``).

    >>> str(codes_marked("肠道发酵（3.A.1）<x>"))
    '肠道发酵（<span class="code">3.A.1</span>）&lt;x&gt;'
    """
    out, last = [], 0
    for m in CODE_INSIDE.finditer(text):
        out += [escape(text[last:m.start()]), Markup('<span class="code">%s</span>') % m.group(1)]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def licence_zh(licence: str) -> str:
    """A source's licence note in Chinese; a licence name (CC0-1.0, MIT) as is."""
    return LICENCE_ZH.get(licence, licence)


# Words of an edition id (``2021-draft``, ``demo``) as a Chinese report prints them: a printed
# report has no code column, so an edition reads as words (issue #11 item 7).
EDITION_WORDS_ZH = {"draft": "征求意见稿", "demo": "演示版", "adopted": "正式印发稿",
                    "final": "终稿", "revised": "修订稿", "packaged": "随平台发布"}


def edition_zh(edition: str) -> str:
    """An edition id in Chinese words; a date, a version number or an unknown id as is.

    >>> edition_zh("2021-draft"), edition_zh("demo"), edition_zh("2026-11"), edition_zh("v1.2")
    ('2021 年征求意见稿', '演示版', '2026-11', 'v1.2')
    """
    parts = str(edition).split("-")
    if not any(p in EDITION_WORDS_ZH for p in parts):
        return str(edition)
    return "".join(f"{p} 年" if re.fullmatch(r"(19|20)\d\d", p) else EDITION_WORDS_ZH.get(p, p)
                   for p in parts)


def format_value(value: Any, column: Column) -> str:
    """A cell value as display text: numbers with the column's decimals, blanks as ``—``.

    Notation keys (NO, NE, NA, IE, C) and other text pass through unchanged.

    >>> format_value(1234.567, Column("x", digits=1)), format_value(None, Column("x"))
    ('1,234.6', '—')
    >>> format_value(0.4523, Column("x", digits=1, percent=True)), format_value("NE", Column("x"))
    ('45.2%', 'NE')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            return "—"
        if column.percent:
            number *= 100
        # A column without fixed decimals shows about three significant digits, never the
        # raw float (20.243261450978324): tanzhi.kernel.numbers holds the rules.
        text = significant(number) if column.digits is None else fixed(number, column.digits)
        return text + ("%" if column.percent else "")
    return str(value)


def number_document(doc: Document) -> Document:
    """Number headings by level (一、/（一）/1./（1）) and captions 表1…/图1… in reading order.

    Unnumbered sections (附录, 前言) keep their heading as is and restart nothing. Returns the
    same document, numbered in place.
    """
    tables = charts = 0

    def visit(sections: list[Section], level: int) -> None:
        nonlocal tables, charts
        n = 0
        for section in sections:
            section.level = level
            if section.numbered:
                n += 1
                section.number = heading_number(level, n)
            else:
                section.number = ""
            for block in section.blocks:
                if isinstance(block, Table):
                    tables += 1
                    block.number = f"表{tables}"
                elif isinstance(block, Chart):
                    charts += 1
                    block.number = f"图{charts}"
            visit(section.subsections, level + 1)

    visit(doc.sections, 1)
    for i, section in enumerate(doc.walk()):
        section.anchor = section.anchor or f"s{i + 1}"
    return doc


# ---- what the composers read (gathered by the services) --------------------------------------


@dataclass
class InventoryInputs:
    """Everything the inventory report shows, gathered from the inventory service or computed.

    ``rows`` are result rows (`tanzhi.inventory.model.RESULT_COLUMNS`, optionally ``co2e_t``)
    of one region for every year to show; the other frames are optional and their sections say
    so when they are missing.
    """

    region_code: str
    region_name: str
    year: int
    gwp: str
    rows: pd.DataFrame
    run: dict[str, Any] = field(default_factory=dict)  # id, label, created_at, method, source …
    uncertainty: pd.DataFrame | None = None  # Approach 1 by category (and gas)
    montecarlo: pd.DataFrame | None = None  # Approach 2 by category, total row
    key_categories: pd.DataFrame | None = None
    residuals: pd.DataFrame | None = None  # hierarchy residuals with this region as parent
    findings: list[dict[str, Any]] = field(default_factory=list)  # severity, code, message_zh
    reference: pd.DataFrame | None = None  # reference vs sectoral approach (compare_…)
    recalculations: pd.DataFrame | None = None  # compare_runs with the superseded run
    factors: list[dict[str, Any]] = field(default_factory=list)  # id, item, parameter, value …
    children: pd.DataFrame | None = None  # region_code, name_zh, co2e_t of the sub-regions
    provenance: list[Source] = field(default_factory=list)
    synthetic: bool = False
    issuer: str = ""


@dataclass
class EvaluationInputs:
    """Everything an evaluation report shows (see `tanzhi.report.compose.evaluation`)."""

    plan: Plan
    kind: str  # final | midterm
    year: int  # evaluation year: period end (final) or the mid-point (midterm)
    region_code: str
    region_name: str
    status: pd.DataFrame  # tanzhi.plan.status_table as of `year`
    actuals: pd.DataFrame  # current_actuals: indicator_id, year, value, source, revision …
    tasks: list[dict[str, Any]] = field(default_factory=list)
    pilots: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    provenance: list[Source] = field(default_factory=list)
    lineage: dict[str, Any] = field(default_factory=dict)
