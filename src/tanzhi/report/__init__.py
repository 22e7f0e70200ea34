"""report domain (报告): inventory reports and plan evaluations as HTML, PDF and DOCX.

The face web, demo, the root CLI and tests import from. Inside the domain the layers run, lowest
first: `model` (document types and the inputs composers read) → `compose` (inputs → document,
pure) | `render` (document → bytes) | `store` (report rows) → `service` (gathers inputs from the
plan and inventory faces, stores and serves reports) → `api` | `pages` | `cli`.
"""

from tanzhi.report.api import router as api_router
from tanzhi.report.cli import app as cli_app
from tanzhi.report.compose.evaluation import compose_evaluation
from tanzhi.report.compose.inventory import compose_inventory
from tanzhi.report.model import (
    Document,
    EvaluationInputs,
    InventoryInputs,
    document_from_dict,
    number_document,
)
from tanzhi.report.pages import router as pages_router
from tanzhi.report.render import FORMATS, MEDIA_TYPES, render_document
from tanzhi.report.render.html import document_style, render_body
from tanzhi.report.service import (
    KINDS,
    ReportInfo,
    demo_seed,
    evaluation_year,
    gather_evaluation,
    gather_inventory,
    generate_as,
    generate_report,
    get_report,
    inputs_from_activity,
    inventory_report,
    list_reports,
    plan_evaluation,
    report_document,
    report_output,
    scheme_tasks,
)
from tanzhi.report.store import ReportRow

__all__ = [
    "FORMATS",
    "KINDS",
    "MEDIA_TYPES",
    "Document",
    "EvaluationInputs",
    "InventoryInputs",
    "ReportInfo",
    "ReportRow",
    "api_router",
    "cli_app",
    "compose_evaluation",
    "compose_inventory",
    "demo_seed",
    "document_style",
    "document_from_dict",
    "evaluation_year",
    "gather_evaluation",
    "gather_inventory",
    "generate_as",
    "generate_report",
    "get_report",
    "inputs_from_activity",
    "inventory_report",
    "list_reports",
    "number_document",
    "pages_router",
    "plan_evaluation",
    "render_body",
    "render_document",
    "report_document",
    "report_output",
    "scheme_tasks",
]
