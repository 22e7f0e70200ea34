"""JSON twins of the plan pages under /api/v1/plans: plans, status, indicators, warnings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tanzhi.access import Role, User, in_scope
from tanzhi.http.deps import CurrentUser, DbSession, require
from tanzhi.kernel.errors import PermissionDenied
from tanzhi.plan import service
from tanzhi.plan.model import Plan
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


def require_editor(db: Any, user: User, region_code: str) -> None:
    """Plan edits: the officers of the plan's region (or above)."""
    if user.role not in EDITOR_ROLES or not in_scope(db, user, region_code):
        raise PermissionDenied("无权修改该规划 / you may not change this plan")


def require_recorder(db: Any, user: User, plan_id: str, indicator_id: str, region: str) -> None:
    """Actuals: the owning department's officers or the region's officers."""
    plan = service.get_plan(db, plan_id)
    if not service.can_record(db, user, plan, plan.indicator(indicator_id), region):
        raise PermissionDenied("无权录入该指标 / you may not enter values for this indicator")


@router.get("")
def plans(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """Every plan's current edition."""
    service.ensure_plans(db)
    return {"plans": [r.as_dict() for r in service.list_plan_records(db)],
            "unread": service.unread_count(db, user)}


@router.get("/notifications")
def notifications(db: DbSession, user: CurrentUser,
                  unread_only: bool = False) -> dict[str, Any]:
    """The logged-in user's warnings, newest first, and the unread count."""
    return {"notifications": [n.as_dict() for n in service.notifications_for(
        db, user, unread_only=unread_only)], "unread": service.unread_count(db, user)}


@router.post("/notifications/read")
def notifications_read(body: ReadIn, db: DbSession, user: CurrentUser) -> dict[str, int]:
    """Mark warnings read."""
    return {"marked": service.mark_read(db, user, body.ids)}


@router.post("/import", status_code=201)
async def import_workbook(db: DbSession, user: CurrentUser,
                          file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Import a plan workbook as a new edition (all-or-nothing)."""
    data = await file.read()
    plan = read_plan_workbook(data, filename=file.filename or "upload.xlsx")
    require_editor(db, user, plan.region_code)
    return service.save_plan(db, plan, actor=user.username, origin="workbook").as_dict()


@router.get("/{plan_id}")
def plan(plan_id: str, db: DbSession, user: CurrentUser, region: str | None = None,
         year: int | None = None) -> dict[str, Any]:
    """A plan's overview: edition, defects, status of every indicator, counts by light."""
    return plan_overview(db, plan_id, region_code=region, year=year)


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
    require_editor(db, user, body.region_code)
    return service.save_plan(db, body, actor=user.username).as_dict()


@router.get("/{plan_id}/editions")
def plan_editions(plan_id: str, db: DbSession, user: CurrentUser) -> list[dict[str, Any]]:
    """Every stored edition of a plan, oldest first."""
    return [r.as_dict() for r in service.plan_editions(db, plan_id)]


@router.get("/{plan_id}/status")
def plan_status(plan_id: str, db: DbSession, user: CurrentUser, region: str | None = None,
                year: int | None = None) -> list[dict[str, Any]]:
    """The status table (the CLI's `tanzhi plan status` columns and more)."""
    return records(service.status_table(db, plan_id, region_code=region, year=year))


@router.get("/{plan_id}/regions/{indicator_id}")
def plan_region_statuses(plan_id: str, indicator_id: str, db: DbSession, user: CurrentUser,
                         year: int | None = None) -> list[dict[str, Any]]:
    """Status of one indicator in each child region (for the map)."""
    return records(service.region_statuses(db, plan_id, indicator_id, year=year))


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
    from tanzhi.plan.service.derive import plan_regions

    return {"written": service.refresh_derived(db, plan_id, region_codes=plan_regions(db, plan),
                                               actor=user.username)}


@router.get("/{plan_id}/indicators/{indicator_id}")
def indicator(plan_id: str, indicator_id: str, db: DbSession,
              user: Annotated[User, Depends(require(region_param="region"))],
              region: Annotated[str | None, Query()] = None) -> dict[str, Any]:
    """Indicator detail: status, trajectory, actuals, revision history, lineage, nowcast."""
    return indicator_detail(db, plan_id, indicator_id, region_code=region)


@router.get("/{plan_id}/indicators/{indicator_id}/nowcast")
def indicator_nowcast(plan_id: str, indicator_id: str, year: int, db: DbSession,
                      user: CurrentUser, region: str | None = None,
                      through: str | None = None) -> dict[str, Any]:
    """Year-end estimate from monthly/quarterly proxies, with its interval."""
    code = region or service.get_plan(db, plan_id).region_code
    return service.nowcast(db, plan_id, indicator_id, code, year, through=through).as_dict()


@router.post("/{plan_id}/indicators/{indicator_id}/actuals", status_code=201)
def indicator_record(plan_id: str, indicator_id: str, body: ActualIn, db: DbSession,
                     user: CurrentUser) -> dict[str, Any]:
    """Record or revise a yearly value (the superseded value is kept)."""
    region = body.region_code or service.get_plan(db, plan_id).region_code
    require_recorder(db, user, plan_id, indicator_id, region)
    new_id = service.record_actual(
        db, plan_id=plan_id, indicator_id=indicator_id, region_code=region, year=body.year,
        value=body.value, source=body.source, released_on=body.released_on, note=body.note,
        actor=user.username)
    detail = indicator_detail(db, plan_id, indicator_id, region_code=region)
    return {"id": new_id, "status": detail["status"], "unread": service.unread_count(db, user)}
