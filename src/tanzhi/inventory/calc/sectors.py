"""Run every sector's method over one activity table: the territorial inventory in one call."""

from __future__ import annotations

import pandas as pd

from tanzhi.inventory.calc.activity import (
    as_cache,
    prepare_activity,
)
from tanzhi.inventory.calc.agriculture import RICE_PRESEASON_DEFAULT, compute_agriculture
from tanzhi.inventory.calc.energy import (
    BIOMASS_FUEL_ITEMS,
    compute_fuel_combustion,
    compute_net_imports,
)
from tanzhi.inventory.calc.estimate import (
    EstimateBuilder,
)
from tanzhi.inventory.calc.fugitive import compute_fugitive
from tanzhi.inventory.calc.ippu import compute_ippu
from tanzhi.inventory.calc.lulucf import compute_forest_stock_change
from tanzhi.inventory.calc.waste import compute_waste
from tanzhi.inventory.model import Estimate, FactorLookup, InventoryOptions


def compute_inventory(
    activity: pd.DataFrame, factors: FactorLookup, *, options: InventoryOptions | None = None,
    source: str | None = None,
) -> Estimate:
    """Every sector's emissions and removals, gases kept separate, with lineage and terms.

    Parameters
    ----------
    activity
        Long activity table (``region_code, year, category, item, value, unit`` [,
        ``uncertainty_pct``, ``activity_id``]) holding any mix of sectors; each sector function
        takes the categories it owns (see docs/methods/inventory.md).
    factors
        A `FactorLookup` (kernel FactorLibrary); lookups are memoised for the whole call.
    options
        Method choices; defaults as documented in `InventoryOptions`.

    Returns
    -------
    Estimate
        Rows of all sectors plus memo items (biomass CO2, bunkers, net imported electricity
        and heat); sum them with `compute_totals` / `compute_energy_co2`.
    """
    opts = options or InventoryOptions()
    cache = as_cache(factors, opts.variants)
    act = prepare_activity(activity, source=source)
    builder = EstimateBuilder()
    builder.extend(compute_fuel_combustion(
        act, cache, biomass_items=opts.biomass_items or BIOMASS_FUEL_ITEMS,
        gases=opts.combustion_gases, source=source))
    builder.extend(compute_fugitive(act, cache, source=source))
    builder.extend(compute_net_imports(act, cache, source=source))
    builder.extend(compute_ippu(act, cache, cement_tier=opts.cement_tier, source=source))
    builder.extend(compute_agriculture(
        act, cache, manure_systems=opts.manure_systems,
        rice_pre_season_item=opts.rice_pre_season_item or RICE_PRESEASON_DEFAULT,
        rice_organic_amendments=opts.rice_organic_amendments, leaching=opts.soil_leaching,
        source=source))
    builder.extend(compute_forest_stock_change(act, cache, source=source))
    builder.extend(compute_waste(act, cache, landfill_years=opts.landfill_years, source=source))
    return builder.build()
