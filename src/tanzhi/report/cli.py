"""报告 reports: inventory report and plan evaluation as HTML, PDF, DOCX."""

from __future__ import annotations

import typer

app = typer.Typer(name="report", help="报告 reports: inventory report and plan evaluation as HTML, PDF, DOCX.", no_args_is_help=True)
