"""Invariants of the engine (hypothesis): linearity, GWP weighting, Monte Carlo vs Approach 1."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanzhi.inventory.calc import (
    compute_error_propagation,
    compute_inventory,
    compute_monte_carlo,
    compute_totals,
)
from tanzhi.inventory.model import InventoryOptions
from tests.inventory.factories import AR5, estimate, mixed_city

SLOW = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def base_inventory() -> pd.DataFrame:
    act, lib, systems = mixed_city()
    return compute_inventory(act, lib, options=InventoryOptions(manure_systems=systems)).rows


@settings(max_examples=8, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=100.0))
def test_emissions_scale_linearly_with_activity(scale: float) -> None:
    base = base_inventory()
    scaled_act, lib, systems = mixed_city(scale)
    opts = InventoryOptions(manure_systems=systems)
    scaled = compute_inventory(scaled_act, lib, options=opts).rows
    numeric = base["emissions_t"].notna()
    np.testing.assert_allclose(scaled.loc[numeric, "emissions_t"],
                               base.loc[numeric, "emissions_t"] * scale, rtol=1e-9)


gas_rows = st.lists(
    st.tuples(st.sampled_from(["1.A.1", "2.A.1", "3.C.4", "4.A", "3.B.1"]),
              st.sampled_from(sorted(AR5)),
              st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    min_size=1, max_size=20)


@settings(max_examples=50, deadline=None)
@given(records=gas_rows)
def test_co2e_total_is_the_gwp_weighted_sum_of_gases(records: list) -> None:
    rows = pd.DataFrame([{"region_code": "330100", "year": 2020, "category": c, "item": "x",
                          "gas": g, "emissions_t": v, "memo": False, "notation": None}
                         for c, g, v in records])
    total = compute_totals(rows, gwp=AR5, by=("region_code",))["emissions_co2e_t"].iloc[0]
    exp = sum(v * AR5[g] for _, g, v in records)
    assert total == pytest.approx(exp, rel=1e-9, abs=1e-6)


def product_and_sum_model(values: list[float], us: list[list[float]]) -> object:
    """One category; each row a product of its own sources (U % in `us`)."""
    rows = []
    for i, (v, row_us) in enumerate(zip(values, us, strict=True)):
        srcs = [(f"s{i}-{j}", "activity" if j == 0 else "factor", u)
                for j, u in enumerate(row_us)]
        rows.append(("330100", 2020, "1.A.1", "CO2", [(v, srcs)]))
    return estimate(*rows)


model_inputs = st.integers(min_value=1, max_value=3).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(min_value=10.0, max_value=1e4), min_size=n, max_size=n),
        st.lists(st.lists(st.floats(min_value=1.0, max_value=10.0), min_size=1, max_size=4),
                 min_size=n, max_size=n)))


@SLOW
@given(data=model_inputs, seed=st.integers(min_value=0, max_value=2**31))
def test_monte_carlo_mean_tends_to_the_deterministic_value(data: tuple, seed: int) -> None:
    values, us = data
    est = product_and_sum_model(values, us)
    n = 40_000
    mc = compute_monte_carlo(est, gwp={"CO2": 1.0}, seed=seed, iterations=n).iloc[-1]
    a1 = compute_error_propagation(est, gwp={"CO2": 1.0}).iloc[-1]
    sd = a1["uncertainty_pct"] / 196 * abs(mc["deterministic_t"])
    assert abs(mc["mean_t"] - mc["deterministic_t"]) < 5 * sd / np.sqrt(n) + 1e-9


@SLOW
@given(data=model_inputs, seed=st.integers(min_value=0, max_value=2**31))
def test_approach_1_matches_approach_2_for_small_uncertainties(data: tuple, seed: int) -> None:
    values, us = data
    est = product_and_sum_model(values, us)
    mc = compute_monte_carlo(est, gwp={"CO2": 1.0}, seed=seed, iterations=60_000).iloc[-1]
    a1 = compute_error_propagation(est, gwp={"CO2": 1.0}).iloc[-1]
    assert mc["uncertainty_pct"] == pytest.approx(a1["uncertainty_pct"], rel=0.06)
