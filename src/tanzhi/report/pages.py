"""Report pages: the list of generated reports, one-click generation, preview and downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanzhi.access import Role, User, in_scope
from tanzhi.http.deps import CurrentUser, DbSession, render
from tanzhi.kernel.errors import DataError, PermissionDenied, Problem
from tanzhi.report.service.generate import (
    KINDS,
    generate_report,
    get_report,
    list_reports,
    report_document,
    report_output,
)

router = APIRouter(include_in_schema=False)

# Who may generate reports (the rest may read those in their scope).
WRITERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER,
                     Role.DEPARTMENT_OFFICER, Role.ANALYST})
YEARS = tuple(range(2025, 2014, -1))


def scoped_codes(db: Any, user: User) -> set[str] | None:
    """Region codes whose reports the user may see (None: no restriction)."""
    from tanzhi.access import scope_codes

    return set(scope_codes(db, user))


def check_scope(db: Any, user: User, region_code: str) -> None:
    """`PermissionDenied` unless the report's region is in the user's scope."""
    if not in_scope(db, user, region_code):
        raise PermissionDenied(f"无权查看地区 {region_code} 的报告 / the report's region "
                               f"{region_code} is outside your scope")


def generation_options(db: Any, user: User) -> dict[str, Any]:
    """Plans and regions the user may generate reports for."""
    from tanzhi.kernel.regions import list_regions
    from tanzhi.plan import service as plans

    records = [r for r in plans.list_plan_records(db) if in_scope(db, user, r.region_code)]
    codes = scoped_codes(db, user) or set()
    regions = [r for r in list_regions(db) if r.code in codes and r.level.value in
               ("province", "city", "county")]
    regions.sort(key=lambda r: r.code)
    return {"plans": records, "regions": regions, "years": list(YEARS)}


def _parameters(kind: str, plan_id: str | None, region_code: str | None, year: int | None,
                run_id: str | None) -> dict[str, Any]:
    if kind not in KINDS:
        raise DataError(Problem(f"未知报告类型“{kind}”", f"unknown report kind {kind!r}"))
    if kind == "inventory":
        if not region_code or year is None:
            raise DataError(Problem("清单报告需要地区和年份", "an inventory report needs a region "
                                    "and a year"))
        return {"region_code": region_code, "year": int(year), "run_id": run_id or None}
    if not plan_id:
        raise DataError(Problem("评估报告需要规划编号", "an evaluation needs a plan id"))
    return {"plan_id": plan_id, "region_code": region_code or None}


def start(db: Any, request: Request, user: User, *, kind: str, plan_id: str | None,
          region_code: str | None, year: int | None, run_id: str | None):  # noqa: ANN201
    """Check roles and scope, then generate (or reuse) the report; returns its `ReportInfo`."""
    if user.role not in WRITERS:
        raise PermissionDenied(f"角色“{user.role.label_zh}”不能生成报告 / role "
                               f"'{user.role.label_en}' may not generate reports")
    params = _parameters(kind, plan_id, region_code, year, run_id)
    if kind != "inventory":
        from tanzhi.plan import service as plans

        plan = plans.get_plan(db, str(plan_id))
        check_scope(db, user, region_code or plan.region_code)
    else:
        check_scope(db, user, str(region_code))
    data_dir = request.app.state.settings.data_dir
    return generate_report(db, data_dir, kind=kind, parameters=params, actor=user.username)


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
    info = start(db, request, user, kind=kind, plan_id=plan_id, region_code=region_code or None,
                 year=year, run_id=run_id or None)
    target = f"/reports/{info.id}" + ("?reused=1" if info.reused else "")
    if request.headers.get("HX-Request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, db: DbSession, user: CurrentUser,
                reused: int = 0) -> HTMLResponse:
    """Preview of one report (the document itself) with its downloads and lineage."""
    from tanzhi.report.render.html import document_style, render_body

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
