"""Uncertainty: Approach 1 (Eq.3.1/3.2, Table 3.2 trend) and Approach 2 (Monte Carlo)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tanzhi.inventory.calc import (
    combine_product_uncertainty,
    combine_sum_uncertainty,
    compute_error_propagation,
    compute_error_propagation_trend,
    compute_monte_carlo,
    compute_monte_carlo_trend,
    compute_trend_uncertainty,
    fill_default_uncertainty,
    select_rows,
)
from tanzhi.inventory.model import Estimate
from tests.inventory.factories import estimate

ONE = {"CO2": 1.0, "CH4": 28.0}


def by_category(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("category")


def test_eq_3_1_and_3_2() -> None:
    assert combine_product_uncertainty([3, 4, 12]) == pytest.approx(13.0)
    # (5 % of 100 and 10 % of 300) → √(500² + 3000²) / 400 = 3041.38 / 400 = 7.6034 %.
    assert combine_sum_uncertainty([100, 300], [5, 10]) == pytest.approx(7.603453, rel=1e-6)


def test_error_propagation_products_and_sums() -> None:
    """Row 1 = A × F with U 3 % and 4 % → 5 % (Eq.3.1); row 2 = 300 t with U 10 % on its
    activity only.  Category total 400 t: √((5 × 100)² + (10 × 300)²)/400 = 7.6034 % (Eq.3.2)."""
    est = estimate(
        ("330100", 2020, "1.A.1", "CO2", [(100.0, [("a:1", "activity", 3.0),
                                                   ("f:1", "factor", 4.0)])]),
        ("330100", 2020, "1.A.1", "CO2", [(300.0, [("a:2", "activity", 10.0)])]),
    )
    obs = by_category(compute_error_propagation(est, gwp=ONE))
    assert obs.loc["1.A.1", "uncertainty_pct"] == pytest.approx(7.603453, rel=1e-6)
    # E and F split: activity √(300² + 3000²)/400, factor 400/400.
    assert obs.loc["1.A.1", "activity_uncertainty_pct"] == pytest.approx(
        math.sqrt(300**2 + 3000**2) / 400)
    assert obs.loc["1.A.1", "factor_uncertainty_pct"] == pytest.approx(1.0)


def test_shared_factor_is_fully_correlated_across_regions() -> None:
    """Two cities burn coal with the same carbon-content factor (U 10 %), activity exact.
    Shared: total U = 10 %; were the draws independent it would be 10/√2 = 7.07 %."""
    est = estimate(
        ("330100", 2020, "1.A.1", "CO2", [(500.0, [("f:cc", "factor", 10.0)])]),
        ("330200", 2020, "1.A.1", "CO2", [(500.0, [("f:cc", "factor", 10.0)])]),
    )
    a1 = compute_error_propagation(est, gwp=ONE, by=("region_code",))
    assert a1.iloc[-1]["uncertainty_pct"] == pytest.approx(10.0)
    mc = compute_monte_carlo(est, gwp=ONE, seed=3, iterations=50_000, by=("region_code",))
    assert mc.iloc[-1]["uncertainty_pct"] == pytest.approx(10.0, rel=0.03)


def small_inventory() -> Estimate:
    return estimate(
        ("330100", 2020, "1.A.1", "CO2", [(1000.0, [("a:1", "activity", 3.0),
                                                    ("f:ncv", "factor", 2.0),
                                                    ("f:cc", "factor", 4.0)])]),
        ("330100", 2020, "1.A.2", "CO2", [(400.0, [("a:2", "activity", 5.0),
                                                   ("f:ncv", "factor", 2.0),
                                                   ("f:cc", "factor", 4.0)])]),
        ("330100", 2020, "4.A", "CH4", [(5.0, [("a:3", "activity", 8.0)]),
                                        (3.0, [("a:4", "activity", 8.0),
                                               ("f:doc", "factor", 6.0)])]),
    )


def test_monte_carlo_agrees_with_error_propagation_for_small_uncertainty() -> None:
    est = small_inventory()
    a1 = by_category(compute_error_propagation(est, gwp=ONE))
    mc = by_category(compute_monte_carlo(est, gwp=ONE, seed=11, iterations=100_000))
    for cat in ("1.A.1", "1.A.2", "4.A", "total"):
        assert mc.loc[cat, "uncertainty_pct"] == pytest.approx(a1.loc[cat, "uncertainty_pct"],
                                                               rel=0.03), cat
        assert mc.loc[cat, "mean_t"] == pytest.approx(mc.loc[cat, "deterministic_t"], rel=2e-3)
    assert mc.loc["total", "deterministic_t"] == pytest.approx(1400 + 8 * 28)


def test_monte_carlo_is_reproducible_and_thread_independent() -> None:
    est = small_inventory()
    one = compute_monte_carlo(est, gwp=ONE, seed=5, iterations=20_000, workers=1,
                              chunk_size=4096)
    two = compute_monte_carlo(est, gwp=ONE, seed=5, iterations=20_000, workers=2,
                              chunk_size=4096)
    pd.testing.assert_frame_equal(one, two)
    other = compute_monte_carlo(est, gwp=ONE, seed=6, iterations=20_000)
    assert not np.allclose(one["p2_5_t"], other["p2_5_t"])


def test_large_uncertainty_is_lognormal_with_the_same_mean() -> None:
    est = estimate(("330100", 2020, "3.C.4", "CO2",
                    [(100.0, [("f:ef1", "factor", 150.0)])]))
    mc = compute_monte_carlo(est, gwp=ONE, seed=2, iterations=100_000).iloc[0]
    assert mc["p2_5_t"] > 0  # never negative
    assert mc["plus_pct"] > 1.5 * mc["minus_pct"]  # skewed to the right
    # sd of the mean = 100 × 150/196 / √1e5 ≈ 0.24 t.
    assert mc["mean_t"] == pytest.approx(100.0, abs=1.0)


def test_trend_uncertainty_table_3_2() -> None:
    """Two categories, C = base, D = year t (ΣC = ΣD = 200):
    A: C 100, D 120, E 5 %, F 10 %;  B: C 100, D 80, E 10 %, F 20 %.
    G: √125 = 11.180, √500 = 22.361.  H: (11.180 × 120)²/200² = 45, (22.361 × 80)²/200² = 80;
    year-t uncertainty √125 = 11.180 %.
    I (type A): [(0.01·120 + 200 − (0.01·100 + 200))/201 − 0] × 100 = 0.2/201 × 100 = 0.0995;
    B: −0.0995.  J = D/ΣC: 0.6, 0.4.  K = I·F: 0.995, −1.990.  L = J·E·√2: 4.243, 5.657.
    M: 0.990 + 18 = 18.990; 3.960 + 32 = 35.960.  Trend uncertainty √54.950 = 7.413 points."""
    table = pd.DataFrame({"category": ["A", "B"], "base_t": [100.0, 100.0],
                          "year_t": [120.0, 80.0], "activity_uncertainty_pct": [5.0, 10.0],
                          "factor_uncertainty_pct": [10.0, 20.0]})
    out = compute_trend_uncertainty(table).set_index("category")
    assert out.loc["A", "variance_contribution"] == pytest.approx(45.0)
    assert out.loc["B", "variance_contribution"] == pytest.approx(80.0)
    assert out.loc["A", "type_a_sensitivity"] == pytest.approx(0.2 / 201 * 100)
    assert out.loc["B", "type_b_sensitivity"] == pytest.approx(0.4)
    assert out.loc["B", "trend_from_activity"] == pytest.approx(0.4 * 10 * math.sqrt(2))
    assert out.loc["total", "combined_uncertainty_pct"] == pytest.approx(math.sqrt(125))
    exp_m = (0.2 / 201 * 100 * 10) ** 2 + 18 + (0.2 / 201 * 100 * 20) ** 2 + 32
    assert out.loc["total", "trend_uncertainty_pct"] == pytest.approx(math.sqrt(exp_m))
    assert out.loc["total", "trend_uncertainty_pct"] == pytest.approx(7.4128, rel=1e-4)


def two_years() -> Estimate:
    return estimate(
        ("330100", 2005, "1.A.1", "CO2", [(100.0, [("a:05", "activity", 5.0),
                                                   ("f:cc", "factor", 10.0)])]),
        ("330100", 2020, "1.A.1", "CO2", [(120.0, [("a:20", "activity", 5.0),
                                                   ("f:cc", "factor", 10.0)])]),
    )


def test_trend_by_monte_carlo_and_error_propagation_agree() -> None:
    """One category, +20 %.  The shared factor cancels in the trend; only the two activity
    errors (5 % each, uncorrelated) remain.  Approach 1 (Table 3.2): I = 0 (single category),
    L = J·E·√2 = 1.2 × 5 × √2 = 8.485 points; Monte Carlo gives the same spread."""
    a1 = compute_error_propagation_trend(two_years(), gwp=ONE, base_year=2005, year=2020)
    total = a1.iloc[-1]
    assert total["trend_pct"] == pytest.approx(20.0)
    assert total["trend_uncertainty_pct"] == pytest.approx(1.2 * 5 * math.sqrt(2))
    mc = compute_monte_carlo_trend(two_years(), gwp=ONE, base_year=2005, year=2020, seed=9,
                                   iterations=100_000).iloc[0]
    assert mc["trend_pct"] == pytest.approx(20.0)
    half = (mc["p97_5_pct"] - mc["p2_5_pct"]) / 2
    assert half == pytest.approx(8.485, rel=0.05)


def test_partial_sort_quantiles_equal_numpy_linear_rule() -> None:
    from tanzhi.inventory.calc.uncertainty import _quantiles

    x = np.random.default_rng(0).standard_normal((4, 10_001)).astype(np.float32)
    lo, hi = _quantiles(x, (0.025, 0.975))
    exp_lo, exp_hi = np.quantile(x.astype("float64"), [0.025, 0.975], axis=1)
    np.testing.assert_array_equal(lo, exp_lo)
    np.testing.assert_array_equal(hi, exp_hi)


# ---- issue #9: defaults for inputs without an uncertainty, totals per region-year ----------

DEFAULTS = pd.DataFrame({
    "id": ["act/1.A", "act/1.A.2", "f/ncv", "f/ox"],
    "kind": ["activity", "activity", "factor", "factor"],
    "parameter": ["", "", "ncv", "ox"],
    "category": ["1.A", "1.A.2", "1.A", "4.A"],
    "uncertainty_pct": [5.0, 3.0, 4.0, 50.0],
})
FACTORS = pd.DataFrame({"id": ["lib/ncv", "lib/ox", "lib/other"],
                        "parameter": ["ncv", "ox", "bo"],
                        "category": ["1.A", "4.A", "4.D"], "value": [20.0, 0.1, 0.6],
                        "unit": ["GJ/t", "1", "kg/kg"]})


def test_missing_uncertainties_take_their_family_default_and_say_so() -> None:
    """Longest category prefix wins (1.A.2 → 3 %, 1.A.1 → 5 %); a factor's default comes by its
    parameter; a complement 1 − x gets U·x/(1 − x) (OX 0.1 at 50 % → 5.56 %); an input's own
    uncertainty is kept; an input no default covers is 'none' and stays exact."""
    est = estimate(("330100", 2020, "1.A.2", "CO2", [(100.0, [
        ("a:1", "activity", float("nan")), ("f:lib/ncv", "factor", float("nan"))])]),
                   ("330100", 2020, "1.A.1", "CO2", [(50.0, [
                       ("a:2", "activity", float("nan")), ("a:3", "activity", 7.0)])]),
                   ("330100", 2020, "4.A.1", "CH4", [(10.0, [
                       ("f:lib/ox~1-x", "factor", float("nan")),
                       ("f:lib/other", "factor", float("nan"))])]))
    act = pd.DataFrame({"activity_id": ["1", "2", "3"], "category": ["1.A.2", "1.A.1", "1.A.1"]})
    out = fill_default_uncertainty(est, defaults=DEFAULTS, activity=act, factors=FACTORS)
    src = out.sources.set_index("source")
    assert src.loc["a:1", "uncertainty_pct"] == 3.0 and src.loc["a:1", "default_id"] == "act/1.A.2"
    assert src.loc["a:2", "uncertainty_pct"] == 5.0 and src.loc["a:2", "default_id"] == "act/1.A"
    assert src.loc["a:3", "uncertainty_pct"] == 7.0
    assert src.loc["a:3", "uncertainty_basis"] == "given"
    assert src.loc["f:lib/ncv", "uncertainty_pct"] == 4.0
    assert src.loc["f:lib/ox~1-x", "uncertainty_pct"] == pytest.approx(50 * 0.1 / 0.9)
    assert src.loc["f:lib/other", "uncertainty_basis"] == "none"
    assert math.isnan(src.loc["f:lib/other", "uncertainty_pct"])
    # Before: every input without its own uncertainty counted as exact → 0 %.
    before = by_category(compute_error_propagation(est, gwp=ONE))
    after = by_category(compute_error_propagation(out, gwp=ONE))
    assert after.loc["1.A.2", "uncertainty_pct"] == pytest.approx(5.0)  # √(3² + 4²)
    assert before.loc["1.A.2", "uncertainty_pct"] == 0.0


def test_totals_per_region_year_match_separate_runs() -> None:
    """`totals_by` gives each region-year's total from the same model; with shared factor
    f:1 (correlated) the total must equal a run restricted to that region-year."""
    rows = []
    for region in ("330100", "330200"):
        for year in (2019, 2020):
            rows.append((region, year, "1.A.1", "CO2", [(100.0, [
                (f"a:{region}{year}", "activity", 5.0), ("f:1", "factor", 10.0)])]))
            rows.append((region, year, "2.A.1", "CO2", [(40.0, [
                (f"a:{region}{year}c", "activity", 2.0), ("f:2", "factor", 8.0)])]))
    est = estimate(*rows)
    by = ("region_code", "year", "category")
    a1 = compute_error_propagation(est, gwp=ONE, by=by, totals_by=("region_code", "year"))
    totals = a1.loc[a1["category"] == "total"].set_index(["region_code", "year"])
    assert len(totals) == 4
    mask = ((est.rows["region_code"] == "330200") & (est.rows["year"] == 2019)).to_numpy()
    alone = compute_error_propagation(select_rows(est, mask), gwp=ONE)
    assert totals.loc[("330200", 2019), "uncertainty_pct"] == pytest.approx(
        alone.set_index("category").loc["total", "uncertainty_pct"])
    mc = compute_monte_carlo(est, gwp=ONE, seed=3, iterations=4000, by=by,
                             totals_by=("region_code", "year"))
    mc_tot = mc.loc[mc["category"] == "total"].set_index(["region_code", "year"])
    assert mc_tot.loc[("330200", 2019), "deterministic_t"] == pytest.approx(140.0)
    assert mc_tot.loc[("330200", 2019), "uncertainty_pct"] == pytest.approx(
        totals.loc[("330200", 2019), "uncertainty_pct"], rel=0.1)
    with pytest.raises(ValueError, match="lead"):
        compute_error_propagation(est, gwp=ONE, by=by, totals_by=("year",))
