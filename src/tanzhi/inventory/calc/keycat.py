"""Key category analysis (关键类别分析): IPCC Approach 1 level and trend assessments."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.totals import Gwp, compute_co2e, counted

# IPCC 2006 Vol.1 Ch.4 §4.3.1: Approach 1 key categories add up to 95 % of the level (trend).
KEY_THRESHOLD = 0.95


def _rank(share: pd.Series, threshold: float) -> tuple[pd.Series, pd.Series]:
    """Cumulative share in descending order and whether the category is key.

    A category is key when the categories before it have not yet reached the threshold, so
    the one that crosses it is included ("add up to 95 %").
    """
    order = share.sort_values(ascending=False, kind="stable")
    cum = order.cumsum()
    key = (cum - order) < threshold - 1e-12
    return cum.reindex(share.index), key.reindex(share.index)


def compute_key_categories(
    rows: pd.DataFrame, *, gwp: Gwp, year: int, base_year: int | None = None,
    by: Sequence[str] = ("category", "gas"), threshold: float = KEY_THRESHOLD,
) -> pd.DataFrame:
    """Key categories by the level and, with a base year, the trend assessment.

    Parameters
    ----------
    rows
        Result rows (memo and notation rows are ignored); filter to the region first.
    gwp
        GWP set or mapping; assessments run on CO2e.
    by
        The level of disaggregation (IPCC Table 4.1 suggests category × gas).

    Returns
    -------
    pandas.DataFrame
        `by` columns, ``emissions_co2e_t`` (year), ``base_emissions_co2e_t``, ``level_share``
        (Eq.4.1 L = |E_x,t| / Σ|E_y,t|), ``level_cumulative``, ``key_level``,
        ``trend_assessment`` (Eq.4.2), ``trend_share``, ``trend_cumulative``, ``key_trend``,
        ``key``, sorted by level share.

    Method: IPCC 2006 Vol.1 Ch.4 Eq.4.1 (level) and Eq.4.2 (trend, absolute values so sinks
    count),  T_x = |E_x,0|/Σ|E_y,0| · |(E_x,t − E_x,0)/|E_x,0| − (ΣE_y,t − ΣE_y,0)/|ΣE_y,0||,
    and T_x = |E_x,t|/Σ|E_y,0| when E_x,0 = 0.
    """
    keys = list(by)
    base = counted(rows)
    base = base.assign(_co2e=compute_co2e(base, gwp=gwp))

    def level_of(y: int) -> pd.Series:
        sel = base.loc[base["year"] == y]
        return sel.groupby(keys, sort=True)["_co2e"].sum()

    cur = level_of(year)
    prev = level_of(base_year) if base_year is not None else None
    index = cur.index if prev is None else cur.index.union(prev.index)
    e_t = cur.reindex(index, fill_value=0.0)
    out = pd.DataFrame({"emissions_co2e_t": e_t}, index=index)
    level = e_t.abs() / e_t.abs().sum()
    out["level_share"] = level
    out["level_cumulative"], out["key_level"] = _rank(level, threshold)
    if prev is not None:
        e_0 = prev.reindex(index, fill_value=0.0)
        out["base_emissions_co2e_t"] = e_0
        sum_abs_0 = e_0.abs().sum()
        total_0, total_t = e_0.sum(), e_t.sum()
        overall = (total_t - total_0) / abs(total_0)
        with np.errstate(divide="ignore", invalid="ignore"):
            own = (e_t - e_0) / e_0.abs()
        trend = np.where(e_0 != 0, e_0.abs() / sum_abs_0 * (own - overall).abs(),
                         e_t.abs() / sum_abs_0)
        trend = pd.Series(trend, index=index)
        out["trend_assessment"] = trend
        out["trend_share"] = trend / trend.sum()
        out["trend_cumulative"], out["key_trend"] = _rank(out["trend_share"], threshold)
        out["key"] = out["key_level"] | out["key_trend"]
    else:
        out["key"] = out["key_level"]
    out = out.reset_index().sort_values("level_share", ascending=False, ignore_index=True)
    return out
