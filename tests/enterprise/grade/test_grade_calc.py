"""Carbon efficiency code: hand-computed grades on each bound, on DuckDB (issue #12 item 4)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.enterprise import (
    carbon_band_of,
    category_of,
    grade_frame,
    grade_of,
    k_value,
    l_value,
    load_rules,
    net_co2,
)

from .cases import EXPECTED, code, frame

RULES = load_rules()


@pytest.fixture(scope="module")
def graded() -> pd.DataFrame:
    return grade_frame(frame(), RULES, file="cases.csv")


def test_packaged_rule_set_is_the_db33_edition() -> None:
    assert RULES.ref == "carbon-efficiency-rules@db33t1347-2023"
    assert [b.max for b in RULES.rules.bands] == [0.6, 2.0, None]
    assert [g.max for g in RULES.rules.grades] == [0.6, 0.8, 1.2, 2.0, None]
    assert len(RULES.industries) == 41


@pytest.mark.parametrize("firm", sorted(EXPECTED))
def test_hand_computed_grades(graded: pd.DataFrame, firm: int) -> None:
    row = graded[(graded.credit_code == code(firm)) & (graded.period == "2024")].iloc[0]
    l_exp, band, ind_l, k_exp, grade_exp, category = EXPECTED[firm]
    assert row.l_value == pytest.approx(l_exp, abs=1e-12)
    assert row.band == band
    assert row.industry_l == pytest.approx(ind_l, abs=1e-12)
    assert row.k_value == pytest.approx(k_exp, abs=1e-12)
    assert row.grade == grade_exp
    assert row.category == category


def test_scalar_calc_agrees_on_the_same_cases() -> None:
    rules = RULES.rules
    for l_exp, band, ind_l, k_exp, grade_exp, category in EXPECTED.values():
        name = {b.code: b.name_zh for b in rules.bands}[carbon_band_of(l_exp, rules)]
        assert name == band
        k = k_value(l_exp, ind_l)
        assert k == pytest.approx(k_exp)
        assert grade_of(k, rules) == grade_exp
        assert rules.category(category_of(carbon_band_of(l_exp, rules), grade_of(k, rules), rules)
                              ).name_zh == category


@pytest.mark.parametrize(("value", "band", "grade"), [
    (0.6, "low", 1), (0.6000001, "medium", 2), (0.8, "medium", 2), (0.8000001, "medium", 3),
    (1.2, "medium", 3), (1.2000001, "medium", 4), (2.0, "medium", 4), (2.0000001, "high", 5),
])
def test_bounds_are_inclusive(value: float, band: str, grade: int) -> None:
    assert carbon_band_of(value, RULES.rules) == band
    assert grade_of(value, RULES.rules) == grade


def test_rounding_noise_on_a_bound_counts_as_the_bound() -> None:
    # 0.1 + 0.2 + 0.3 = 0.6000000000000001 in binary floating point.
    assert carbon_band_of(0.1 + 0.2 + 0.3, RULES.rules) == "low"


def test_industry_benchmarks_and_county_share(graded: pd.DataFrame) -> None:
    row = graded[(graded.credit_code == code(1)) & (graded.period == "2024")].iloc[0]
    # Industry 26 L values 0.4, 0.6, 0.8, 1.2, 2.0: mean 1.0; 25th percentile (linear) at
    # position (5 − 1) × 0.25 = 1 → 0.6.
    assert row.industry_mean_l == pytest.approx(1.0)
    assert row.industry_p25_l == pytest.approx(0.6)
    assert row.industry_firms == 5
    # County 330502 in 2024: firms 1-3, net 6 + 8 + 12 = 26 t; firm 1's share 6 / 26.
    assert row.county_co2_t == pytest.approx(26.0)
    assert row.county_share == pytest.approx(6 / 26)
    # 2023 L 0.8 → 2024 L 0.6: a 25 % decline.
    assert row.l_previous == pytest.approx(0.8)
    assert row.l_yoy_decline == pytest.approx(0.25)
    assert pd.isna(graded[graded.credit_code == code(2)].iloc[0].l_yoy_decline)


def test_sinks_beyond_emissions_floor_l_at_zero(graded: pd.DataFrame) -> None:
    assert net_co2(50, 10, 60) == 0.0
    row = graded[graded.credit_code == code(9)].iloc[0]
    assert row.net_co2_t == 0.0


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


@given(energy=positive, share=st.floats(0, 1), va=positive, scale=st.floats(1e-3, 1e3))
def test_scaling_co2_and_value_added_together_leaves_l_unchanged(
        energy: float, share: float, va: float, scale: float) -> None:
    zero = energy * share
    base = l_value(net_co2(energy, zero, 0.0), va)
    scaled = l_value(net_co2(energy * scale, zero * scale, 0.0), va * scale)
    assert scaled == pytest.approx(base, rel=1e-9, abs=1e-12)


@given(st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), min_size=2, max_size=20))
def test_grade_is_monotone_in_k(ks: list[float]) -> None:
    ks = sorted(ks)
    grades = [grade_of(k, RULES.rules) for k in ks]
    assert grades == sorted(grades)
    bands = [[b.code for b in RULES.rules.bands].index(carbon_band_of(k, RULES.rules)) for k in ks]
    assert bands == sorted(bands)
