"""User factor files: applied where written, refused with a located reason, never ignored
(issue #9, items 1 and 4).  Every expected number is worked by hand in the docstring."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from tanzhi.inventory.calc import compute_inventory
from tanzhi.inventory.cli import app
from tanzhi.inventory.formats.factors import (
    FactorOverrides,
    check_overrides_used,
    read_factor_overrides,
)
from tanzhi.inventory.model import InventoryOptions
from tanzhi.inventory.service.compute import compute_rows
from tanzhi.kernel import DataError, default_library

R, Y = "330100", 2022
HEADER = "category,item,gas,parameter,value,unit\n"
RAW_COAL_NCV = default_library().by_id("cn-prov-2011/raw_coal/ncv").value_in("GJ/t")
N2O_PER_N = 44.0 / 28.0


def overrides(*lines: str, name: str = "f.csv"):
    return read_factor_overrides(("\n".join([HEADER.strip(), *lines]) + "\n").encode(),
                                 filename=name)


def activity(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame([(R, Y, *r) for r in rows],
                         columns=["region_code", "year", "category", "item", "value", "unit"])
    frame["activity_id"] = [f"a{i}" for i in range(len(frame))]
    return frame


def compute(act: pd.DataFrame, lib, **variants: str) -> pd.DataFrame:
    rows = compute_inventory(act, lib, options=InventoryOptions(variants=variants or None)).rows
    if isinstance(lib, FactorOverrides):
        check_overrides_used(lib, rows, act)
    return rows


def one(rows: pd.DataFrame, category: str, gas: str, item: str | None = None) -> pd.Series:
    sel = (rows["category"] == category) & (rows["gas"] == gas) & ~rows["memo"].astype(bool)
    if item is not None:
        sel &= rows["item"] == item
    found = rows.loc[sel]
    assert len(found) == 1, found
    return found.iloc[0]


# --------------------------------------------------------------------------- findings


def test_soil_n_row_for_the_activity_item_is_applied() -> None:
    """`3.C.4,氮肥,N2O,ef,0.02,kg/kg` was left on ipcc-2006/managed_soils: 100 t N × 0.02 ×
    44/28 = 3.142857 t N2O, from row 2."""
    rows = compute(activity(("3.C.4", "synthetic_n", 100, "t")),
                   overrides("3.C.4,氮肥,N2O,ef,0.02,kg/kg"))
    direct = one(rows, "3.C.4", "N2O")
    assert direct["emissions_t"] == pytest.approx(100 * 0.02 * N2O_PER_N, rel=1e-12)
    assert "user:f.csv#2/synthetic_n/direct_n2o_ef" in direct["factor_ids"]
    assert "managed_soils/direct_n2o_ef" not in direct["factor_ids"]


def test_natural_gas_ef_per_cubic_metre_for_co2_and_ch4() -> None:
    """Refused before ("override ncv × carbon_content × oxidation instead"): 10,000 m³ ×
    2.17 kg/m³ = 21.7 t CO2; × 0.001 kg/m³ = 0.01 t CH4."""
    rows = compute(activity(("1.A.4.a", "natural_gas", 1e4, "m**3")),
                   overrides("1.A.4.a,天然气,CO2,ef,2.17,kg/m^3",
                             "1.A.4.a,天然气,CH4,ef,0.001,kg/m^3"))
    co2, ch4 = one(rows, "1.A.4.a", "CO2"), one(rows, "1.A.4.a", "CH4")
    assert co2["emissions_t"] == pytest.approx(21.7, rel=1e-12)
    assert ch4["emissions_t"] == pytest.approx(0.01, rel=1e-12)
    assert co2["factor_ids"] == "user:f.csv#2/natural_gas/EF_combustion_physical"


def test_ncv_row_reaches_its_category_and_children_only() -> None:
    """`1.A.1,原煤,,ncv,25,GJ/t` also changed 1.A.2: 1.A.1.a takes 25 GJ/t (100 t → 2,500
    GJ), 1.A.2 keeps the packaged raw-coal NCV."""
    rows = compute(activity(("1.A.1.a", "raw_coal", 100, "t"), ("1.A.2", "raw_coal", 100, "t")),
                   overrides("1.A.1,原煤,,ncv,25,GJ/t"))
    assert one(rows, "1.A.1.a", "CO2")["activity_value"] == pytest.approx(2500.0)
    assert one(rows, "1.A.2", "CO2")["activity_value"] == pytest.approx(100 * RAW_COAL_NCV)
    assert "user:" not in one(rows, "1.A.2", "CO2")["factor_ids"]


def test_rice_baseline_ef_by_water_regime() -> None:
    """3.C.7 EFc by water regime: 100,000 ha·d × 2.0 kg/ha/d × SFw 0.60 (single aeration) ×
    SFp 1.22 (aggregated) = 146.4 t CH4."""
    rows = compute(activity(("3.C.7", "intermittently_flooded_single_aeration", 1e5,
                             "hectare * d")),
                   overrides("3.C.7,intermittently_flooded_single_aeration,CH4,ef,2.0,"
                             "kg/hectare/d"))
    ch4 = one(rows, "3.C.7", "CH4")
    assert ch4["emissions_t"] == pytest.approx(1e5 * 2.0 * 0.60 * 1.22 / 1000, rel=1e-9)
    assert "user:f.csv#2/" in ch4["factor_ids"]


def test_landfill_mcf_by_waste_type() -> None:
    """MCF under 4.A.1 by waste type: the food-waste row's MCF is the user's 0.5 (the
    managed-anaerobic default is 1.0), so its CH4 halves."""
    act = activity(("4.A.1", "food_waste", 1e4, "t"))
    base = compute(act, default_library(), MCF_SWDS="managed_anaerobic", OX="uncovered")
    rows = compute(act, overrides("4.A.1,食物垃圾,,MCF,0.5,1"),
                   MCF_SWDS="managed_anaerobic", OX="uncovered")
    got, was = one(rows, "4.A.1", "CH4"), one(base, "4.A.1", "CH4")
    assert got["emissions_t"] == pytest.approx(was["emissions_t"] * 0.5, rel=1e-12)
    assert "user:f.csv#2/food_waste/mcf" in got["factor_ids"]


def test_cement_ef_under_2a1() -> None:
    """2.A.1 cement: the clinker EF (t CO2/t clinker) for item cement: 1,000 t blended cement
    × clinker fraction 0.75 × 0.50 = 375 t CO2."""
    act = activity(("2.A.1", "cement", 1000, "t")).assign(variant="blended")
    rows = compute(act, overrides("2.A.1,水泥,CO2,ef,0.50,t/t"))
    assert one(rows, "2.A.1", "CO2")["emissions_t"] == pytest.approx(375.0, rel=1e-12)


def test_incineration_n2o_by_component() -> None:
    """4.C.1 N2O by component: 1,000 t plastics × 100 g/t = 0.1 t N2O."""
    rows = compute(activity(("4.C.1", "plastics", 1000, "t")),
                   overrides("4.C.1,塑料,N2O,ef,100,g/t"))
    n2o = one(rows, "4.C.1", "N2O")
    assert n2o["emissions_t"] == pytest.approx(0.1, rel=1e-12)
    assert "user:f.csv#2/plastics/n2o_ef" in n2o["factor_ids"]


def test_wastewater_bo_by_pathway() -> None:
    """4.D.1 CH4 by pathway: a septic-system row's Bo 0.5 kg CH4/kg BOD (default 0.6), MCF
    0.5 (IPCC Table 6.3 septic system): 1,000 t BOD × 0.5 × 0.5 = 250 t CH4."""
    rows = compute(activity(("4.D.1", "septic_system", 1000, "t")),
                   overrides("4.D.1,化粪池,CH4,ef,0.5,kg/kg"))
    ch4 = one(rows, "4.D.1", "CH4")
    assert ch4["emissions_t"] == pytest.approx(250.0, rel=1e-12)
    assert "user:f.csv#2/septic_system/bo" in ch4["factor_ids"]


# --------------------------------------------------------------------------- unused rows


@pytest.mark.parametrize(("line", "column", "says"), [
    ("1.A.1,原煤,,ncv,25,GJ/t", "category", "no row in category 1.A.1"),
    ("1.A.2,原煤,,wood_density_D,0.5,t/m^3", "parameter", "does not use parameter"),
    ("1.A.2,原煤,HFC-134a,ef,1,kg/TJ", "gas", "does not estimate HFC134a"),
    ("1.A.2,焦炭,,ncv,28,GJ/t", "item", "no activity of item coke"),
])
def test_a_row_that_matches_nothing_fails_with_its_row(line: str, column: str,
                                                       says: str) -> None:
    lib = overrides("1.A.2,原煤,,ncv,21,GJ/t", line)
    act = activity(("1.A.2", "raw_coal", 100, "t"))
    rows = compute_inventory(act, lib).rows
    with pytest.raises(DataError) as err:
        check_overrides_used(lib, rows, act)
    (problem,) = err.value.problems
    assert (problem.location.file, problem.location.row) == ("f.csv", 3)
    assert problem.location.column == column
    assert says in problem.message_en


def test_parts_beside_an_ef_for_the_same_scope_are_refused() -> None:
    """An EF and carbon content for the same fuel, category and gas: the EF is taken (higher
    precedence) and the carbon-content row, used nowhere, fails naming row 3."""
    lib = overrides("1.A.2,原煤,CO2,ef,1.9,t/t", "1.A.2,原煤,,carbon_content,26,t C/TJ")
    act = activity(("1.A.2", "raw_coal", 100, "t"))
    rows = compute_inventory(act, lib).rows
    assert one(rows, "1.A.2", "CO2")["emissions_t"] == pytest.approx(190.0, rel=1e-12)
    with pytest.raises(DataError) as err:
        check_overrides_used(lib, rows, act)
    (problem,) = err.value.problems
    assert problem.location.row == 3
    assert "precedence" in problem.message_en


def test_physical_ef_of_another_dimension_is_an_error_naming_the_row() -> None:
    """kg/m³ for a fuel measured in t: no density is known, so it is refused, not guessed."""
    lib = overrides("1.A.2,原煤,CO2,ef,2.0,kg/m^3")
    with pytest.raises(DataError, match=r"user:f\.csv#2"):
        compute_inventory(activity(("1.A.2", "raw_coal", 100, "t")), lib)


def test_an_unused_row_fails_the_cli(tmp_path) -> None:
    act = tmp_path / "a.csv"
    act.write_text("region_code,year,category,item,value,unit\n330100,2022,1.A.2,原煤,100,t\n",
                   encoding="utf-8")
    fac = tmp_path / "f.csv"
    fac.write_text(HEADER + "1.A.1,原煤,,ncv,25,GJ/t\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["compute", str(act), "--factors", str(fac)])
    assert result.exit_code != 0
    assert "file f.csv, row 2, column 'category'" in result.stderr
    assert "no row in category 1.A.1" in result.stderr


def test_ef_of_combustion_takes_the_unit_basis() -> None:
    """The same `ef` name becomes a per-energy or per-physical-unit EF by its unit."""
    lib = overrides("1.A.2,原煤,CO2,ef,2.0,t/tce", "1.A.3,汽油,CO2,ef,2.9,t/t")
    assert {f.parameter for f in lib.factors} == {"EF_combustion", "EF_combustion_physical"}
    assert not math.isnan(lib.factors[0].value)


def test_service_compile_refuses_a_wrong_dimension_with_the_row() -> None:
    """The service reports failing rows NE rather than raising; the factor-file check still
    fails, naming the row and the unit refusal instead of a vague 'unused'."""
    lib = overrides("1.A.2,原煤,CO2,ef,2.0,kg/m^3")
    with pytest.raises(DataError) as err:
        compute_rows(activity(("1.A.2", "raw_coal", 100, "t")), lib, gwp="AR5")
    (problem,) = err.value.problems
    assert (problem.location.row, problem.location.column) == (2, "unit")
    assert "user:f.csv#2" in problem.message_en
