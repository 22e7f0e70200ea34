"""PDF rendering of a report with WeasyPrint (A4, running header, page numbers, CJK fonts).

The fonts come from the system (fonts-noto-cjk, installed by `make system-deps`); the CSS asks
for 宋体/黑体 first and falls back to Noto Serif/Sans CJK SC. No resource is fetched from the
network: the HTML is self-contained and the URL fetcher refuses everything.
"""

from __future__ import annotations

import logging

from tanzhi.report.model import Document
from tanzhi.report.render.html import render_html


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError(f"reports load no external resources ({url})")


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes."""
    from weasyprint import HTML

    # WeasyPrint logs every unsupported CSS property at WARNING; keep the CLI output clean.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = HTML(string=render_html(doc), base_url=".", url_fetcher=_no_fetch)
    return html.write_pdf(uncompressed_pdf=False)
