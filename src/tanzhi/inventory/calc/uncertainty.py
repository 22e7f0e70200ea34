"""Uncertainty of an inventory: IPCC Approach 1 (error propagation) and Approach 2 (Monte Carlo),
for levels and trends."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.totals import Gwp, gwp_weights
from tanzhi.inventory.model import Estimate

# A source's U is a 95 % half-width, so its relative standard deviation is U / 1.96 (Vol.1
# Ch.3 §3.2.2.4, normal approximation).
Z95 = 1.959963984540054
# From this U on a source is drawn lognormal (mean 1, same variance) rather than normal: a
# normal with sd ≥ U/1.96 ≈ 25 % puts visible mass below zero (Vol.1 §3.2.3.1 recommends
# skewed pdfs for large, non-negative quantities).
LOGNORMAL_FROM_PCT = 50.0
TOTAL = "total"


def combine_product_uncertainty(uncertainties_pct: Sequence[float]) -> float:
    """Uncertainty (%) of a product of independent quantities.

    Method: IPCC 2006 Vol.1 Ch.3 Eq.3.1, U_total = sqrt(U_1² + U_2² + … + U_n²).

    Examples
    --------
    >>> round(combine_product_uncertainty([3.0, 4.0]), 6)
    5.0
    """
    u = np.asarray(uncertainties_pct, dtype="float64")
    return float(np.sqrt(np.sum(u * u)))


def combine_sum_uncertainty(values: Sequence[float], uncertainties_pct: Sequence[float]) -> float:
    """Uncertainty (%) of a sum (or difference) of independent quantities.

    Method: IPCC 2006 Vol.1 Ch.3 Eq.3.2,
    U_total = sqrt((U_1·x_1)² + … + (U_n·x_n)²) / |x_1 + … + x_n|.

    Examples
    --------
    >>> round(combine_sum_uncertainty([100.0, 100.0], [10.0, 10.0]), 4)  # 10·√2·100/200
    7.0711
    """
    x = np.asarray(values, dtype="float64")
    u = np.asarray(uncertainties_pct, dtype="float64")
    return float(np.sqrt(np.sum((u * x) ** 2)) / abs(np.sum(x)))


# ---------------------------------------------------------------------------------------------
# Compiling an Estimate into arrays


@dataclass(frozen=True)
class _Model:
    groups: pd.DataFrame  # one row per group: the `by` columns
    deterministic: np.ndarray  # (G,) t CO2e
    term_group: np.ndarray  # (T,) group of each term, sorted ascending
    coefficient: np.ndarray  # (T,) t CO2e
    source_index: np.ndarray  # (T, K) into sources; S = the "no uncertainty" row of ones
    source_kind: np.ndarray  # (S,) "activity" / "factor"
    source_u: np.ndarray  # (S,) U in %


@dataclass(frozen=True)
class _Plan:
    """The model factored for simulation: terms sharing a group and all sources but their
    lead (activity) source form a combo, Σ_t c_t·m_lead(t) · Π_common m, so the common
    multipliers are applied once per combo instead of once per term."""

    sigma: np.ndarray  # (S',) relative standard deviation, float32 (sources, then pooled)
    n_clipped: int  # the first n sources are single quantities, clipped at zero
    lognormal: np.ndarray  # indices drawn lognormal
    lead: np.ndarray  # (T,) lead source of each term, terms ordered by combo
    coefficient: np.ndarray  # (T,) in the same order, float32
    combo_start: np.ndarray  # (C,) first term of each combo
    tuples: np.ndarray  # (D, K) distinct common-source tuples, padded with the sentinel
    tuple_rows: tuple[np.ndarray | None, ...]  # per column: tuples that have it (None = all)
    tuple_of_combo: np.ndarray  # (C,) which tuple multiplies each combo
    combo_rank_rows: tuple[np.ndarray | None, ...]  # per rank r: combos with > r terms
    group_start: np.ndarray  # (G,) first combo of each group
    group_rank_rows: tuple[np.ndarray | None, ...]  # per rank r: groups with > r combos


def _compile(estimate: Estimate, gwp: Gwp, by: Sequence[str], include_memo: bool) -> _Model:
    rows = estimate.rows
    keep = rows["emissions_t"].notna().to_numpy().copy()
    if not include_memo:
        keep &= ~rows["memo"].astype(bool).to_numpy()
    weight = np.zeros(len(rows))
    if keep.any():
        weight[keep] = gwp_weights(rows.loc[keep, "gas"], gwp)
    kept = rows.loc[keep]
    by = list(by)
    if by:
        labels = kept[by].drop_duplicates().sort_values(by, kind="stable").reset_index(drop=True)
        gid = kept[by].merge(labels.reset_index(), on=by, how="left")["index"].to_numpy()
    else:
        labels = pd.DataFrame(index=[0])
        gid = np.zeros(len(kept), dtype="int64")
    row_group = np.full(len(rows), -1, dtype="int64")
    row_group[keep] = gid
    n_groups = len(labels)
    deterministic = np.bincount(gid, weights=kept["emissions_t"].to_numpy() * weight[keep],
                                minlength=n_groups)

    terms = estimate.terms
    t_row = terms["row"].to_numpy(dtype="int64")
    t_keep = row_group[t_row] >= 0 if len(terms) else np.zeros(0, dtype=bool)
    t_group = row_group[t_row][t_keep]
    coef = (terms["coefficient_t"].to_numpy() * weight[t_row])[t_keep]
    term_ids = terms["term"].to_numpy()[t_keep]

    src = estimate.sources.reset_index(drop=True)
    u = src["uncertainty_pct"].fillna(0.0).to_numpy(dtype="float64")
    uncertain = u > 0
    src = src.loc[uncertain].reset_index(drop=True)
    u = u[uncertain]
    n_src = len(src)
    src_pos = pd.Series(np.arange(n_src), index=src["source"].to_numpy())

    links = estimate.links
    term_pos = pd.Series(np.arange(len(term_ids)), index=term_ids)
    lk = links.loc[links["term"].isin(term_ids) & links["source"].isin(src_pos.index)]
    lt = term_pos.reindex(lk["term"].to_numpy()).to_numpy(dtype="int64")
    ls = src_pos.reindex(lk["source"].to_numpy()).to_numpy(dtype="int64")
    # A term with no uncertain source is a zero-width column of the sentinel (always 1).
    order = np.argsort(lt, kind="stable")
    lt, ls = lt[order], ls[order]
    counts = np.bincount(lt, minlength=len(term_ids))
    width = max(int(counts.max()) if len(counts) else 0, 1)
    rank = np.arange(len(lt)) - np.repeat(np.cumsum(counts) - counts, counts)
    index = np.full((len(term_ids), width), n_src, dtype="int64")
    index[lt, rank] = ls

    # Every group gets one zero term so segment sums never see an empty group.
    t_group = np.concatenate([t_group, np.arange(n_groups)])
    coef = np.concatenate([coef, np.zeros(n_groups)])
    index = np.vstack([index, np.full((n_groups, width), n_src, dtype="int64")])
    order = np.argsort(t_group, kind="stable")
    t_group, coef, index = t_group[order], coef[order], index[order]
    return _Model(
        groups=labels, deterministic=deterministic, term_group=t_group, coefficient=coef,
        source_index=index, source_kind=src["kind"].to_numpy(dtype=object), source_u=u,
    )


def _plan(model: _Model) -> _Plan:
    n_src = len(model.source_u)
    idx = model.source_index
    is_act = np.append(model.source_kind == "activity", False)[idx]
    has = idx < n_src
    # Lead = first activity source of the term, else its first source, else the sentinel.
    pick = np.where(is_act.any(axis=1), is_act.argmax(axis=1), has.argmax(axis=1))
    lead = idx[np.arange(len(idx)), pick]
    rest = idx.copy()
    rest[np.arange(len(idx)), pick] = n_src
    rest.sort(axis=1)
    combos, combo_of = np.unique(np.column_stack([model.term_group, rest]), axis=0,
                                 return_inverse=True)
    combo_of = combo_of.ravel()
    sigma = model.source_u / Z95 / 100.0
    lognormal = model.source_u >= LOGNORMAL_FROM_PCT
    lead, coef, combo_of, sigma_all = _pool_leads(
        lead, model.coefficient, combo_of, combos[:, 1:], sigma, lognormal)
    # Draw only sources still in use (pooled leads drop out), originals first; the sentinel
    # (index n_src, multiplier 1) goes last.
    used = np.zeros(len(sigma_all), dtype=bool)
    used[lead] = True
    used[combos[:, 1:].ravel()] = True
    used[n_src] = False
    n_all = int(used.sum())
    remap = np.where(used, np.cumsum(used) - 1, n_all)
    is_ln = np.zeros(len(sigma_all), dtype=bool)
    is_ln[:n_src] = lognormal
    lead = remap[lead]
    common = remap[combos[:, 1:]]
    order = np.argsort(combo_of, kind="stable")
    combo_start = np.searchsorted(combo_of[order], np.arange(len(combos)))
    # Many combos share their common sources (one fuel's NCV, carbon content and oxidation in
    # every sector): multiply each distinct tuple once, then each combo by its tuple.
    tuples, tuple_of_combo = np.unique(common, axis=0, return_inverse=True)
    width = (tuples < n_all).sum(axis=1)
    keep_cols = int(width.max()) if len(width) else 0
    tuples = tuples[:, :keep_cols]
    rows = tuple(None if (width > j).all() else np.flatnonzero(width > j)
                 for j in range(keep_cols))
    group_start = np.searchsorted(combos[:, 0], np.arange(len(model.groups)))
    return _Plan(sigma=sigma_all[used].astype(np.float32), n_clipped=int(used[:n_src].sum()),
                 lognormal=np.flatnonzero(is_ln[used]),
                 lead=lead[order], coefficient=coef[order].astype(np.float32),
                 combo_start=combo_start, tuples=tuples, tuple_rows=rows,
                 tuple_of_combo=tuple_of_combo.ravel(),
                 combo_rank_rows=_rank_rows(combo_start, len(lead)),
                 group_start=group_start, group_rank_rows=_rank_rows(group_start, len(combos)))


def _pool_leads(
    lead: np.ndarray, coef: np.ndarray, combo_of: np.ndarray, common: np.ndarray,
    sigma: np.ndarray, lognormal: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Replace same-signed normal leads private to one combo by one pooled source.

    Σ_t c_t (1 + σ_t z_t) with independent standard normals z_t is exactly
    Σc + √Σ(c_t σ_t)² · z, so a combo whose leads are normal and used nowhere else needs one
    draw instead of one per lead (a landfill's deposit years, for instance).  Sources are
    identical in law; only the number of random draws falls.
    """
    n_src = len(sigma)
    frame = pd.DataFrame({"lead": lead, "coef": coef, "combo": combo_of})
    frame = frame.groupby(["combo", "lead"], sort=False, as_index=False)["coef"].sum()
    real = frame["lead"].to_numpy() < n_src
    in_common = np.zeros(n_src + 1, dtype=bool)
    in_common[common.ravel()] = True
    combos_per_src = np.bincount(frame.loc[real, "lead"], minlength=n_src)
    private = (~lognormal) & (~in_common[:n_src]) & (combos_per_src == 1)
    ok = real.copy()
    ok[real] = private[frame.loc[real, "lead"].to_numpy()]
    cand = frame.loc[ok]
    sign = np.sign(cand["coef"])
    by_combo = cand.assign(sign=sign).groupby("combo")
    stats = by_combo.agg(n=("coef", "size"), total=("coef", "sum"),
                         smin=("sign", "min"), smax=("sign", "max"))
    pooled = stats.loc[(stats["n"] >= 2) & (stats["smin"] == stats["smax"])
                       & (stats["total"] != 0)]
    if pooled.empty:
        return (frame["lead"].to_numpy(), frame["coef"].to_numpy(),
                frame["combo"].to_numpy(), np.append(sigma, 0.0))
    cand = cand.loc[cand["combo"].isin(pooled.index)]
    var = (cand["coef"] * sigma[cand["lead"].to_numpy()]) ** 2
    sd = np.sqrt(var.groupby(cand["combo"]).sum()).reindex(pooled.index)
    new_src = n_src + 1 + np.arange(len(pooled))  # n_src itself is the sentinel
    keep = frame.drop(index=cand.index)
    added = pd.DataFrame({"lead": new_src, "coef": pooled["total"].to_numpy(),
                          "combo": pooled.index.to_numpy()})
    out = pd.concat([keep, added], ignore_index=True)
    sigma_all = np.concatenate([sigma, [0.0], (sd / pooled["total"].abs()).to_numpy()])
    return (out["lead"].to_numpy(), out["coef"].to_numpy(), out["combo"].to_numpy(),
            sigma_all)


def _rank_rows(starts: np.ndarray, total: int) -> tuple[np.ndarray | None, ...]:
    lengths = np.diff(np.append(starts, total))
    longest = int(lengths.max()) if len(lengths) else 0
    return tuple(None if (lengths > r).all() else np.flatnonzero(lengths > r)
                 for r in range(longest))


def _segment_sum(x: np.ndarray, starts: np.ndarray,
                 rank_rows: tuple[np.ndarray | None, ...]) -> np.ndarray:
    """Sums of consecutive row segments of `x`.

    Adds the r-th row of every segment that has one, rank by rank; on 2-D arrays this is an
    order of magnitude faster than ``np.add.reduceat(x, starts, axis=0)``, which walks the
    rows column by column.
    """
    out = np.take(x, starts, axis=0)
    for r in range(1, len(rank_rows)):
        rows = rank_rows[r]
        if rows is None:
            out += np.take(x, starts + r, axis=0)
        else:
            out[rows] += np.take(x, starts[rows] + r, axis=0)
    return out


# ---------------------------------------------------------------------------------------------
# Approach 2: Monte Carlo


def _multipliers(plan: _Plan, z: np.ndarray) -> np.ndarray:
    """Relative multipliers (mean 1) of all sources, plus the sentinel row of ones."""
    m = np.empty((z.shape[0] + 1, z.shape[1]), dtype=z.dtype)
    body = m[:-1]
    np.multiply(z, plan.sigma[:, None], out=body)
    body += 1.0
    clipped = body[: plan.n_clipped]
    np.maximum(clipped, 0.0, out=clipped)  # a quantity cannot turn negative
    ln = plan.lognormal
    if ln.size:
        s_ln = np.sqrt(np.log1p(plan.sigma[ln].astype("float64") ** 2))[:, None]
        m[ln] = np.exp(s_ln * z[ln] - 0.5 * s_ln * s_ln)
    m[-1] = 1.0
    return m


def _simulate(model: _Model, iterations: int, seed: int, workers: int,
              chunk_size: int) -> np.ndarray:
    """(G, N) samples of each group's total, in t CO2e (float32: the draws carry ~7 digits,
    far finer than any inventory uncertainty)."""
    plan = _plan(model)
    n_groups = len(model.groups)
    out = np.empty((n_groups, iterations), dtype=np.float32)
    bounds = list(range(0, iterations, chunk_size)) + [iterations]
    # One child seed per chunk: results depend on the seed and chunk size, not on threads.
    seeds = np.random.SeedSequence(seed).spawn(len(bounds) - 1)
    n_src = len(plan.sigma)
    coef = plan.coefficient[:, None]

    def run(i: int) -> None:
        lo, hi = bounds[i], bounds[i + 1]
        rng = np.random.Generator(np.random.PCG64(seeds[i]))
        m = _multipliers(plan, rng.standard_normal((n_src, hi - lo), dtype=np.float32))
        inner = np.take(m, plan.lead, axis=0)
        inner *= coef
        combo = _segment_sum(inner, plan.combo_start, plan.combo_rank_rows)
        if len(plan.tuple_rows):
            shared = np.take(m, plan.tuples[:, 0], axis=0)
            for j in range(1, len(plan.tuple_rows)):
                rows = plan.tuple_rows[j]
                if rows is None:
                    shared *= np.take(m, plan.tuples[:, j], axis=0)
                else:
                    shared[rows] *= np.take(m, plan.tuples[rows, j], axis=0)
            combo *= np.take(shared, plan.tuple_of_combo, axis=0)
        out[:, lo:hi] = _segment_sum(combo, plan.group_start, plan.group_rank_rows)

    if workers > 1 and len(bounds) > 2:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, range(len(bounds) - 1)))
    else:
        for i in range(len(bounds) - 1):
            run(i)
    return out


def _quantiles(samples: np.ndarray, probs: Sequence[float]) -> list[np.ndarray]:
    """Row quantiles with numpy's default (linear) rule, from one partial sort."""
    n = samples.shape[1]
    pos = [p * (n - 1) for p in probs]
    kth = sorted({int(np.floor(x)) for x in pos} | {min(int(np.floor(x)) + 1, n - 1)
                                                    for x in pos})
    part = np.partition(samples, kth, axis=1)
    out = []
    for x in pos:
        k = int(np.floor(x))
        frac = x - k
        lo = part[:, k].astype("float64")
        hi = part[:, min(k + 1, n - 1)].astype("float64")
        out.append(lo + (hi - lo) * frac)
    return out


def _summarise(labels: pd.DataFrame, deterministic: np.ndarray,
               samples: np.ndarray) -> pd.DataFrame:
    mean = samples.mean(axis=1, dtype=np.float64)
    lo, hi = _quantiles(samples, (0.025, 0.975))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 100.0 / np.abs(mean)
        out = labels.assign(
            deterministic_t=deterministic, mean_t=mean, p2_5_t=lo, p97_5_t=hi,
            minus_pct=(mean - lo) * scale, plus_pct=(hi - mean) * scale,
            uncertainty_pct=(hi - lo) / 2.0 * scale,
        )
    return out


def compute_monte_carlo(
    estimate: Estimate, *, gwp: Gwp, seed: int, iterations: int = 100_000,
    by: Sequence[str] = ("category",), include_memo: bool = False, workers: int | None = None,
    chunk_size: int = 8192, totals_by: Sequence[str] = (),
) -> pd.DataFrame:
    """95 % intervals by Monte Carlo simulation (IPCC Approach 2), per group and in total.

    Every source (activity row or factor id) is drawn once per iteration and shared by every
    term that uses it, so a factor common to several regions or years is fully correlated
    across them, as Vol.1 §3.2.3.2 asks.  Sources with U < 50 % are normal, others lognormal,
    both with mean 1 (the MC mean tends to the deterministic value).

    Parameters
    ----------
    gwp
        GWP set (or gas → GWP mapping); results are t CO2e.
    seed
        Seed of the numpy Generator; the same seed and chunk size give the same numbers.
    by
        Result columns to group by (e.g. ``("category", "gas")``); a ``total`` row follows.
    workers
        Threads (numpy releases the GIL); default min(2, cpu count).
    totals_by
        A leading part of `by` (e.g. ``("region_code", "year")``): one ``total`` row per
        distinct value of these columns (the others labelled ``total``) instead of one grand
        total, from the same draws, so each region-year's total keeps its correlations.

    Returns
    -------
    pandas.DataFrame
        `by` columns, ``deterministic_t``, ``mean_t``, ``p2_5_t``, ``p97_5_t``,
        ``minus_pct``, ``plus_pct`` (asymmetric bounds relative to the mean) and
        ``uncertainty_pct`` (half the 95 % range, % of the mean).

    Method: IPCC 2006 Vol.1 Ch.3 §3.2.3.2 (Approach 2, Monte Carlo), Table 3.3 reporting.
    """
    model = _compile(estimate, gwp, by, include_memo)
    w = workers if workers is not None else min(2, os.cpu_count() or 1)
    samples = _simulate(model, iterations, seed, w, chunk_size)
    groups = _summarise(model.groups, model.deterministic, samples)
    labels, starts = _total_groups(model.groups, list(by), list(totals_by))
    total = _summarise(labels, _reduce(model.deterministic, starts),
                       _reduce(samples, starts))
    return pd.concat([groups, total], ignore_index=True)


def _reduce(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sums of the row segments starting at `starts` (zeros when `x` has no rows)."""
    if len(x) == 0:
        return np.zeros((len(starts), *x.shape[1:]))
    return np.add.reduceat(x, starts, axis=0, dtype=np.float64)


def _total_groups(groups: pd.DataFrame, by: list[str],
                  totals_by: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Labels of the total rows and the first group of each (groups are sorted by `by`, so
    the groups of one `totals_by` value are consecutive)."""
    if totals_by != by[: len(totals_by)]:
        raise ValueError(f"totals_by {totals_by} must lead by {by}")
    if not totals_by or groups.empty:
        labels = pd.DataFrame({c: [TOTAL] for c in by}) if by else pd.DataFrame(index=[0])
        return labels, np.array([0])
    keys = groups[totals_by]
    first = (keys != keys.shift()).any(axis=1).to_numpy()
    labels = keys.loc[first].reset_index(drop=True)
    for c in by[len(totals_by):]:
        labels[c] = TOTAL
    return labels, np.flatnonzero(first)


def compute_monte_carlo_trend(
    estimate: Estimate, *, gwp: Gwp, base_year: int, year: int, seed: int,
    iterations: int = 100_000, workers: int | None = None, chunk_size: int = 8192,
) -> pd.DataFrame:
    """Trend (% change from `base_year` to `year`) by Monte Carlo, factors shared across years.

    Returns one row: ``base_t``, ``year_t``, ``trend_pct`` (deterministic), ``mean_pct``,
    ``p2_5_pct``, ``p97_5_pct``.  Method: IPCC 2006 Vol.1 §3.2.3.2 (trend by Approach 2).
    """
    mask = estimate.rows["year"].isin([base_year, year]).to_numpy()
    sub = Estimate(rows=estimate.rows.assign(
        emissions_t=estimate.rows["emissions_t"].where(mask)),
        terms=estimate.terms, links=estimate.links, sources=estimate.sources)
    model = _compile(sub, gwp, ("year",), False)
    w = workers if workers is not None else min(2, os.cpu_count() or 1)
    samples = _simulate(model, iterations, seed, w, chunk_size)
    years = model.groups["year"].tolist()
    b = samples[years.index(base_year)].astype("float64")
    t = samples[years.index(year)].astype("float64")
    trend = (t - b) / np.abs(b) * 100.0
    det_b = model.deterministic[years.index(base_year)]
    det_t = model.deterministic[years.index(year)]
    lo, hi = np.quantile(trend, [0.025, 0.975])
    return pd.DataFrame({"base_t": [det_b], "year_t": [det_t],
                         "trend_pct": [(det_t - det_b) / abs(det_b) * 100.0],
                         "mean_pct": [trend.mean()], "p2_5_pct": [lo], "p97_5_pct": [hi]})


# ---------------------------------------------------------------------------------------------
# Approach 1: error propagation


def compute_error_propagation(
    estimate: Estimate, *, gwp: Gwp, by: Sequence[str] = ("category",),
    include_memo: bool = False, totals_by: Sequence[str] = (),
) -> pd.DataFrame:
    """95 % uncertainty by error propagation (IPCC Approach 1), per group and in total.

    Each group's value is a sum of terms, each term a product of uncertain sources.  To first
    order the variance is Σ_s (∂E/∂x_s · σ_s)², with ∂E/∂x_s the sum of the terms that contain
    source s.  For independent factors this is exactly Eq.3.1 (products) and Eq.3.2 (sums);
    a factor shared by several categories is counted once, fully correlated.

    Returns
    -------
    pandas.DataFrame
        `by` columns, ``emissions_co2e_t``, ``uncertainty_pct`` and its split into
        ``activity_uncertainty_pct`` and ``factor_uncertainty_pct`` (the E and F columns of
        Table 3.2), then a ``total`` row (one per `totals_by` value, as in
        `compute_monte_carlo`).

    Method: IPCC 2006 Vol.1 Ch.3 §3.2.3.1, Eq.3.1-3.2, Table 3.2 columns A-H.
    """
    model = _compile(estimate, gwp, by, include_memo)
    n_groups = len(model.groups)
    t = np.repeat(np.arange(len(model.coefficient)), model.source_index.shape[1])
    s = model.source_index.ravel()
    real = s < len(model.source_u)
    t, s = t[real], s[real]
    g = model.term_group[t]
    sens = pd.DataFrame({"g": g, "s": s, "d": model.coefficient[t]}).groupby(
        ["g", "s"], sort=False)["d"].sum().reset_index()
    labels, starts = _total_groups(model.groups, list(by), list(totals_by))
    total_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n_groups)))
    total_sens = sens.assign(g=total_of[sens["g"].to_numpy()] if n_groups else 0).groupby(
        ["g", "s"], sort=False)["d"].sum().reset_index()

    def propagate(group_of: np.ndarray, src: np.ndarray, d: np.ndarray, n: int,
                  det: np.ndarray) -> dict[str, np.ndarray]:
        u = model.source_u[src]
        out = {}
        for name, mask in (("uncertainty_pct", np.ones(len(src), bool)),
                           ("activity_uncertainty_pct", model.source_kind[src] == "activity"),
                           ("factor_uncertainty_pct", model.source_kind[src] == "factor")):
            var = np.bincount(group_of[mask], weights=(d[mask] * u[mask]) ** 2, minlength=n)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[name] = np.sqrt(var) / np.abs(det)
        return out

    per = propagate(sens["g"].to_numpy(), sens["s"].to_numpy(), sens["d"].to_numpy(),
                    n_groups, model.deterministic)
    total_det = _reduce(model.deterministic, starts)
    tot = propagate(total_sens["g"].to_numpy(), total_sens["s"].to_numpy(),
                    total_sens["d"].to_numpy(), len(starts), total_det)
    groups = model.groups.assign(emissions_co2e_t=model.deterministic, **per)
    total = labels.assign(emissions_co2e_t=total_det, **{k: v for k, v in tot.items()})
    return pd.concat([groups, total], ignore_index=True)


def compute_trend_uncertainty(table: pd.DataFrame) -> pd.DataFrame:
    """Trend uncertainty by error propagation (IPCC Approach 1, Table 3.2 columns C-M).

    Parameters
    ----------
    table
        One row per category (and gas): ``base_t`` (C, base-year CO2e), ``year_t`` (D),
        ``activity_uncertainty_pct`` (E) and ``factor_uncertainty_pct`` (F).

    Returns
    -------
    pandas.DataFrame
        The input plus ``combined_uncertainty_pct`` (G = √(E²+F²)),
        ``variance_contribution`` (H = (G·D)²/(ΣD)²), ``type_a_sensitivity`` (I),
        ``type_b_sensitivity`` (J = D/ΣC), ``trend_from_factor`` (K = I·F, factors
        correlated between years), ``trend_from_activity`` (L = J·E·√2, activity data not
        correlated) and ``trend_variance`` (M = K² + L²); then a ``total`` row whose
        ``combined_uncertainty_pct`` is √ΣH and ``trend_uncertainty_pct`` √ΣM (percentage
        points of the trend).

    Method: IPCC 2006 Vol.1 Ch.3 Table 3.2; Type A sensitivity
    I = [(0.01·D_x + ΣD − (0.01·C_x + ΣC)) / (0.01·C_x + ΣC) − (ΣD − ΣC)/ΣC] × 100.
    """
    c = table["base_t"].to_numpy(dtype="float64")
    d = table["year_t"].to_numpy(dtype="float64")
    e = table["activity_uncertainty_pct"].to_numpy(dtype="float64")
    f = table["factor_uncertainty_pct"].to_numpy(dtype="float64")
    sc, sd = c.sum(), d.sum()
    g = np.sqrt(e * e + f * f)
    h = (g * d) ** 2 / sd**2
    i = ((0.01 * d + sd - (0.01 * c + sc)) / (0.01 * c + sc) - (sd - sc) / sc) * 100.0
    j = d / sc
    k = i * f
    ll = j * e * np.sqrt(2.0)
    m = k * k + ll * ll
    out = table.assign(combined_uncertainty_pct=g, variance_contribution=h,
                       type_a_sensitivity=i, type_b_sensitivity=j, trend_from_factor=k,
                       trend_from_activity=ll, trend_variance=m)
    total = {col: TOTAL for col in table.columns
             if not pd.api.types.is_numeric_dtype(table[col])}
    total.update(base_t=sc, year_t=sd, combined_uncertainty_pct=float(np.sqrt(h.sum())),
                 variance_contribution=float(h.sum()), trend_variance=float(m.sum()),
                 trend_uncertainty_pct=float(np.sqrt(m.sum())),
                 trend_pct=(sd - sc) / sc * 100.0)
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def compute_error_propagation_trend(
    estimate: Estimate, *, gwp: Gwp, base_year: int, year: int,
    by: Sequence[str] = ("category", "gas"),
) -> pd.DataFrame:
    """Table 3.2 for an Estimate holding both years: levels per `by` group, E and F of `year`."""
    rows = estimate.rows
    pieces = []
    for y in (base_year, year):
        mask = (rows["year"] == y).to_numpy()
        sub = Estimate(rows=rows.assign(emissions_t=rows["emissions_t"].where(mask)),
                       terms=estimate.terms, links=estimate.links, sources=estimate.sources)
        res = compute_error_propagation(sub, gwp=gwp, by=by)
        pieces.append(res.loc[res[by[0]] != TOTAL] if by else res)
    base, cur = pieces
    keys = list(by)
    table = base[[*keys, "emissions_co2e_t"]].rename(columns={"emissions_co2e_t": "base_t"})
    table = table.merge(cur[[*keys, "emissions_co2e_t", "activity_uncertainty_pct",
                             "factor_uncertainty_pct"]], on=keys, how="outer")
    table = table.rename(columns={"emissions_co2e_t": "year_t"})
    table[["base_t", "year_t"]] = table[["base_t", "year_t"]].fillna(0.0)
    table[["activity_uncertainty_pct", "factor_uncertainty_pct"]] = table[
        ["activity_uncertainty_pct", "factor_uncertainty_pct"]].fillna(0.0)
    return compute_trend_uncertainty(table)
