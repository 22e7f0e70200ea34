"""Golden cases: IPCC 2006 equations with default factors, each number derived by hand below."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from tanzhi.inventory import InventoryOptions, compute_inventory
from tanzhi.testing import assert_frames_equal
from tests.inventory.factories import read_factor_csv

HERE = Path(__file__).parent
CASES = sorted(p.name for p in HERE.iterdir() if (p / "meta.yaml").exists())
META_KEYS = {"id", "title", "title_zh", "document", "locator", "notes"}


def run(case: str) -> pd.DataFrame:
    """The numeric result rows of a golden case, computed from its inputs."""
    folder = HERE / case
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    activity = pd.read_csv(folder / "activity.csv", dtype={"region_code": str})
    options = InventoryOptions(**(meta.get("options") or {}))
    est = compute_inventory(activity, read_factor_csv(folder / "factors.csv"), options=options,
                            source=f"{case}/activity.csv")
    return est.rows.loc[est.rows["emissions_t"].notna()]


def value(rows: pd.DataFrame, category: str, item: str, gas: str, *, year: int = 2020,
          memo: bool = False) -> float:
    sel = rows.loc[(rows["category"] == category) & (rows["item"] == item)
                   & (rows["gas"] == gas) & (rows["year"] == year) & (rows["memo"] == memo)]
    assert len(sel) == 1, sel
    return float(sel["emissions_t"].iloc[0])


@pytest.mark.parametrize("case", CASES)
def test_case_reproduces_expected_csv(case: str) -> None:
    folder = HERE / case
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    assert META_KEYS <= set(meta), f"{case}/meta.yaml lacks {META_KEYS - set(meta)}"
    assert meta["id"] == case
    exp = pd.read_csv(folder / "expected.csv")
    # every expected row exactly once, no other row, each number to the hand derivation's 1e-9
    assert_frames_equal(run(case), exp, keys=["year", "category", "item", "gas", "memo"],
                        value="emissions_t", unit=None, rtol=1e-9, atol=1e-9)


def test_stationary_combustion_eq_2_1() -> None:
    """Vol.2 Ch.2 Eq.2.1 with Table 1.2/1.3 defaults and oxidation 1.

    Natural gas: 1,000 t × 48.0 GJ/t = 48,000 GJ = 48 TJ; 48 TJ × 15.3 t C/TJ = 734.4 t C;
    × 44/12 = 2,692.8 t CO2 (= 48 TJ × 56.1 t CO2/TJ, Table 1.4's 56,100 kg/TJ).
    Other bituminous coal: 10,000 t × 25.8 GJ/t = 258 TJ; × 25.8 t C/TJ = 6,656.4 t C;
    × 44/12 = 24,406.8 t CO2 (= 258 TJ × 94.6 t/TJ).
    """
    rows = run("ipcc2006-v2-ch2-stationary-combustion")
    assert value(rows, "1.A.1.a", "natural_gas", "CO2") == pytest.approx(2692.8)
    assert value(rows, "1.A.1.a", "natural_gas", "CO2") == pytest.approx(48 * 56.1)
    assert value(rows, "1.A.2.a", "other_bituminous_coal", "CO2") == pytest.approx(24406.8)
    assert value(rows, "1.A.2.a", "other_bituminous_coal", "CO2") == pytest.approx(258 * 94.6)


def test_managed_soils_eq_11_1_11_9_11_10() -> None:
    """Vol.4 Ch.11, inputs F_SN 100, F_ON 50, F_CR 20, F_PRP(CPP) 10 t N.

    Direct (Eq.11.1): (100 + 50 + 20) × EF1 0.01 + 10 × EF3PRP 0.02 = 1.7 + 0.2 = 1.9 t N2O-N;
    × 44/28 = 2.985714 t N2O.
    Volatilisation (Eq.11.9): (100 × FracGASF 0.10 + (50 + 10) × FracGASM 0.20) × EF4 0.01
    = (10 + 12) × 0.01 = 0.22 t N2O-N.
    Leaching (Eq.11.10): (100 + 50 + 20 + 10) × FracLEACH 0.30 × EF5 0.0075 = 180 × 0.00225
    = 0.405 t N2O-N.  Indirect: (0.22 + 0.405) × 44/28 = 0.625 × 1.571429 = 0.982143 t N2O.
    """
    rows = run("ipcc2006-v4-ch11-managed-soils")
    direct = rows.loc[rows["category"] == "3.C.4", "emissions_t"].sum()
    indirect = rows.loc[rows["category"] == "3.C.5", "emissions_t"].sum()
    assert direct == pytest.approx(1.9 * 44 / 28)
    assert direct == pytest.approx(2.985714, rel=1e-6)
    assert indirect == pytest.approx(0.625 * 44 / 28)
    assert indirect == pytest.approx(0.982143, rel=1e-6)


def test_cement_tier1_without_double_ckd() -> None:
    """Vol.3 Ch.2 Eq.2.1: 100 万t (1,000,000 t) clinker × 0.52 = 520,000 t CO2; blended
    cement 100,000 t × 75 % clinker = 75,000 t clinker × 0.52 = 39,000 t CO2.  EFclc 0.52 is
    0.51 × 1.02 (CKD already in), so multiplying by CF_ckd 1.02 again would give 530,400 t."""
    rows = run("ipcc2006-v3-ch2-cement")
    assert value(rows, "2.A.1", "cement_clinker", "CO2") == pytest.approx(520_000)
    assert value(rows, "2.A.1", "cement", "CO2") == pytest.approx(39_000)


def test_livestock_enteric_and_manure_ch4() -> None:
    """Vol.4 Ch.10 Eq.10.19: 1 万头 = 10,000 dairy cattle × 68 kg = 680 t CH4; 100,000 swine ×
    1 kg = 100 t; 20,000 sheep × 5 kg = 100 t.  Eq.10.22: sheep manure 20,000 × 0.15 kg = 3 t;
    dairy 10,000 × 16 kg = 160 t; swine 100,000 × 2 kg = 200 t (illustrative EFs)."""
    rows = run("ipcc2006-v4-ch10-livestock")
    assert value(rows, "3.A.1", "dairy_cattle", "CH4") == pytest.approx(680)
    assert value(rows, "3.A.1", "swine", "CH4") == pytest.approx(100)
    assert value(rows, "3.A.2", "sheep", "CH4") == pytest.approx(3)


def test_rice_eq_5_1() -> None:
    """Vol.4 Ch.5 Eq.5.1-5.2: 150,000 亩 = 10,000 ha; EF = 1.3 × SFw 0.60 × SFp 1 × SFo 1
    = 0.78 kg CH4/ha/d; × 120 d × 10,000 ha = 936,000 kg = 936 t CH4."""
    rows = run("ipcc2006-v4-ch5-rice")
    obs = value(rows, "3.C.7", "intermittently_flooded_single_aeration", "CH4")
    assert obs == pytest.approx(936)


def test_incineration_fossil_and_memo_co2() -> None:
    """Vol.5 Ch.5 Eq.5.3.  Plastics: 10,000 t × dm 1.00 × CF 0.75 × FCF 1.00 × OF 1 × 44/12
    = 27,500 t CO2 (no non-fossil part).  Paper: 10,000 × 0.90 × 0.46 = 4,140 t C; × OF 1 ×
    44/12 = 15,180 t CO2 of which FCF 1 % = 151.8 t fossil and 15,028.2 t non-fossil (memo).
    N2O (Eq.5.5): 20,000 t × 50 g/t = 1 t."""
    rows = run("ipcc2006-v5-ch5-incineration")
    assert value(rows, "4.C.1", "plastics", "CO2") == pytest.approx(27_500)
    assert value(rows, "4.C.1", "paper", "CO2") == pytest.approx(151.8)
    assert value(rows, "4.C.1", "paper", "CO2", memo=True) == pytest.approx(15_028.2)
    n2o = rows.loc[(rows["gas"] == "N2O"), "emissions_t"].sum()
    assert n2o == pytest.approx(1.0)


def test_wastewater_ch4_and_n2o() -> None:
    """Vol.5 Ch.6.  CH4 (Eq.6.1-6.2): 1,000 t BOD to septic systems × Bo 0.6 × MCF 0.5
    = 300 t CH4.  N2O (Eq.6.7-6.8): 100 万人 = 1,000,000 × 25 kg protein × F_NPR 0.16 ×
    F_NON-CON 1.1 × F_IND-COM 1.25 = 5,500,000 kg N; × EF 0.005 = 27,500 kg N2O-N; × 44/28
    = 43,214.29 kg = 43.214 t N2O."""
    rows = run("ipcc2006-v5-ch6-wastewater")
    assert value(rows, "4.D.1", "septic_system", "CH4") == pytest.approx(300)
    assert value(rows, "4.D.1", "population", "N2O") == pytest.approx(43.2142857, rel=1e-8)


def test_forest_stock_difference() -> None:
    """Vol.4 Eq.2.8 with C = V × D × BEF × (1 + R) × CF: ΔV = 1,030,000 − 1,000,000 (100 万m³)
    = 30,000 m³; × 0.58 t/m³ = 17,400 t; × BEF 1.4 = 24,360 t; × 1.20 = 29,232 t d.m.;
    × 0.47 = 13,739.04 t C; CO2 = −13,739.04 × 44/12 = −50,376.48 t (a removal)."""
    rows = run("hand-forest-stock-change")
    assert value(rows, "3.B.1.a", "broadleaf", "CO2") == pytest.approx(-50_376.48)
