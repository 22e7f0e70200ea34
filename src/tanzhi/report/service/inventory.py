"""Gathering what the inventory report shows: from a stored run, or computed from activity data.

Both paths go through `tanzhi.inventory`'s face: the stored run through its services, the
activity table through its calculation and checks (no database).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.inventory import (
    Estimate,
    RunInfo,
    check_completeness,
    check_lineage,
    check_time_series,
    compare_runs,
    compute_error_propagation,
    compute_inventory,
    compute_key_categories,
    compute_monte_carlo,
    get_run,
    hierarchy_residuals,
    key_categories,
    latest_run,
    region_totals,
    run_findings,
    run_results,
    run_uncertainty,
)
from tanzhi.kernel import (
    DataError,
    Finding,
    NotFound,
    dataset_dir,
    default_library,
    load_meta,
    require_region,
)
from tanzhi.report.compose.inventory import compose_inventory
from tanzhi.report.model import Document, InventoryInputs, Source

MC_ITERATIONS = 10_000
MC_SEED = 1


def factor_source(dataset: str, edition: str) -> Source:
    """A factor dataset as a source: its Chinese title from its `meta.yaml` (the id stays in
    the English title), so a Chinese report names it in words (issue #11 item 7)."""
    title_zh = f"排放因子数据集 {dataset}"
    for folder in (f"factors/{dataset}", dataset):
        try:
            title_zh = load_meta(dataset_dir(folder, edition or None)).title_zh or title_zh
            break
        except (NotFound, DataError):
            continue
    return Source(title=f"Emission factors {dataset} ({edition})", title_zh=title_zh,
                  edition=edition)


def _findings(items: Iterable[Finding]) -> list[dict[str, Any]]:
    """The inventory checks' findings as dicts for the QA table, errors first."""
    out = []
    for f in items:
        d = f.as_dict()
        ctx = d.get("context") or {}
        where = "，".join(str(ctx[k]) for k in ("year", "category", "item", "gas") if ctx.get(k))
        out.append({"severity": str(d.get("severity", "")), "code": str(d.get("code", "")),
                    "where": d.get("where") or where,
                    "message_zh": d.get("message_zh") or str(d.get("message", ""))})
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: order.get(f["severity"], 3))


# The run facts the report's 基本情况 table and lineage read (fields of `RunInfo`).
RUN_FIELDS = ("id", "created_at", "actor", "label", "gwp", "source", "factor_datasets",
              "method", "status", "supersedes", "notes")


def _run_dict(run: RunInfo) -> dict[str, Any]:
    return {f: getattr(run, f) for f in RUN_FIELDS}


def inputs_from_activity(
    activity: pd.DataFrame, *, region_code: str, region_name: str, year: int, gwp: str = "AR5",
    factors: Any = None, options: Any = None, iterations: int = 2000, seed: int = MC_SEED,
    synthetic: bool = False, label: str = "",
) -> InventoryInputs:
    """Compute an inventory from activity rows and gather the report's inputs (no database).

    Uses the inventory's calculation directly: sectoral results, Approach 1 and 2
    uncertainty, key categories (level, and trend against the first year), and the QA checks.
    """
    library = factors or default_library()
    est = compute_inventory(activity, library, options=options)
    rows = est.rows[est.rows["region_code"] == region_code]
    year_mask = est.rows["year"] == year
    one_year = Estimate(rows=est.rows.assign(emissions_t=est.rows["emissions_t"].where(year_mask)),
                        terms=est.terms, links=est.links, sources=est.sources)
    unc = compute_error_propagation(one_year, gwp=gwp, by=("category", "gas"))
    unc = unc[unc["emissions_co2e_t"].fillna(0) != 0]
    mc = compute_monte_carlo(one_year, gwp=gwp, seed=seed, iterations=iterations)
    first = int(rows["year"].min())
    keycat = compute_key_categories(rows, gwp=gwp, year=year,
                                         base_year=first if first < year else None)
    findings = [*check_completeness(rows[rows["year"] == year]),
                *check_time_series(rows), *check_lineage(rows)]
    datasets = sorted({(f.dataset, f.edition) for f in _used_factors(library, rows)})
    return InventoryInputs(
        region_code=region_code, region_name=region_name, year=year, gwp=gwp, rows=rows,
        run={"id": "（未入库，直接计算）", "label": label, "source": "activity table",
             "factor_datasets": dict(datasets)},
        uncertainty=unc, montecarlo=mc, key_categories=keycat, findings=_findings(findings),
        provenance=[factor_source(d, e) for d, e in datasets],
        synthetic=synthetic)


def _used_factors(library: Any, rows: pd.DataFrame) -> list[Any]:
    ids = {i for text in rows["factor_ids"].dropna() for i in str(text).split("|") if i}
    out = []
    for fid in sorted(ids):
        try:
            out.append(library.by_id(fid))
        except (NotFound, KeyError, AttributeError):
            continue
    return out


def gather_inventory(session: Session, *, run_id: str | int | None = None, region_code: str,
                     year: int) -> InventoryInputs:
    """The report's inputs from a stored inventory run (the latest when `run_id` is None)."""
    region = require_region(session, region_code)
    run = get_run(session, run_id) if run_id is not None else latest_run(session)
    if run is None:
        raise NotFound("还没有编制任何清单，请先编制清单 / no inventory has been compiled yet")
    rows = run_results(session, run.id, region_codes=[region_code])
    if rows.empty or not (rows["year"] == year).any():
        raise NotFound(f"清单 {run.id} 没有 {region.name_zh} {year} 年的结果 / run {run.id} has no "
                       f"results for {region_code} in {year}")
    unc = run_uncertainty(session, run.id, region_code=region_code, year=year,
                          method="propagation")
    mc = run_uncertainty(session, run.id, region_code=region_code, year=year,
                         method="montecarlo", iterations=MC_ITERATIONS, seed=MC_SEED)
    first = int(rows["year"].min())
    keycat = key_categories(session, run.id, region_code=region_code, year=year,
                            base_year=first if first < year else None)
    residuals = hierarchy_residuals(session, run.id)
    if residuals is not None and len(residuals):
        residuals = residuals[residuals["parent_code"] == region_code]
    findings = _findings(run_findings(session, run.id, region_code=region_code))
    findings = [f for f in findings if not f["where"] or str(year) in f["where"]
                or f["severity"] == "error"] or findings
    children = region_totals(session, run.id, parent_code=region_code, year=year)
    recalc = None
    if run.supersedes:
        recalc = compare_runs(session, run.supersedes, run.id, region_code=region_code)
    run_info = _run_dict(run)
    synthetic = str(run_info.get("source") or "").startswith("statistics")
    provenance = [Source(title=f"Inventory run {run.id} ({run.gwp})",
                         # a bilingual label prints its Chinese half; the platform computed
                         # the run (who started it is in the audit log) (issue #11 item 7)
                         title_zh=f"温室气体清单 {run.id}"
                                  f"（{(run.label or run.gwp).split(' / ')[0]}）",
                         edition=str(run.created_at)[:19], publisher="碳智平台",
                         licence="computed")]
    provenance += [factor_source(d, e) for d, e in sorted((run.factor_datasets or {}).items())]
    if synthetic:
        provenance.append(Source(
            title="Tanzhi demo data model: synthetic statistics",
            title_zh="碳智演示数据模型：按规划文本校准的合成统计数据", edition="demo",
            publisher="tanzhi", licence="synthetic, not official"))
    return InventoryInputs(
        region_code=region_code, region_name=region.name_zh, year=year, gwp=str(run.gwp),
        rows=rows, run=run_info, uncertainty=unc, montecarlo=mc, key_categories=keycat,
        residuals=residuals, findings=findings, recalculations=recalc, children=children,
        provenance=provenance, synthetic=synthetic)


def inventory_report(session: Session, *, run_id: str | int | None = None, region_code: str,
                     year: int) -> Document:
    """The inventory report (清单报告) of one region and year as a `Document`."""
    return compose_inventory(gather_inventory(session, run_id=run_id, region_code=region_code,
                                              year=year))
