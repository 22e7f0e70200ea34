"""Every way a combustion factor is published, worked by hand (issue #9, items 2 and 4), and
every parameter alias of the factor file resolved to the method's parameter (item 1)."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_inventory
from tanzhi.inventory.formats.factors import (
    check_overrides_used,
    read_factor_overrides,
)
from tanzhi.inventory.formats.parameters import resolve_parameter
from tanzhi.inventory.formats.results import with_lineage
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY
from tanzhi.kernel import DataError, default_library

R, Y = "330100", 2022
HEADER = "category,item,gas,parameter,value,unit"
C_TO_CO2 = 44.0 / 12.0
N2O_PER_N = 44.0 / 28.0
# 100 t raw coal at 20 GJ/t = 2 TJ; × 26 t C/TJ × 0.9 × 44/12 = 171.6 t CO2.
PARTS = ("1.A.2,原煤,,ncv,20,GJ/t", "1.A.2,原煤,,carbon_content,26,t C/TJ",
         "1.A.2,原煤,,oxidation,0.9,1")
PARTS_CO2 = 2.0 * 26 * 0.9 * C_TO_CO2


def run(act_rows: list[tuple], *lines: str) -> pd.DataFrame:
    lib = read_factor_overrides(("\n".join([HEADER, *lines]) + "\n").encode(), filename="f.csv")
    act = pd.DataFrame([(R, Y, *r) for r in act_rows],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    act["activity_id"] = [f"a{i}" for i in range(len(act))]
    rows = compute_inventory(act, lib).rows
    check_overrides_used(lib, rows, act)
    return with_lineage(rows, lib)


def one(rows: pd.DataFrame, gas: str) -> pd.Series:
    found = rows.loc[(rows["gas"] == gas) & rows["emissions_t"].notna()]
    assert len(found) == 1, found
    return found.iloc[0]


COAL = [("1.A.2", "raw_coal", 100, "t")]


@pytest.mark.parametrize(("lines", "gas", "expected", "path"), [
    # NCV × carbon content × oxidation (all three the user's).
    (PARTS, "CO2", PARTS_CO2, "ncv×cc×ox"),
    # EF per energy: 2 TJ × 95,000 kg/TJ = 190 t CO2; 2,000 GJ × 1e-5 t/GJ = 0.02 t CH4;
    # 2 TJ × 1.5 kg/TJ = 0.003 t N2O.
    (("1.A.2,原煤,,ncv,20,GJ/t", "1.A.2,原煤,CO2,ef,95000,kg CO2/TJ"), "CO2", 190.0,
     "ncv×ef_energy"),
    (("1.A.2,原煤,,ncv,20,GJ/t", "1.A.2,原煤,CH4,ef,0.00001,t/GJ"), "CH4", 0.02,
     "ncv×ef_energy"),
    (("1.A.2,原煤,,ncv,20,GJ/t", "1.A.2,原煤,N2O,ef,1.5,kg/TJ"), "N2O", 0.003,
     "ncv×ef_energy"),
    # EF per physical unit: 100 t × 1.9 t/t = 190 t CO2; × 0.2 kg/t = 0.02 t CH4;
    # × 0.1 kg/t = 0.01 t N2O.
    (("1.A.2,原煤,CO2,ef,1.9,t/t",), "CO2", 190.0, "ef_physical"),
    (("1.A.2,原煤,CH4,ef,0.2,kg/t",), "CH4", 0.02, "ef_physical"),
    (("1.A.2,原煤,N2O,ef,0.1,kg/t",), "N2O", 0.01, "ef_physical"),
])
def test_coal_by_every_path(lines: tuple[str, ...], gas: str, expected: float,
                            path: str) -> None:
    row = one(run(COAL, *lines).query("gas == @gas"), gas)
    assert row["emissions_t"] == pytest.approx(expected, rel=1e-12)
    assert row["factor_path"] == path
    assert row["override_rows"].startswith("f.csv#")
    assert row["activity_unit"] == "GJ"  # the fuel's energy is reported on every path


def test_ef_per_tce() -> None:
    """1,000 tce × 2.66 t CO2/tce = 2,660 t (the tce-to-GJ step and back cancel)."""
    row = one(run([("1.A.2", "raw_coal", 1000, "tce")], "1.A.2,原煤,CO2,ef,2.66,t CO2/tce"),
              "CO2")
    assert row["emissions_t"] == pytest.approx(2660.0, rel=1e-12)
    assert row["factor_path"] == "ef_energy"


@pytest.mark.parametrize(("unit", "value", "expected"), [
    ("kg/m^3", 2.16, 2160.0),         # 1e6 m³ × 2.16 kg/m³
    ("吨/万立方米", 21.6, 2160.0),      # 100 万m³ × 21.6 t
    ("t CO2/m^3", 0.00216, 2160.0),
])
def test_gas_per_volume(unit: str, value: float, expected: float) -> None:
    row = one(run([("1.A.4.a", "natural_gas", 1e6, "m**3")],
                  f"1.A.4.a,天然气,CO2,ef,{value},{unit}"), "CO2")
    assert row["emissions_t"] == pytest.approx(expected, rel=1e-12)
    assert row["factor_path"] == "ef_physical"


def test_purchased_electricity_per_kwh() -> None:
    """1,000,000 kWh × 0.5 kg CO2/kWh = 500 t CO2 (the user's grid factor)."""
    rows = run([(NET_IMPORTED_ELECTRICITY, "electricity", 1e6, "kWh")],
               f"{NET_IMPORTED_ELECTRICITY},电力,CO2,ef,0.5,kgCO2/kWh")
    row = one(rows, "CO2")
    assert row["emissions_t"] == pytest.approx(500.0, rel=1e-12)
    assert row["factor_path"] == "grid_average_ef"


def test_precedence_physical_over_energy_over_parts() -> None:
    """Physical EF (1.9 t/t → 190 t) wins over an energy EF for another gas scope only; an
    energy EF for 1.A wins over the packaged parts at 1.A.2.  Parts at 1.A.1 stay there."""
    rows = run([("1.A.2", "raw_coal", 100, "t"), ("1.A.1", "raw_coal", 100, "t")],
               "1.A.2,原煤,CO2,ef,1.9,t/t", "1.A,原煤,CO2,ef,95,t/TJ",
               "1.A.1,原煤,,ncv,20,GJ/t")
    co2 = rows.loc[rows["gas"] == "CO2"].set_index("category")
    assert co2.loc["1.A.2", "factor_path"] == "ef_physical"
    assert co2.loc["1.A.2", "emissions_t"] == pytest.approx(190.0, rel=1e-12)
    assert co2.loc["1.A.1", "factor_path"] == "ncv×ef_energy"
    assert co2.loc["1.A.1", "emissions_t"] == pytest.approx(2.0 * 95, rel=1e-12)


def test_packaged_rows_say_provisional() -> None:
    """Raw-coal carbon content and oxidation of cn-prov-2011 are provisional transcriptions:
    the packaged path is flagged, a path made only of the user's factors is not."""
    lib = default_library()
    cc = lib.by_id("cn-prov-2011/raw_coal/carbon_content")
    act = pd.DataFrame([(R, Y, "1.A.2", "raw_coal", 100, "t")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    packaged = with_lineage(compute_inventory(act, lib).rows, lib)
    assert bool(one(packaged, "CO2")["provisional"]) == cc.provisional
    assert not one(run(COAL, *PARTS), "CO2")["provisional"]


# --------------------------------------------------------------------------- aliases

NCV_ALIASES = ("ncv", "NCV", "低位发热量", "平均低位发热量", "低位热值", "热值",
               "net_calorific_value")
CC_ALIASES = ("carbon_content", "cc", "单位热值含碳量", "含碳量", "carbon_content_per_heat")
OX_ALIASES = ("oxidation", "ox", "of", "碳氧化率", "氧化率", "oxidation_rate")


@pytest.mark.parametrize("name", NCV_ALIASES)
def test_ncv_aliases(name: str) -> None:
    row = one(run(COAL, f"1.A.2,原煤,,{name},20,GJ/t", *PARTS[1:]), "CO2")
    assert row["emissions_t"] == pytest.approx(PARTS_CO2, rel=1e-12)


@pytest.mark.parametrize("name", CC_ALIASES)
def test_carbon_content_aliases(name: str) -> None:
    row = one(run(COAL, PARTS[0], f"1.A.2,原煤,,{name},26,t C/TJ", PARTS[2]), "CO2")
    assert row["emissions_t"] == pytest.approx(PARTS_CO2, rel=1e-12)


@pytest.mark.parametrize("name", OX_ALIASES)
def test_oxidation_aliases(name: str) -> None:
    row = one(run(COAL, *PARTS[:2], f"1.A.2,原煤,,{name},0.9,1"), "CO2")
    assert row["emissions_t"] == pytest.approx(PARTS_CO2, rel=1e-12)


@pytest.mark.parametrize("name", ("ef", "EF", "排放因子", "emission_factor"))
def test_ef_aliases(name: str) -> None:
    row = one(run(COAL, f"1.A.2,原煤,CO2,{name},1.9,t/t"), "CO2")
    assert row["emissions_t"] == pytest.approx(190.0, rel=1e-12)


@pytest.mark.parametrize("name", ("ef", "EF1", "direct_n2o_ef", "EF1_direct_N2O", "直接排放因子"))
def test_soil_direct_ef_aliases(name: str) -> None:
    """100 t N × 0.02 × 44/28 = 3.142857 t N2O."""
    rows = run([("3.C.4", "synthetic_n", 100, "t")], f"3.C.4,氮肥,N2O,{name},0.02,kg/kg")
    direct = rows.loc[(rows["category"] == "3.C.4") & (rows["gas"] == "N2O")].iloc[0]
    assert direct["emissions_t"] == pytest.approx(100 * 0.02 * N2O_PER_N, rel=1e-12)


KNOWN = frozenset(default_library().frame()["parameter"]) | {
    "EF_combustion", "EF_combustion_physical", "Bo_max_CH4_producing_capacity",
    "MCF_domestic_wastewater", "MCF_industrial_wastewater", "emission_rate", "EF_fugitive"}


@pytest.mark.parametrize(("name", "category", "item", "gas", "unit", "expected"), [
    ("ef", "1.A.1", "raw_coal", "CH4", "kg/TJ", "EF_combustion"),
    ("ef", "1.A.1", "raw_coal", "CO2", "t/t", "EF_combustion_physical"),
    ("ef", "1.B.1", "raw_coal", "CH4", "m**3/t", "EF_fugitive"),
    ("ef", NET_IMPORTED_ELECTRICITY, "electricity", "CO2", "kg/kWh", "grid_average_ef"),
    ("ef", "2.A.1", "cement", "CO2", "t/t", "co2_ef"),
    ("ef", "2.B.2", "nitric_acid", "N2O", "kg/t", "n2o_ef"),
    ("ef", "3.A.1", "swine", "CH4", "kg/head/a", "enteric_ch4_ef"),
    ("ef", "3.A.2", "swine", "N2O", "kg/kg", "direct_n2o_ef"),
    ("ef", "3.C.4", "prp_cpp_n", "N2O", "kg/kg", "direct_n2o_ef_prp_cpp"),
    ("ef", "3.C.4", "organic_n_flooded_rice", "N2O", "kg/kg", "direct_n2o_ef_flooded_rice"),
    ("ef", "3.C.7", "continuously_flooded", "CH4", "kg/hectare/d", "ch4_ef_baseline"),
    ("ef", "4.C.1", "plastics", "N2O", "g/t", "n2o_ef"),
    ("ef", "4.D.1", "septic_system", "CH4", "kg/kg", "bo"),
    ("EF3", "3.A.2", "solid_storage", "N2O", "kg/kg", "direct_n2o_ef"),
    ("EF4", "3.C.5", "managed_soils", "N2O", "kg/kg", "indirect_n2o_ef_deposition"),
    ("EF5", "3.C.5", "managed_soils", "N2O", "kg/kg", "indirect_n2o_ef_leaching"),
    ("MCF", "4.A.1", "food_waste", "", "1", "mcf"),
    ("甲烷修正因子", "4.D.2", "anaerobic_reactor", "", "1", "MCF_industrial_wastewater"),
    ("DOC", "4.A.1", "paper", "", "1", "doc"),
    ("k", "4.A.1", "paper", "", "1/a", "k"),
    ("碳氧化率", "4.C.1", "plastics", "", "1", "oxidation"),
    ("含碳量", "4.C.1", "plastics", "", "1", "carbon_content"),
    ("ox", "4.A.1", "landfill", "", "1", "ox"),
    ("SFw", "3.C.7", "rice", "", "1", "sf_water"),
    ("wood_density_D", "4.A", "x", "", "t/m**3", "wood_density"),
])
def test_alias_resolves_to_the_method_parameter(name, category, item, gas, unit,
                                                expected) -> None:
    assert resolve_parameter(name, category=category, item=item, gas=gas, unit=unit,
                             known=KNOWN) == expected


@pytest.mark.parametrize("line", ("1.A.1,原煤,,ef,1,t/t", "2.B.2,硝酸,,ef,9,kg/t"))
def test_ef_without_a_gas_names_the_gas_column(line: str) -> None:
    with pytest.raises(DataError) as err:
        read_factor_overrides(f"{HEADER}\n{line}\n".encode(), filename="f.csv")
    (problem,) = err.value.problems
    assert (problem.location.row, problem.location.column) == (2, "gas")
