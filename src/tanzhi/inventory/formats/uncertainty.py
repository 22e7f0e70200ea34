"""95 % intervals per category and in total, per region and year, as one flat table.

Wraps `tanzhi.inventory.calc.compute_error_propagation` (IPCC 2006 Vol.1 Ch.3 Approach 1) and
`compute_monte_carlo` (Approach 2): each region-year is analysed on its own (a total across
years is not an inventory), with factors shared between its categories kept correlated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import compute_error_propagation, compute_monte_carlo, select_rows
from tanzhi.inventory.model import Estimate
from tanzhi.kernel import DataError, Problem

COLUMNS = ("region_code", "year", "category", "co2e_t", "low_t", "high_t", "uncertainty_pct",
           "minus_pct", "plus_pct", "method", "gwp")
METHODS = {"propagation": "IPCC 2006 Vol.1 Ch.3 Approach 1 (error propagation)",
           "montecarlo": "IPCC 2006 Vol.1 Ch.3 Approach 2 (Monte Carlo)"}


def uncertainty_table(estimate: Estimate, *, gwp: str, method: str = "propagation",
                      iterations: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """Per (region, year): one row per category and a ``total`` row (t CO2e, 95 % interval).

    Approach 1 gives E ± U·|E|; Approach 2 the 2.5 and 97.5 percentiles, its ``co2e_t`` the
    deterministic value and ``minus_pct``/``plus_pct`` the asymmetric bounds of the mean.
    """
    if method not in METHODS:
        raise DataError(Problem(f"未知方法 {method}", f"unknown method {method}"))
    rows = estimate.rows
    counted = rows["emissions_t"].notna() & ~rows["memo"].astype(bool)
    parts = []
    keys = rows.loc[counted, ["region_code", "year"]].drop_duplicates().sort_values(
        ["region_code", "year"])
    for region, year in keys.itertuples(index=False):
        mask = counted & (rows["region_code"] == region) & (rows["year"] == year)
        sub = select_rows(estimate, mask.to_numpy())
        if method == "propagation":
            t = compute_error_propagation(sub, gwp=gwp, by=("category",))
            e, u = t["emissions_co2e_t"], t["uncertainty_pct"].fillna(0.0)
            half = e.abs() * u / 100.0
            part = pd.DataFrame({"category": t["category"], "co2e_t": e, "low_t": e - half,
                                 "high_t": e + half, "uncertainty_pct": u,
                                 "minus_pct": u, "plus_pct": u})
        else:
            t = compute_monte_carlo(sub, gwp=gwp, seed=seed, iterations=iterations,
                                    by=("category",))
            part = pd.DataFrame({"category": t["category"], "co2e_t": t["deterministic_t"],
                                 "low_t": t["p2_5_t"], "high_t": t["p97_5_t"],
                                 "uncertainty_pct": t["uncertainty_pct"],
                                 "minus_pct": t["minus_pct"], "plus_pct": t["plus_pct"]})
        parts.append(part.assign(region_code=region, year=int(year), method=METHODS[method],
                                 gwp=gwp))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["uncertainty_pct"] = out["uncertainty_pct"].astype("float64").replace(
        [np.inf, -np.inf], np.nan)
    return out[list(COLUMNS)]
