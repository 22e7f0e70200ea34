"""Golden cases through the packaged factor library (kernel `default_library`), Chinese
activity units and the provincial guideline's calorific values.

No worked example printed in 《省级温室气体清单编制指南（试行）》(NDRC 2011) was available in a
citable copy, so the cases here are hand-computed from cited tables (see each docstring); the
IPCC 2006 golden folders are reused with the packaged factors instead of their factors.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from tanzhi.inventory import InventoryOptions, compute_inventory
from tanzhi.kernel import FactorLibrary, default_library

HERE = Path(__file__).parent


def library() -> FactorLibrary:
    """The packaged library, which lists ipcc-2006-nonco2 right after ipcc-2006."""
    return default_library()


def rows_of(activity: pd.DataFrame, options: InventoryOptions | None = None) -> pd.DataFrame:
    est = compute_inventory(activity, library(), options=options)
    return est.rows.loc[est.rows["emissions_t"].notna()]


def one(rows: pd.DataFrame, category: str, item: str, gas: str) -> pd.Series:
    sel = rows.loc[(rows["category"] == category) & (rows["item"] == item) & (rows["gas"] == gas)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_stationary_nonco2_golden_folder_with_packaged_factors() -> None:
    """The folder ipcc2006-v2-ch2-stationary-nonco2 gives the same numbers and the same factor
    ids when the engine reads the packaged library instead of the folder's factors.csv."""
    folder = HERE / "ipcc2006-v2-ch2-stationary-nonco2"
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    activity = pd.read_csv(folder / "activity.csv", dtype={"region_code": str})
    rows = rows_of(activity, InventoryOptions(**meta["options"]))
    expected = pd.read_csv(folder / "expected.csv")
    ids = dict(pd.read_csv(folder / "factors.csv")[["id", "gas"]].itertuples(index=False))
    assert len(rows) == len(expected)
    for r in expected.itertuples(index=False):
        got = one(rows, r.category, r.item, r.gas)
        assert got["emissions_t"] == pytest.approx(r.emissions_t, rel=1e-12)
        assert got["factor_ids"] in ids and ids[got["factor_ids"]] == r.gas


def test_power_plant_raw_coal_in_wan_tonnes() -> None:
    """Raw coal burnt in power plants (1.A.1.a.i), 100 万吨 = 1,000,000 t.

    Energy with the yearbook / GB/T 2589 NCV of 原煤 (20,908 kJ/kg, dataset cn-prov-2011):
    1,000,000 t × 20.908 GJ/t = 20,908,000 GJ = 20,908 TJ.
    CH4 (IPCC 2006 Vol.2 Table 2.2, coal in energy industries 1 kg/TJ): 20,908 kg = 20.908 t.
    N2O (same table, 1.5 kg/TJ): 31,362 kg = 31.362 t.
    CO2 (provincial-guideline seed values 26.37 t C/TJ, oxidation 0.94):
    20,908 × 26.37 = 551,343.96 t C; × 0.94 = 518,263.3224 t C; × 44/12 = 1,900,298.85 t CO2.
    """
    act = pd.DataFrame([("330000", 2020, "1.A.1.a.i", "原煤", 100, "万吨")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    rows = rows_of(act)
    ch4, n2o = one(rows, "1.A.1.a.i", "原煤", "CH4"), one(rows, "1.A.1.a.i", "原煤", "N2O")
    assert ch4["emissions_t"] == pytest.approx(20.908)
    assert n2o["emissions_t"] == pytest.approx(31.362)
    assert ch4["factor_ids"] == ("cn-prov-2011/raw_coal/ncv|"
                                 "ipcc-2006-nonco2/raw_coal/EF_combustion/CH4/energy_industries")
    assert ch4["activity_value"] == pytest.approx(20_908_000)  # GJ
    co2 = one(rows, "1.A.1.a.i", "原煤", "CO2")
    assert co2["emissions_t"] == pytest.approx(1_900_298.85, rel=1e-9)


def test_same_fuel_takes_the_sector_table() -> None:
    """Coal in cement kilns (1.A.2.f) uses Table 2.3 (10 kg CH4/TJ), in power plants Table 2.2
    (1 kg/TJ): 1,000 TJ each → 10 t and 1 t CH4; N2O 1.5 kg/TJ in both → 1.5 t each."""
    act = pd.DataFrame([("330100", 2020, "1.A.2.f", "bituminous_coal", 1000, "TJ"),
                        ("330100", 2020, "1.A.1.a.i", "bituminous_coal", 1000, "TJ")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    rows = rows_of(act)
    assert one(rows, "1.A.2.f", "bituminous_coal", "CH4")["emissions_t"] == pytest.approx(10)
    assert one(rows, "1.A.1.a.i", "bituminous_coal", "CH4")["emissions_t"] == pytest.approx(1)
    assert one(rows, "1.A.2.f", "bituminous_coal", "N2O")["emissions_t"] == pytest.approx(1.5)


def test_natural_gas_and_residential_lpg_take_the_packaged_nonco2_defaults() -> None:
    """Natural gas in 1.A.1 and residential LPG (IPCC 2006 Vol.2 Tables 2.2 and 2.5, edition
    ipcc-2006-nonco2/2026-12, issue #9) are now estimated from packaged factors, not NE."""
    act = pd.DataFrame([("330100", 2020, "1.A.1.a.i", "natural_gas", 10, "TJ"),
                        ("330100", 2020, "1.A.4.b", "lpg", 10, "TJ")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    est = compute_inventory(act, library())
    non_co2 = est.rows.loc[est.rows["gas"].isin(["CH4", "N2O"])]
    assert len(non_co2) == 4
    assert non_co2["emissions_t"].notna().all() and (non_co2["emissions_t"] > 0).all()
    assert not (non_co2["notation"] == "NE").any()
