"""Pilot and project registry pages: lists with filters and map, detail, forms, Excel in/out."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tanzhi.http import DbSession, render
from tanzhi.kernel import DataError, get_region
from tanzhi.plan.assess import service as svc
from tanzhi.plan.assess.registry import pilots_by_child
from tanzhi.plan.assess.views import SYNTHETIC_SOURCE, Viewer, labels, scope_children

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _opt(value: str | None) -> str | None:
    return value or None


def _names(db: DbSession, codes: set[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        region = get_region(db, code)
        out[code] = region.name_zh if region else code
    return out


def _problems(exc: DataError) -> list[dict]:
    return [p.as_dict() for p in exc.problems]


# ------------------------------------------------------------------------------- pilots


@router.get("/pilots")
def pilots(request: Request, db: DbSession, user: Viewer,
           region: Annotated[str | None, Query()] = None,
           kind: Annotated[str | None, Query()] = None,
           stage: Annotated[str | None, Query()] = None,
           carbon_level: Annotated[str | None, Query()] = None,
           year: Annotated[int | None, Query()] = None) -> Response:
    """Pilot registry: filters, county map, table, create and import forms."""
    return _pilots_page(request, db, user, region, kind, stage, carbon_level, year)


def _pilots_page(request: Request, db: DbSession, user: Viewer, region: str | None,
                 kind: str | None = None, stage: str | None = None,
                 carbon_level: str | None = None, year: int | None = None,
                 problems: list[dict] | None = None, status_code: int = 200) -> Response:
    chosen, children = scope_children(db, user, region)
    rows = svc.list_pilots(db, region_code=chosen.code, kind=_opt(kind), stage=_opt(stage),
                           carbon_level=_opt(carbon_level))
    counts = pilots_by_child(db, chosen.code, rows)
    in_force = svc.count_pilots(db, region_code=chosen.code, kinds=[kind] if kind else None,
                                year=year)
    query = request.url.query
    return render(request, "plan/pilots_list.html", {
        "region": chosen, "children": children, "rows": [svc.pilot_dict(r) for r in rows],
        "names": _names(db, {r.region_code for r in rows}), "counts": counts,
        "filters": {"kind": kind or "", "stage": stage or "", "carbon_level": carbon_level or "",
                    "year": year or ""},
        "in_force": in_force, "problems": problems or [], "today": date.today().isoformat(),
        **labels(), "json_url": f"/api/v1/assess/pilots?{query}" if query else
        f"/api/v1/assess/pilots?region={chosen.code}",
        "synthetic": any(r.synthetic for r in rows),
        "provenance": [SYNTHETIC_SOURCE] if any(r.synthetic for r in rows) else []},
        status_code=status_code)


@router.get("/pilots/map.json")
def pilots_map(db: DbSession, user: Viewer, region: Annotated[str | None, Query()] = None
               ) -> dict:
    """Pilot counts per child region, for the map script."""
    chosen, _children = scope_children(db, user, region)
    rows = svc.list_pilots(db, region_code=chosen.code)
    return {"region": chosen.code, "counts": pilots_by_child(db, chosen.code, rows)}


@router.post("/pilots")
def pilot_create(request: Request, db: DbSession, user: Viewer,
                 name_zh: Annotated[str, Form()], kind: Annotated[str, Form()],
                 carbon_level: Annotated[str, Form()], region_code: Annotated[str, Form()],
                 applied_on: Annotated[date, Form()], name_en: Annotated[str, Form()] = "",
                 lead_unit: Annotated[str, Form()] = "", notes: Annotated[str, Form()] = ""
                 ) -> Response:
    """Register a pilot application."""
    row = svc.create_pilot(db, user=user, values={
        "name_zh": name_zh, "name_en": name_en, "kind": kind, "carbon_level": carbon_level,
        "region_code": region_code.strip(), "applied_on": applied_on, "lead_unit": lead_unit,
        "notes": notes})
    return RedirectResponse(f"/assess/pilots/{row.id}", status_code=303)


@router.post("/pilots/import")
async def pilot_import(request: Request, db: DbSession, user: Viewer,
                       file: Annotated[UploadFile, File()]) -> Response:
    """Import a workbook of pilots (all or nothing); problems shown on the page."""
    try:
        count = svc.import_pilots(db, await file.read(), filename=file.filename or "upload",
                                  user=user)
    except DataError as exc:
        db.rollback()
        return _pilots_page(request, db, user, None, problems=_problems(exc), status_code=422)
    return RedirectResponse(f"/assess/pilots?imported={count}", status_code=303)


@router.get("/pilots/export.xlsx")
def pilot_export(db: DbSession, user: Viewer, region: Annotated[str | None, Query()] = None
                 ) -> Response:
    """The pilots of the region as a workbook (the import layout)."""
    chosen, _children = scope_children(db, user, region)
    data = svc.pilots_workbook(svc.list_pilots(db, region_code=chosen.code))
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="pilots-{chosen.code}.xlsx"'})


@router.get("/pilots/{pilot_id}")
def pilot_detail(request: Request, pilot_id: int, db: DbSession, user: Viewer) -> Response:
    """A pilot: fields, lifecycle timeline, move form, monitoring values."""
    row = svc.get_pilot(db, pilot_id)
    pilot = svc.pilot_dict(row)
    region = get_region(db, row.region_code)
    return render(request, "plan/pilots_detail.html", {
        "pilot": pilot, "region": region, **svc.pilot_timeline(db, pilot_id), **labels(),
        "today": date.today().isoformat(), "json_url": f"/api/v1/assess/pilots/{pilot_id}",
        "synthetic": row.synthetic, "provenance": [SYNTHETIC_SOURCE] if row.synthetic else []})


@router.post("/pilots/{pilot_id}/move")
def pilot_move(pilot_id: int, db: DbSession, user: Viewer, to_stage: Annotated[str, Form()],
               on_date: Annotated[date, Form()], note: Annotated[str, Form()] = "") -> Response:
    """Move a pilot along its lifecycle."""
    svc.move_pilot(db, pilot_id, user=user, to_stage=to_stage, on_date=on_date, note=note)
    return RedirectResponse(f"/assess/pilots/{pilot_id}", status_code=303)


@router.post("/pilots/{pilot_id}/metrics")
def pilot_metric(pilot_id: int, db: DbSession, user: Viewer, name: Annotated[str, Form()],
                 year: Annotated[int, Form()], value: Annotated[float, Form()],
                 unit: Annotated[str, Form()]) -> Response:
    """Record one yearly monitoring value."""
    svc.record_metric(db, pilot_id, user=user, name=name.strip(), year=year, value=value,
                      unit=unit.strip())
    return RedirectResponse(f"/assess/pilots/{pilot_id}", status_code=303)


# ------------------------------------------------------------------------------- projects


@router.get("/projects")
def projects(request: Request, db: DbSession, user: Viewer,
             region: Annotated[str | None, Query()] = None,
             sector: Annotated[str | None, Query()] = None,
             status: Annotated[str | None, Query()] = None,
             year: Annotated[int | None, Query()] = None) -> Response:
    """Major-project registry: filters, totals, table, create and import forms."""
    return _projects_page(request, db, user, region, sector, status, year)


def _projects_page(request: Request, db: DbSession, user: Viewer, region: str | None,
                   sector: str | None = None, status: str | None = None,
                   year: int | None = None, problems: list[dict] | None = None,
                   status_code: int = 200) -> Response:
    chosen, children = scope_children(db, user, region)
    rows = svc.list_projects(db, region_code=chosen.code, sector=_opt(sector),
                             status=_opt(status))
    as_of = year or date.today().year
    query = request.url.query
    return render(request, "plan/pilots_projects.html", {
        "region": chosen, "children": children, "rows": [svc.project_dict(r) for r in rows],
        "names": _names(db, {r.region_code for r in rows}),
        "totals": svc.project_totals(db, region_code=chosen.code, year=as_of), "as_of": as_of,
        "filters": {"sector": sector or "", "status": status or "", "year": year or ""},
        "problems": problems or [], **labels(),
        "json_url": f"/api/v1/assess/projects?{query}" if query else
        f"/api/v1/assess/projects?region={chosen.code}",
        "synthetic": any(r.synthetic for r in rows),
        "provenance": [SYNTHETIC_SOURCE] if any(r.synthetic for r in rows) else []},
        status_code=status_code)


@router.post("/projects")
def project_create(db: DbSession, user: Viewer, name_zh: Annotated[str, Form()],
                   region_code: Annotated[str, Form()], sector: Annotated[str, Form()],
                   investment_value: Annotated[float, Form()],
                   investment_unit: Annotated[str, Form()],
                   start_year: Annotated[int, Form()], end_year: Annotated[int, Form()],
                   status: Annotated[str, Form()], name_en: Annotated[str, Form()] = "",
                   reduction_value: Annotated[str, Form()] = "",
                   reduction_unit: Annotated[str, Form()] = "",
                   owner_unit: Annotated[str, Form()] = "") -> Response:
    """Register a major project."""
    try:
        reduction = float(reduction_value) if reduction_value.strip() else None
    except ValueError:
        raise DataError.at(f"“{reduction_value}”不是数字", f"'{reduction_value}' is not a number",
                           column="reduction_value") from None
    row = svc.create_project(db, user=user, values={
        "name_zh": name_zh, "name_en": name_en, "region_code": region_code.strip(),
        "sector": sector, "investment_value": investment_value,
        "investment_unit": investment_unit.strip(), "start_year": start_year,
        "end_year": end_year, "reduction_value": reduction,
        "reduction_unit": reduction_unit.strip() or None, "status": status,
        "owner_unit": owner_unit})
    return RedirectResponse(f"/assess/projects/{row.id}", status_code=303)


@router.post("/projects/import")
async def project_import(request: Request, db: DbSession, user: Viewer,
                         file: Annotated[UploadFile, File()]) -> Response:
    """Import a workbook of projects (all or nothing); problems shown on the page."""
    try:
        count = svc.import_projects(db, await file.read(), filename=file.filename or "upload",
                                    user=user)
    except DataError as exc:
        db.rollback()
        return _projects_page(request, db, user, None, problems=_problems(exc),
                              status_code=422)
    return RedirectResponse(f"/assess/projects?imported={count}", status_code=303)


@router.get("/projects/export.xlsx")
def project_export(db: DbSession, user: Viewer, region: Annotated[str | None, Query()] = None
                   ) -> Response:
    """The projects of the region as a workbook (the import layout)."""
    chosen, _children = scope_children(db, user, region)
    data = svc.projects_workbook(svc.list_projects(db, region_code=chosen.code))
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="projects-{chosen.code}.xlsx"'})


@router.get("/projects/{project_id}")
def project_detail(request: Request, project_id: int, db: DbSession, user: Viewer) -> Response:
    """A project: fields, progress notes, progress form."""
    row = svc.get_project(db, project_id)
    return render(request, "plan/pilots_project.html", {
        "project": svc.project_dict(row), "region": get_region(db, row.region_code),
        "notes_log": svc.project_notes(db, project_id), **labels(),
        "today": date.today().isoformat(), "json_url": f"/api/v1/assess/projects/{project_id}",
        "synthetic": row.synthetic, "provenance": [SYNTHETIC_SOURCE] if row.synthetic else []})


@router.post("/projects/{project_id}/progress")
def project_progress(project_id: int, db: DbSession, user: Viewer,
                     on_date: Annotated[date, Form()], note: Annotated[str, Form()],
                     progress_pct: Annotated[str, Form()] = "",
                     status: Annotated[str, Form()] = "") -> Response:
    """Add a progress note (optionally a new status)."""
    try:
        pct = float(progress_pct) if progress_pct.strip() else None
    except ValueError:
        raise DataError.at(f"“{progress_pct}”不是数字", f"'{progress_pct}' is not a number",
                           column="progress_pct") from None
    svc.add_progress(db, project_id, user=user, on_date=on_date, note=note, progress_pct=pct,
                     status=status or None)
    return RedirectResponse(f"/assess/projects/{project_id}", status_code=303)
