"""Agriculture: manure N2O from N excretion, rice by area × days, soil N input checks."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_livestock, compute_managed_soils, compute_rice
from tanzhi.kernel import DataError
from tests.inventory.factories import activity, library

R, Y = "330100", 2020
LIB = library(
    ("EFDB-415945", "dairy_cattle", "EF_enteric_CH4", 68, "kg CH4/head/a", "CH4"),
    ("TEST-man", "dairy_cattle", "EF_manure_CH4", 16, "kg CH4/head/a", "CH4"),
    ("EFDB-417232", "dairy_cattle", "Nrate_N_excretion_rate", 0.47, "kg N/t/d"),
    ("TEST-tam", "dairy_cattle", "typical_animal_mass", 350, "kg"),
    ("EFDB-417262", "solid_storage", "EF3_direct_N2O_manure", 0.005, "kgN2ON/kgN", "N2O"),
    ("EFDB-417263", "dry_lot", "EF3_direct_N2O_manure", 0.02, "kgN2ON/kgN", "N2O"),
    ("EFDB-415830", "rice", "EFc_baseline_CH4", 1.3, "kg CH4/hectare/d", "CH4"),
    ("EFDB-415832", "rice", "SFw_scaling_factor", 1, "", None, None, None,
     "continuously_flooded"),
    ("EFDB-415843", "rice", "SFp_scaling_factor", 1.22, "", None, None, None, "aggregated_case"),
    ("EFDB-415846", "rice", "CFOA_conversion_factor", 0.05, "", None, None, None, "compost"),
)


def test_manure_n2o_from_excretion_and_systems() -> None:
    """Eq.10.30: Nex = 0.47 kg N/(t·d) × 350 kg/1000 × 365 d = 60.0425 kg N/head/yr.
    10,000 head, 60 % solid storage (EF3 0.005) and 40 % dry lot (0.02):
    600,425 kg N × (0.6 × 0.005 + 0.4 × 0.02) = 600,425 × 0.011 = 6,604.675 kg N2O-N;
    × 44/28 = 10,378.775 kg = 10.378775 t N2O."""
    systems = pd.DataFrame({"item": ["dairy_cattle"] * 2, "system": ["solid_storage", "dry_lot"],
                            "share": [0.6, 0.4]})
    est = compute_livestock(activity([(R, Y, "3.A", "dairy_cattle", 10000, "head")]), LIB,
                            manure_systems=systems)
    n2o = est.rows.loc[est.rows["gas"] == "N2O"].iloc[0]
    assert n2o["emissions_t"] == pytest.approx(600_425 * 0.011 * 44 / 28 / 1000)
    assert n2o["emissions_t"] == pytest.approx(10.378775, rel=1e-6)
    assert n2o["factor_ids"] == "EFDB-417232|TEST-tam|EFDB-417262|EFDB-417263"
    # One term per system, adding up to the row.
    row_terms = est.terms.loc[est.terms["row"] == n2o.name, "coefficient_t"]
    assert len(row_terms) == 2 and row_terms.sum() == pytest.approx(n2o["emissions_t"])


def test_manure_n2o_without_systems_is_not_estimated() -> None:
    est = compute_livestock(activity([(R, Y, "3.A", "dairy_cattle", 10, "head")]), LIB)
    n2o = est.rows.loc[est.rows["gas"] == "N2O"].iloc[0]
    assert n2o["notation"] == "NE" and pd.isna(n2o["emissions_t"])


def test_rice_area_times_days_and_organic_amendment() -> None:
    """1,000 ha × 100 d given as 'hectare * d'; compost 2 t/ha: SFo = (1 + 2 × 0.05)^0.59
    = 1.1^0.59 = 1.057844; EF = 1.3 × 1 × 1.22 × 1.057844 = 1.677741 kg/ha/d; × 100,000 ha·d
    = 167.7741 t CH4."""
    act = activity([(R, Y, "3.C.7", "continuously_flooded", 100000, "hectare * d")])
    rows = compute_rice(act, LIB, organic_amendments={"compost": 2.0}).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(1.3 * 1.22 * 1.1 ** 0.59 * 100)
    assert rows["emissions_t"].iloc[0] == pytest.approx(167.7741, rel=1e-6)
    assert rows["factor_ids"].iloc[0].endswith("EFDB-415846")


def test_unknown_soil_input_names_its_row() -> None:
    act = activity([(R, Y, "3.C.4", "synthetic_n", 1, "t"), (R, Y, "3.C.4", "urea", 1, "t")])
    with pytest.raises(DataError) as info:
        compute_managed_soils(act, LIB, source="soils.csv")
    assert "urea" in str(info.value) and "row 3" in str(info.value)
