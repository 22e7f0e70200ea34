"""JSON twins of the inventory pages under /api/v1/inventory: runs, results, summaries, flows,
region totals, hierarchy residuals, energy-CO2 calibre, uncertainty, key categories, findings,
recalculation diffs; upload of an activity file and compilation (officers and admins)."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tanzhi.access import Role, in_scope, require_in_scope
from tanzhi.http import CurrentUser, DbSession, Reach, object_id, reachable, resolves
from tanzhi.inventory import service
from tanzhi.inventory.formats.factors import read_factor_overrides
from tanzhi.inventory.formats.results import with_lineage
from tanzhi.kernel import (
    DataError,
    Location,
    PermissionDenied,
    Problem,
    default_library,
    get_region,
    list_regions,
)

router = APIRouter(tags=["inventory"])

# Who may upload activity data and compile (each within their region scope); the policy table
# (`tanzhi.http.policy_table`) admits these roles to the writing routes.
COMPILE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER})
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Role and region scope are checked app-wide (`tanzhi.http.policy.authorize`) before a route
# runs; these names only say what the route is for.
RegionReader = CurrentUser
Compiler = CurrentUser


@resolves("run_id")
def run_reach(db: Session, value: str) -> Reach:
    """An inventory run lies in the regions it covers (a run over every region: the province)."""
    run = service.get_run(db, object_id(value, "清单计算批次", "inventory run"))
    if run.region_codes:
        return Reach(tuple(run.region_codes))
    return Reach(tuple(r.code for r in list_regions(db, level="province")), spans_below=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN → null, numpy scalars → Python."""
    out = frame.astype(object).where(pd.notna(frame), None).to_dict("records")
    for row in out:
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            row[key] = value
    return out


def _split(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def _run_of(db: DbSession, run_id: int) -> service.RunInfo:
    return service.get_run(db, run_id)


@router.get("/runs")
def runs(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """The compilations covering the user's scope, newest first, with their lineage."""
    return {"runs": [r.as_dict() for r in service.list_runs(db)
                     if reachable(db, user, run_reach(db, str(r.id)))]}


@router.get("/runs/latest")
def run_latest(db: DbSession, user: RegionReader, region: str | None = None) -> dict[str, Any]:
    """The newest complete run covering `region` (default: the user's own region)."""
    run = service.latest_run(db, region_code=region or user.region_code)
    return {"run": run.as_dict() if run else None}


@router.get("/runs/{run_id}")
def run_get(run_id: int, db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """One run and its lineage (factor dataset editions, GWP, method, source, supersedes)."""
    return _run_of(db, run_id).as_dict()


@router.get("/runs/{run_id}/results")
def run_results(
    run_id: int, db: DbSession, user: RegionReader, region: str,
    year: Annotated[list[int] | None, Query()] = None, category: str | None = None,
    gas: str | None = None, sector: int | None = None,
) -> dict[str, Any]:
    """Result rows of one region (filters: year (repeatable), categories and gases
    comma-separated, sector 1–5), each with its lineage."""
    frame = service.run_results(db, run_id, region_codes=[region], years=year,
                                categories=_split(category), gases=_split(gas),
                                sectors=[sector] if sector else None)
    # Each number's factor path, the factor-file rows it used and whether it rests on a
    # provisional factor (issue #9).
    frame = with_lineage(frame, default_library())
    return {"run_id": run_id, "region_code": region, "rows": records(frame)}


@router.get("/runs/{run_id}/summary")
def run_summary(run_id: int, db: DbSession, user: RegionReader, region: str,
                by: str = "sector") -> dict[str, Any]:
    """Totals per year and sector | gas | item | category (t CO2e) for stacked charts."""
    frame = service.run_summary(db, run_id, region_code=region, by=by)
    return {"run_id": run_id, "region_code": region, "by": by,
            "gwp": _run_of(db, run_id).gwp, "rows": records(frame)}


@router.get("/runs/{run_id}/flows")
def run_flows(run_id: int, db: DbSession, user: RegionReader, region: str,
              year: int) -> dict[str, Any]:
    """Fuel → energy sub-sector CO2 flows (Sankey)."""
    frame = service.fuel_sector_flows(db, run_id, region_code=region, year=year)
    return {"run_id": run_id, "region_code": region, "year": year, "rows": records(frame)}


@router.get("/runs/{run_id}/regions")
def run_regions(run_id: int, db: DbSession,
                user: RegionReader, parent: str, year: int) -> dict[str, Any]:
    """Territorial CO2e of each child of `parent` (county map)."""
    frame = service.region_totals(db, run_id, parent_code=parent, year=year)
    return {"run_id": run_id, "parent_code": parent, "year": year, "rows": records(frame)}


@router.get("/runs/{run_id}/residuals")
def run_residuals(run_id: int, db: DbSession,
                  user: RegionReader, parent: str | None = None) -> dict[str, Any]:
    """Hierarchy residuals (parent − Σ children per sector and gas) with explanations; only
    parents in the user's scope."""
    frame = service.hierarchy_residuals(db, run_id, parent_code=parent)
    if parent is None and not frame.empty:
        allowed = {c for c in frame["parent_code"].unique() if in_scope(db, user, c)}
        frame = frame.loc[frame["parent_code"].isin(allowed)]
    return {"run_id": run_id, "rows": records(frame)}


@router.get("/runs/{run_id}/reconciliation")
def run_reconciliation(run_id: int, db: DbSession, user: RegionReader,
                       region: str) -> dict[str, Any]:
    """Territorial CO2e → energy CO2 with net imported electricity, step by step."""
    frame = service.calibre_reconciliation(db, run_id, region_code=region)
    return {"run_id": run_id, "region_code": region, "rows": records(frame)}


@router.get("/runs/{run_id}/uncertainty")
def run_uncertainty(
    run_id: int, db: DbSession, user: RegionReader, region: str, year: int,
    method: str = "propagation", iterations: Annotated[int, Query(ge=100, le=200_000)] = 10_000,
    seed: int = 1,
) -> dict[str, Any]:
    """95 % intervals per category × gas and in total (Approach 1 or 2)."""
    frame = service.run_uncertainty(db, run_id, region_code=region, year=year, method=method,
                                    iterations=iterations, seed=seed)
    return {"run_id": run_id, "region_code": region, "year": year, "method": method,
            "iterations": iterations if method == "montecarlo" else None,
            "seed": seed if method == "montecarlo" else None, "rows": records(frame)}


@router.get("/runs/{run_id}/key-categories")
def run_key_categories(run_id: int, db: DbSession, user: RegionReader, region: str, year: int,
                       base_year: int | None = None) -> dict[str, Any]:
    """Key categories (level, and trend against `base_year`)."""
    frame = service.key_categories(db, run_id, region_code=region, year=year,
                                   base_year=base_year)
    return {"run_id": run_id, "region_code": region, "year": year, "base_year": base_year,
            "rows": records(frame)}


@router.get("/runs/{run_id}/findings")
def run_findings(run_id: int, db: DbSession, user: RegionReader,
                 region: str) -> dict[str, Any]:
    """QA/QC findings: time series, implied factors, completeness, hierarchy residuals."""
    found = service.run_findings(db, run_id, region_code=region)
    return {"run_id": run_id, "region_code": region, "findings": [f.as_dict() for f in found]}


@router.get("/energy-co2")
def energy_co2(db: DbSession, user: RegionReader, region: str,
               run_id: int | None = None) -> dict[str, Any]:
    """Energy-activity CO2 incl. net imported electricity (the intensity-target calibre)."""
    frame = service.energy_co2(db, region_code=region, run_id=run_id)
    return {"region_code": region, "run_id": run_id, "rows": records(frame)}


@router.get("/compare")
def compare(db: DbSession, user: RegionReader, a: int, b: int, region: str,
            all: bool = False) -> dict[str, Any]:  # noqa: A002
    """Recalculation diff run a → run b: which rows changed and why."""
    frame = service.compare_runs(db, a, b, region_code=region, include_unchanged=all)
    return {"run_a": a, "run_b": b, "region_code": region, "rows": records(frame)}


@router.post("/activity", status_code=201)
async def upload_activity(db: DbSession, user: Compiler,
                          file: Annotated[UploadFile, File()],
                          label: Annotated[str, Form()] = "") -> dict[str, Any]:
    """Upload an ACTIVITY file (CSV or xlsx); all rows or none.  422 with the bilingual
    problems (file, row, column) when anything is wrong; rows outside the user's regions are
    refused."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(Problem("文件超过 20 MB", "file larger than 20 MB"))
    from tanzhi.inventory.formats.activity import read_activity

    name = file.filename or "activity.csv"
    frame = read_activity(data, filename=name)
    for code in sorted(frame["region_code"].astype(str).unique()):
        require_in_scope(db, user, code)
    set_id = service.import_activity(db, data, filename=name, label=label,
                                     uploader=user.username)
    return {"set_id": set_id, "rows": len(frame), "filename": name}


class CompileIn(BaseModel):
    """What to compile; regions default to the user's own region and everything below it."""

    region_codes: list[str] | None = Field(default=None, examples=[["330600", "330602"]])
    years: list[int] | None = Field(default=None, examples=[[2020, 2021, 2022]])
    gwp: str = Field(default="AR5", examples=["AR5"])
    source: str = Field(default="statistics", examples=["statistics", "upload:3"])
    label: str = ""
    supersedes: int | None = None


@router.post("/compile", status_code=201)
def compile_run(body: CompileIn, db: DbSession, user: Compiler) -> dict[str, Any]:
    """Compile, store and check an inventory run (a recalculation names the run it supersedes)."""
    codes = body.region_codes
    if codes is None:
        if user.region_code is None or get_region(db, user.region_code) is None:
            raise PermissionDenied("没有所辖行政区 / the user has no region scope")
        codes = [user.region_code] + [r.code for r in list_regions(db, parent=user.region_code)]
    for code in codes:
        require_in_scope(db, user, code)
    run = service.compile_inventory(db, region_codes=codes, years=body.years, gwp=body.gwp,
                                    source=body.source, label=body.label,
                                    supersedes=body.supersedes)
    return run.as_dict()


@router.post("/compile/with-factors", status_code=201)
async def compile_with_factors(
    db: DbSession, user: Compiler, factors: Annotated[UploadFile, File()],
    source: Annotated[str, Form()] = "statistics", gwp: Annotated[str, Form()] = "AR5",
    region_codes: Annotated[str, Form()] = "", years: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    """Compile with a factor FILE (CSV or xlsx) over the packaged factors.  Every row of the
    file must be used by at least one computed number, or nothing is stored and the answer is
    422 with the file, row, column and why the row matched nothing (issue #9); region codes
    and years are comma-separated (default: the user's tree, every year)."""
    data = await factors.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(Problem("文件超过 20 MB", "file larger than 20 MB"))
    overrides = read_factor_overrides(data, filename=factors.filename or "factors.csv")
    codes = _split(region_codes)
    if codes is None:
        if user.region_code is None or get_region(db, user.region_code) is None:
            raise PermissionDenied("没有所辖行政区 / the user has no region scope")
        codes = [user.region_code] + [r.code for r in list_regions(db, parent=user.region_code)]
    for code in codes:
        require_in_scope(db, user, code)
    try:
        year_list = [int(y) for y in _split(years) or []] or None
    except ValueError:
        raise DataError(Problem("年份须为逗号分隔的整数", "years must be comma-separated integers",
                                Location(None, None, "years"))) from None
    run = service.compile_inventory(db, region_codes=codes, years=year_list, gwp=gwp,
                                    source=source, label=label, factors=overrides)
    return run.as_dict()
