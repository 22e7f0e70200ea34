"""Report pages: the list of generated reports, one-click generation, preview and downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanzhi.http import CurrentUser, DbSession, render
from tanzhi.report.render.html import document_style, render_body
from tanzhi.report.service.generate import (
    get_report,
    list_reports,
    report_document,
    report_output,
)
from tanzhi.report.service.permissions import (
    WRITERS,
    generate_as,
    generation_options,
    scoped_codes,
)

router = APIRouter(include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def reports_page(request: Request, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """Generated reports in the user's scope, and the generation forms."""
    reports = list_reports(db, region_codes=scoped_codes(db, user))
    return render(request, "report/index.html", {
        "reports": reports, "can_write": user.role in WRITERS,
        **generation_options(db, user), "json_url": "/api/v1/reports",
        "synthetic": any(r.synthetic for r in reports)})


@router.post("/generate")
def generate_page(
    request: Request, db: DbSession, user: CurrentUser,
    kind: Annotated[str, Form()],
    plan_id: Annotated[str | None, Form()] = None,
    region_code: Annotated[str | None, Form()] = None,
    year: Annotated[int | None, Form()] = None,
    run_id: Annotated[str | None, Form()] = None,
) -> Response:
    """Generate a report, then open its preview (htmx: by the HX-Redirect header)."""
    info = generate_as(db, request.app.state.settings.data_dir, user, kind=kind,
                       plan_id=plan_id, region_code=region_code or None, year=year,
                       run_id=run_id or None)
    target = f"/reports/{info.id}" + ("?reused=1" if info.reused else "")
    if request.headers.get("HX-Request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, db: DbSession, user: CurrentUser,
                reused: int = 0) -> HTMLResponse:
    """Preview of one report (the document itself) with its downloads and lineage."""
    # The report's region is checked app-wide (policy table, `report_id` resolver).
    info = get_report(db, report_id)
    doc = report_document(db, report_id)
    return render(request, "report/show.html", {
        "info": info, "doc": doc, "body": render_body(doc), "doc_style": document_style(),
        "reused": bool(reused), "json_url": f"/api/v1/reports/{report_id}",
        "synthetic": info.synthetic,
        "provenance": [{"title": p.title, "title_zh": p.title_zh, "edition": p.edition,
                        "publisher": p.publisher, "licence": p.licence}
                       for p in doc.provenance]})


@router.get("/{report_id}/download/{fmt}")
def download(request: Request, report_id: int, fmt: str, db: DbSession,
             user: CurrentUser) -> Response:
    """One output of a report (html, pdf, docx), rendered on first request and cached."""
    content, media, name = report_output(db, request.app.state.settings.data_dir, report_id, fmt,
                                         writer=request.app.state.session_factory)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


__all__ = ["router"]
