"""The CEADs provincial energy inventory (Shan et al., Scientific Data 2018/2020): reading the
layout, CEADs' accounting rules, the emission-inventory layout, the CLI (issue #9, item 5).

The file is hand-built in CEADs' exact layout (tests/golden/ceads-handbuilt/README.md gives the
hand computation); CEADs' own energy inventories could not be obtained (docs/validation.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanzhi.inventory.cli import app
from tanzhi.inventory.formats.ceads import (
    ceads_emission_table,
    ceads_fuels,
    ceads_sectors,
    compute_ceads,
    read_ceads_inventory,
)
from tanzhi.inventory.model import FactorValue
from tanzhi.kernel import DataError, NotFound, default_library, resolve_item
from tanzhi.kernel.categories import is_category

GOLDEN = Path(__file__).parents[1] / "golden" / "ceads-handbuilt"
FILE = GOLDEN / "zhejiang-like-2015.csv"
C = 44 / 12

FACTORS = {
    ("raw_coal", "net_calorific_value"): FactorValue("t/coal/ncv", 20.0, "GJ/t"),
    ("raw_coal", "carbon_content_per_heat"): FactorValue("t/coal/cc", 25.0, "t C/TJ"),
    ("raw_coal", "oxidation_rate"): FactorValue("t/coal/of", 0.9, "1"),
    ("diesel", "net_calorific_value"): FactorValue("t/diesel/ncv", 43.0, "GJ/t"),
    ("diesel", "carbon_content_per_heat"): FactorValue("t/diesel/cc", 20.0, "t C/TJ"),
    ("diesel", "oxidation_rate"): FactorValue("t/diesel/of", 1.0, "1"),
    ("natural_gas", "net_calorific_value"): FactorValue("t/ng/ncv", 38.0, "MJ/m**3"),
    ("natural_gas", "carbon_content_per_heat"): FactorValue("t/ng/cc", 15.0, "t C/TJ"),
    ("natural_gas", "oxidation_rate"): FactorValue("t/ng/of", 1.0, "1"),
}


class Lookup:
    """Round-number factors standing for CEADs' own (one per fuel, any sector)."""

    def lookup(self, *, item: str, parameter: str, **_: object) -> FactorValue:
        try:
            return FACTORS[(item, parameter)]
        except KeyError:
            raise NotFound(f"{item}/{parameter}") from None


@pytest.fixture(scope="module")
def inventory():
    return read_ceads_inventory(FILE, region_code="330000", year=2015)


def test_mapping_data_cover_47_sectors_and_17_fuels_with_valid_categories() -> None:
    sectors = ceads_sectors()
    assert (sectors["role"] == "sector").sum() == 47
    assert sorted(sectors["number"].loc[sectors["role"] == "sector"].astype(int)) == list(
        range(1, 48))
    for code in sectors["category"]:
        assert code == "" or is_category(code), code
    fuels = ceads_fuels()
    assert len(fuels) == 17
    assert all(resolve_item(f) == i for f, i in zip(fuels["fuel_en"], fuels["item"],
                                                     strict=True))


def test_accounting_rules(inventory) -> None:
    a = inventory.activity.set_index(["flow_label", "item"])["value"]
    assert a[("Thermal Power", "raw_coal")] == 100
    assert a[("Heating Supply", "raw_coal")] == 10
    # Non-energy use 6 taken from the industrial rows 10 : 20 : 2.
    assert a[("Smelting and Pressing of Ferrous Metals", "raw_coal")] == pytest.approx(8.125)
    assert a[("Raw Chemical Materials and Chemical Products", "raw_coal")] == pytest.approx(16.25)
    power = "Production and Supply of Electric Power, Steam and Hot Water"
    assert a[(power, "raw_coal")] == pytest.approx(1.625)
    # Farming and households are not industry: untouched.
    assert a[("Urban", "raw_coal")] == 1
    assert inventory.activity.loc[inventory.activity["item"] == "raw_coal", "value"].sum() == (
        pytest.approx(138))
    cats = inventory.activity.set_index("flow_label")["category"]
    assert cats["Thermal Power"].iloc[0] == "1.A.1.a.i"
    assert cats["Heating Supply"] == "1.A.1.a.iii"
    assert set(inventory.activity["unit"]) == {"万吨", "亿立方米"}
    assert not inventory.activity["flow_label"].isin(["Loss", "Non-Energy Use",
                                                       "Total Consumption"]).any()
    assert any("Heat" in en and "Electricity" in en for _zh, en in inventory.notes)


def test_co2_by_hand_and_the_ceads_layout(inventory) -> None:
    rows = compute_ceads(inventory, Lookup()).rows
    assert rows["emissions_t"].sum() == pytest.approx(3_197_700)
    table = ceads_emission_table(rows, inventory)
    assert list(table.columns) == ceads_fuels()["fuel_en"].tolist()
    assert table.index[0] == "Total Consumption" and len(table) == 48
    power = "Production and Supply of Electric Power, Steam and Hot Water"
    assert table.loc[power, "Raw Coal"] == pytest.approx((1.625 + 100 + 10) * 16_500 / 1e6)
    assert table.loc[power, "Natural Gas"] == pytest.approx(2 * 3800 * 15 * C / 1e6)
    assert table.loc["Total Consumption"].sum() == pytest.approx(3.1977)
    assert table.loc["Urban", "Diesel Oil"] == 0.0


def test_packaged_defaults_compute_the_whole_file(inventory) -> None:
    rows = compute_ceads(inventory, default_library()).rows
    assert rows["emissions_t"].notna().all() and (rows["emissions_t"] > 0).all()


def test_bad_files_name_row_and_column(tmp_path: Path) -> None:
    text = FILE.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    lines = list(text)
    lines[4] = lines[4].replace(",10,", ",ten,", 1)  # ferrous metals, raw coal
    lines.append("Steel Works,1" + ",0" * 18)
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_ceads_inventory(bad, region_code="330000", year=2015)
    where = {(p.location.row, p.location.column) for p in info.value.problems}
    assert (5, "Raw Coal") in where and (len(lines), "A") in where
    too_much = tmp_path / "neu.csv"
    lines = list(text)
    lines[11] = lines[11].replace("Non-Energy Use,6,", "Non-Energy Use,60,")
    too_much.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_ceads_inventory(too_much, region_code="330000", year=2015)
    problem = info.value.problems[0]
    assert (problem.location.row, problem.location.column) == (12, "Raw Coal")
    assert "exceeds" in problem.message_en


def test_underscore_labels_and_total_final_consumption_row(tmp_path: Path) -> None:
    """Later CEADs editions write Raw_Coal … and start with a Total Final Consumption row."""
    lines = FILE.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace(" ", "_")
    lines[2] = lines[2].replace("Total Consumption", "Total Final Consumption")
    path = tmp_path / "underscored.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    inv = read_ceads_inventory(path, region_code="330000", year=2015)
    assert inv.activity.loc[inv.activity["item"] == "raw_coal", "value"].sum() == (
        pytest.approx(138))


def test_no_unit_row_takes_the_documented_units(tmp_path: Path) -> None:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "nounits.csv"
    path.write_text("\n".join([lines[0], *lines[2:]]), encoding="utf-8")
    inv = read_ceads_inventory(path, region_code="330000", year=2015)
    units = inv.activity.groupby("item")["unit"].first()
    assert units["raw_coal"] == "万吨" and units["natural_gas"] == "亿立方米"


def test_cli_prints_the_ceads_layout_and_rows() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ceads", str(FILE), "--region", "330000",
                                 "--year", "2015", "--layout", "ceads"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sector,Raw Coal,Cleaned Coal")
    assert lines[1].startswith("Total Consumption,")
    rows = runner.invoke(app, ["ceads", str(FILE), "--region", "330000",
                               "--year", "2015"])
    assert rows.exit_code == 0, rows.output
    assert "1.A.1.a.i" in rows.stdout and "ceads:330000/2015/thermal_power/raw_coal" in (
        rows.stdout)


def test_cli_error_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ceads", str(bad), "--region", "330000",
                                      "--year", "2015"])
    assert result.exit_code == 2
    assert "Raw Coal" in result.output

