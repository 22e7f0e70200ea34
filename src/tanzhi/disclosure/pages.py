"""The public disclosure portal (mounted at /public): published data for anyone, logged out,
and the publishing desk of the climate offices (/public/manage).

Reads go through `service.published`, so an object that is not live-published is a 404 to
everyone here (its officers read it on their own pages). Who may publish or withdraw is decided
by the policy table (rule ``disclose`` on the run, plan, report, region and publication named in
the address), before a handler runs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanzhi.access import User, scope_codes
from tanzhi.disclosure import service
from tanzhi.disclosure.model import MEDIA, REPORT_FORMATS, TABLE_FORMATS, Kind, show
from tanzhi.http import CurrentUser, DbSession, OptionalUser
from tanzhi.http import render as render_page
from tanzhi.inventory import list_runs
from tanzhi.kernel import DataError, Location, NotFound, Problem, get_region, utcnow
from tanzhi.plan import latest_signed_off, list_plan_records, public_edition
from tanzhi.report import document_style, list_reports, render_body, report_document, report_output

router = APIRouter(include_in_schema=False)

def render(request: Request, template: str, context: dict, status_code: int = 200
           ) -> HTMLResponse:
    """The shell's `render`, with the portal's number format (`show`) in the context."""
    return render_page(request, template, {**context, "show": show}, status_code=status_code)


def _attachment(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("", response_class=HTMLResponse)
def portal(request: Request, db: DbSession, user: OptionalUser) -> HTMLResponse:
    """The portal: every live publication by kind, and the signed-off assessment results."""
    pubs = service.live_publications(db)
    return render(request, "disclosure/index.html", {
        "inventories": [p for p in pubs if p.kind is Kind.INVENTORY],
        "plans": [p for p in pubs if p.kind is Kind.PLAN_STATUS],
        "reports": [p for p in pubs if p.kind is Kind.REPORT],
        "schemes": latest_signed_off(db), "can_publish": user is not None,
        "json_url": "/api/v1/public/publications",
        "synthetic": any(p.synthetic for p in pubs)})


@router.get("/inventory/{run_id}/{region}", response_class=HTMLResponse)
def inventory_page(request: Request, run_id: int, region: str, db: DbSession) -> HTMLResponse:
    """A published inventory: t CO2e by sector and year, provisional rows counted."""
    pub = service.published(db, Kind.INVENTORY, str(run_id), region)
    return render(request, "disclosure/inventory.html", {
        "pub": pub, "summary": service.inventory_summary(db, pub), "formats": TABLE_FORMATS,
        "json_url": f"/api/v1/public/publications/{pub.id}", "synthetic": pub.synthetic})


@router.get("/inventory/{run_id}/{region}/download/{fmt}")
def inventory_file(run_id: int, region: str, fmt: str, db: DbSession,
                   year: Annotated[int | None, Query()] = None) -> Response:
    """A published inventory as CSV (every row, factor path, provisional flag) or XLSX."""
    pub = service.published(db, Kind.INVENTORY, str(run_id), region)
    data, name = service.inventory_download(db, pub, fmt, year)
    return _attachment(data, MEDIA[fmt], name)


@router.get("/plans/{plan_id}/{region}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, region: str, db: DbSession) -> HTMLResponse:
    """A published indicator status table, as frozen when it was published."""
    pub = service.published(db, Kind.PLAN_STATUS, plan_id, region)
    return render(request, "disclosure/plan.html", {
        "pub": pub, "rows": pub.snapshot.get("rows", []), "labels": service.STATUS_LABELS,
        "formats": TABLE_FORMATS, "json_url": f"/api/v1/public/publications/{pub.id}",
        "synthetic": pub.synthetic})


@router.get("/plans/{plan_id}/{region}/download/{fmt}")
def plan_file(plan_id: str, region: str, fmt: str, db: DbSession) -> Response:
    """A published status table as CSV or XLSX."""
    pub = service.published(db, Kind.PLAN_STATUS, plan_id, region)
    data, name = service.status_download(pub, fmt)
    return _attachment(data, MEDIA[fmt], name)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, db: DbSession) -> HTMLResponse:
    """A published report: the document itself and its files."""
    pub = service.published(db, Kind.REPORT, str(report_id))
    return render(request, "disclosure/report.html", {
        "pub": pub, "body": render_body(report_document(db, report_id)),
        "doc_style": document_style(), "formats": REPORT_FORMATS,
        "json_url": f"/api/v1/public/publications/{pub.id}", "synthetic": pub.synthetic})


@router.get("/reports/{report_id}/download/{fmt}")
def report_file(request: Request, report_id: int, fmt: str, db: DbSession) -> Response:
    """One file of a published report (HTML, PDF, Word), rendered on first request."""
    service.published(db, Kind.REPORT, str(report_id))
    if fmt not in REPORT_FORMATS:
        raise NotFound(f"没有格式 {fmt} / no format {fmt}")
    content, media, name = report_output(db, request.app.state.settings.data_dir, report_id,
                                         fmt, writer=request.app.state.session_factory)
    return _attachment(content, media, name)


@router.get("/assess/{scheme_id}/download/{fmt}")
def assessment_file(scheme_id: int, fmt: str, db: DbSession) -> Response:
    """A signed-off scheme's ranking and grades as CSV or XLSX (404 before sign-off)."""
    data, name = service.assessment_download(public_edition(db, scheme_id), fmt)
    return _attachment(data, MEDIA[fmt], name)


# ---- the publishing desk -----------------------------------------------------------------------

def _desk(request: Request, db: DbSession, user: User, *, problems: list[dict] | None = None,
          status_code: int = 200) -> HTMLResponse:
    codes = set(scope_codes(db, user))
    own = user.region_code or ""
    runs = [r for r in list_runs(db) if r.status == "complete"
            and (not r.region_codes or own in r.region_codes)]
    region = get_region(db, own)
    # A plan of the office's own region or below publishes for its region; the plan of the
    # region above (a county under the city's plan) publishes the office's own column.
    plans = [(p, p.region_code) for p in list_plan_records(db) if p.region_code in codes]
    plans += [(p, own) for p in list_plan_records(db)
              if region is not None and p.region_code == region.parent_code]
    return render(request, "disclosure/manage.html", {
        "region": region, "runs": runs[:12], "plans": plans,
        "reports": list_reports(db, region_codes=codes),
        "history": service.publication_history(db, codes),
        "today": utcnow().date().isoformat(), "problems": problems or [],
        "json_url": "/api/v1/public/publications"}, status_code=status_code)


@router.get("/manage", response_class=HTMLResponse)
def manage(request: Request, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """What the office may publish, and what it has published (withdraw from here)."""
    return _desk(request, db, user)


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataError(Problem(f"“{value}”不是日期（应为 YYYY-MM-DD）",
                                f"{value!r} is not a date (YYYY-MM-DD)",
                                Location(column="as_of"))) from None


def _done(request: Request, db: DbSession, user: User, action) -> Response:  # noqa: ANN001
    try:
        action()
    except DataError as exc:
        return _desk(request, db, user, problems=[p.as_dict() for p in exc.problems],
                     status_code=422)
    return RedirectResponse("/public/manage", status_code=303)


@router.post("/inventory/{run_id}/{region}/publish")
def publish_inventory(request: Request, run_id: int, region: str, db: DbSession,
                      user: CurrentUser, as_of: Annotated[str, Form()],
                      note: Annotated[str, Form()] = "") -> Response:
    """Publish a region's figures of an inventory run."""
    return _done(request, db, user, lambda: service.publish_inventory(
        db, run_id=run_id, region_code=region, as_of=_as_of(as_of), actor=user.username,
        actor_name=user.display_name, note=note.strip()))


@router.post("/plans/{plan_id}/{region}/publish")
def publish_plan(request: Request, plan_id: str, region: str, db: DbSession, user: CurrentUser,
                 as_of: Annotated[str, Form()], year: Annotated[str, Form()] = "",
                 note: Annotated[str, Form()] = "") -> Response:
    """Publish a plan's status table for a region (frozen now)."""
    def act() -> None:
        if year.strip() and not year.strip().isdigit():
            raise DataError(Problem(f"“{year}”不是年份", f"{year!r} is not a year",
                                    Location(column="year")))
        service.publish_plan_status(
            db, plan_id=plan_id, region_code=region, as_of=_as_of(as_of),
            year=int(year) if year.strip() else None, actor=user.username,
            actor_name=user.display_name, note=note.strip())
    return _done(request, db, user, act)


@router.post("/reports/{report_id}/publish")
def publish_report(request: Request, report_id: int, db: DbSession, user: CurrentUser,
                   as_of: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> Response:
    """Publish a generated report."""
    return _done(request, db, user, lambda: service.publish_report(
        db, report_id=report_id, as_of=_as_of(as_of), actor=user.username,
        actor_name=user.display_name, note=note.strip()))


@router.post("/publications/{publication_id}/withdraw")
def withdraw(request: Request, publication_id: int, db: DbSession, user: CurrentUser,
             reason: Annotated[str, Form()] = "") -> Response:
    """Withdraw a publication: the public no longer sees it; the row and audit entry stay."""
    return _done(request, db, user, lambda: service.withdraw(
        db, publication_id, actor=user.username, reason=reason.strip()))


__all__ = ["router"]
