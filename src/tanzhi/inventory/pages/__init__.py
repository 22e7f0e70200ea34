"""Inventory workspace pages (温室气体清单工作台): overview, upload, runs, uncertainty, downloads.

The pages read compiled runs through `tanzhi.inventory.service` and files through
`tanzhi.inventory.formats`; `figures` shapes what they show (pure: frames in, dicts out).
Every page names its JSON twin under `/api/v1/inventory`, the run's provenance (factor datasets
and editions, GWP set, method, run id) and whether the figures are synthetic demo data.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tanzhi.access import Role, User, scope_codes
from tanzhi.http import CurrentUser, DbSession, render, serve_script
from tanzhi.inventory import service, store
from tanzhi.inventory.formats import results
from tanzhi.inventory.formats.activity import read_activity, write_activity_template
from tanzhi.inventory.pages import figures as v
from tanzhi.kernel import (
    DataError,
    DerivedCache,
    JobContext,
    JobFunction,
    Location,
    NotFound,
    PermissionDenied,
    Problem,
    Region,
    default_library,
    list_regions,
    read_statistics,
    require_region,
)

router = APIRouter(include_in_schema=False)

# Who compiles and uploads: the climate offices of province, city and county.  Department
# officers and analysts read.
EDIT_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER})
INVENTORY_LEVELS = ("province", "city", "county")
GWP_SETS = ("AR5", "AR6", "AR4", "SAR")
DOWNLOAD_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "iamc": ("text/csv; charset=utf-8", "iamc.csv"),
}
ASSET = Path(__file__).resolve().parents[1] / "templates" / "inventory" / "workspace.js"
# The overview's and the run page's figures, keyed by the hash of run, region, year, locale and
# the database's content version (`tanzhi.kernel.DerivedCache`: never stale, issue #11 item 10).
CACHE = DerivedCache(maxsize=256)

# Role and region scope (every `region` and run named) are checked app-wide by
# `tanzhi.http.policy.authorize` against the policy table before a route runs.
Viewer = CurrentUser
Editor = CurrentUser


def _zh(request: Request) -> bool:
    return str(getattr(request.state, "locale", "zh_CN")).startswith("zh")


def scope_regions(db: Any, user: User) -> list[Region]:
    """Regions the user may pick: their own and every province/city/county below it."""
    if not user.region_code:
        return []
    own = require_region(db, user.region_code)
    below = [r for r in list_regions(db, parent=user.region_code)
             if r.level.value in INVENTORY_LEVELS]
    return [own, *sorted(below, key=lambda r: r.code)]


def _runs_in_scope(db: Any, user: User) -> list[Any]:
    codes = set(scope_codes(db, user))
    return [r for r in service.list_runs(db)
            if not r.region_codes or codes.intersection(r.region_codes)]


def _run(db: Any, run_id: int | None, code: str) -> Any:
    """The run asked for, else the newest complete run that covers `code`."""
    return service.get_run(db, run_id) if run_id else service.latest_run(db, region_code=code)


def _synthetic(db: Any, run: Any, codes: list[str]) -> bool:
    """Statistics-based runs over synthetic demo statistics show the synthetic mark."""
    if run is None or not str(run.source).startswith("statistics"):
        return False
    stats = read_statistics(db, region_codes=codes, years=list(run.years)[-1:])
    return bool(stats["synthetic"].any()) if len(stats) else False


def _default_region(user: User, region: str | None) -> str:
    code = region or user.region_code
    if not code:
        raise PermissionDenied("您的账户未关联地区 / your account has no region")
    return code


def _children(db: Any, code: str) -> list[Region]:
    return [r for r in list_regions(db, parent=code)
            if r.parent_code == code and r.level.value in INVENTORY_LEVELS]


def _json_url(path: str, **params: object) -> str:
    query = "&".join(f"{k}={val}" for k, val in params.items() if val not in (None, ""))
    return f"/api/v1/inventory{path}" + (f"?{query}" if query else "")


serve_script(router, "/assets/workspace.js", ASSET)


# ---- overview ------------------------------------------------------------------------------

def _overview_figures(db: Any, info: Any, code: str, *, year: int, years: list[int], a: int,
                      b: int, zh: bool, locale: str) -> dict[str, Any]:
    """What the overview shows of run `info` for region `code`: read-only, cached by `CACHE`."""
    rows = service.run_results(db, info.id, region_codes=[code])
    energy = service.energy_co2(db, region_code=code, run_id=info.id)
    children = _children(db, code)
    totals = (service.region_totals(db, info.id, parent_code=code, year=year)
              if children else pd.DataFrame())
    flows = service.fuel_sector_flows(db, info.id, region_code=code, year=year)
    residuals = service.hierarchy_residuals(db, info.id, parent_code=code)
    figures = v.overview_figures(rows, energy, year=year, years=years, zh=zh)
    return {
        "year": year, "years": years, "a": a, "b": b, **figures,
        "compare": v.compare_years(rows, a, b, zh=zh),
        "residuals": v.residual_rows(residuals, code, year, zh=zh),
        "reconciliation": v.reconciliation_rows(
            service.calibre_reconciliation(db, info.id, region_code=code), year, zh=zh),
        "notation": v.notation_table(rows, year, zh=zh),
        "chart_data": v.chart_data(rows, flows, totals, region=code, year=year, years=years,
                                   zh=zh, locale=locale),
        "has_children": bool(children),
        "provenance": v.provenance(info, zh=zh),
        "synthetic": _synthetic(db, info, [code]),
        "json_url": _json_url(f"/runs/{info.id}/summary", region=code, by="sector"),
    }


@router.get("")
def overview(
    request: Request, db: DbSession, user: Viewer,
    region: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
    run: Annotated[int | None, Query()] = None,
    a: Annotated[int | None, Query(description="compare: year A")] = None,
    b: Annotated[int | None, Query(description="compare: year B")] = None,
) -> Response:
    """The inventory of one region: totals, charts, comparison, residuals, QA/QC, notation keys."""
    code = _default_region(user, region)
    place = require_region(db, code)
    info = _run(db, run, code)
    ctx: dict[str, Any] = {
        "region": place, "regions": scope_regions(db, user), "run": info,
        "can_edit": user.role in EDIT_ROLES, "json_url": _json_url("/runs"),
    }
    if info is None:
        return render(request, "inventory/overview.html", ctx)
    ctx.update(_overview_cached(db, info, code, year=year, a=a, b=b,
                                locale=str(request.state.locale)))
    return render(request, "inventory/overview.html", ctx)


def _overview_cached(db: Any, info: Any, code: str, *, year: int | None, a: int | None,
                     b: int | None, locale: str) -> dict[str, Any]:
    """The overview's figures for the asked (or default) years, through `CACHE`."""
    years = sorted(int(y) for y in info.years)
    year = year if year in years else years[-1]
    a = a if a in years else years[0]
    b = b if b in years else year
    zh = locale.startswith("zh")
    return CACHE.get(
        db, "inventory.overview",
        lambda: _overview_figures(db, info, code, year=year, years=years, a=a, b=b, zh=zh,
                                  locale=locale),
        run=info.id, region=code, year=year, a=a, b=b, locale=locale)


def precompute(db: Any, user: User, locale: str) -> None:
    """Compute (or load from the stored precompute) the figures of the views `user` lands on:
    the overview of their region and the page of its newest run, default years (issue #11
    item 10).  Same code path and key as the pages, so a page after this is a cache read."""
    code = _default_region(user, None)
    info = _run(db, None, code)
    if info is None:
        return
    _overview_cached(db, info, code, year=None, a=None, b=None, locale=locale)
    _run_cached(db, info, _run_region(db, user, info, None), year=None, locale=locale)


@router.get("/qaqc")
def qaqc(
    request: Request, db: DbSession, user: Viewer,
    region: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
    run: Annotated[int | None, Query()] = None,
) -> Response:
    """The QA/QC findings of a region and year, as an htmx fragment of the overview."""
    code = _default_region(user, region)
    info = _run(db, run, code)
    if info is None:
        raise NotFound(f"{code} 没有清单结果 / no inventory run covers {code}")
    years = sorted(int(y) for y in info.years)
    year = year if year in years else years[-1]
    found = service.run_findings(db, info.id, region_code=code)
    return render(request, "inventory/_findings.html", {
        "findings": v.findings(found, year=year, zh=_zh(request)), "year": year,
        "json_url": _json_url(f"/runs/{info.id}/findings", region=code),
    })


# ---- upload --------------------------------------------------------------------------------

def _upload_page(request: Request, db: Any, user: User, *, problems: list[dict] | None = None,
                 upload: dict | None = None, filename: str = "", status_code: int = 200,
                 ) -> Response:
    return render(request, "inventory/upload.html", {
        "problems": problems or [], "upload": upload, "filename": filename,
        "gwp_sets": GWP_SETS, "runs": _runs_in_scope(db, user),
        "json_url": _json_url("/runs"),
        "provenance": v.item_provenance(),
    }, status_code=status_code)


@router.get("/upload")
def upload_form(request: Request, db: DbSession, user: Editor,
                set: Annotated[int | None, Query(description="an imported set")] = None,  # noqa: A002
                ) -> Response:
    """Upload an activity file (CSV or Excel in the tanzhi template); with `set`, the set an
    upload job stored, ready to compile."""
    if set is None:
        return _upload_page(request, db, user)
    head = store.get_activity_set(db, set)
    frame = store.read_activity_set(db, set) if head is not None else None
    if head is None or frame is None or not set_in_scope(db, user, frame):
        raise NotFound(f"没有活动水平数据集 {set} / no activity set {set}")
    upload = v.activity_summary(frame, zh=_zh(request))
    upload.update({"set_id": set, "label": head.label, "filename": head.filename})
    return _upload_page(request, db, user, upload=upload, filename=head.filename)


def set_in_scope(db: Any, user: User, frame: pd.DataFrame) -> bool:
    """Whether every region of an activity set lies in the user's scope."""
    return set(frame["region_code"].astype(str)) <= set(scope_codes(db, user))


@router.get("/upload/template")
def activity_template(
    user: Editor, format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx",  # noqa: A002
) -> Response:
    """The activity-data template tanzhi reads back (long format, Chinese item names allowed)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"activity-template.{format}"
        write_activity_template(path)
        data = path.read_bytes()
    media = DOWNLOAD_TYPES[format][0]
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="tanzhi-activity-template.{format}"'})


def _out_of_scope(db: Any, user: User, frame: pd.DataFrame, filename: str) -> list[Problem]:
    allowed = set(scope_codes(db, user))
    rows = frame["_row"] if "_row" in frame else pd.Series(range(2, len(frame) + 2))
    problems = []
    for code, row in zip(frame["region_code"].astype(str), rows, strict=True):
        if code not in allowed:
            problems.append(Problem(
                f"地区 {code} 不在您的范围内（{user.region_code}）",
                f"region {code} is outside your scope ({user.region_code})",
                Location(filename, int(row), "region_code")))
    return problems


@router.post("/upload")
async def upload_submit(
    request: Request, db: DbSession, user: Editor,
    file: Annotated[UploadFile, File()], label: Annotated[str, Form()] = "",
) -> Response:
    """Queue the import (all or nothing) as a background job and open its progress page; the
    job reads and checks the file before it takes the write lock (issue #8, finding 6)."""
    filename = file.filename or "upload"
    data = await file.read()
    job_id = request.app.state.jobs.submit(
        db, upload_job(data, filename=filename, label=label or filename, user=user),
        kind="inventory.import", title=f"导入活动水平 {filename} / import activity data",
        submitter=user.username, region_code=user.region_code)
    return RedirectResponse(f"/jobs/{job_id}?follow=1", status_code=303)


def upload_job(data: bytes, *, filename: str, label: str, user: User) -> JobFunction:
    """The import as a job: read and check outside any write transaction, then store."""

    def run(ctx: JobContext) -> None:
        ctx.progress(0, 3, "读取文件 / reading the file")
        frame = read_activity(data, filename=filename)
        with ctx.read() as db:
            problems = _out_of_scope(db, user, frame, filename)
        if problems:
            raise DataError(problems)
        with ctx.write(reason=f"inventory import {filename}") as db:
            set_id = service.import_activity(db, data, filename=filename, label=label,
                                             uploader=user.username, frame=frame,
                                             progress=ctx.progress)
            ctx.result_url = f"/inventory/upload?set={set_id}"

    return run


# ---- runs ----------------------------------------------------------------------------------

@router.get("/runs")
def runs(request: Request, db: DbSession, user: Viewer) -> Response:
    """Every compiled run in the user's scope, newest first, with lineage."""
    found = sorted(_runs_in_scope(db, user), key=lambda r: r.id, reverse=True)
    return render(request, "inventory/runs.html", {
        "runs": found, "can_edit": user.role in EDIT_ROLES, "gwp_sets": GWP_SETS,
        "json_url": _json_url("/runs"),
        "provenance": v.provenance(found[0], zh=_zh(request)) if found else [],
        "synthetic": any(str(r.source).startswith("statistics") for r in found) and
        _synthetic(db, found[0], [user.region_code or ""]) if found else False,
    })


@router.post("/runs")
def compile_run(
    request: Request, db: DbSession, user: Editor,
    source: Annotated[str, Form()] = "statistics",
    gwp: Annotated[str, Form()] = "AR5",
    label: Annotated[str, Form()] = "",
    supersedes: Annotated[str, Form()] = "",
) -> Response:
    """Compile a run (from the statistics or an uploaded set), then open it."""
    if gwp not in GWP_SETS:
        raise DataError.at(f"未知 GWP 集 {gwp}", f"unknown GWP set {gwp}", column="gwp")
    if not (source == "statistics" or source.startswith("upload:")):
        raise DataError.at(f"未知数据来源 {source}", f"unknown source {source}", column="source")
    province_wide = user.role is Role.PROVINCE_ADMIN
    codes = None if province_wide else [r.code for r in scope_regions(db, user)]
    previous = int(supersedes) if supersedes.strip().isdigit() else None

    def run(ctx: JobContext) -> None:
        # One write transaction: the run and its rows commit with the job's success or not
        # at all (cancel, crash).
        with ctx.write(reason="inventory compile") as session:
            info = service.compile_inventory(session, region_codes=codes, gwp=gwp, source=source,
                                             label=label.strip(), supersedes=previous,
                                             progress=ctx.progress)
            ctx.result_url = f"/inventory/runs/{info.id}"

    job_id = request.app.state.jobs.submit(
        db, run, kind="inventory.compile", title=f"编制清单（{gwp}）/ compile the inventory",
        submitter=user.username, region_code=user.region_code)
    return RedirectResponse(f"/jobs/{job_id}?follow=1", status_code=303)


def _run_region(db: Any, user: User, info: Any, region: str | None) -> str:
    code = _default_region(user, region)
    if info.region_codes and code not in info.region_codes:
        inside = [c for c in scope_codes(db, user) if c in info.region_codes]
        if region or not inside:
            raise NotFound(f"运行 {info.id} 不含地区 {code} / run {info.id} has no region {code}")
        code = inside[0]
    return code


@router.get("/runs/{run_id}")
def run_detail(
    request: Request, run_id: int, db: DbSession, user: Viewer,
    region: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
) -> Response:
    """One run: lineage, key categories, recalculation diff, downloads; the uncertainty table
    (Approach 1, or Monte Carlo on request) arrives by htmx from `run_uncertainty`."""
    info = service.get_run(db, run_id)
    code = _run_region(db, user, info, region)
    figures = _run_cached(db, info, code, year=year, locale=str(request.state.locale))
    return render(request, "inventory/run.html", {
        "run": info, "region": require_region(db, code), "regions": scope_regions(db, user),
        "can_edit": user.role in EDIT_ROLES, **figures,
        "json_url": _json_url(f"/runs/{run_id}"), "method_zh": v.method_zh(info.method),
    })


def _run_cached(db: Any, info: Any, code: str, *, year: int | None, locale: str
                ) -> dict[str, Any]:
    """The run page's figures for the asked (or newest) year, through `CACHE`, with the
    resolved `years` and `year`."""
    years = sorted(int(y) for y in info.years)
    year = year if year in years else years[-1]
    zh = locale.startswith("zh")
    figures = CACHE.get(db, "inventory.run",
                        lambda: _run_figures(db, info, code, year=year, years=years, zh=zh),
                        run=info.id, region=code, year=year, locale=locale)
    return {**figures, "years": years, "year": year}


def _run_figures(db: Any, info: Any, code: str, *, year: int, years: list[int], zh: bool,
                 ) -> dict[str, Any]:
    """What the run page shows of run `info` for region `code`: read-only, cached by `CACHE`."""
    run_id = info.id
    try:
        keys = service.key_categories(db, run_id, region_code=code, year=year,
                                      base_year=years[0] if years[0] != year else None)
    except NotFound:
        keys = pd.DataFrame()
    diff = (service.compare_runs(db, info.supersedes, run_id, region_code=code)
            if info.supersedes else None)
    # Intervals stored at compile time (issue #9): read, not recomputed; runs compiled before
    # that store none and the card falls back to computing Approach 1 by htmx.
    a1 = service.stored_uncertainty(db, run_id, region_code=code, year=year,
                                    method="propagation")
    a2 = service.stored_uncertainty(db, run_id, region_code=code, year=year,
                                    method="montecarlo")
    used = service.uncertainty_defaults_used(a1)
    return {
        "keys": v.key_rows(keys, zh=zh),
        "stored_uncertainty": (v.uncertainty_compare_rows(a1, a2, zh=zh)
                               if not a1.empty else None),
        "mc_iterations": int(a2["iterations"].iloc[0]) if not a2.empty else None,
        "uncertainty_defaults": v.frame_records(used),
        "diff": v.diff_rows(diff, zh=zh) if diff is not None else None,
        "sources": v.provenance(info, zh=zh),
        "provenance": v.provenance(info, zh=zh),
        "synthetic": _synthetic(db, info, [code]),
    }


@router.get("/runs/{run_id}/uncertainty")
def run_uncertainty(
    request: Request, run_id: int, db: DbSession, user: Viewer,
    region: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
    method: Annotated[str, Query(pattern="^(propagation|montecarlo)$")] = "montecarlo",
    iterations: Annotated[int | None, Query(ge=100, le=200_000)] = None,
    seed: Annotated[int | None, Query()] = None,
) -> Response:
    """The uncertainty table as an htmx fragment (Approach 1 or a seeded Monte Carlo): the
    intervals stored with the run, or computed now for other iterations/seed."""
    info = service.get_run(db, run_id)
    code = _run_region(db, user, info, region)
    years = sorted(int(y) for y in info.years)
    year = year if year in years else years[-1]
    started = time.perf_counter()
    unc = service.run_uncertainty(db, run_id, region_code=code, year=year, method=method,
                                  iterations=iterations, seed=seed)
    first = unc.iloc[0] if len(unc) else None
    return render(request, "inventory/_uncertainty.html", {
        "run": info, "uncertainty": v.uncertainty_rows(unc, zh=_zh(request)),
        "elapsed_s": time.perf_counter() - started, "method": method,
        "iterations": (int(first["iterations"]) if first is not None
                       and pd.notna(first["iterations"]) else iterations),
        "seed": (int(first["seed"]) if first is not None and pd.notna(first["seed"])
                 else seed),
        "stored": bool(first["stored"]) if first is not None else False,
        "uncertainty_defaults": v.frame_records(service.uncertainty_defaults_used(unc)),
        "year": year,
        "json_url": _json_url(f"/runs/{run_id}/uncertainty", region=code, year=year,
                              method=method, iterations=iterations, seed=seed),
    })


# ---- downloads -----------------------------------------------------------------------------

@router.get("/runs/{run_id}/download")
def download(
    run_id: int, db: DbSession, user: Viewer,
    format: Annotated[str, Query(pattern="^(csv|xlsx|iamc)$")] = "csv",  # noqa: A002
    region: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
) -> Response:
    """Results of a run for a region (and, for CSV/IAMC, every region below it)."""
    info = service.get_run(db, run_id)
    code = _run_region(db, user, info, region)
    place = require_region(db, code)
    if format == "xlsx":
        years = sorted(int(y) for y in info.years)
        if not years:
            raise NotFound(f"运行 {run_id} 没有结果年份 / run {run_id} has no result years")
        year = year if year in years else years[-1]
        frame = results.with_lineage(
            service.run_results(db, run_id, region_codes=[code], years=[year]),
            default_library())
        data = results.results_workbook(
            frame, region_name=place.name_zh, year=year, gwp=info.gwp,
            lineage=results.factor_lineage(frame, default_library()))
        stem = f"inventory-run{run_id}-{code}-{year}"
    else:
        below = [r for r in list_regions(db, parent=code) if r.level.value in INVENTORY_LEVELS]
        codes = [code] + [r.code for r in below]
        frame = service.run_results(db, run_id, region_codes=codes,
                                    years=[year] if year else None)
        if format == "csv":
            # The factor path and provisional flag of each number (issue #9).
            data = results.results_csv(results.with_lineage(frame, default_library()))
        else:
            names = {r.code: r.name_en or r.name_zh for r in [place, *below]}
            if results.iamc_long(frame, region_names=names).empty:
                # pyam refuses an empty frame with a bare ValueError (issue #8, finding 9).
                raise NotFound(f"运行 {run_id} 没有可按 IAMC 导出的排放结果 / run {run_id} has "
                               "no emission results to export as IAMC")
            data = results.iamc_csv(frame, model="tanzhi inventory", gwp=info.gwp,
                                    scenario=f"run {run_id}", region_names=names)
        stem = f"inventory-run{run_id}-{code}"
    media, suffix = DOWNLOAD_TYPES[format]
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{stem}.{suffix}"'})
