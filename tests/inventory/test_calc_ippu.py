"""IPPU: glass cullet, adipic abatement, nitric acid, HFC-23, F-gas use, cement tier 2."""

from __future__ import annotations

import pytest

from tanzhi.inventory.calc import compute_cement, compute_ippu
from tests.inventory.factories import activity, library

R, Y = "330100", 2020
LIB = library(
    ("EFDB-213930", "glass", "EF_glass", 0.20, "t CO2/t", "CO2"),
    ("EFDB-213931", "glass", "cullet_ratio", 0.50, "fraction"),
    ("EFDB-23037", "adipic_acid", "N2O_generation_factor", 300, "kg N2O/t", "N2O"),
    ("EFDB-23037", "adipic_acid_abated", "N2O_generation_factor", 300, "kg N2O/t", "N2O"),
    ("EFDB-213991", "adipic_acid_abated", "N2O_destruction_factor", 92.5, "%"),
    ("EFDB-213995", "adipic_acid_abated", "abatement_system_utilisation_factor", 89, "%"),
    ("EFDB-213990", "high_pressure", "EF_N2O_nitric_acid", 9, "kg N2O/t", "N2O"),
    ("EFDB-214067", "recent_design", "EF_HFC23_byproduct", 0.03, "kg HFC23/kg", "HFC-23"),
    ("EFDB-213928", "lime_mix", "EF_lime", 0.75, "t CO2/t", "CO2"),
    ("TEST-rate", "HFC-134a", "emission_rate", 0.15, "1/a", "HFC-134a", "2.F.1"),
    ("TEST-sf6", "SF6", "emission_rate", 0.02, "1/a", "SF6", "2.G.1"),
    ("TEST-cao", "cement_clinker", "clinker_cao_fraction", 65, "%"),
    ("EFDB-213927", "cement_clinker", "CKD_correction_factor", 1.02, "fraction"),
)


def value(rows, category, item, gas) -> float:
    sel = rows.loc[(rows["category"] == category) & (rows["item"] == item) & (rows["gas"] == gas)]
    assert len(sel) == 1
    return float(sel["emissions_t"].iloc[0])


def test_each_ippu_source_by_hand() -> None:
    """Glass (Eq.2.10): 100,000 t × 0.20 × (1 − 0.5) = 10,000 t CO2.
    Adipic (Eq.3.8): 1,000 t × 300 kg = 300 t N2O unabated; abated × (1 − 0.925 × 0.89)
    = 300 × 0.17675 = 53.025 t.  Nitric (Eq.3.5): 50,000 t × 9 kg = 450 t N2O.
    HCFC-22 (Eq.3.30): 10,000 t × 0.03 = 300 t HFC-23.  Lime: 200,000 t × 0.75 = 150,000 t.
    HFC-134a bank 300 t × 15 %/yr = 45 t; SF6 bank 50 t × 2 %/yr = 1 t."""
    act = activity([
        (R, Y, "2.A.3", "glass", 10, "万吨"),
        (R, Y, "2.B.3", "adipic_acid", 1000, "t"),
        (R, Y, "2.B.3", "adipic_acid_abated", 1000, "t"),
        (R, Y, "2.B.2", "high_pressure", 50000, "t"),
        (R, Y, "2.B.9.a", "recent_design", 10000, "t"),
        (R, Y, "2.A.2", "lime_mix", 200000, "t"),
        (R, Y, "2.F.1", "HFC-134a", 300, "t"),
        (R, Y, "2.G.1", "SF6", 50000, "kg"),
    ])
    rows = compute_ippu(act, LIB).rows
    assert value(rows, "2.A.3", "glass", "CO2") == pytest.approx(10_000)
    assert value(rows, "2.B.3", "adipic_acid", "N2O") == pytest.approx(300)
    assert value(rows, "2.B.3", "adipic_acid_abated", "N2O") == pytest.approx(53.025)
    assert value(rows, "2.B.2", "high_pressure", "N2O") == pytest.approx(450)
    assert value(rows, "2.B.9.a", "recent_design", "HFC-23") == pytest.approx(300)
    assert value(rows, "2.A.2", "lime_mix", "CO2") == pytest.approx(150_000)
    assert value(rows, "2.F.1", "HFC-134a", "HFC-134a") == pytest.approx(45)
    assert value(rows, "2.G.1", "SF6", "SF6") == pytest.approx(1)
    methods = rows.set_index("item")["method"]
    assert "no abatement" in methods["adipic_acid"]
    assert "no abatement" not in methods["adipic_acid_abated"]


def test_cement_tier2_uses_cao_and_ckd() -> None:
    """Eq.2.2: 1,000 t clinker × 0.65 CaO × 0.785 × 1.02 = 520.455 t CO2."""
    rows = compute_cement(activity([(R, Y, "2.A.1", "clinker", 1000, "t")]), LIB, tier=2).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(1000 * 0.65 * 0.785 * 1.02)


def test_glass_terms_split_the_cullet_share() -> None:
    est = compute_ippu(activity([(R, Y, "2.A.3", "glass", 100, "t", 2.0)], uncertainty=True), LIB)
    # Terms: +Mg·EF = 20 t and −Mg·EF·CR = −10 t; they add up to the row.
    assert sorted(est.terms["coefficient_t"]) == pytest.approx([-10.0, 20.0])
    assert est.terms["coefficient_t"].sum() == pytest.approx(est.rows["emissions_t"].sum())


def test_adipic_acid_is_unabated_unless_the_technology_is_given() -> None:
    """Issue #9: on packaged defaults 10 kt adipic acid gave 530 t N2O (the catalytic DF 92.5 %
    × ASUF 89 % applied to every plant).  IPCC 2006 Vol.3 Table 3.4: 300 kg N2O/t unabated, so
    10,000 t → 3,000 t; naming the technology (variant ``catalytic``) gives
    3,000 × (1 − 0.925 × 0.89) = 530.25 t."""
    from tanzhi.kernel import default_library

    plain = activity([(R, Y, "2.B.3", "己二酸", 1, "万吨")])
    plain["item"] = "adipic_acid"
    rows = compute_ippu(plain, default_library()).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(3000.0)
    assert "unabated" in rows["method"].iloc[0]
    named = plain.assign(variant="catalytic")
    rows = compute_ippu(named, default_library()).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(3000 * (1 - 0.925 * 0.89))
    assert "ipcc-2006/adipic_acid/n2o_destruction/catalytic" in rows["factor_ids"].iloc[0]
