"""JSON twins and downloads of reports under /api/v1/reports."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tanzhi.http import CurrentUser, DbSession, Reach, object_id, resolves
from tanzhi.report.service.generate import (
    ReportInfo,
    get_report,
    list_reports,
    report_document,
    report_output,
)
from tanzhi.report.service.permissions import generate_as, generation_options, scoped_codes

router = APIRouter(tags=["reports"])


@resolves("report_id")
def report_reach(db: Session, value: str) -> Reach:
    """A report lies in the region it reports on."""
    return Reach((get_report(db, object_id(value, "报告", "report")).region_code,))


class GenerateIn(BaseModel):
    """What to generate: ``inventory`` (region_code, year [, run_id]) or ``evaluation_final`` /
    ``evaluation_midterm`` (plan_id [, region_code])."""

    kind: str
    plan_id: str | None = None
    region_code: str | None = None
    year: int | None = None
    run_id: str | None = None


def _out(info: ReportInfo) -> dict[str, Any]:
    data = asdict(info)
    data["created_at"] = info.created_at.isoformat()
    data["links"] = {"self": f"/api/v1/reports/{info.id}", "page": f"/reports/{info.id}",
                     **{fmt: f"/api/v1/reports/{info.id}/{fmt}" for fmt in ("html", "pdf",
                                                                            "docx")}}
    return data


@router.get("")
def reports_json(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """Reports in the caller's scope (newest first) and what the caller may generate."""
    opts = generation_options(db, user)
    return {
        "reports": [_out(r) for r in list_reports(db, region_codes=scoped_codes(db, user))],
        "plans": [{"plan_id": p.plan_id, "title_zh": p.title_zh, "region_code": p.region_code,
                   "period": [p.period_start, p.period_end], "edition": p.edition}
                  for p in opts["plans"]],
        "regions": [{"code": r.code, "name_zh": r.name_zh} for r in opts["regions"]],
        "years": opts["years"],
    }


@router.post("", status_code=201)
def generate_json(body: GenerateIn, request: Request, db: DbSession,
                  user: CurrentUser) -> dict[str, Any]:
    """Generate (or reuse, when the inputs are unchanged) a report; returns its description."""
    info = generate_as(db, request.app.state.settings.data_dir, user, kind=body.kind,
                       plan_id=body.plan_id, region_code=body.region_code, year=body.year,
                       run_id=body.run_id)
    return _out(info)


@router.get("/{report_id}")
def report_json(report_id: int, db: DbSession, user: CurrentUser,
                document: bool = False) -> dict[str, Any]:
    """A report's description and lineage (and with ``?document=true`` the document model)."""
    info = get_report(db, report_id)
    out = _out(info)
    if document:
        out["document"] = report_document(db, report_id).to_dict()
    return out


@router.get("/{report_id}/{fmt}")
def report_file(report_id: int, fmt: str, request: Request, db: DbSession,
                user: CurrentUser) -> Response:
    """The report as html, pdf or docx."""
    content, media, name = report_output(db, request.app.state.settings.data_dir, report_id, fmt,
                                         writer=request.app.state.session_factory)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
