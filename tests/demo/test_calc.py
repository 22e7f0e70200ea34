"""Demo generation: deterministic, hierarchy-consistent, complete, non-negative, anchored."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanzhi.demo import model as m
from tanzhi.demo.calc import Y, calibrate, capped_allocation, generate, split
from tanzhi.demo.checks import Lookup, check_anchors, observed, reproduces
from tanzhi.kernel import RegionLevel, packaged_regions, parse_unit
from tanzhi.testing import assert_hierarchy_sums

# Standard-coal coefficients restated here, independently of model.FUELS, from the GB/T
# 2589-2008 Annex A / yearbook list (kgce/kg = 万tce per 万t) and the energy-statistics reporting
# form (natural gas 12.1430 tce per 10^4 m3 = 12.143 万tce per 亿m3; electricity 4.0400 tce per
# 10^4 kWh = 4.04 万tce per 亿kWh), as compiled in reference/factors/fossil_fuels.csv.
TCE = {"原煤": 0.7143, "焦炭": 0.9714, "原油": 1.4286, "汽油": 1.4714, "煤油": 1.4714,
       "柴油": 1.4571, "燃料油": 1.4286, "液化石油气": 1.7143, "天然气": 12.143}
ELECTRICITY = 4.04
CORE = ("population", "gdp", "value_added", "energy_final", "energy_transformation",
        "electricity", "energy_total", "industrial_output", "crop_area", "livestock",
        "fertiliser", "forest_area", "forest_stock", "wetland_area", "waste_msw",
        "wastewater_cod")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(packaged_regions())


@pytest.fixture(scope="module")
def core(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["variable"].isin(CORE)]


def test_two_runs_give_identical_frames(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(generate(packaged_regions()), frame)


def test_another_seed_changes_synthetic_values_but_not_anchors(frame: pd.DataFrame) -> None:
    other = generate(packaged_regions(), seed=7)
    assert check_anchors(other) == []
    merged = frame.merge(other, on=["region_code", "year", "variable", "sector", "item"])
    synthetic = merged[merged["synthetic_x"] & (merged["value_x"] > 0)]
    assert (synthetic["value_x"] != synthetic["value_y"]).mean() > 0.9


def test_counties_sum_to_cities_and_cities_to_the_province(core: pd.DataFrame) -> None:
    regions = packaged_regions()
    parent = {r.code: r.parent_code for r in regions}
    assert {parent[r.code] for r in regions if r.level is RegionLevel.CITY} == {"330000"}
    # every city has ≥ 4 counties, and every parent equals its children's sum, series by series
    assert_hierarchy_sums(core, parent_of=parent, keys=["variable", "sector", "item", "year"],
                          rtol=1e-9, atol=1e-12, min_children=4)


def test_every_core_series_covers_102_regions_and_11_years(core: pd.DataFrame) -> None:
    counts = core.groupby(["variable", "sector", "item"]).size()
    assert set(counts) == {102 * 11}
    assert set(core["variable"]) == set(CORE)
    assert len(counts) >= 80
    assert sorted(core["year"].unique()) == list(range(2015, 2026))
    assert core["region_code"].nunique() == 102


def test_no_value_is_negative_or_missing(frame: pd.DataFrame) -> None:
    assert frame["value"].notna().all()
    assert (frame["value"] >= 0).all(), frame[frame["value"] < 0].head()


def test_every_unit_parses(frame: pd.DataFrame) -> None:
    for unit in frame["unit"].unique():
        parse_unit(unit)


@pytest.mark.parametrize("a", [a for a in m.anchors() if a.status == "enforced"],
                         ids=lambda a: a.id)
def test_every_enforced_anchor_is_reproduced(frame: pd.DataFrame, a: m.Anchor) -> None:
    value = observed(Lookup(frame), a)
    assert reproduces(a, value), (a.id, a.value, value)
    if a.tolerance == 0 and a.op == "=":
        assert math.isclose(value, a.value, rel_tol=1e-9, abs_tol=1e-12)


def test_stated_figures_are_stored_with_their_seed_and_quote(frame: pd.DataFrame) -> None:
    stated = frame[~frame["synthetic"]]
    for a in m.anchors():
        here = stated[(stated["region_code"] == a.region_code) & (stated["year"] == a.year)]
        if a.status == "not_used":  # a rejected figure is never stored as if stated
            assert not (here["value"] == a.value).any(), a.id
        else:
            rows = here[here["note"].str.startswith(a.quote)]
            assert set(rows["dataset"]) == {a.dataset}, a.id
    assert set(frame.loc[frame["synthetic"], "dataset"]) == {"demo"}


def test_taizhou_co2_series_is_kept_for_the_inventory(frame: pd.DataFrame) -> None:
    co2 = frame[(frame["variable"] == "co2_emissions") & (frame["region_code"] == "331000")]
    assert co2.set_index("year")["value"].to_dict() == {2015: 2283.74, 2019: 2476.85}
    assert set(co2["unit"]) == {"万吨"}
    assert set(co2["dataset"]) == {"seed:004_3986e71a920a51c8"}
    assert not co2["synthetic"].any()
    assert co2["note"].str.contains("从2015年的2283.74万吨增长到2019年的2476.85万吨").all()


def test_hangzhou_energy_2020_is_a_stated_cell(frame: pd.DataFrame) -> None:
    row = frame[(frame["region_code"] == "330100") & (frame["year"] == 2020)
                & (frame["variable"] == "energy_total")]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(4286, rel=1e-12)
    assert row["dataset"].iloc[0] == "seed:003_46e059fa6ebfa811"
    assert not row["synthetic"].iloc[0]


def test_total_energy_is_the_fuels_at_their_standard_coal_coefficients(core) -> None:
    fuels = core[core["variable"].isin(["energy_final", "energy_transformation"])
                 & core["item"].isin(list(TCE))]
    fossil = (fuels["value"] * fuels["item"].map(TCE)).groupby(
        [fuels["region_code"], fuels["year"]]).sum()
    el = core[core["variable"] == "electricity"]
    sign = el["sector"].map({"generation": 1.0, "import": 1.0, "export": -1.0, "loss": 0.0})
    counted = el[~((el["sector"] == "generation") & (el["item"] == "火电"))]
    power = (counted["value"] * sign[counted.index]).groupby(
        [counted["region_code"], counted["year"]]).sum()
    total = core[core["variable"] == "energy_total"].set_index(["region_code", "year"])["value"]
    expected = fossil + power * ELECTRICITY
    assert np.allclose(total.sort_index(), expected.sort_index(), rtol=1e-9, atol=0)


def test_electricity_balances_in_every_region_and_year(core: pd.DataFrame) -> None:
    el = core[core["variable"] == "electricity"]
    supply = el[el["sector"].isin(["generation", "import"])].groupby(["region_code", "year"])[
        "value"].sum() - el[el["sector"] == "export"].groupby(["region_code", "year"])[
        "value"].sum()
    final = core[(core["variable"] == "energy_final") & (core["item"] == "电力")].groupby(
        ["region_code", "year"])["value"].sum()
    loss = el[el["sector"] == "loss"].set_index(["region_code", "year"])["value"]
    assert np.allclose(supply, (final + loss)[supply.index], rtol=1e-9)
    assert (final > 0).all()


def test_gdp_is_the_sum_of_its_sectors_and_parts_stay_within_wholes(core) -> None:
    w = core.set_index(["region_code", "year", "variable", "sector", "item"])["value"]
    va = w.xs("value_added", level="variable").unstack(["sector", "item"])
    gdp = w.xs(("gdp", "", "current"), level=["variable", "sector", "item"])
    parts = va[("primary", "")] + va[("secondary", "")] + va[("tertiary", "")]
    assert np.allclose(parts, gdp[parts.index], rtol=1e-9)
    assert (va[("industry", "")] <= va[("secondary", "")]).all()
    pop = w.xs("population", level="variable").unstack(["sector", "item"])
    assert (pop[("", "urban")] <= pop[("", "total")]).all()


def test_fertiliser_use_falls_every_year_to_2020(core: pd.DataFrame) -> None:
    # 浙江 plan: 农药化肥使用量连续减量 8 年 by 2020 (seed-statistics row "连续减量年数").
    n = core[(core["variable"] == "fertiliser") & (core["region_code"] == "330000")]
    series = n.set_index("year")["value"].loc[2015:2020]
    assert (series.diff().dropna() < 0).all()


def test_no_adipic_acid_and_hcfc22_only_at_its_two_sites(core: pd.DataFrame) -> None:
    out = core[core["variable"] == "industrial_output"]
    assert (out.loc[out["item"] == "己二酸", "value"] == 0).all()
    hcfc = out[(out["item"] == "HCFC-22") & (out["value"] > 0)]
    assert set(hcfc["region_code"]) == {"330000", "330700", "330800", "330723", "330803"}


def test_nuclear_output_sits_in_haiyan_and_sanmen(core: pd.DataFrame) -> None:
    nuclear = core[(core["variable"] == "electricity") & (core["item"] == "核电")
                   & (core["value"] > 0) & (core["region_code"].str[-2:] != "00")]
    assert set(nuclear["region_code"]) == {"330424", "331022"}
    sanmen = nuclear[nuclear["region_code"] == "331022"]
    assert sanmen["year"].min() == 2018  # 三门 entered service in 2018


@given(st.lists(st.floats(0.1, 1e4), min_size=11, max_size=11),
       st.dictionaries(st.sampled_from(list(Y.tolist())), st.floats(0.1, 1e4), max_size=4))
@settings(max_examples=50, deadline=None)
def test_calibrate_passes_exactly_through_its_pins(prior, pins) -> None:
    out = calibrate(np.array(prior), pins)
    for year, value in pins.items():
        assert out[year - 2015] == value
    assert (out > 0).all()


@given(st.lists(st.lists(st.floats(0.0, 100.0), min_size=11, max_size=11), min_size=3,
                max_size=6), st.floats(10.0, 1e4))
@settings(max_examples=50, deadline=None)
def test_split_keeps_fixed_rows_and_meets_the_total(rows, level) -> None:
    prior = np.array(rows) + 1.0
    total = np.full(11, level) + prior[0]
    fixed = {0: prior[0]}
    out = split(total, prior, fixed)
    assert np.array_equal(out[0], prior[0])
    assert np.allclose(out.sum(axis=0), total, rtol=1e-12)


def test_capped_allocation_respects_ceilings_and_total() -> None:
    weight = np.array([[10.0] * 11, [1.0] * 11, [1.0] * 11])
    ceiling = np.array([[5.0] * 11, [100.0] * 11, [100.0] * 11])
    out = capped_allocation(np.full(11, 12.0), ceiling, weight)
    assert np.allclose(out[:, 0], [5.0, 3.5, 3.5])
