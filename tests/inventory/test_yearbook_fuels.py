"""The whole yearbook fuel list computes on packaged defaults, in the yearbook's own units
(issue #9, deliverable 4).

Every fuel column of the provincial energy balance table (能源平衡表, 实物量) and every fuel of the
CEADs energy inventory (17 fuels) must give CO2 from the packaged factor library alone, with the
quantity in 万吨, 亿立方米 or 万吨标准煤 as the yearbook prints it; only what truly has no factor
(煤矸石's carbon content, 其他能源) stops, with the row named.

Hand-computed values use the factors the default library resolves (ids asserted):
CO2 = quantity × NCV × carbon content × oxidation × 44/12.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_fuel_combustion
from tanzhi.inventory.formats.balance import compare_balance, read_energy_balance
from tanzhi.inventory.formats.locate import compute_located
from tanzhi.kernel import DataError, default_library, resolve_item

LIB = default_library()
C = 44 / 12

# (yearbook name, yearbook unit): the balance table's fuel columns.  The 17 CEADs fuels
# (Shan et al. 2018 Table 1) are the CEADS set below; CEADs' "Other Gas" is the balance table's
# 高炉煤气 + 转炉煤气 + 其他煤气 and "Other Petroleum Products" its 石脑油 … 石油焦 columns.
BALANCE_FUELS = (
    ("原煤", "万吨"), ("洗精煤", "万吨"), ("其他洗煤", "万吨"), ("型煤", "万吨"), ("焦炭", "万吨"),
    ("焦炉煤气", "亿立方米"), ("高炉煤气", "亿立方米"), ("转炉煤气", "亿立方米"),
    ("其他煤气", "亿立方米"), ("其他焦化产品", "万吨"), ("原油", "万吨"), ("汽油", "万吨"),
    ("煤油", "万吨"), ("柴油", "万吨"), ("燃料油", "万吨"), ("石脑油", "万吨"), ("润滑油", "万吨"),
    ("石蜡", "万吨"), ("溶剂油", "万吨"), ("石油沥青", "万吨"), ("石油焦", "万吨"),
    ("液化石油气", "万吨"), ("炼厂干气", "万吨"), ("其他石油制品", "万吨"), ("天然气", "亿立方米"),
    ("液化天然气", "万吨"),
)
CEADS = ("Raw Coal", "Cleaned Coal", "Other Washed Coal", "Briquettes", "Coke", "Coke Oven Gas",
         "Other Gas", "Other Coking Products", "Crude Oil", "Gasoline", "Kerosene", "Diesel Oil",
         "Fuel Oil", "LPG", "Refinery Gas", "Other Petroleum Products", "Natural Gas")

# CO2 of one yearbook unit burnt in industry (1.A.2), t; each with the factors it rests on.
HAND = {
    # 1 万吨 × 20.908 GJ/t = 209.08 TJ × 26.37 tC/TJ × 0.94 (cn-prov-2011)
    "原煤": (209.08 * 26.37 * 0.94 * C, ("cn-prov-2011/raw_coal/ncv",
                                         "cn-prov-2011/raw_coal/oxidation")),
    # 263.44 TJ × 25.41 × 0.93: oxidation from the enterprise guidelines now that the seed's
    # 1.0 is gone (issue #9; it gave 24,544.7 t)
    "洗精煤": (263.44 * 25.41 * 0.93 * C, ("cn-ndrc-2015/cleaned_coal/oxidation",)),
    # 1 亿 m3 × 3,763 kJ/m3 = 376.3 TJ × 70.8 tC/TJ (IPCC Table 1.3) × 0.99; the 12.2 of the
    # code seed gave 16,664.8 t (5.8× low, issue #9)
    "高炉煤气": (376.3 * 70.8 * 0.99 * C, ("ipcc-2006/blast_furnace_gas/carbon_content",)),
    # 1 亿 m3 × 18,296.7 kJ/m3 (0.6243 kgce/m3 × 29,307.6) × 12.1 × 0.99
    "其他煤气": (1829.67 * 12.1 * 0.99 * C, ("cn-gbt2589/other_gas/ncv",
                                              "ipcc-2006/other_gas/carbon_content")),
    # 1 万吨 × 38,099.9 kJ/kg (1.3 tce/t) × 22.0 (coal tar) × 1.0
    "其他焦化产品": (380.999 * 22.0 * 1.0 * C, ("cn-gbt2589/other_coking_products/ncv",)),
    # 1 亿 m3 × 38,931 kJ/m3 × 15.3 × 0.99
    "天然气": (3893.1 * 15.3 * 0.99 * C, ("cn-prov-2011/natural_gas/ncv",)),
    # 1 万吨 × 42,652 kJ/kg × 20.2 × 0.98
    "柴油": (426.52 * 20.2 * 0.98 * C, ("cn-prov-2011/diesel/carbon_content",)),
    # 1 亿 m3 × 7,954.1 kJ/m3 (0.2714 kgce/m3) × 49.6 × 0.99
    "转炉煤气": (795.41 * 49.6 * 0.99 * C, ("cn-gbt2589/converter_gas/ncv",)),
}


def one(item: str, value: float, unit: str, category: str = "1.A.2") -> pd.DataFrame:
    return pd.DataFrame({"region_code": ["330000"], "year": [2015], "category": [category],
                         "item": [item], "value": [value], "unit": [unit]})


@pytest.mark.parametrize(("name", "unit"), BALANCE_FUELS)
def test_each_balance_fuel_computes_on_defaults_in_yearbook_units(name: str, unit: str) -> None:
    rows = compute_fuel_combustion(one(resolve_item(name), 1.0, unit), LIB).rows
    co2 = rows.loc[rows["gas"] == "CO2"].iloc[0]
    assert np.isfinite(co2["emissions_t"]) and co2["emissions_t"] > 0
    # Same order of magnitude as coal per GJ: 40-110 t CO2/TJ (a wrong unit is 10^3-10^4 off).
    per_tj = co2["emissions_t"] / (co2["activity_value"] / 1000)
    assert 40 < per_tj < 300, (name, per_tj)
    if name in HAND:
        expected, ids = HAND[name]
        assert co2["emissions_t"] == pytest.approx(expected, rel=1e-4)
        for fid in ids:
            assert fid in co2["factor_ids"]


@pytest.mark.parametrize("name", CEADS)
def test_each_ceads_fuel_name_resolves_and_computes(name: str) -> None:
    item = resolve_item(name)
    unit = "亿立方米" if item in ("coke_oven_gas", "other_gas", "natural_gas") else "万吨"
    rows = compute_fuel_combustion(one(item, 1.0, unit), LIB, gases=("CO2",)).rows
    assert rows["emissions_t"].iloc[0] > 0


def test_standard_coal_units_compute() -> None:
    """万吨标准煤 goes through 29.3076 GJ/tce (GB/T 2589): 293.076 TJ × 26.37 × 0.94 × 44/12."""
    rows = compute_fuel_combustion(one("raw_coal", 1.0, "万吨标准煤"), LIB, gases=("CO2",)).rows
    assert rows["emissions_t"].iloc[0] == pytest.approx(293.076 * 26.37 * 0.94 * C, rel=1e-6)


@pytest.mark.parametrize(("category", "ch4_kg_per_tj"), [
    ("1.A.1.a.i", 1), ("1.A.2", 10), ("1.A.4.a", 10), ("1.A.4.b", 300), ("1.A.4.c", 300)])
def test_coal_ch4_by_sector(category: str, ch4_kg_per_tj: float) -> None:
    """Residential coal stoves emit 30× an industrial boiler's CH4 (IPCC Tables 2.2-2.5); before
    issue #9 1.A.4 reported NE."""
    rows = compute_fuel_combustion(one("raw_coal", 1.0, "万吨", category), LIB).rows
    ch4 = rows.loc[rows["gas"] == "CH4", "emissions_t"].iloc[0]
    assert ch4 == pytest.approx(209.08 * ch4_kg_per_tj / 1000)


def test_natural_gas_and_transport_have_non_co2() -> None:
    """Natural gas in 1.A.2: 3,893.1 TJ × 1 kg CH4 and 0.1 kg N2O; diesel in 1.A.3 (road):
    426.52 TJ × 3.9 kg each (Table 3.2.2)."""
    ng = compute_fuel_combustion(one("natural_gas", 1.0, "亿立方米"), LIB).rows.set_index("gas")
    assert ng.loc["CH4", "emissions_t"] == pytest.approx(3.8931)
    assert ng.loc["N2O", "emissions_t"] == pytest.approx(0.38931)
    road = compute_fuel_combustion(one("diesel", 1.0, "万吨", "1.A.3"), LIB).rows.set_index("gas")
    assert road.loc["CH4", "emissions_t"] == pytest.approx(426.52 * 3.9 / 1000)
    assert road.loc["N2O", "emissions_t"] == pytest.approx(426.52 * 3.9 / 1000)


def test_what_has_no_factor_stops_with_its_row() -> None:
    """煤矸石 has an item but no packaged NCV or carbon content: the file row is named."""
    act = pd.DataFrame({
        "region_code": ["330000", "330000"], "year": [2015, 2015],
        "category": ["1.A.2", "1.A.2"], "item": ["raw_coal", "coal_gangue"],
        "value": [1.0, 1.0], "unit": ["万吨", "万吨"], "_row": [2, 3]})
    with pytest.raises(DataError) as info:
        compute_located(act, LIB, source="energy.csv")
    problems = info.value.problems
    assert [(p.location.file, p.location.row, p.location.column) for p in problems] == [
        ("energy.csv", 3, "item")]
    assert "coal_gangue" in problems[0].message_en


def write_balance(path: Path) -> Path:
    """A 实物量 balance sheet with every fuel column of the yearbook, in its units."""
    columns = [*BALANCE_FUELS, ("热力", "万百万千焦"), ("电力", "亿千瓦时"),
               ("其他能源", "万吨标准煤")]
    book = openpyxl.Workbook()
    ws = book.active
    ws.cell(1, 1, "项目")
    for j, (fuel, unit) in enumerate(columns, start=2):
        ws.cell(1, j, fuel)
        ws.cell(2, j, unit)
    rows = (("一、可供本地区消费的能源量", 10), ("1.一次能源生产量", 0),
            ("2.外省(区、市)调入量", 10),
            ("二、加工转换投入(-)产出(+)量", -4), ("1.火力发电", -3), ("2.供热", -1),
            ("四、终端消费量", 6), ("2.工业", 5), ("7.居民生活", 1))
    for i, (label, value) in enumerate(rows, start=3):
        ws.cell(i, 1, label)
        for j in range(2, len(columns) + 2):
            ws.cell(i, j, value)
    book.save(path)
    return path


def test_a_whole_yearbook_balance_table_computes_on_defaults(tmp_path: Path) -> None:
    """Reading and comparing a balance table with all 26 fuel columns needs no factor file.  The
    table has no conversion, losses or statistical difference (10 in = 3 power + 1 heat +
    5 industry + 1 households), so the reference and sectoral approaches agree per fuel."""
    table = read_energy_balance(write_balance(tmp_path / "b.xlsx"), region_code="330000",
                                year=2015)
    out = compare_balance(table, LIB)
    fuels = set(out.loc[out["item"] != "total", "item"])
    assert fuels == {resolve_item(n) for n, _u in BALANCE_FUELS}
    assert (out["sectoral_co2_t"] > 0).all()
    assert out["reference_co2_t"].to_numpy() == pytest.approx(out["sectoral_co2_t"].to_numpy())
    assert any("其他能源" in zh for zh, _en in table.notes)  # not a fuel: named as unused
