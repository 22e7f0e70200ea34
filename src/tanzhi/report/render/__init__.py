"""Renderers of report documents: HTML (Jinja2, print CSS), PDF (WeasyPrint), DOCX (python-docx).

WeasyPrint, matplotlib and python-docx are imported inside the functions that draw with them:
together they take seconds to import (measured 3 s, 4 s and 0.4 s on the 2-core machine), which
every web start and test run would otherwise pay for reports nobody asked for. No tanzhi module
is imported that way.
"""

from __future__ import annotations

from typing import Literal

from tanzhi.kernel import DataError, Problem
from tanzhi.report.model import Document
from tanzhi.report.render.docx import render_docx
from tanzhi.report.render.html import render_html
from tanzhi.report.render.pdf import render_pdf

Format = Literal["html", "pdf", "docx"]
FORMATS: tuple[str, ...] = ("html", "pdf", "docx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_document(doc: Document, fmt: str) -> bytes:
    """The document in one format (html, pdf or docx) as bytes."""
    if fmt == "html":
        return render_html(doc).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(doc)
    if fmt == "docx":
        return render_docx(doc)
    raise DataError(Problem(f"不支持的报告格式“{fmt}”，应为 html、pdf 或 docx",
                            f"unknown report format {fmt!r}; expected html, pdf or docx"))


__all__ = ["FORMATS", "MEDIA_TYPES", "Format", "render_document"]
