"""Actuals template pages under /ingest (issue #11 item 2).

GET  /ingest/{plan_id}                 download the template, upload it, refresh derived values
GET  /ingest/{plan_id}/template.xlsx   the template (?department= for a climate office)
POST /ingest/{plan_id}                 upload → a background job → its progress page
POST /ingest/{plan_id}/derive          refresh the indicators derived from the statistics (job)
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanzhi.access import in_scope
from tanzhi.http import CurrentUser, DbSession, render
from tanzhi.kernel import DataError, PermissionDenied
from tanzhi.plan.ingest.api import submit_upload, template_response, template_summary
from tanzhi.plan.ingest.service import OFFICE_ROLES, derive_job
from tanzhi.plan.service.registry import get_plan
from tanzhi.plan.service.warnings import unread_count

router = APIRouter(include_in_schema=False)


def _page(request: Request, db: DbSession, user: CurrentUser, plan_id: str,
          department: str | None, errors: list, status_code: int = 200) -> HTMLResponse:
    plan = get_plan(db, plan_id)
    summary = template_summary(db, plan, user, department)
    can_derive = user.role in OFFICE_ROLES and in_scope(db, user, plan.region_code)
    query = f"?department={summary['department']}" if summary["department"] else ""
    return render(request, "plan/ingest.html", {
        "plan": plan, "summary": summary, "errors": errors, "can_derive": can_derive,
        "template_url": f"/ingest/{plan.id}/template.xlsx{query}", "unread":
        unread_count(db, user), "synthetic": True,
        "json_url": f"/api/v1/ingest/{plan.id}{query}"}, status_code=status_code)


@router.get("/{plan_id}", response_class=HTMLResponse)
def ingest_page(request: Request, plan_id: str, db: DbSession, user: CurrentUser,
                department: str | None = None) -> HTMLResponse:
    """The template page of a plan for the logged-in user."""
    return _page(request, db, user, plan_id, department, [])


@router.get("/{plan_id}/template.xlsx")
def template_download(plan_id: str, db: DbSession, user: CurrentUser,
                      department: str | None = None) -> Response:
    """Download the user's template."""
    return template_response(db, get_plan(db, plan_id), user, department)


@router.post("/{plan_id}", response_class=HTMLResponse)
async def upload(request: Request, plan_id: str, db: DbSession, user: CurrentUser) -> Response:
    """Upload a filled template; the job page follows its progress."""
    form = await request.form()
    plan = get_plan(db, plan_id)
    try:
        job_id = await submit_upload(request, db, user, plan, form.get("file"))
    except DataError as exc:
        return _page(request, db, user, plan_id, None, exc.problems, status_code=422)
    return RedirectResponse(f"/jobs/{job_id}?follow=1", status_code=303)


@router.post("/{plan_id}/derive")
def derive(request: Request, plan_id: str, db: DbSession, user: CurrentUser) -> Response:
    """Recompute the plan's derived indicators from the statistics, as a job."""
    plan = get_plan(db, plan_id)
    if user.role not in OFFICE_ROLES or not in_scope(db, user, plan.region_code):
        raise PermissionDenied("只有本规划地区的生态环境部门可以更新派生指标 / only the plan "
                               "region's climate office may refresh derived indicators")
    job_id = request.app.state.jobs.submit(
        db, derive_job(plan.id, actor=user.username), kind="plan.derive",
        title=f"更新派生指标（{plan.title_zh}）",
        submitter=user.username, region_code=plan.region_code)
    return RedirectResponse(f"/jobs/{job_id}?follow=1", status_code=303)
