"""LULUCF (土地利用变化和林业): carbon stock change of forest biomass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import (
    C_TO_CO2,
    FactorSpec,
    as_cache,
    attach_factors,
    canonical_activity,
    prepare_activity,
    select_categories,
)
from tanzhi.inventory.calc.estimate import (
    EstimateBuilder,
)
from tanzhi.inventory.model import ID_SEPARATOR, Estimate, FactorLookup

# The factor library holds forest parameters under one item, the forest type as variant.
FOREST_ITEM = "forest"
METHOD_FOREST = (
    "IPCC 2006 Vol.4 Ch.2 Eq.2.8 stock difference; 省级清单指南 林业: "
    "C = V × D × BEF × (1 + R) × CF, CO2 = −ΔC/Δt × 44/12"
)


def compute_forest_stock_change(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """CO2 removals and emissions from forest biomass carbon stock change (森林碳储量变化).

    Parameters
    ----------
    activity
        Rows under ``3.B.1`` (forest land): item = forest type or species group, value =
        growing-stock volume (活立木蓄积量, m³ or 万立方米) at the inventory date of each year.
    factors
        Item ``forest`` with the forest type as variant: ``wood_density_D`` (t d.m./m³),
        ``BEF`` (biomass expansion factor, above-ground biomass / stem biomass),
        ``R_root_to_shoot`` and ``CF_carbon_fraction`` (t C/t d.m.).  A variant configured
        for a parameter (e.g. ``{"CF_carbon_fraction": "tropical_subtropical"}`` in
        `FactorCache`) wins over the forest type.

    Returns
    -------
    Estimate
        One CO2 row per consecutive pair of inventory years (t1, t2), dated t2: the annual
        change −(C(t2) − C(t1))/(t2 − t1) × 44/12, negative when the stock grows (a removal).
        ``activity_value`` is the annual volume change (m³).  Factors of the same id at both
        dates are one uncertainty source, so their error largely cancels in the difference.

    Method: IPCC 2006 Vol.4 Ch.2 Eq.2.8, biomass from volume as in the provincial guideline:
    C = V × D × BEF × (1 + R) × CF.
    """
    act = select_categories(prepare_activity(activity, source=source), ("3.B.1",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, ("m**3",), what_zh="林木蓄积量", what_en="growing stock volume",
                             source=source)
    stock = attach_factors(act, as_cache(factors), [
        FactorSpec("d", "wood_density_D", ("t/m**3",), item=FOREST_ITEM, variant_from_item=True),
        FactorSpec("bef", "BEF", ("1",), item=FOREST_ITEM, variant_from_item=True),
        FactorSpec("r", "R_root_to_shoot", ("1",), item=FOREST_ITEM, variant_from_item=True),
        FactorSpec("cf", "CF_carbon_fraction", ("t C/t", "1"), item=FOREST_ITEM,
                   variant_from_item=True),
    ])
    stock = stock.sort_values(["region_code", "category", "item", "year"], kind="stable")
    stock = stock.reset_index(drop=True)
    same = ((stock["region_code"] == stock["region_code"].shift())
            & (stock["category"] == stock["category"].shift())
            & (stock["item"] == stock["item"].shift())).to_numpy()
    cur = stock.loc[same].reset_index(drop=True)
    prev = stock.loc[np.roll(same, -1)].reset_index(drop=True)
    if cur.empty:
        return builder.build()
    dt = (cur["year"] - prev["year"]).to_numpy(dtype="float64")
    # Per stock: stem-based biomass carbon, split so R's uncertainty acts on roots only.
    def parts(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        stem = (f["activity_value"] * f["d"] * f["bef"] * f["cf"]).to_numpy()
        return stem, stem * f["r"].to_numpy()

    stem2, root2 = parts(cur)
    stem1, root1 = parts(prev)
    scale = -C_TO_CO2 / dt
    co2 = (stem2 + root2 - stem1 - root1) * scale
    lineage = _pair_ids(cur, prev)
    pos = builder.add_rows(
        cur, category=cur["category"], item=cur["item"], gas="CO2", emissions_t=co2,
        method=METHOD_FOREST, factor_ids=lineage,
        activity_ids=(prev["activity_id"] + ID_SEPARATOR + cur["activity_id"]).to_numpy(),
        activity_value=((cur["activity_value"] - prev["activity_value"]).to_numpy() / dt),
    )
    for frame, stem, root, sign in ((cur, stem2, root2, 1.0), (prev, stem1, root1, -1.0)):
        a = builder.add_activity_sources(frame)
        d, bef, r, cf = (builder.add_factor_sources(frame, n) for n in ("d", "bef", "r", "cf"))
        builder.add_terms(pos, sign * stem * scale, [a, d, bef, cf])
        builder.add_terms(pos, sign * root * scale, [a, d, bef, r, cf])
    return builder.build()


def _pair_ids(cur: pd.DataFrame, prev: pd.DataFrame) -> np.ndarray:
    """Distinct factor ids of both dates, in order."""
    cols = [f[f"{n}_id"].astype(str) for f in (prev, cur) for n in ("d", "bef", "r", "cf")]
    stacked = np.stack([c.to_numpy(dtype=object) for c in cols], axis=1)
    return np.array([ID_SEPARATOR.join(dict.fromkeys(row)) for row in stacked], dtype=object)
