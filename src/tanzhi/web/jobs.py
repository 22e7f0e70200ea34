"""Background job pages and their JSON twins: status, progress bar (htmx polling), cancel.

A job is visible only to the user who submitted it and to province administrators whose scope
holds the job's region (issue #8: "a job is visible only to its submitter and admins of that
scope"); anyone else gets 404, so job ids reveal nothing about other users' work.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, in_scope
from tanzhi.http import CurrentUser, DbSession, render
from tanzhi.kernel import Job, JobRunner, JobStatus, NotFound

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["jobs"])

# Seconds between two polls of the progress fragment.
POLL_S = 1


def visible(db: Session, user: User, job: Job) -> bool:
    """Whether `user` may see `job`: its submitter, or a province admin over its region."""
    if user.username == job.submitter:
        return True
    if user.role is not Role.PROVINCE_ADMIN:
        return False
    return job.region_code is None or in_scope(db, user, job.region_code)


def _runner(request: Request) -> JobRunner:
    return request.app.state.jobs


def _job(request: Request, db: Session, user: User, job_id: int) -> Job:
    job = _runner(request).get(db, job_id)
    if not visible(db, user, job):
        raise NotFound(f"任务 {job_id} 不存在 / no job {job_id}")
    return job


def _context(job: Job, follow: bool, *, first: bool) -> dict[str, Any]:
    # `first`: the full page, whose fragment asks once more when the job has already
    # succeeded, so that `follow` still leads on to the result (HX-Redirect).
    return {"job": job, "follow": follow, "first": first, "poll_s": POLL_S,
            "json_url": f"/api/v1/jobs/{job.id}"}


@pages.get("/{job_id}")
def job_page(request: Request, job_id: int, db: DbSession, user: CurrentUser,
             follow: Annotated[bool, Query(description="open the result when done")] = False,
             ) -> Response:
    """A job's status page: a progress bar that refreshes itself until the job ends."""
    job = _job(request, db, user, job_id)
    return render(request, "jobs/job.html", _context(job, follow, first=True))


@pages.get("/{job_id}/progress")
def job_progress(request: Request, job_id: int, db: DbSession, user: CurrentUser,
                 follow: Annotated[bool, Query()] = False) -> Response:
    """The progress fragment htmx polls; once the job succeeded with `follow`, htmx is sent
    on to the result (HX-Redirect)."""
    job = _job(request, db, user, job_id)
    response = render(request, "jobs/_progress.html", _context(job, follow, first=False))
    if follow and job.status is JobStatus.SUCCEEDED and job.result_url:
        response.headers["HX-Redirect"] = job.result_url
    return response


@pages.post("/{job_id}/cancel")
def job_cancel_form(request: Request, job_id: int, db: DbSession, user: CurrentUser
                    ) -> Response:
    """Cancel from the page; back to the job page."""
    job = _job(request, db, user, job_id)
    if not job.status.finished:
        _runner(request).cancel(job.id)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@api.get("/{job_id}")
def job_json(request: Request, job_id: int, db: DbSession, user: CurrentUser
             ) -> dict[str, Any]:
    """A job: status (queued/running/succeeded/failed/cancelled), done/total, message, the
    result link, and the error in Chinese and English (with located problems for imports)."""
    return _job(request, db, user, job_id).as_dict()


@api.post("/{job_id}/cancel", status_code=202)
def job_cancel(request: Request, job_id: int, db: DbSession, user: CurrentUser
               ) -> dict[str, Any]:
    """Ask a running job to stop; it rolls back and ends as cancelled."""
    job = _job(request, db, user, job_id)
    asked = not job.status.finished and _runner(request).cancel(job.id)
    return {"id": job.id, "cancel_requested": asked, "status": job.status.value}
