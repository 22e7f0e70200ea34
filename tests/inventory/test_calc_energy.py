"""Energy: sectoral and reference approaches, memo items, net imported electricity and heat."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import (
    compare_reference_sectoral,
    compute_fuel_combustion,
    compute_fugitive,
    compute_net_imports,
    compute_reference_approach,
)
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT
from tanzhi.kernel import DataError, NotFound
from tests.inventory.factories import activity, library

C2CO2 = 44 / 12

# Yearbook NCVs (fossil_fuels.csv rows 原煤 20908 kJ/kg, 天然气 389.31 GJ/万m³) and the
# circulated carbon-content table (原煤 26.37 t C/TJ, 天然气 15.3); oxidation illustrative.
LIB = library(
    ("ncv-coal", "raw_coal", "net_calorific_value", 20908, "kJ/kg"),
    ("cc-coal", "raw_coal", "carbon_content_per_heat", 26.37, "tC/TJ"),
    ("of-coal", "raw_coal", "oxidation_rate", 0.94, "fraction"),
    ("of-coal-power", "raw_coal", "oxidation_rate", 0.98, "fraction", None, "1.A.1"),
    ("ch4-coal", "raw_coal", "EF_combustion", 1, "kg CH4/TJ", "CH4"),
    ("n2o-coal", "raw_coal", "EF_combustion", 1.5, "kg N2O/TJ", "N2O"),
    ("ncv-gas", "natural_gas", "net_calorific_value", 389.31, "GJ/万立方米"),
    ("cc-gas", "natural_gas", "carbon_content_per_heat", 15.3, "tC/TJ"),
    ("of-gas", "natural_gas", "oxidation_rate", 0.99, "fraction"),
    ("cc-coke", "coke", "carbon_content_per_heat", 29.5, "tC/TJ"),
    ("of-coke", "coke", "oxidation_rate", 0.93, "fraction"),
    ("ncv-wood", "firewood", "net_calorific_value", 16.726, "GJ/t"),
    ("cc-wood", "firewood", "carbon_content_per_heat", 30.5, "tC/TJ"),
    ("of-wood", "firewood", "oxidation_rate", 1.0, ""),
    ("ch4-wood", "firewood", "EF_combustion", 300, "kg CH4/TJ", "CH4"),
    ("ncv-diesel", "diesel", "net_calorific_value", 42.652, "GJ/t"),
    ("cc-diesel", "diesel", "carbon_content_per_heat", 20.2, "tC/TJ"),
    ("of-diesel", "diesel", "oxidation_rate", 0.98, ""),
    ("grid-2022", "electricity", "grid_average_co2_ef", 0.5366, "kg CO2/kWh", "CO2"),
    ("heat-ndrc", "heat", "heat_co2_ef", 0.11, "t CO2/GJ", "CO2"),
    ("fug-coal", "coal_mining_underground", "EF_fugitive", 10, "kg CH4/t", "CH4"),
)
R, Y = "330100", 2020


def rows_of(est) -> pd.DataFrame:
    return est.rows.set_index(["category", "item", "gas", "memo"])


def test_coal_in_wan_tonnes_uses_ncv_and_category_oxidation() -> None:
    """100 万吨 raw coal in power (1.A.1): 1,000,000 t × 20.908 GJ/t = 20,908,000 GJ =
    20,908 TJ; × 26.37 t C/TJ = 551,343.96 t C; × OF 0.98 (power-plant rate, looked up by
    category) = 540,317.0808 t C; × 44/12 = 1,981,162.63 t CO2.  CH4: 20,908 TJ × 1 kg/TJ
    = 20.908 t; N2O × 1.5 = 31.362 t."""
    est = compute_fuel_combustion(activity([(R, Y, "1.A.1", "raw_coal", 100, "万吨")]), LIB)
    obs = rows_of(est)
    assert obs.loc[("1.A.1", "raw_coal", "CO2", False), "emissions_t"] == pytest.approx(
        20_908 * 26.37 * 0.98 * C2CO2)
    assert obs.loc[("1.A.1", "raw_coal", "CO2", False), "emissions_t"] == pytest.approx(
        1_981_162.63, abs=0.01)
    assert obs.loc[("1.A.1", "raw_coal", "CH4", False), "emissions_t"] == pytest.approx(20.908)
    assert obs.loc[("1.A.1", "raw_coal", "N2O", False), "emissions_t"] == pytest.approx(31.362)
    assert obs.loc[("1.A.1", "raw_coal", "CO2", False), "factor_ids"] == (
        "ncv-coal|cc-coal|of-coal-power")
    assert obs.loc[("1.A.1", "raw_coal", "CO2", False), "activity_value"] == pytest.approx(
        20_908_000)


def test_gas_in_yi_cubic_metres_and_coke_in_tce() -> None:
    """Gas: 1 亿m³ = 1e8 m³ × 389.31 GJ/1e4 m³ = 3,893,100 GJ; × 15.3e-3 × 0.99 × 44/12
    = 216,218.88 t CO2.  Coke in 1 万吨标准煤 = 293,076 GJ (GB/T 2589: 29.3076 GJ/tce), no NCV
    needed; × 29.5e-3 × 0.93 × 44/12 = 29,481.15 t CO2."""
    act = activity([(R, Y, "1.A.4.b", "natural_gas", 1, "亿立方米"),
                    (R, Y, "1.A.2", "coke", 1, "万吨标准煤")])
    obs = rows_of(compute_fuel_combustion(act, LIB, gases=("CO2",)))
    assert obs.loc[("1.A.4.b", "natural_gas", "CO2", False), "emissions_t"] == pytest.approx(
        3_893.1 * 15.3 * 0.99 * C2CO2)
    assert obs.loc[("1.A.4.b", "natural_gas", "CO2", False), "emissions_t"] == pytest.approx(
        216_218.88, abs=0.01)
    assert obs.loc[("1.A.2", "coke", "CO2", False), "emissions_t"] == pytest.approx(
        293.076 * 29.5 * 0.93 * C2CO2)
    assert obs.loc[("1.A.2", "coke", "CO2", False), "factor_ids"] == "cc-coke|of-coke"


def test_biomass_co2_and_bunkers_are_memo_items() -> None:
    act = activity([(R, Y, "1.A.4.b", "firewood", 1000, "t"),
                    (R, Y, "1.A.3.d.i", "diesel", 1000, "t")])
    obs = rows_of(compute_fuel_combustion(act, LIB))
    # Firewood: 1,000 t × 16.726 GJ/t = 16.726 TJ × 30.5 × 1 × 44/12 = 1,870.52 t CO2 (memo)
    assert obs.loc[("1.A.4.b", "firewood", "CO2", True), "emissions_t"] == pytest.approx(
        16.726 * 30.5 * C2CO2)
    # … while its CH4 counts: 16.726 TJ × 300 kg/TJ = 5.0178 t.
    assert obs.loc[("1.A.4.b", "firewood", "CH4", False), "emissions_t"] == pytest.approx(5.0178)
    # International navigation: every gas is memo.
    rows = compute_fuel_combustion(act, LIB).rows
    assert rows.loc[rows["category"] == "1.A.3.d.i", "memo"].all()


def test_missing_non_co2_factor_reports_ne_but_missing_co2_factor_fails() -> None:
    act = activity([(R, Y, "1.A.4.b", "natural_gas", 1, "亿立方米")])
    obs = rows_of(compute_fuel_combustion(act, LIB))
    ne = obs.loc[("1.A.4.b", "natural_gas", "CH4", False)]
    assert pd.isna(ne["emissions_t"]) and ne["notation"] == "NE"
    with pytest.raises(NotFound, match="carbon_content_per_heat"):
        compute_fuel_combustion(activity([(R, Y, "1.A.1", "lignite", 1, "TJ")]), LIB)


def test_fuel_in_yuan_is_refused_with_its_row() -> None:
    act = activity([(R, Y, "1.A.1", "raw_coal", 1, "t"), (R, Y, "1.A.1", "raw_coal", 5, "万元")])
    with pytest.raises(DataError) as info:
        compute_fuel_combustion(act, LIB, source="energy.csv")
    text = str(info.value)
    assert "energy.csv" in text and "第 3 行" in text and "row 3" in text and "万元" in text


def test_net_imported_electricity_and_heat() -> None:
    """100 亿kWh × 0.5366 kg/kWh = 1e10 × 0.5366 kg = 5,366,000 t CO2; 100 万GJ heat ×
    0.11 t/GJ = 110,000 t.  A net exporter (negative) gets negative CO2."""
    act = activity([(R, Y, NET_IMPORTED_ELECTRICITY, "electricity", 100, "亿千瓦时"),
                    (R, Y, NET_IMPORTED_HEAT, "heat", 1e6, "GJ"),
                    ("330200", Y, NET_IMPORTED_ELECTRICITY, "electricity", -2, "亿千瓦时")])
    rows = compute_net_imports(act, LIB).rows
    by = rows.set_index(["region_code", "category"])["emissions_t"]
    assert by[(R, NET_IMPORTED_ELECTRICITY)] == pytest.approx(5_366_000)
    assert by[(R, NET_IMPORTED_HEAT)] == pytest.approx(110_000)
    assert by[("330200", NET_IMPORTED_ELECTRICITY)] == pytest.approx(-107_320)
    assert rows["memo"].all()


def test_fugitive_coal_mining() -> None:
    """1,000,000 t coal mined × 10 kg CH4/t = 10,000 t CH4; CO2 has no factor → NE."""
    act = activity([(R, Y, "1.B.1.a.i", "coal_mining_underground", 100, "万吨")])
    obs = rows_of(compute_fugitive(act, LIB))
    assert obs.loc[("1.B.1.a.i", "coal_mining_underground", "CH4", False),
                   "emissions_t"] == pytest.approx(10_000)
    assert obs.loc[("1.B.1.a.i", "coal_mining_underground", "CO2", False), "notation"] == "NE"


def balance(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([(R, Y, *r) for r in rows],
                        columns=["region_code", "year", "item", "flow", "value", "unit"])


def test_reference_approach_eq_6_1() -> None:
    """Apparent consumption = imports 116 − stock build 3 = 113 万t = 1,130,000 t × 20.908
    = 23,626,040 GJ; excluded (non-energy use) 2 万t = 418,160 GJ; (23,626.04 − 418.16) TJ
    = 23,207.88 TJ × 26.37 t C/TJ × 0.94 × 44/12 = 2,109,331.72 t CO2."""
    ref = compute_reference_approach(balance([
        ("raw_coal", "imports", 116, "万吨"), ("raw_coal", "stock_change", 3, "万吨"),
        ("raw_coal", "non_energy_use", 2, "万吨")]), LIB)
    row = ref.iloc[0]
    assert row["apparent_consumption_gj"] == pytest.approx(23_626_040)
    assert row["excluded_gj"] == pytest.approx(418_160)
    assert row["excluded_carbon_t"] == pytest.approx(418.16 * 26.37)
    assert row["co2_t"] == pytest.approx(23_207.88 * 26.37 * 0.94 * C2CO2)
    assert row["co2_t"] == pytest.approx(2_109_331.72, abs=0.01)


def test_reference_and_sectoral_difference_is_explained() -> None:
    """Sectoral: 100 万t coal in power (OF 0.98) + 10 万t in industry (OF 0.94) = 110 万t.
    Reference net consumption 111 万t (OF 0.94).
    Energy gap: 1 万t = 209,080 GJ × 26.37e-3 × 0.94 × 44/12 = 19,002.99 t CO2.
    Factor gap: power plants oxidise 0.98 not 0.94: −20,908 TJ × 26.37 × 0.04 × 44/12
    = −80,863.78 t.  Difference = 19,002.99 − 80,863.78 = −61,860.79 t."""
    sect = compute_fuel_combustion(activity([(R, Y, "1.A.1", "raw_coal", 100, "万吨"),
                                             (R, Y, "1.A.2", "raw_coal", 10, "万吨")]), LIB)
    ref = compute_reference_approach(balance([
        ("raw_coal", "imports", 116, "万吨"), ("raw_coal", "stock_change", 3, "万吨"),
        ("raw_coal", "non_energy_use", 2, "万吨")]), LIB)
    cmp = compare_reference_sectoral(ref, sect.rows).set_index("item")
    assert cmp.loc["raw_coal", "energy_gap_co2_t"] == pytest.approx(19_002.99, abs=0.01)
    assert cmp.loc["raw_coal", "factor_gap_co2_t"] == pytest.approx(-80_863.78, abs=0.01)
    assert cmp.loc["total", "difference_t"] == pytest.approx(-61_860.79, abs=0.01)
    assert cmp.loc["total", "difference_pct"] == pytest.approx(
        -61_860.79 / cmp.loc["total", "sectoral_co2_t"] * 100, rel=1e-6)


def test_reference_approach_rejects_unknown_flow() -> None:
    with pytest.raises(DataError, match="flow"):
        compute_reference_approach(balance([("raw_coal", "smuggled", 1, "t")]), LIB)
