"""JSON twins of the plan pages under /api/v1/plans: plans, status, indicators, warnings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, in_scope, region_lineage
from tanzhi.http import CurrentUser, DbSession, Reach, reachable, resolves, scope_region
from tanzhi.kernel import NotFound, PermissionDenied, unit_of_work
from tanzhi.plan import service, workflow
from tanzhi.plan.model import Plan, list_plans
from tanzhi.plan.service.derive import plan_regions
from tanzhi.plan.service.detail import indicator_detail, plan_overview, records
from tanzhi.plan.service.workbook import read_plan_workbook

router = APIRouter(tags=["plans"])
EDITOR_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ActualIn(BaseModel):
    """A yearly value to record (or revise)."""

    region_code: str | None = Field(None, description="Default: the plan's region.")
    year: int
    value: float
    source: str = Field(min_length=1, max_length=200)
    released_on: date | None = None
    note: str = ""


class NextPlanIn(BaseModel):
    """Period of the next plan."""

    period_start: int = 2026
    period_end: int = 2030


class ReadIn(BaseModel):
    """Notifications to mark read; all when omitted."""

    ids: list[int] | None = None


@resolves("plan_id")
def plan_reach(db: Session, value: str) -> Reach:
    """A plan lies in its region and tracks the regions below it (unknown plan: 404).

    A packaged plan not yet copied into the database (`ensure_plans`) lies where its packaged
    edition says; the decomposition pages read those directly.
    """
    try:
        region = service.get_plan_record(db, value).region_code
    except NotFound:
        packaged = [ref for ref in list_plans() if ref.id == value]
        if not packaged:
            raise
        region = packaged[-1].region_code
    return Reach((region,), spans_below=True)


def plan_region(db: Any, user: User, plan_id: str, region: str | None) -> str:
    """The region a plan route shows: `region`, else the plan's own region when it is in the
    user's scope, else the user's (a county officer sees the county in the city's plan)."""
    return scope_region(db, user, region, service.get_plan_record(db, plan_id).region_code)


def require_editor(db: Any, user: User, region_code: str) -> None:
    """Plan edits: the officers of the *stored* plan's region (or above)."""
    if user.role not in EDITOR_ROLES or not in_scope(db, user, region_code):
        raise PermissionDenied("无权修改该规划 / you may not change this plan")


def require_recorder(db: Any, user: User, plan_id: str, indicator_id: str, region: str) -> None:
    """Actuals: the owning department's officers or the region's officers, for the plan's
    region or a region below it (never a region the plan does not track)."""
    plan = service.get_plan(db, plan_id)
    if plan.region_code not in region_lineage(db, region) or not service.can_record(
            db, user, plan, plan.indicator(indicator_id), region):
        raise PermissionDenied("无权录入该指标 / you may not enter values for this indicator")


def first_use_redirect(request: Request, db: Session) -> RedirectResponse | None:
    """On a database holding no plan yet, copy the packaged plans and ask the client to reload.

    A GET runs in a read-only transaction (kernel.db), so the one-time copy runs in a short
    write transaction of its own; the page is then re-read in a fresh transaction that sees it
    (the read transaction's snapshot predates the copy). Answering 500 on a fresh install
    without the demo was the alternative.
    """
    if service.list_plan_records(db):
        return None
    with unit_of_work(request.app.state.session_factory, actor="system:packaged") as session:
        service.ensure_plans(session)
    return RedirectResponse(str(request.url), status_code=307)


@router.get("", response_model=None)
def plans(request: Request, db: DbSession, user: CurrentUser
          ) -> dict[str, Any] | RedirectResponse:
    """Every plan's current edition."""
    if (again := first_use_redirect(request, db)) is not None:
        return again
    return {"plans": [r.as_dict() for r in plans_in_scope(db, user)],
            "unread": service.unread_count(db, user)}


def plans_in_scope(db: Any, user: User) -> list[service.PlanRecord]:
    """The plans of the user's region, above it (tracking it) or below it."""
    return [r for r in service.list_plan_records(db)
            if reachable(db, user, Reach((r.region_code,), spans_below=True))]


@router.get("/notifications")
def notifications(db: DbSession, user: CurrentUser,
                  unread_only: bool = False) -> dict[str, Any]:
    """The logged-in user's warnings, newest first, the unread count, and the warnings in
    force the user sees (the badge: ``warning_count``)."""
    in_force = service.open_warnings(db, user)
    return {"notifications": [n.as_dict() for n in service.notifications_for(
        db, user, unread_only=unread_only)], "unread": service.unread_count(db, user),
        "warnings": [w.__dict__ | {"recipients": list(w.recipients)} for w in in_force],
        "warning_count": len(in_force)}


@router.post("/notifications/read")
def notifications_read(body: ReadIn, db: DbSession, user: CurrentUser) -> dict[str, int]:
    """Mark warnings read."""
    return {"marked": service.mark_read(db, user, body.ids)}


@router.post("/import", status_code=201)
async def import_workbook(db: DbSession, user: CurrentUser,
                          file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Import a plan workbook as a new edition (all-or-nothing).

    Who may import is decided by the stored plan's region (a new plan: the workbook's), and a
    workbook may not move a stored plan to another region (issue #8 finding 2).
    """
    data = await file.read()
    plan = read_plan_workbook(data, filename=file.filename or "upload.xlsx")
    require_editor(db, user, service.stored_region(db, plan.id) or plan.region_code)
    return service.save_plan(db, plan, actor=user.username, origin="workbook").as_dict()


@router.get("/{plan_id}")
def plan(plan_id: str, db: DbSession, user: CurrentUser, region: str | None = None,
         year: int | None = None) -> dict[str, Any]:
    """A plan's overview: edition, defects, status of every indicator, counts by light."""
    return plan_overview(db, plan_id, region_code=plan_region(db, user, plan_id, region),
                         year=year)


@router.get("/{plan_id}/document")
def plan_document(plan_id: str, db: DbSession, user: CurrentUser,
                  edition: str | None = None) -> dict[str, Any]:
    """The plan document (indicators with baselines, targets, sources and defects)."""
    return service.get_plan(db, plan_id, edition).model_dump(mode="json")


@router.put("/{plan_id}")
def plan_save(plan_id: str, body: Plan, db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """Save an edited plan as a new edition (the old one is kept)."""
    if body.id != plan_id:
        raise PermissionDenied("规划编号与地址不符 / plan id does not match the URL")
    # The stored plan's region decides (issue #8 finding 2); save_plan refuses a new region.
    require_editor(db, user, service.get_plan(db, plan_id).region_code)
    return service.save_plan(db, body, actor=user.username).as_dict()


@router.get("/{plan_id}/editions")
def plan_editions(plan_id: str, db: DbSession, user: CurrentUser) -> list[dict[str, Any]]:
    """Every stored edition of a plan, oldest first."""
    return [r.as_dict() for r in service.plan_editions(db, plan_id)]


@router.get("/{plan_id}/status")
def plan_status(plan_id: str, db: DbSession, user: CurrentUser, region: str | None = None,
                year: int | None = None) -> list[dict[str, Any]]:
    """The status table (the CLI's `tanzhi plan status` columns and more)."""
    return records(service.status_table(
        db, plan_id, region_code=plan_region(db, user, plan_id, region), year=year))


@router.get("/{plan_id}/regions/{indicator_id}")
def plan_region_statuses(plan_id: str, indicator_id: str, db: DbSession, user: CurrentUser,
                         year: int | None = None) -> list[dict[str, Any]]:
    """Status of one indicator in each child region in the user's scope (for the map)."""
    return [row for row in records(service.region_statuses(db, plan_id, indicator_id, year=year))
            if in_scope(db, user, str(row["region_code"]))]


@router.get("/{plan_id}/workbook")
def plan_workbook(plan_id: str, db: DbSession, user: CurrentUser) -> Response:
    """The plan as an Excel workbook."""
    body = service.plan_workbook(service.get_plan(db, plan_id))
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{plan_id}.xlsx"'})


@router.post("/{plan_id}/next", status_code=201)
def plan_next(plan_id: str, body: NextPlanIn, db: DbSession, user: CurrentUser
              ) -> dict[str, Any]:
    """Start the next plan (e.g. the 15th, 2026–2030) from this one."""
    require_editor(db, user, service.get_plan(db, plan_id).region_code)
    new = service.start_next_plan(db, plan_id, period_start=body.period_start,
                                  period_end=body.period_end, actor=user.username)
    return service.get_plan_record(db, new.id).as_dict()


@router.post("/{plan_id}/derive")
def plan_derive(plan_id: str, db: DbSession, user: CurrentUser) -> dict[str, int]:
    """Recompute the derived indicators from the statistics, inventory and pilot registry."""
    plan = service.get_plan(db, plan_id)
    require_editor(db, user, plan.region_code)
    return {"written": workflow.refresh_derived(db, plan_id, region_codes=plan_regions(db, plan),
                                               actor=user.username)}


@router.get("/{plan_id}/indicators/{indicator_id}")
def indicator(plan_id: str, indicator_id: str, db: DbSession,
              user: CurrentUser, region: Annotated[str | None, Query()] = None) -> dict[str, Any]:
    """Indicator detail: status, trajectory, actuals, revision history, lineage, nowcast."""
    return indicator_detail(db, plan_id, indicator_id,
                            region_code=plan_region(db, user, plan_id, region))


@router.get("/{plan_id}/indicators/{indicator_id}/nowcast")
def indicator_nowcast(plan_id: str, indicator_id: str, year: int, db: DbSession,
                      user: CurrentUser, region: str | None = None,
                      through: str | None = None) -> dict[str, Any]:
    """Year-end estimate from monthly/quarterly proxies, with its interval."""
    code = plan_region(db, user, plan_id, region)
    return service.nowcast(db, plan_id, indicator_id, code, year, through=through).as_dict()


@router.post("/{plan_id}/indicators/{indicator_id}/actuals", status_code=201)
def indicator_record(plan_id: str, indicator_id: str, body: ActualIn, db: DbSession,
                     user: CurrentUser) -> dict[str, Any]:
    """Record or revise a yearly value (the superseded value is kept)."""
    region = body.region_code or service.get_plan(db, plan_id).region_code
    require_recorder(db, user, plan_id, indicator_id, region)
    new_id = workflow.record_actual(
        db, plan_id=plan_id, indicator_id=indicator_id, region_code=region, year=body.year,
        value=body.value, source=body.source, released_on=body.released_on, note=body.note,
        actor=user.username)
    detail = indicator_detail(db, plan_id, indicator_id, region_code=region)
    return {"id": new_id, "status": detail["status"], "unread": service.unread_count(db, user)}
