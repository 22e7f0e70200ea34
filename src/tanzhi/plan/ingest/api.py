"""JSON twins of the actuals template under /api/v1/ingest (issue #11 item 2).

GET  /{plan_id}?department=        what the user's template holds: indicators, regions, years
GET  /{plan_id}/template.xlsx      the template (same as the page's download)
POST /{plan_id}                    upload a filled template (multipart ``file``): a job, 202

Who may call is the policy table's (`record` rows, plan scope by the stored plan's region);
which rows a user may fill is `can_record`, checked again on every uploaded row.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from tanzhi.access import DEPARTMENTS, User
from tanzhi.http import CurrentUser, DbSession
from tanzhi.kernel import DataError, Problem
from tanzhi.plan.ingest.service import (
    OFFICE_ROLES,
    ingest_job,
    owned_indicators,
    template_department,
    template_regions,
    template_rows,
)
from tanzhi.plan.ingest.workbook import template_workbook
from tanzhi.plan.model import Plan
from tanzhi.plan.service.registry import get_plan

router = APIRouter(tags=["ingest"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def template_summary(db: Session, plan: Plan, user: User, department: str | None
                     ) -> dict[str, Any]:
    """What the user's template for `plan` holds (the page shows the same)."""
    dept = template_department(user, department)
    rows = template_rows(db, plan, user, dept)
    indicators = {r.indicator_id for r in rows}
    return {
        "plan_id": plan.id, "department": dept,
        "department_name": DEPARTMENTS[dept][0] if dept else None,
        "departments": ({k: v[0] for k, v in DEPARTMENTS.items()}
                        if user.role in OFFICE_ROLES else {}),
        "indicators": [{"id": i.id, "name": i.name_zh, "unit": i.unit,
                        "department": i.department}
                       for i in owned_indicators(plan, dept) if i.id in indicators],
        "regions": sorted({r.region_code for r in rows}),
        "region_names": {r.region_code: r.region_name for r in rows},
        "years": [plan.base_year, plan.period_end],
        "rows": len(rows),
        "filled": sum(r.current_value is not None for r in rows),
        "in_scope_regions": template_regions(db, plan, user),
    }


def template_response(db: Session, plan: Plan, user: User, department: str | None) -> Response:
    """The template as an .xlsx download."""
    dept = template_department(user, department)
    rows = template_rows(db, plan, user, dept)
    title = f"{plan.title_zh} 实际值填报模板" + (f"（{DEPARTMENTS[dept][0]}）" if dept else "")
    name = f"{plan.id}-actuals{'-' + dept if dept else ''}.xlsx"
    return Response(template_workbook(rows, title=title), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def submit_upload(request: Request, db: Session, user: User, plan: Plan,
                        file: object) -> int:
    """Queue the upload as a job; its id. A missing or oversized file is a located error."""
    if not hasattr(file, "read") or not getattr(file, "filename", ""):
        raise DataError(Problem("请选择要上传的模板文件", "choose the template file to upload"))
    data = await file.read()  # type: ignore[attr-defined]
    name = str(getattr(file, "filename", "") or "upload.xlsx")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError.at(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
                           f"the file exceeds {MAX_UPLOAD_BYTES // 1024 // 1024} MB", file=name)
    return int(request.app.state.jobs.submit(
        db, ingest_job(data, filename=name, plan_id=plan.id, user=user), kind="plan.ingest",
        title=f"导入实际值 {name}（{plan.title_zh}）",
        submitter=user.username, region_code=plan.region_code))


@router.get("/{plan_id}")
def summary(plan_id: str, db: DbSession, user: CurrentUser, department: str | None = None
            ) -> dict[str, Any]:
    """What the user's template for a plan holds."""
    return template_summary(db, get_plan(db, plan_id), user, department)


@router.get("/{plan_id}/template.xlsx")
def template(plan_id: str, db: DbSession, user: CurrentUser, department: str | None = None
             ) -> Response:
    """The user's template for a plan."""
    return template_response(db, get_plan(db, plan_id), user, department)


@router.post("/{plan_id}", status_code=202)
async def upload(request: Request, plan_id: str, db: DbSession, user: CurrentUser,
                 file: Annotated[UploadFile, File()]) -> JSONResponse:
    """Upload a filled template: checked and written (all or nothing) by a background job."""
    plan = get_plan(db, plan_id)
    template_department(user, None)  # a role that enters no actuals is refused here
    job_id = await submit_upload(request, db, user, plan, file)
    return JSONResponse({"job_id": job_id, "job_url": f"/api/v1/jobs/{job_id}",
                         "page_url": f"/jobs/{job_id}"}, status_code=202)
