"""Analyses of a stored run: uncertainty (Approach 1 and 2), key categories, the calibre
reconciliation, recalculation diffs and QA/QC findings."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.inventory import store
from tanzhi.inventory.calc import (
    compute_calibre_reconciliation,
    compute_inventory,
    compute_key_categories,
    select_rows,
)
from tanzhi.inventory.checks import (
    check_completeness,
    check_hierarchy,
    check_implied_factors,
    check_time_series,
)
from tanzhi.inventory.model import ID_SEPARATOR, Estimate, InventoryOptions
from tanzhi.inventory.service.compute import CompileLookup, FastCache
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS
from tanzhi.inventory.service.reads import hierarchy_residuals, run_results
from tanzhi.inventory.service.runs import RunInfo, get_run
from tanzhi.inventory.service.uncertainty import (
    MONTECARLO,
    PROPAGATION,
    compile_uncertainty,
    uncertainty_defaults,
)
from tanzhi.kernel import DataError, Finding, NotFound, Problem, default_library, read_dataset

UNCERTAINTY_COLUMNS = ["category", "gas", "co2e_t", "low", "high", "pct"]
# Shown with every interval: which inputs rest on default uncertainties (issue #9: never silently).
UNCERTAINTY_LINEAGE = ["activity_pct", "factor_pct", "mean_t", "iterations", "seed",
                       "default_ids", "exact_sources", "stored"]
# Plausible implied CO2 factors of fuel combustion (IPCC 2006 Vol.2 Ch.1 Table 1.4 ranges): data
# with its source in data/ief-ranges (issue #10 item 4), read once.
IEF_RANGES_DATASET = "ief-ranges"


@lru_cache(maxsize=1)
def ief_ranges() -> pd.DataFrame:
    """The packaged implied-factor ranges (category prefix, item, gas, low, high, unit)."""
    frame, _meta = read_dataset(IEF_RANGES_DATASET, dtype={"category": str, "item": str,
                                                           "gas": str, "unit": str})
    return frame[["category", "item", "gas", "low", "high", "unit"]]


COMPARE_KEYS = ["region_code", "year", "category", "item", "gas"]


def _estimate(session: Session, run: RunInfo,
              region_code: str) -> tuple[Estimate, pd.DataFrame]:
    """Recompute a run's Estimate (rows + uncertainty terms) for one region, all its years,
    and the activity rows it came from."""
    if run.activity_set_id is None:
        raise NotFound(f"清单批次 {run.id} 没有活动水平数据 / run {run.id} has no activity set")
    act = store.read_activity_set(session, run.activity_set_id, region_codes=[region_code])
    if act.empty:
        raise NotFound(f"清单批次 {run.id} 中没有 {region_code} / run {run.id} lacks "
                       f"{region_code}")
    act["activity_id"] = f"{run.activity_set_id}:" + act["row_no"].astype(int).astype(str)
    opts = InventoryOptions(
        variants=STATISTICS_VARIANTS if run.source == "statistics" else None)
    cache = FastCache(CompileLookup(default_library()), opts.variants)
    est = compute_inventory(act, cache, options=opts)
    return est, act


def run_uncertainty(
    session: Session, run_id: int, *, region_code: str, year: int,
    method: str = PROPAGATION, iterations: int | None = None, seed: int | None = None,
) -> pd.DataFrame:
    """95 % uncertainty of one region's year by category and gas, plus a ``total`` row.

    ``method="propagation"``: IPCC Approach 1 (error propagation; a factor shared by several
    categories counted once, fully correlated); ``"montecarlo"``: Approach 2, seeded, each
    factor one draw shared by every row, region and year using it.  Rows without a number
    (notation keys) and memo items are left out; inputs without an uncertainty of their own
    take the packaged default of their family (``default_ids`` names them; ``exact_sources``
    counts inputs that have neither and are held exact).

    The intervals the run stored when it was compiled are read back (``stored`` true) unless
    other Monte Carlo ``iterations``/``seed`` are asked for, or the run stored none (runs
    compiled before issue #9); then they are computed now.

    Returns ``category, gas, co2e_t, low, high, pct`` and `UNCERTAINTY_LINEAGE`.
    """
    if method not in (PROPAGATION, MONTECARLO):
        raise DataError(Problem(f"未知方法“{method}”",
                                f"unknown method {method!r} (propagation | montecarlo)"))
    if iterations is not None and not 100 <= int(iterations) <= 1_000_000:
        raise DataError(Problem("迭代次数须在 100 到 1,000,000 之间",
                                "iterations must be between 100 and 1,000,000"))
    stored = store.read_uncertainty(session, run_id, region_code=region_code, year=int(year),
                                    method=method)
    if not stored.empty:
        first = stored.iloc[0]
        same = method == PROPAGATION or (
            (iterations is None or int(first["iterations"]) == int(iterations))
            and (seed is None or int(first["seed"]) == int(seed)))
        if same:
            return _uncertainty_table(stored.assign(stored=True))
    run = get_run(session, run_id)
    est, act = _estimate(session, run, region_code)
    rows = est.rows
    keep = (rows["year"] == int(year)).to_numpy()
    if not (keep & rows["emissions_t"].notna().to_numpy()
            & ~rows["memo"].astype(bool).to_numpy()).any():
        raise NotFound(f"{region_code} {year} 年没有可计算的排放 / no emissions for "
                       f"{region_code} in {year}")
    est = select_rows(est, keep)
    n = 0 if method == PROPAGATION else int(iterations or 10_000)
    table = compile_uncertainty(
        est, act, default_library(), gwp=run.gwp, iterations=n, seed=int(seed or 1),
        montecarlo_years=pd.DataFrame({"region_code": [region_code], "year": [int(year)]}))
    table = table.loc[table["method"] == method]
    return _uncertainty_table(table.assign(stored=False))


def stored_uncertainty(session: Session, run_id: int, *, region_code: str, year: int,
                       method: str) -> pd.DataFrame:
    """The intervals stored with the run for one region-year and method, as
    `run_uncertainty` returns them; empty if the run stored none (nothing is computed)."""
    stored = store.read_uncertainty(session, run_id, region_code=region_code, year=int(year),
                                    method=method)
    return _uncertainty_table(stored.assign(stored=True))


def uncertainty_defaults_used(frame: pd.DataFrame) -> pd.DataFrame:
    """The default uncertainties (dataset ``uncertainty``) named in a table's ``default_ids``,
    with their value, source, locator and provisional mark."""
    ids = set()
    for text in frame.get("default_ids", pd.Series(dtype=object)).dropna().astype(str):
        ids.update(i for i in text.split(ID_SEPARATOR) if i)
    table = uncertainty_defaults()
    return table.loc[table["id"].isin(ids)].sort_values("id").reset_index(drop=True)


def _uncertainty_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=[*UNCERTAINTY_COLUMNS, *UNCERTAINTY_LINEAGE])
    return out.reset_index(drop=True)


def key_categories(session: Session, run_id: int, *, region_code: str, year: int,
                   base_year: int | None = None) -> pd.DataFrame:
    """Key categories of one region (IPCC 2006 Vol.1 Ch.4 Approach 1, level and, with a base
    year, trend) by category × gas; columns of `calc.compute_key_categories`."""
    run = get_run(session, run_id)
    years = [int(year)] + ([int(base_year)] if base_year is not None else [])
    rows = run_results(session, run_id, region_codes=[region_code], years=years)
    if rows.empty:
        raise NotFound(f"{region_code} {year} 年没有结果 / no results for {region_code} {year}")
    return compute_key_categories(rows, gwp=run.gwp, year=int(year), base_year=base_year)


def calibre_reconciliation(session: Session, run_id: int, *, region_code: str) -> pd.DataFrame:
    """Territorial CO2e → energy-activity CO2 with net imported electricity, step by step
    (`calc.compute_calibre_reconciliation`: region_code, year, step, step_zh, value_t)."""
    run = get_run(session, run_id)
    rows = run_results(session, run_id, region_codes=[region_code])
    return compute_calibre_reconciliation(rows, gwp=run.gwp)


def compare_runs(session: Session, run_a: int, run_b: int, *, region_code: str,
                 include_unchanged: bool = False) -> pd.DataFrame:
    """What a recalculation changed (run_a → run_b) for one region, and why.

    Returns one row per key (``region_code, year, category, item, gas``) with ``co2e_a``,
    ``co2e_b``, ``diff_co2e_t``, ``activity_a``, ``activity_b``, ``factor_ids_a``,
    ``factor_ids_b``, ``method_a``, ``method_b``, ``notation_a``, ``notation_b`` and
    ``reason``: ``added``, ``removed``, or a "+"-joined subset of ``activity`` (activity
    value changed), ``factor`` (factor ids or the implied factor changed), ``method`` (method
    text changed), ``notation``; ``reason_zh`` says it in Chinese.
    """
    a = run_results(session, run_a, region_codes=[region_code])
    b = run_results(session, run_b, region_codes=[region_code])
    cols = ["co2e_t", "emissions_t", "activity_value", "factor_ids", "method", "notation"]
    m = a[COMPARE_KEYS + cols].merge(b[COMPARE_KEYS + cols], on=COMPARE_KEYS, how="outer",
                                     suffixes=("_a", "_b"), indicator="side")
    reasons: list[str] = []
    for r in m.itertuples(index=False):
        if r.side == "left_only":
            reasons.append("removed")
            continue
        if r.side == "right_only":
            reasons.append("added")
            continue
        why = []
        if not _same(r.activity_value_a, r.activity_value_b):
            why.append("activity")
        ief_a = _ratio(r.emissions_t_a, r.activity_value_a)
        ief_b = _ratio(r.emissions_t_b, r.activity_value_b)
        if (r.factor_ids_a or "") != (r.factor_ids_b or "") or not _same(ief_a, ief_b):
            why.append("factor")
        if (r.method_a or "") != (r.method_b or ""):
            why.append("method")
        if (r.notation_a or "") != (r.notation_b or ""):
            why.append("notation")
        if not why and not _same(r.co2e_t_a, r.co2e_t_b):
            why.append("gwp")
        reasons.append("+".join(why))
    m["reason"] = reasons
    zh = {"added": "新增", "removed": "删除", "activity": "活动水平", "factor": "排放因子",
          "method": "方法", "notation": "注释符号", "gwp": "GWP"}
    m["reason_zh"] = m["reason"].map(
        lambda s: "+".join(zh.get(p, p) for p in s.split("+")) if s else "")
    m["diff_co2e_t"] = m["co2e_t_b"].fillna(0.0) - m["co2e_t_a"].fillna(0.0)
    m = m.rename(columns={"co2e_t_a": "co2e_a", "co2e_t_b": "co2e_b",
                          "activity_value_a": "activity_a", "activity_value_b": "activity_b"})
    if not include_unchanged:
        m = m.loc[m["reason"] != ""]
    out = m[[*COMPARE_KEYS, "co2e_a", "co2e_b", "diff_co2e_t", "activity_a", "activity_b",
             "factor_ids_a", "factor_ids_b", "method_a", "method_b", "notation_a",
             "notation_b", "reason", "reason_zh"]]
    return out.sort_values(COMPARE_KEYS, ignore_index=True)


def _same(x: object, y: object) -> bool:
    xn, yn = pd.isna(x), pd.isna(y)
    if xn or yn:
        return bool(xn and yn)
    return bool(np.isclose(float(x), float(y), rtol=1e-9, atol=1e-12))  # type: ignore[arg-type]


def _ratio(e: object, a: object) -> float:
    if pd.isna(e) or pd.isna(a) or float(a) == 0:  # type: ignore[arg-type]
        return float("nan")
    return float(e) / float(a)  # type: ignore[arg-type]


def run_findings(session: Session, run_id: int, *,
                 region_code: str | None = None) -> list[Finding]:
    """QA/QC findings of a run: time-series consistency and implied-factor plausibility (every
    region, or one), completeness with notation keys (one region only, to keep it readable),
    and the hierarchy residuals beyond rounding."""
    codes = [region_code] if region_code else None
    rows = run_results(session, run_id, region_codes=codes)
    numeric = rows.loc[rows["emissions_t"].notna()]
    findings = check_time_series(numeric)
    findings += check_implied_factors(numeric, ief_ranges())
    if region_code:
        findings += check_completeness(rows)
    residuals = hierarchy_residuals(session, run_id, parent_code=region_code)
    findings += check_hierarchy(residuals)
    return findings
