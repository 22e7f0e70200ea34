"""Uncertainty computed when a run is compiled, and stored with it (issue #9, deliverable 7).

Before: statistics and most packaged factors carry no uncertainty, so every demo category came
out ±0.0 %, and the run page recomputed the whole region's Estimate on each view (~10 s).  Now
`compile_uncertainty` fills each input's missing uncertainty with its family's default (dataset
``uncertainty``, `calc.fill_default_uncertainty`, never silently: every stored interval lists
the defaults behind it), computes Approach 1 for every region × year × category × gas with a
total per region-year, and Approach 2 (Monte Carlo) for each region's latest year, and the run
stores the table (`store.UncertaintyRow`).  The page then reads rows.

Approach 2 over every region-year would draw (terms + sources) × iterations ≈ 1.6·10⁵ × 10⁴
numbers for the demo tree, minutes of work; the latest year of every region is the run page's
default view, other years are computed on request (`analysis.run_uncertainty`) and stored then.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import (
    compute_error_propagation,
    compute_monte_carlo,
    fill_default_uncertainty,
    select_rows,
)
from tanzhi.inventory.calc.input_uncertainty import DEFAULT, FACTOR_INFO_COLUMNS, NONE
from tanzhi.inventory.calc.uncertainty import TOTAL
from tanzhi.inventory.model import ID_SEPARATOR, Estimate
from tanzhi.kernel import DatasetRef, FactorLibrary, read_dataset

DEFAULTS_DATASET = "uncertainty"
PROPAGATION, MONTECARLO = "propagation", "montecarlo"
COMPILE_ITERATIONS = 2_000
COMPILE_SEED = 1
KEYS = ["region_code", "year", "category", "gas"]
OUTER = ("region_code", "year")
# Bound on groups × iterations held at once by one Monte Carlo batch (float32: 4 bytes each).
MC_CELLS_PER_BATCH = 20_000_000


@lru_cache(maxsize=1)
def _defaults() -> tuple[pd.DataFrame, DatasetRef]:
    frame, meta = read_dataset(DEFAULTS_DATASET)
    frame["category"] = frame["category"].fillna("")
    frame["parameter"] = frame["parameter"].fillna("")
    return frame, meta.ref


def uncertainty_defaults() -> pd.DataFrame:
    """The packaged default uncertainties (id, kind, parameter, category, uncertainty_pct,
    source, locator, provisional, note)."""
    return _defaults()[0].copy()


def defaults_ref() -> DatasetRef:
    """The edition of the defaults dataset a run records in its lineage."""
    return _defaults()[1]


def factor_info(library: object) -> pd.DataFrame:
    """Parameter, category, value and unit per factor id, for a kernel `FactorLibrary`; other
    lookups (test doubles) give none, so their factors keep only their own uncertainty."""
    if isinstance(library, FactorLibrary):
        return library.frame()[list(FACTOR_INFO_COLUMNS)]
    return pd.DataFrame(columns=list(FACTOR_INFO_COLUMNS))


def with_defaults(estimate: Estimate, activity: pd.DataFrame, library: object) -> Estimate:
    """`estimate` with missing input uncertainties set to their family defaults."""
    return fill_default_uncertainty(estimate, defaults=uncertainty_defaults(),
                                    activity=activity[["activity_id", "category"]],
                                    factors=factor_info(library))


def _group_defaults(estimate: Estimate) -> pd.DataFrame:
    """Per region-year-category-gas (and per region-year total): the default ids behind its
    interval and the number of inputs held exact for want of any uncertainty."""
    src = estimate.sources
    if "uncertainty_basis" not in src.columns or estimate.links.empty:
        return pd.DataFrame(columns=[*KEYS, "default_ids", "exact_sources"])
    basis = src.set_index("source")[["uncertainty_basis", "default_id"]]
    links = estimate.links.merge(estimate.terms[["term", "row"]], on="term")
    links = links.join(basis, on="source")
    links = links.loc[links["uncertainty_basis"].isin([DEFAULT, NONE])]
    rows = estimate.rows[KEYS].reset_index(drop=True)
    links = links.join(rows, on="row")
    # The set of defaults behind each group as a bit mask (two 64-bit lanes; the dataset has
    # < 128 rows), summed over distinct (group, default) pairs, then one string per distinct
    # mask: a per-group string join over ~35,000 groups costs seconds.
    code, names = pd.factorize(links["default_id"].where(
        links["uncertainty_basis"] == DEFAULT, None))
    if len(names) > 128:
        raise ValueError("more than 128 default uncertainties in use")
    code = code.astype("int64")
    links = links.assign(_code=code)
    out = []
    for keys in (KEYS, list(OUTER)):
        used = links.loc[code >= 0, [*keys, "_code"]].drop_duplicates()
        c = used["_code"].to_numpy(dtype="uint64")
        used = used.assign(
            _lo=np.where(c < 64, np.left_shift(np.uint64(1), c % np.uint64(64)), 0).astype(
                "uint64"),
            _hi=np.where(c >= 64, np.left_shift(np.uint64(1), c % np.uint64(64)), 0).astype(
                "uint64"))
        masks = used.groupby(keys, sort=False)[["_lo", "_hi"]].sum()
        text = {m: ID_SEPARATOR.join(sorted(
            str(names[i]) for i in range(len(names))
            if (m[i // 64] >> np.uint64(i % 64)) & np.uint64(1)))
            for m in set(zip(masks["_lo"].to_numpy(), masks["_hi"].to_numpy(), strict=True))}
        ids = pd.Series([text[m] for m in zip(masks["_lo"].to_numpy(), masks["_hi"].to_numpy(),
                                              strict=True)], index=masks.index, dtype=object)
        exact = links.loc[links["uncertainty_basis"] == NONE, [*keys, "source"]]
        n_exact = exact.drop_duplicates().groupby(keys, sort=False).size()
        part = pd.concat([ids.rename("default_ids"), n_exact.rename("exact_sources")],
                         axis=1).reset_index()
        for col in KEYS[len(keys):]:
            part[col] = TOTAL
        out.append(part)
    return pd.concat(out, ignore_index=True)


def _a1(estimate: Estimate, gwp: str) -> pd.DataFrame:
    res = compute_error_propagation(estimate, gwp=gwp, by=KEYS, totals_by=OUTER)
    half = res["emissions_co2e_t"].abs() * res["uncertainty_pct"] / 100.0
    return pd.DataFrame({
        **{k: res[k] for k in KEYS}, "method": PROPAGATION, "co2e_t": res["emissions_co2e_t"],
        "low": res["emissions_co2e_t"] - half, "high": res["emissions_co2e_t"] + half,
        "pct": res["uncertainty_pct"], "mean_t": np.nan,
        "activity_pct": res["activity_uncertainty_pct"],
        "factor_pct": res["factor_uncertainty_pct"], "iterations": None, "seed": None})


def _a2(estimate: Estimate, gwp: str, iterations: int, seed: int) -> pd.DataFrame:
    res = compute_monte_carlo(estimate, gwp=gwp, seed=seed, iterations=iterations, by=KEYS,
                              totals_by=OUTER)
    return pd.DataFrame({
        **{k: res[k] for k in KEYS}, "method": MONTECARLO, "co2e_t": res["deterministic_t"],
        "low": res["p2_5_t"], "high": res["p97_5_t"], "pct": res["uncertainty_pct"],
        "mean_t": res["mean_t"], "activity_pct": np.nan, "factor_pct": np.nan,
        "iterations": iterations, "seed": seed})


def _batches(rows: pd.DataFrame, keys: pd.DataFrame, iterations: int) -> Iterable[np.ndarray]:
    """Row masks over region-years in `keys`, a few regions at a time, so one Monte Carlo
    batch holds at most `MC_CELLS_PER_BATCH` samples."""
    chosen = rows[list(OUTER)].merge(keys.assign(_k=True), on=list(OUTER), how="left")["_k"]
    chosen = chosen.fillna(False).to_numpy(dtype=bool)
    groups = rows.loc[chosen].groupby("region_code")[["category", "gas"]].apply(
        lambda d: len(d.drop_duplicates()))
    per_batch = max(1, MC_CELLS_PER_BATCH // max(iterations, 1))
    batch: list[str] = []
    size = 0
    region = rows["region_code"].to_numpy()
    for code, n in groups.items():
        if batch and size + n > per_batch:
            yield chosen & np.isin(region, batch)
            batch, size = [], 0
        batch.append(str(code))
        size += int(n)
    if batch:
        yield chosen & np.isin(region, batch)


def compile_uncertainty(
    estimate: Estimate, activity: pd.DataFrame, library: object, *, gwp: str,
    iterations: int = COMPILE_ITERATIONS, seed: int = COMPILE_SEED,
    montecarlo_years: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The intervals a run stores (`store.UNCERTAINTY_STORE_COLUMNS`).

    Parameters
    ----------
    estimate
        The compiled Estimate (rows, terms, sources) of the whole run.
    activity
        The run's activity rows (``activity_id``, ``category``), for activity defaults.
    montecarlo_years
        ``region_code``, ``year`` pairs to run Approach 2 for; default each region's latest
        year.

    Numeric, non-memo rows only (as `analysis.run_uncertainty`); Approach 1 for every
    region-year, Approach 2 for `montecarlo_years`, both with a total per region-year.
    """
    rows = estimate.rows
    keep = rows["emissions_t"].notna().to_numpy() & ~rows["memo"].astype(bool).to_numpy()
    if not keep.any():
        return pd.DataFrame(columns=[*KEYS, "method"])
    est = with_defaults(select_rows(estimate, keep), activity, library)
    parts = [_a1(est, gwp)]
    if montecarlo_years is None:
        montecarlo_years = est.rows.groupby("region_code", as_index=False)["year"].max()
    if iterations > 0 and not montecarlo_years.empty:
        for mask in _batches(est.rows, montecarlo_years, iterations):
            parts.append(_a2(select_rows(est, mask), gwp, iterations, seed))
    out = pd.concat(parts, ignore_index=True)
    lineage = _group_defaults(est)
    out = out.merge(lineage, on=KEYS, how="left")
    out["default_ids"] = out["default_ids"].fillna("")
    out["exact_sources"] = out["exact_sources"].fillna(0).astype(int)
    return out
