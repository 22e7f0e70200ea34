"""Fugitive emissions from fuels (逃逸排放, IPCC category 1.B): coal mining and handling, oil and
natural gas systems.

Every subcategory is Tier 1 "activity × EF" (IPCC 2006 Vol.2 Ch.4: Eq.4.1.3/4.1.4 underground
mining and post-mining, Eq.4.1.7/4.1.8 surface mining and post-mining, Eq.4.2.1 oil and gas
systems).  What distinguishes them is the category the activity row is written under and the
throughput it measures:

============================  ========  ==================================================
category                      item      activity
============================  ========  ==================================================
1.B.1.a.i.1 / 1.B.1.a.i.2     原煤       raw coal produced by underground mines (t)
1.B.1.a.ii.1 / 1.B.1.a.ii.2   原煤       raw coal produced by surface mines (t)
1.B.2.a.i / ii / iii.2        原油       oil produced (volume: the IPCC factors are per 10³ m³)
1.B.2.a.iii.3                 原油       oil transported by pipeline (volume)
1.B.2.b.iii.2 / ii            天然气     gas produced (m³)
1.B.2.b.iii.3                 天然气     gas produced (default weighted total for processing)
1.B.2.b.i / iii.4             天然气     marketable gas (transmission venting; transmission
                                         and storage)
1.B.2.b.iii.5                 天然气     utility sales (distribution)
============================  ========  ==================================================

The factor is looked up for the row's own category (parameter ``EF_fugitive``, per gas), so a
row under the aggregate ``1.B.2.b`` finds no packaged factor and is reported NE: which segment a
volume belongs to is the user's statement, never guessed.  Coal-mining factors are published as
m³ CH4 per t of coal; the unit ``m3CH4`` converts them at IPCC's 0.67 kg/m³ (20 °C, 1 atm), and an
oil tonnage against a per-volume factor is a unit error naming the row, never converted by an
assumed density.  Packaged defaults: dataset ``ipcc-2006`` (Vol.2 §4.1.3.2 and Table 4.2.5, with
their EFDB ids); a user's factor for the same category and item comes first.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tanzhi.inventory.calc.activity import (
    add_activity_times_factor,
    as_cache,
    canonical_activity,
    prepare_activity,
    select_categories,
)
from tanzhi.inventory.calc.estimate import EstimateBuilder
from tanzhi.inventory.model import Estimate, FactorLookup

FUGITIVE_CATEGORY = "1.B"
FUGITIVE_PARAMETER = "EF_fugitive"
# Flaring in oil and gas systems emits N2O too (Table 4.2.5 gives it for every flaring row).
FUGITIVE_GASES = ("CH4", "CO2", "N2O")
FUGITIVE_ACTIVITY_UNITS = ("t", "m**3", "GJ")
METHOD_FUGITIVE = (
    "IPCC 2006 Vol.2 Ch.4 Tier 1 (Eq.4.1.3-4.1.8 coal mining, Eq.4.2.1 oil and gas): AD × EF"
)


def compute_fugitive(
    activity: pd.DataFrame, factors: FactorLookup, *, gases: Sequence[str] = FUGITIVE_GASES,
    source: str | None = None,
) -> Estimate:
    """Fugitive emissions (逃逸排放) of every activity row under category ``1.B``.

    Parameters
    ----------
    activity
        Rows under ``1.B…``: item = the fuel (原煤, 原油, 天然气 …), value = the throughput the
        subcategory measures (see the module docstring), in mass, volume or energy.
    factors
        ``EF_fugitive`` per gas, in mass of gas per activity unit (``m3CH4/t``,
        ``Gg/百万立方米`` …), looked up with the row's category.
    gases
        Gases to estimate; a gas without a factor for the row is reported NE.

    Examples
    --------
    1,000,000 t of raw coal from underground mines × 18 m³ CH4/t × 0.67 kg/m³ = 12,060 t CH4:

    >>> from tanzhi.kernel.factors import default_library
    >>> act = pd.DataFrame({"region_code": ["330000"], "year": [2020],
    ...                     "category": ["1.B.1.a.i.1"], "item": ["原煤"],
    ...                     "value": [100.0], "unit": ["万吨"]})
    >>> rows = compute_fugitive(act, default_library()).rows
    >>> round(float(rows.loc[rows["gas"] == "CH4", "emissions_t"].iloc[0]), 6)
    12060.0
    """
    act = select_categories(prepare_activity(activity, source=source), (FUGITIVE_CATEGORY,))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, FUGITIVE_ACTIVITY_UNITS, what_zh="逃逸排放活动水平",
                             what_en="fugitive activity", source=source)
    cache = as_cache(factors)
    for gas in gases:
        add_activity_times_factor(builder, act, cache, parameter=FUGITIVE_PARAMETER, gas=gas,
                                  method=METHOD_FUGITIVE, by_category=True, optional=True)
    return builder.build()
