"""The engine against the packaged kernel factor library and GWP tables (iface A2)."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_inventory, compute_totals
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT, InventoryOptions
from tanzhi.kernel import default_library

R, Y = "330100", 2022


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    act = pd.DataFrame([
        (R, Y, NET_IMPORTED_ELECTRICITY, "electricity", 300, "亿千瓦时", None),
        (R, Y, NET_IMPORTED_HEAT, "heat", 1000, "TJ", None),
        (R, Y, "2.A.1", "cement_clinker", 200, "万吨", None),
        (R, Y, "2.B.2", "nitric_acid", 5, "万吨", "high_pressure"),
        (R, Y, "3.A", "swine", 50, "万头", None),
        (R, Y, "3.C.7", "intermittently_flooded_single_aeration", 10, "万公顷 * d", None),
        (R, Y, "4.A.1", "food_waste", 50, "万吨", None),
    ], columns=["region_code", "year", "category", "item", "value", "unit", "variant"])
    opts = InventoryOptions(variants={"swine/EF_enteric_CH4": "developing",
                                      "MCF_SWDS": "managed_anaerobic", "OX": "uncovered"})
    return compute_inventory(act, default_library(), options=opts).rows


def value(rows: pd.DataFrame, category: str, gas: str) -> pd.Series:
    return rows.loc[(rows["category"] == category) & (rows["gas"] == gas)].iloc[0]


def test_packaged_factors_flow_through_with_their_ids(rows: pd.DataFrame) -> None:
    """300 亿kWh × Zhejiang 2022 grid factor 0.5153 kg/kWh = 15,459,000 t; 1,000 TJ heat ×
    0.11 t/GJ = 110,000 t; 200 万t clinker × 0.52 = 1,040,000 t; 5 万t high-pressure nitric
    acid × 9 kg = 450 t N2O; 500,000 swine × 1 kg = 500 t CH4; rice 100,000 ha·d × 1.3 ×
    SFw 0.60 × SFp 1.22 (aggregated) = 95.16 t CH4."""
    elec = value(rows, NET_IMPORTED_ELECTRICITY, "CO2")
    assert elec["emissions_t"] == pytest.approx(15_459_000)
    assert elec["factor_ids"] == "cn-grid-average/electricity/grid_average_ef/330000/2022"
    assert value(rows, NET_IMPORTED_HEAT, "CO2")["emissions_t"] == pytest.approx(110_000)
    cement = value(rows, "2.A.1", "CO2")
    assert cement["emissions_t"] == pytest.approx(1_040_000)
    assert cement["factor_ids"] == "ipcc-2006/cement_clinker/co2_ef"
    assert value(rows, "2.B.2", "N2O")["emissions_t"] == pytest.approx(450)
    assert value(rows, "3.A.1", "CH4")["emissions_t"] == pytest.approx(500)
    assert value(rows, "3.C.7", "CH4")["emissions_t"] == pytest.approx(95.16)
    assert value(rows, "4.A.1", "CH4")["factor_ids"].startswith("ipcc-2006/food_waste/doc")


def test_named_gwp_sets_come_from_the_kernel(rows: pd.DataFrame) -> None:
    ar5 = compute_totals(rows, gwp="AR5", by=("sector",)).set_index("sector")
    sar = compute_totals(rows, gwp="SAR", by=("sector",)).set_index("sector")
    # IPPU: 1,040,000 CO2 + 450 t N2O × 265 (AR5) or × 310 (SAR).
    assert ar5.loc["工业生产过程", "emissions_co2e_t"] == pytest.approx(1_040_000 + 450 * 265)
    assert sar.loc["工业生产过程", "emissions_co2e_t"] == pytest.approx(1_040_000 + 450 * 310)
