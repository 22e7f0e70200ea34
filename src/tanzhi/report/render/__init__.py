"""Renderers of report documents: HTML (Jinja2, print CSS), PDF (WeasyPrint), DOCX (python-docx)."""

from __future__ import annotations

from typing import Literal

from tanzhi.report.model import Document

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
        from tanzhi.report.render.html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "pdf":
        from tanzhi.report.render.pdf import render_pdf

        return render_pdf(doc)
    if fmt == "docx":
        from tanzhi.report.render.docx import render_docx

        return render_docx(doc)
    from tanzhi.kernel.errors import DataError, Problem

    raise DataError(Problem(f"不支持的报告格式“{fmt}”，应为 html、pdf 或 docx",
                            f"unknown report format {fmt!r}; expected html, pdf or docx"))


__all__ = ["FORMATS", "MEDIA_TYPES", "Format", "render_document"]
