"""Report use cases: the inventory report (清单报告) and plan evaluations (评估报告).

`inventory_report` and `plan_evaluation` gather their inputs from the inventory and plan
faces and compose a numbered `tanzhi.report.model.Document`; `render_document` turns it into
HTML, PDF or DOCX; `generate_report` stores it with its lineage and caches the outputs on disk;
`generate_as` does so on behalf of a user, within their role and region scope.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanzhi.report.render import FORMATS, MEDIA_TYPES, render_document
from tanzhi.report.service.evaluation import (
    evaluation_year,
    gather_evaluation,
    plan_evaluation,
    scheme_tasks,
)
from tanzhi.report.service.generate import (
    KINDS,
    ReportInfo,
    generate_report,
    get_report,
    list_reports,
    report_document,
    report_output,
)
from tanzhi.report.service.inventory import (
    gather_inventory,
    inputs_from_activity,
    inventory_report,
)
from tanzhi.report.service.permissions import (
    WRITERS,
    check_scope,
    generate_as,
    generation_options,
    scoped_codes,
)


def demo_seed(session: Session) -> int:
    """Demo rows of this area: none (reports are generated on demand, in a few seconds)."""
    return 0


__all__ = [
    "FORMATS",
    "KINDS",
    "MEDIA_TYPES",
    "WRITERS",
    "ReportInfo",
    "check_scope",
    "demo_seed",
    "evaluation_year",
    "gather_evaluation",
    "gather_inventory",
    "generate_as",
    "generate_report",
    "generation_options",
    "get_report",
    "inputs_from_activity",
    "inventory_report",
    "list_reports",
    "plan_evaluation",
    "render_document",
    "report_document",
    "report_output",
    "scheme_tasks",
    "scoped_codes",
]
