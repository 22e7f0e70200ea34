"""Manure-management CH4 of cattle, swine and buffalo on the packaged defaults (issue #9 item 9):
IPCC 2006 Vol.4 Table 10.14, Asia, by annual average temperature; Zhejiang's 18 °C column."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_livestock
from tanzhi.inventory.calc.activity import FactorCache
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS
from tanzhi.kernel import default_library

LIB = default_library()
HEADS = [("dairy_cattle", 10_000), ("other_cattle", 50_000), ("swine", 100_000),
         ("buffalo", 2_000)]


def manure_ch4(region: str, variant: str) -> pd.Series:
    act = pd.DataFrame([(region, 2020, "3.A", item, n, "头") for item, n in HEADS],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    cache = FactorCache(LIB, {**STATISTICS_VARIANTS, "EF_manure_CH4": variant})
    rows = compute_livestock(act, cache).rows
    sel = rows.loc[(rows["category"] == "3.A.2") & (rows["gas"] == "CH4")]
    return sel.set_index("item")["emissions_t"]


def test_zhejiang_takes_the_18_degree_column() -> None:
    """Eq.10.22, head × EF / 1000: dairy 10,000 × 16 kg = 160 t; other cattle 50,000 × 1 = 50 t;
    swine 100,000 × 3 = 300 t; buffalo 2,000 × 2 = 4 t (Table 10.14, Asia, 18 °C; EFDB 416516,
    416535, 416554, 416573).  The demo asks for variant developing_temperate (Table 10.15's
    climate class for the other animals); for a Zhejiang county it resolves to the province."""
    got = manure_ch4("330106", "developing_temperate")
    assert got["dairy_cattle"] == pytest.approx(160)
    assert got["other_cattle"] == pytest.approx(50)
    assert got["swine"] == pytest.approx(300)
    assert got["buffalo"] == pytest.approx(4)


def test_another_temperature_is_a_named_variant() -> None:
    """≥28 °C column: dairy 31, other cattle 1, swine 7, buffalo 2 kg/head/yr → 310, 50, 700, 4 t;
    ≤10 °C: dairy 9, swine 2 → 90 and 200 t."""
    hot = manure_ch4("440000", "asia_28c")
    assert hot.to_dict() == pytest.approx({"dairy_cattle": 310, "other_cattle": 50,
                                           "swine": 700, "buffalo": 4})
    cold = manure_ch4("230000", "asia_10c")
    assert cold["dairy_cattle"] == pytest.approx(90) and cold["swine"] == pytest.approx(200)


def test_outside_zhejiang_the_temperate_class_is_not_guessed() -> None:
    """Table 10.14 has no single 'temperate' value (15-25 °C spans 13-26 kg for dairy cows in
    Asia): another province asking for developing_temperate gets NE, not Zhejiang's number."""
    act = pd.DataFrame([("440000", 2020, "3.A", "dairy_cattle", 100, "头")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    rows = compute_livestock(act, FactorCache(LIB, STATISTICS_VARIANTS)).rows
    sel = rows.loc[(rows["category"] == "3.A.2") & (rows["gas"] == "CH4")]
    assert sel["notation"].tolist() == ["NE"]


def test_table_10_14_rows_are_complete_and_rise_with_temperature() -> None:
    for item in ("dairy_cattle", "other_cattle", "swine", "buffalo"):
        values = [LIB.by_id(f"ipcc-2006/{item}/manure_ch4_ef/asia_{t}c").value
                  for t in [10, *range(11, 26), 26, 27, 28]]
        assert values == sorted(values)
        assert LIB.by_id(f"ipcc-2006/{item}/manure_ch4_ef/developing_temperate/330000").value \
            == LIB.by_id(f"ipcc-2006/{item}/manure_ch4_ef/asia_18c").value
