"""HTML rendering of a report: Jinja2 templates with print CSS, charts inline as SVG."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from tanzhi.report.model import (
    Document,
    code_prefix,
    codes_marked,
    edition_zh,
    licence_zh,
    number_document,
)
from tanzhi.report.render.charts import chart_svg

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _generated(doc: Document) -> str:
    local = doc.generated_at
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M} UTC"


def render_body(doc: Document) -> Markup:
    """The document's article element (cover, contents, sections), for pages and the file."""
    number_document(doc)
    svgs = {c.number: Markup(chart_svg(c)) for c in doc.charts}
    template = _environment().get_template("report/_document_body.html")
    return Markup(template.render(doc=doc, svgs=svgs, generated=_generated(doc),
                                  licence_zh=licence_zh, edition_zh=edition_zh,
                                  code_prefix=code_prefix, codes_marked=codes_marked))


def document_style() -> Markup:
    """The document's <style> element (print and screen CSS, scoped under .rdoc)."""
    return Markup(_environment().get_template("report/_document_style.html").render())


def render_html(doc: Document) -> str:
    """The document as one standalone HTML file (UTF-8, no external resources)."""
    body = render_body(doc)
    return _environment().get_template("report/document.html").render(doc=doc, body=body)
