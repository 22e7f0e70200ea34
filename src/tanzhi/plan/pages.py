"""Plan pages: list, overview with traffic lights and map, indicator detail, editing, warnings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanzhi.access import User
from tanzhi.http import CurrentUser, DbSession, render, scope_region, serve_script
from tanzhi.kernel import (
    DataError,
    DerivedCache,
    JobContext,
    JobFunction,
    Problem,
    get_region,
)
from tanzhi.plan import service, workflow
from tanzhi.plan.api import (
    EDITOR_ROLES,
    first_use_redirect,
    plan_region,
    plans_in_scope,
    require_editor,
    require_recorder,
)
from tanzhi.plan.model import Plan, Target
from tanzhi.plan.service.detail import indicator_detail, indicator_workbook, plan_overview
from tanzhi.plan.service.workbook import read_plan_workbook

router = APIRouter(include_in_schema=False)
ASSET = Path(__file__).resolve().parent / "assets" / "plan.js"
# Status counts, plan overviews and indicator details, keyed by the hash of plan, region, year,
# today's date and the database's content version (`tanzhi.kernel.DerivedCache`: never stale;
# issue #11 item 10).  Values are shared between requests: read-only.
CACHE = DerivedCache(maxsize=512)


serve_script(router, "/assets/plan.js", ASSET)


def _provenance(record: service.PlanRecord) -> list[dict[str, Any]]:
    meta = record.meta or {}
    if not meta:
        return [{"title_zh": record.title_zh, "title": record.title_zh, "edition": record.edition,
                 "publisher": record.actor, "licence": "—"}]
    return [{"title_zh": meta.get("title_zh", record.title_zh), "title": meta.get("title", ""),
             "edition": record.edition, "publisher": meta.get("publisher") or "—",
             "licence": meta.get("licence", "—")}]


def _ctx(db: Any, user: User, **extra: Any) -> dict[str, Any]:
    # The badge counts the warnings in force the user sees, the same rule as the lights.
    return {"unread": service.unread_count(db, user),
            "warning_count": _warning_count_cached(db, user), "synthetic": True, **extra}


def _warning_count_cached(db: Any, user: User) -> int:
    # The warnings are stored rows and the user's scope follows from their stored role and
    # region: the count changes only with the database's content version.
    return CACHE.get(db, "plan.warning_count", lambda: service.warning_count(db, user),
                     user=user.id, username=user.username, role=user.role.value,
                     region=user.region_code)


def _counts(table: Any) -> dict[str, int]:
    return {k: int((table["status"] == k).sum()) for k in ("green", "yellow", "red")}


def _counts_cached(db: Any, plan_id: str, code: str) -> dict[str, int]:
    return CACHE.get(db, "plan.counts", lambda: _counts(
        service.status_table(db, plan_id, region_code=code)),
        plan=plan_id, region=code, today=date.today().isoformat())


def _overview_cached(db: Any, plan_id: str, code: str, year: int | None) -> dict[str, Any]:
    return CACHE.get(db, "plan.overview",
                     lambda: plan_overview(db, plan_id, region_code=code, year=year),
                     plan=plan_id, region=code, year=year, today=date.today().isoformat())


def _detail_cached(db: Any, plan_id: str, indicator_id: str, code: str) -> dict[str, Any]:
    return CACHE.get(db, "plan.indicator",
                     lambda: indicator_detail(db, plan_id, indicator_id, region_code=code),
                     plan=plan_id, indicator=indicator_id, region=code,
                     today=date.today().isoformat())


def precompute(db: Any, user: User) -> None:
    """Compute (or load from the stored precompute) the figures of the views `user` lands on:
    the status counts of `/plans`, each plan's page and each of its indicators' pages for the
    user's default region (issue #11 item 10).  Same code path and key as the pages."""
    for record in plans_in_scope(db, user):
        code = plan_region(db, user, record.plan_id, None)
        _counts_cached(db, record.plan_id, code)
        _overview_cached(db, record.plan_id, code, None)
        for ind in service.get_plan(db, record.plan_id).indicators:
            _detail_cached(db, record.plan_id, ind.id, code)
    _warning_count_cached(db, user)


@router.get("", response_class=HTMLResponse)
def plans_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    """Every plan with its edition, period and defects."""
    if (again := first_use_redirect(request, db)) is not None:
        return again
    records = plans_in_scope(db, user)
    # `plan_region` of each listed plan, from the current records in hand (`plan_region`
    # would read each plan's stored document again: a fifth of this page's time).
    counts = {r.plan_id: _counts_cached(db, r.plan_id, scope_region(db, user, None, r.region_code))
              for r in records}
    return render(request, "plan/plans.html", _ctx(
        db, user, records=records, counts=counts, json_url="/api/v1/plans",
        can_edit=user.role in EDITOR_ROLES))


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """The logged-in user's warnings."""
    items = service.notifications_for(db, user)
    return render(request, "plan/notifications.html", _ctx(
        db, user, items=items, open_items=service.open_warnings(db, user),
        json_url="/api/v1/plans/notifications", synthetic=False))


@router.post("/notifications/read")
def notifications_read(db: DbSession, user: CurrentUser) -> RedirectResponse:
    """Mark all warnings read."""
    service.mark_read(db, user)
    return RedirectResponse("/plans/notifications", status_code=303)


@router.get("/{plan_id}", response_class=HTMLResponse)
def overview_page(request: Request, plan_id: str, db: DbSession, user: CurrentUser,
                  region: str | None = None, year: int | None = None,
                  indicator: str | None = None) -> HTMLResponse:
    """Traffic lights per indicator and a map of child regions by status."""
    code = plan_region(db, user, plan_id, region)
    view = _overview_cached(db, plan_id, code, year)
    record = service.get_plan_record(db, plan_id)
    mappable = view["mappable"]
    chosen = indicator if indicator in mappable else (mappable[0] if mappable else None)
    region_obj = get_region(db, view["region_code"])
    query = "&".join(f"{k}={quote(str(v))}" for k, v in (("region", region), ("year", year))
                     if v is not None)
    return render(request, "plan/overview.html", _ctx(
        db, user, view=view, record=record, chosen=chosen, region=region_obj,
        json_url=f"/api/v1/plans/{plan_id}" + (f"?{query}" if query else ""),
        provenance=_provenance(record), can_edit=user.role in EDITOR_ROLES,
        year=year))


def _detail_ctx(db: Any, user: User, plan_id: str, indicator_id: str, region: str | None,
                **extra: Any) -> dict[str, Any]:
    code = plan_region(db, user, plan_id, region)
    detail = _detail_cached(db, plan_id, indicator_id, code)
    plan = service.get_plan(db, plan_id)
    ind = plan.indicator(indicator_id)
    code = detail["region_code"]
    record = service.get_plan_record(db, plan_id)
    return _ctx(db, user, d=detail, record=record, region=get_region(db, code),
                can_record=service.can_record(db, user, plan, ind, code),
                json_url=f"/api/v1/plans/{plan_id}/indicators/{indicator_id}"
                         + (f"?region={code}" if region else ""),
                provenance=_provenance(record), today=date.today().isoformat(), **extra)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/{plan_id}/indicators/{indicator_id}/export.xlsx")
def indicator_xlsx(plan_id: str, indicator_id: str, db: DbSession, user: CurrentUser,
                   region: str | None = None) -> Response:
    """What the indicator page shows, as Excel: series actual vs expected path, the status
    card and the provenance (`indicator_workbook`), from the same cached detail as the page."""
    ctx = _detail_ctx(db, user, plan_id, indicator_id, region)
    code = ctx["d"]["region_code"]
    place = ctx["region"]
    body = indicator_workbook(ctx["d"], region_name=place.name_zh if place else code,
                              provenance=ctx["provenance"])
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{plan_id}-{indicator_id}-{code}.xlsx"'})


@router.get("/{plan_id}/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(request: Request, plan_id: str, indicator_id: str, db: DbSession,
                   user: CurrentUser, region: str | None = None,
                   saved: int | None = None) -> HTMLResponse:
    """Trajectory vs actual vs nowcast, revision history, lineage and the entry form."""
    return render(request, "plan/indicator.html", _detail_ctx(
        db, user, plan_id, indicator_id, region, saved=saved, errors=[]))


@router.post("/{plan_id}/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_record(
    request: Request, plan_id: str, indicator_id: str, db: DbSession, user: CurrentUser,
    year: int = Form(...), value: str = Form(...), source: str = Form(...),
    released_on: str = Form(""), note: str = Form(""), region: str = Form(""),
) -> Response:
    """Record or revise an actual from the form (CSRF-checked by the app)."""
    code = region or service.get_plan(db, plan_id).region_code
    require_recorder(db, user, plan_id, indicator_id, code)
    try:
        number = float(value)
    except ValueError:
        number = None
    try:
        if number is None:
            raise DataError(Problem(f"“{value}”不是数字", f"{value!r} is not a number"))
        workflow.record_actual(
            db, plan_id=plan_id, indicator_id=indicator_id, region_code=code, year=year,
            value=number, source=source,
            released_on=date.fromisoformat(released_on) if released_on else None, note=note,
            actor=user.username)
    except (DataError, ValueError) as exc:
        problems = exc.problems if isinstance(exc, DataError) else [
            Problem("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")]
        return render(request, "plan/indicator.html", _detail_ctx(
            db, user, plan_id, indicator_id, region or None, saved=None, errors=problems),
            status_code=422)
    suffix = f"&region={code}" if region else ""
    return RedirectResponse(f"/plans/{plan_id}/indicators/{indicator_id}?saved=1{suffix}",
                            status_code=303)


@router.get("/{plan_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, plan_id: str, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """Targets and thresholds form, Excel download and upload, editions."""
    plan = service.get_plan(db, plan_id)
    record = service.get_plan_record(db, plan_id)
    return render(request, "plan/edit.html", _ctx(
        db, user, plan=plan, record=record, editions=service.plan_editions(db, plan_id),
        errors=[], json_url=f"/api/v1/plans/{plan_id}/document",
        provenance=_provenance(record), can_edit=user.role in EDITOR_ROLES, synthetic=False))


@router.post("/{plan_id}/edit", response_class=HTMLResponse)
async def edit_save(request: Request, plan_id: str, db: DbSession, user: CurrentUser
                    ) -> Response:
    """Save edited targets and thresholds as a new edition."""
    plan = service.get_plan(db, plan_id)
    require_editor(db, user, plan.region_code)
    form = await request.form()
    problems: list[Problem] = []
    indicators = []
    for ind in plan.indicators:
        raw = str(form.get(f"target_{ind.id}", "")).strip()
        if raw == "" or raw == (ind.target.printed if ind.target.value is None else "") or (
                ind.target.value is not None and raw == f"{ind.target.value:g}"):
            indicators.append(ind)
            continue
        try:
            number = float(raw)
        except ValueError:
            problems.append(Problem(f"指标 {ind.id} 的目标“{raw}”不是数字",
                                    f"target {raw!r} of {ind.id} is not a number"))
            continue
        target = Target(kind="value", printed=raw, value=number, year=ind.target.year,
                        source=ind.target.source)
        indicators.append(ind.model_copy(update={"target": target, "inferred": sorted(
            {*ind.inferred, "target"})}))
    try:
        green = float(str(form.get("green_ratio", plan.thresholds.green_ratio)))
        yellow = float(str(form.get("yellow_ratio", plan.thresholds.yellow_ratio)))
        doc = plan.model_dump(mode="json")
        doc["indicators"] = [i.model_dump(mode="json") for i in indicators]
        doc["thresholds"] = {"green_ratio": green, "yellow_ratio": yellow}
        new = Plan.model_validate(doc)
    except (ValueError, TypeError) as exc:
        problems.append(Problem(f"阈值无效：{exc}", f"invalid thresholds: {exc}"))
        new = None
    if problems or new is None:
        record = service.get_plan_record(db, plan_id)
        return render(request, "plan/edit.html", _ctx(
            db, user, plan=plan, record=record, editions=service.plan_editions(db, plan_id),
            errors=problems, json_url=f"/api/v1/plans/{plan_id}/document",
            provenance=_provenance(record), can_edit=True, synthetic=False), status_code=422)
    service.save_plan(db, new, actor=user.username)
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)


@router.post("/{plan_id}/upload", response_class=HTMLResponse)
async def upload(request: Request, plan_id: str, db: DbSession, user: CurrentUser) -> Response:
    """Import an edited workbook as a new edition (all-or-nothing)."""
    form = await request.form()
    file = form.get("file")
    plan = service.get_plan(db, plan_id)
    require_editor(db, user, plan.region_code)
    if not isinstance(file, UploadFile) and not hasattr(file, "read"):
        record = service.get_plan_record(db, plan_id)
        return render(request, "plan/edit.html", _ctx(
            db, user, plan=plan, record=record, editions=service.plan_editions(db, plan_id),
            errors=[Problem("请选择文件", "choose a file")],
            json_url=f"/api/v1/plans/{plan_id}/document",
            provenance=_provenance(record), can_edit=True, synthetic=False), status_code=422)
    data = await file.read()  # type: ignore[union-attr]
    name = getattr(file, "filename", None) or "upload"
    # A background job (issue #8): parsed before the write lock, stored in one transaction.
    job_id = request.app.state.jobs.submit(
        db, workbook_job(data, filename=name, plan_id=plan_id, actor=user.username),
        kind="plan.import", title=f"导入规划工作簿 {name} / import plan workbook {plan_id}",
        submitter=user.username, region_code=plan.region_code)
    return RedirectResponse(f"/jobs/{job_id}?follow=1", status_code=303)


def workbook_job(data: bytes, *, filename: str, plan_id: str, actor: str) -> JobFunction:
    """Import a plan workbook as a job: read it, then save the new edition in one write."""
    def run(ctx: JobContext) -> None:
        ctx.progress(0, 2, "读取工作簿 / reading the workbook")
        new = read_plan_workbook(data, filename=filename)
        if new.id != plan_id:
            raise DataError(Problem(f"工作簿中的规划编号 {new.id} 与本规划不符",
                                    f"the workbook holds plan {new.id}, not {plan_id}"))
        ctx.progress(1, 2, f"保存 {len(new.indicators)} 项指标 / saving "
                           f"{len(new.indicators)} indicators")
        with ctx.write(reason=f"plan import {filename}") as db:
            service.save_plan(db, new, actor=actor, origin="workbook")
            ctx.result_url = f"/plans/{plan_id}"

    return run


@router.get("/{plan_id}/workbook")
def workbook(plan_id: str, db: DbSession, user: CurrentUser) -> Response:
    """Download the plan as Excel."""
    body = service.plan_workbook(service.get_plan(db, plan_id))
    return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{plan_id}.xlsx"'})


@router.get("/{plan_id}/next", response_class=HTMLResponse)
def next_page(request: Request, plan_id: str, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """Form to start the next plan (2026–2030) from this one."""
    plan = service.get_plan(db, plan_id)
    record = service.get_plan_record(db, plan_id)
    return render(request, "plan/next.html", _ctx(
        db, user, plan=plan, record=record, errors=[], json_url=f"/api/v1/plans/{plan_id}",
        provenance=_provenance(record), can_edit=user.role in EDITOR_ROLES, synthetic=False))


@router.post("/{plan_id}/next", response_class=HTMLResponse)
def next_start(request: Request, plan_id: str, db: DbSession, user: CurrentUser,
               period_start: int = Form(2026), period_end: int = Form(2030)) -> Response:
    """Start the next plan and open it."""
    plan = service.get_plan(db, plan_id)
    require_editor(db, user, plan.region_code)
    try:
        new = service.start_next_plan(db, plan_id, period_start=period_start,
                                      period_end=period_end, actor=user.username)
    except DataError as exc:
        record = service.get_plan_record(db, plan_id)
        return render(request, "plan/next.html", _ctx(
            db, user, plan=plan, record=record, errors=exc.problems,
            json_url=f"/api/v1/plans/{plan_id}", provenance=_provenance(record), can_edit=True,
            synthetic=False), status_code=422)
    return RedirectResponse(f"/plans/{new.id}", status_code=303)
