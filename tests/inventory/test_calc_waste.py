"""Waste: landfill oxidation and recovery, open burning, wastewater plants."""

from __future__ import annotations

import math

import pytest

from tanzhi.inventory.calc import compute_incineration, compute_landfill, compute_wastewater
from tests.inventory.factories import activity, library

R = "330100"
LIB = library(
    ("EFDB-614624", "food_waste", "DOC_wet_weight", 15, "%"),
    ("EFDB-615076", "landfill", "k_methane_generation_rate", 0.185, "1/a", None, None, None,
     "food_sewage_sludge"),
    ("EFDB-62738", "landfill", "MCF_SWDS", 1, ""),
    ("EFDB-615067", "landfill", "DOCf", 0.5, ""),
    ("EFDB-66030", "landfill", "F", 0.5, ""),
    ("EFDB-66029", "landfill", "OX", 0.1, ""),
    ("EFDB-614536", "plastics", "dm_dry_matter_content", 100, "%"),
    ("EFDB-614613", "plastics", "CF_total_carbon_content", 75, "%"),
    ("EFDB-614620", "plastics", "FCF_fossil_carbon_fraction", 100, "%"),
    ("EFDB-615021", "open_burning", "OF_oxidation_factor", 58, "%"),
    ("EFDB-615037", "open_burning", "EF_CH4", 6500, "g CH4/t", "CH4"),
    ("EFDB-615061", "open_burning", "EF_N2O", 150, "g N2O/t", "N2O"),
    ("EFDB-615008", "wastewater_n", "F_IND-COM", 1.25, ""),
    ("EFDB-615005", "wastewater_n", "EF_N2O_plant", 3.2, "g N2O/person/a", "N2O"),
)


def test_landfill_oxidation_and_recovery() -> None:
    """1,000 t food waste deposited in 2019, reported for 2020 (M = 13: decay starts in the
    year after deposition): generated CH4 = 75 × (1 − e^(−0.185)) × 0.5 × 16/12 = 8.444786 t;
    recovered 1 t.  Eq.3.1: (8.444786 − 1) × (1 − 0.1) = 6.700307 t, reported as 7.600307
    (waste) and −0.9 (recovery)."""
    act = activity([(R, 2019, "4.A.1", "food_waste", 1000, "t"),
                    (R, 2020, "4.A.1", "ch4_recovered", 1, "t")])
    rows = compute_landfill(act, LIB, years=[2020]).rows.set_index("item")["emissions_t"]
    gen = 75 * (1 - math.exp(-0.185)) * 0.5 * 16 / 12
    assert rows["food_waste"] == pytest.approx(gen * 0.9)
    assert rows["ch4_recovered"] == pytest.approx(-0.9)
    assert rows.sum() == pytest.approx((gen - 1) * 0.9)
    assert rows.sum() == pytest.approx(6.700307, rel=1e-6)


def test_landfill_decay_starts_after_the_deposition_year() -> None:
    """Issue #9 finding: M = delay + 7 = 13 (IPCC 2006 Vol.5 Annex 3A.1), so a deposit emits
    nothing in its own year; the old M = delay + 1 emitted 75 × (1 − e^(−0.0925)) × 0.5 ×
    16/12 × 0.9 = 3.98 t.  Without a delay_time factor the IPCC default (6 months) is used
    and the method text says so."""
    act = activity([(R, y, "4.A.1", "food_waste", 1000, "t") for y in (2019, 2020)])
    rows = compute_landfill(act, LIB).rows.set_index("year")
    assert rows.loc[2019, "emissions_t"] == 0.0
    assert rows.loc[2020, "emissions_t"] == pytest.approx(
        75 * (1 - math.exp(-0.185)) * 0.5 * 16 / 12 * 0.9)
    assert rows["method"].str.contains("M = delay \\+ 7.*delay 6 months").all()


def test_landfill_reports_requested_years_only() -> None:
    act = activity([(R, y, "4.A.1", "food_waste", 1000, "t") for y in range(2000, 2021)])
    rows = compute_landfill(act, LIB, years=[2020]).rows
    assert rows["year"].tolist() == [2020]
    assert len(rows["activity_ids"].iloc[0].split("|")) == 21


def test_open_burning() -> None:
    """Plastics 100 t burnt in the open: CO2 = 100 × 1 × 0.75 × 1 × 0.58 × 44/12 = 159.5 t;
    CH4 = 100 × 6,500 g = 0.65 t; N2O = 100 × 150 g = 0.015 t."""
    rows = compute_incineration(activity([(R, 2020, "4.C.2", "plastics", 100, "t")]), LIB).rows
    by = rows.loc[~rows["memo"]].set_index("gas")["emissions_t"]
    assert by["CO2"] == pytest.approx(159.5)
    assert by["CH4"] == pytest.approx(0.65)
    assert by["N2O"] == pytest.approx(0.015)


def test_wastewater_plant_n2o() -> None:
    """Box 6.1: 1,000,000 people served × F_IND-COM 1.25 × 3.2 g = 4 t N2O."""
    act = activity([(R, 2020, "4.D.1", "population_advanced_wwtp", 100, "万人")])
    rows = compute_wastewater(act, LIB).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(4.0)


def test_landfill_with_a_missing_factor_is_not_a_silent_zero() -> None:
    """A waste type without DOC (the packaged library has none for 'msw') gives NaN — reported
    NE by the compiler — where the grouped sum used to turn the NaN terms into 0 t."""
    act = activity([(R, y, "4.A.1", "food_waste", 1000, "t") for y in (2019, 2020)])
    nan_doc = library(*[r for r in (
        ("EFDB-615076", "landfill", "k_methane_generation_rate", 0.185, "1/a", None, None, None,
         "food_sewage_sludge"),
        ("EFDB-62738", "landfill", "MCF_SWDS", 1, ""),
        ("EFDB-615067", "landfill", "DOCf", 0.5, ""),
        ("EFDB-66030", "landfill", "F", 0.5, ""),
        ("EFDB-66029", "landfill", "OX", 0.1, ""),
        ("DOC-NAN", "food_waste", "DOC_wet_weight", float("nan"), "%"),
    )])
    rows = compute_landfill(act, nan_doc).rows
    assert rows["emissions_t"].isna().all()
