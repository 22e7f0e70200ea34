"""Key category analysis, Approach 1 level and trend (IPCC 2006 Vol.1 Ch.4)."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_key_categories

GWP = {"CO2": 1.0, "CH4": 28.0}


def rows(year: int, values: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame([
        {"region_code": "330100", "year": year, "category": c, "item": "x", "gas": g,
         "emissions_t": v / GWP[g], "memo": False, "notation": None}
        for (c, g), v in values.items()])


BASE = {("1.A.1", "CO2"): 500.0, ("1.A.3", "CO2"): 200.0, ("3.B.1", "CO2"): -100.0,
        ("4.A", "CH4"): 80.0, ("2.A.1", "CO2"): 20.0}
YEAR = {("1.A.1", "CO2"): 600.0, ("1.A.3", "CO2"): 250.0, ("3.B.1", "CO2"): -100.0,
        ("4.A", "CH4"): 40.0, ("2.A.1", "CO2"): 10.0}


def test_level_assessment_eq_4_1() -> None:
    """Σ|E| = 600 + 250 + 100 + 40 + 10 = 1,000 t CO2e; shares 0.60, 0.25, 0.10 (the sink
    counts by its absolute value), 0.04, 0.01.  Cumulative 0.60, 0.85, 0.95: the first three
    reach 95 % and are key; 4.A starts at 0.95 and is not."""
    out = compute_key_categories(rows(2020, YEAR), gwp=GWP, year=2020).set_index("category")
    assert out["level_share"].to_dict() == pytest.approx(
        {"1.A.1": 0.6, "1.A.3": 0.25, "3.B.1": 0.1, "4.A": 0.04, "2.A.1": 0.01})
    assert out.index[out["key_level"]].tolist() == ["1.A.1", "1.A.3", "3.B.1"]


def test_trend_assessment_eq_4_2() -> None:
    """ΣE0 = 700, Σ|E0| = 900, ΣEt = 800, overall trend (800 − 700)/700 = 0.142857.
    T(1.A.1) = 500/900 × |0.2 − 0.142857| = 0.031746; T(1.A.3) = 200/900 × |0.25 − 0.142857|
    = 0.023810; T(3.B.1) = 100/900 × |0 − 0.142857| = 0.015873; T(4.A) = 80/900 × |−0.5 −
    0.142857| = 0.057143; T(2.A.1) = 20/900 × 0.642857 = 0.014286.  ΣT = 1/7, shares 0.4 (4.A),
    0.2222, 0.1667, 0.1111, 0.1: cumulative before 2.A.1 is 0.9 < 0.95, so all five are key by
    trend; 4.A and 2.A.1 only by trend."""
    out = compute_key_categories(rows(2020, YEAR) .pipe(lambda f: pd.concat(
        [f, rows(2005, BASE)])), gwp=GWP, year=2020, base_year=2005).set_index("category")
    assert out["trend_assessment"].to_dict() == pytest.approx(
        {"1.A.1": 0.031746, "1.A.3": 0.0238095, "3.B.1": 0.015873, "4.A": 0.0571429,
         "2.A.1": 0.0142857}, rel=1e-4)
    assert out.loc["4.A", "trend_share"] == pytest.approx(0.4)
    assert out["key_trend"].all()
    assert out.loc["4.A", "key"] and not out.loc["4.A", "key_level"]
