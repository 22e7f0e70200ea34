"""Compile, store and read inventory runs on a small statistics tree (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import select

from tanzhi.config import Settings
from tanzhi.inventory import service
from tanzhi.inventory.checks import check_hierarchy
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY
from tanzhi.kernel import (
    AuditEntry,
    default_library,
    make_engine,
    make_session_factory,
    seed_regions,
    unit_of_work,
    verify_chain,
    write_statistics,
)

CITY, KIDS = "330600", ("330602", "330603")  # 绍兴市: 越城区, 柯桥区
YEARS = (2021, 2022)


def stats(extra_city_gas: float = 0.0, keqiao_gas: float = 2.0) -> pd.DataFrame:
    """Counties with gas, coal, diesel, clinker, swine, net electricity; the city = their sum
    (+ `extra_city_gas` 亿m³ reported only at city level, as a separately stated figure)."""
    rows = []
    per = {"330602": {"gas": 1.0, "coal": 10.0, "imp": 30.0, "exp": 5.0, "swine": 2.0},
           "330603": {"gas": keqiao_gas, "coal": 20.0, "imp": 10.0, "exp": 20.0, "swine": 3.0}}
    for y in YEARS:
        for code, v in per.items():
            rows += [
                (code, y, "energy_final", "industry", "天然气", v["gas"], "亿立方米"),
                (code, y, "energy_final", "industry", "原煤", v["coal"], "万吨"),
                (code, y, "energy_final", "industry", "电力", 50.0, "亿千瓦时"),
                (code, y, "electricity", "import", "火电", v["imp"], "亿千瓦时"),
                (code, y, "electricity", "export", "火电", v["exp"], "亿千瓦时"),
                (code, y, "industrial_output", "", "水泥熟料", 100.0, "万吨"),
                (code, y, "livestock", "", "猪", v["swine"], "万头"),
                (code, y, "wetland_area", "", "", 1.0, "万公顷"),
            ]
    frame = pd.DataFrame(rows, columns=["region_code", "year", "variable", "sector", "item",
                                        "value", "unit"])
    city = frame.groupby(["year", "variable", "sector", "item", "unit"], as_index=False)[
        "value"].sum().assign(region_code=CITY)
    gas = (city["variable"] == "energy_final") & (city["item"] == "天然气")
    city.loc[gas, "value"] += extra_city_gas
    return pd.concat([frame, city], ignore_index=True)


@pytest.fixture
def factory(migrated_storage_settings: Settings) -> Iterator:
    engine = make_engine(migrated_storage_settings)
    f = make_session_factory(engine)
    with unit_of_work(f, actor="test") as s:
        seed_regions(s)
        write_statistics(s, stats(), dataset="demo", synthetic=True)
    yield f
    engine.dispose()


def gas_co2_t(volume_yi_m3: float) -> float:
    """Hand calculation from the packaged factors: 亿m³ × 10^8 × NCV (kJ/m³ → GJ) × carbon
    content (t C/TJ) × oxidation × 44/12 (IPCC 2006 Vol.2 Eq.2.1, provincial guideline)."""
    lib = default_library()
    ncv = lib.lookup(item="natural_gas", parameter="ncv", region_code="330602", year=2021)
    cc = lib.lookup(item="natural_gas", parameter="carbon_content", region_code="330602",
                    year=2021)
    of = lib.lookup(item="natural_gas", parameter="oxidation", category="1.A.2",
                    region_code="330602", year=2021)
    gj = volume_yi_m3 * 1e8 * ncv.value_in("GJ/m**3")
    return gj / 1000 * cc.value_in("tC/TJ") * of.value_in("1") * 44 / 12


def test_compile_stores_rows_with_lineage_and_the_hand_calculation(factory) -> None:
    with unit_of_work(factory, actor="officer") as s:
        run = service.compile_inventory(s, gwp="AR5", label="t")
    assert run.actor == "officer" and run.gwp == "AR5" and run.status == "complete"
    assert set(run.region_codes) == {CITY, *KIDS} and run.years == YEARS
    assert "cn-prov-2011" in run.factor_datasets and run.source == "statistics"
    with factory() as s:
        rows = service.run_results(s, run.id, region_codes=["330603"], years=[2021])
        gas = rows.loc[(rows["category"] == "1.A.2") & (rows["item"] == "natural_gas")
                       & (rows["gas"] == "CO2")].iloc[0]
        assert gas["emissions_t"] == pytest.approx(gas_co2_t(2.0), rel=1e-9)
        assert gas["co2e_t"] == gas["emissions_t"] and gas["sector"] == 1
        assert "cn-prov-2011/natural_gas/ncv" in gas["factor_ids"]
        assert gas["activity_ids"].startswith(f"{run.activity_set_id}:")
        # Electricity use is secondary energy: no combustion row; wetlands have no method: NE.
        assert not (rows["item"] == "electricity").any() or (
            rows.loc[rows["item"] == "electricity", "category"] == NET_IMPORTED_ELECTRICITY).all()
        wet = rows.loc[rows["category"] == "3.B.4"].iloc[0]
        assert wet["notation"] == "NE" and "no method" in wet["note"]
        # Net imported electricity: (10 − 20) 亿kWh = −1e6 MWh × 2021 Zhejiang grid factor.
        elec = rows.loc[rows["category"] == NET_IMPORTED_ELECTRICITY].iloc[0]
        ef = default_library().lookup(item="electricity", parameter="grid_average_ef",
                                      region_code="330000", year=2021)
        assert bool(elec["memo"]) and elec["emissions_t"] == pytest.approx(
            -1e6 * ef.value_in("tCO2/MWh"))
        calib = service.energy_co2(s, region_code="330603", run_id=run.id)
        first = calib.iloc[0]
        assert first["total_t"] == pytest.approx(first["co2_t"] + first["electricity_co2_t"])
        summary = service.run_summary(s, run.id, region_code=CITY, by="sector")
        assert set(summary["key"]) <= {"1", "2", "3", "4", "5"}
        assert not verify_chain(s)
        entities = set(s.scalars(select(AuditEntry.entity)))
        assert {"inventory_result", "inventory_activity_row", "inventory_run"} <= entities


def test_hierarchy_residual_shown_and_explained(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        run = service.compile_inventory(s, gwp="AR5")
        res = service.hierarchy_residuals(s, run.id)
    assert set(res["parent_code"]) == {CITY}
    energy = res.loc[(res["sector"] == 1) & (res["gas"] == "CO2")]
    assert (energy["residual_t"].abs() < 1e-6 * energy["parent_t"].abs()).all()
    assert energy["explanation_en"].str.startswith("consistent").all()
    assert not check_hierarchy(res)

    with unit_of_work(factory, actor="t") as s:
        write_statistics(s, stats(extra_city_gas=0.5).query("region_code == @CITY").assign(
            note="stated"), dataset="seed:test", synthetic=False)
        run2 = service.compile_inventory(s, gwp="AR5", supersedes=run.id)
        res2 = service.hierarchy_residuals(s, run2.id)
        old = service.get_run(s, run.id)
    row = res2.loc[(res2["sector"] == 1) & (res2["gas"] == "CO2") & (res2["year"] == 2021)]
    assert row["residual_t"].iloc[0] == pytest.approx(gas_co2_t(0.5), rel=1e-6)
    assert "1.A.2 natural_gas" in row["explanation_en"].iloc[0]
    findings = check_hierarchy(res2)
    assert findings and findings[0].code == "inventory.hierarchy"
    assert old.status == "superseded" and run2.supersedes == run.id


def test_recalculation_diff_names_activity_changes(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        run_a = service.compile_inventory(s, gwp="AR5")
    with unit_of_work(factory, actor="t") as s:
        changed = stats(keqiao_gas=3.0).query("region_code == '330603'")
        write_statistics(s, changed.assign(note="revised"), dataset="seed:rev", synthetic=False)
        run_b = service.compile_inventory(s, gwp="AR5", supersedes=run_a.id)
        diff = service.compare_runs(s, run_a.id, run_b.id, region_code="330603")
        assert service.run_results(s, run_a.id, region_codes=["330603"]).shape[0] > 0
    gas = diff.loc[(diff["item"] == "natural_gas") & (diff["gas"] == "CO2")]
    assert set(gas["reason"]) == {"activity"}
    assert gas["diff_co2e_t"].iloc[0] == pytest.approx(gas_co2_t(1.0), rel=1e-9)
    assert (diff["item"] == "natural_gas").all()  # nothing else changed


def test_uncertainty_approaches_agree_and_key_categories(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        run = service.compile_inventory(s, gwp="AR5")
        a1 = service.run_uncertainty(s, run.id, region_code="330603", year=2021)
        a2 = service.run_uncertainty(s, run.id, region_code="330603", year=2021,
                                     method="montecarlo", iterations=20_000, seed=3)
        again = service.run_uncertainty(s, run.id, region_code="330603", year=2021,
                                        method="montecarlo", iterations=20_000, seed=3)
        keys = service.key_categories(s, run.id, region_code="330603", year=2022,
                                      base_year=2021)
        findings = service.run_findings(s, run.id, region_code="330603")
    t1 = a1.loc[a1["category"] == "total"].iloc[0]
    t2 = a2.loc[a2["category"] == "total"].iloc[0]
    assert t1["co2e_t"] == pytest.approx(t2["co2e_t"])
    # Statistics rows carry no uncertainty and several packaged factors none either: those count
    # as exact, so the interval may be narrow, but both approaches see the same inputs.
    assert t1["low"] <= t1["co2e_t"] <= t1["high"]
    assert math.isclose(t1["pct"], t2["pct"], rel_tol=0.15, abs_tol=0.5)
    pd.testing.assert_frame_equal(a2, again)
    assert keys["key"].any() and {"level_share", "key_level"} <= set(keys.columns)
    assert all(f.code.startswith("inventory.") for f in findings)
