"""Report use cases: the inventory report (清单报告) and plan evaluations (评估报告).

`inventory_report` and `plan_evaluation` gather their inputs from the inventory and plan
services and return a numbered `tanzhi.report.model.Document`; `render_document` turns it into
HTML, PDF or DOCX; `generate_report` stores it with its lineage and caches the outputs on disk.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanzhi.report.render import FORMATS, MEDIA_TYPES, render_document
from tanzhi.report.service.evaluation import plan_evaluation
from tanzhi.report.service.generate import (
    ReportInfo,
    generate_report,
    get_report,
    list_reports,
    report_document,
    report_output,
)
from tanzhi.report.service.inventory import inputs_from_activity, inventory_report


def demo_seed(session: Session) -> int:
    """Demo rows of this area: none (reports are generated on demand, in a few seconds)."""
    return 0


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ReportInfo",
    "demo_seed",
    "generate_report",
    "get_report",
    "inputs_from_activity",
    "inventory_report",
    "list_reports",
    "plan_evaluation",
    "render_document",
    "report_document",
    "report_output",
]
