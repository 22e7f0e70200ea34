"""What the inventory pages show, from hand-made result frames (no database, no app).

Each expected number is worked out by hand in the test from the rows it builds.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.checks import check_completeness
from tanzhi.inventory.pages import figures
from tanzhi.kernel import Finding, Severity

COLUMNS = ("region_code", "year", "category", "sector", "item", "gas", "emissions_t", "co2e_t",
           "memo", "notation", "method", "factor_ids", "activity_ids", "activity_value",
           "activity_unit")


def row(year: int, category: str, sector: int, item: str, gas: str, co2e: float | None, *,
        emissions: float | None = None, memo: bool = False, notation: str | None = None,
        region: str = "330600") -> dict:
    return {"region_code": region, "year": year, "category": category, "sector": sector,
            "item": item, "gas": gas, "emissions_t": co2e if emissions is None else emissions,
            "co2e_t": co2e, "memo": memo, "notation": notation, "method": "Tier 1",
            "factor_ids": "f1", "activity_ids": "a1", "activity_value": 1.0,
            "activity_unit": "t"}


@pytest.fixture
def rows() -> pd.DataFrame:
    data = [
        # 2020: energy 1000 + 200, IPPU 300, LULUCF −400, waste 50; a memo row of 999.
        row(2020, "1.A.1.a", 1, "raw_coal", "CO2", 1000.0),
        row(2020, "1.A.2", 1, "natural_gas", "CO2", 200.0),
        row(2020, "2.A.1", 2, "clinker", "CO2", 300.0),
        row(2020, "3.B.1.a", 4, "forest", "CO2", -400.0),
        row(2020, "4.A", 5, "msw", "CH4", 50.0, emissions=50.0 / 28),
        row(2020, "1.A.3.a.i", 1, "jet_kerosene", "CO2", 999.0, memo=True),
        row(2020, "2.B.9", 2, "hcfc22", "HFC-23", None, notation="NO"),
        # 2021: energy 1100 + 300, IPPU 330, LULUCF −500, waste 40.
        row(2021, "1.A.1.a", 1, "raw_coal", "CO2", 1100.0),
        row(2021, "1.A.2", 1, "natural_gas", "CO2", 300.0),
        row(2021, "2.A.1", 2, "clinker", "CO2", 330.0),
        row(2021, "3.B.1.a", 4, "forest", "CO2", -500.0),
        row(2021, "4.A", 5, "msw", "CH4", 40.0, emissions=40.0 / 28),
    ]
    return pd.DataFrame(data, columns=COLUMNS)


def test_sector_keys_accept_codes_ints_and_aliases() -> None:
    assert [figures.sector_key(x) for x in (1, "2", 3.0, "lulucf", "Waste")] == [
        "1", "2", "3", "4", "5"]
    assert figures.sector_name(4, zh=True) == "土地利用变化和林业"
    assert figures.sector_name("1", zh=False) == "Energy"


def test_memo_rows_and_notation_rows_stay_out_of_totals(rows: pd.DataFrame) -> None:
    counted = figures.counted(rows)
    assert counted["co2e_t"].sum() == pytest.approx(
        (1000 + 200 + 300 - 400 + 50) + (1100 + 300 + 330 - 500 + 40))
    assert not counted["memo"].any()


def test_headline_totals_and_changes(rows: pd.DataFrame) -> None:
    energy = pd.DataFrame({"year": [2020, 2021], "co2_t": [1200.0, 1400.0],
                           "electricity_co2_t": [100.0, 80.0], "total_t": [1300.0, 1480.0]})
    out = figures.overview_figures(rows, energy, year=2021, years=[2020, 2021], zh=True)
    h = out["headline"]
    assert h["net"] == pytest.approx(1270.0)        # 1100+300+330−500+40
    assert h["gross"] == pytest.approx(1770.0)      # without LULUCF −500
    assert h["lulucf"] == pytest.approx(-500.0)
    assert h["net_change"] == pytest.approx((1270 - 1150) / 1150 * 100)
    assert h["energy_total"] == 1480.0 and h["electricity"] == 80.0
    assert h["energy_change"] == pytest.approx((1480 - 1300) / 1300 * 100)
    shares = {g["gas"]: g["share"] for g in out["gas_rows"]}
    assert shares["CH4"] == pytest.approx(40 / 1770 * 100)


def test_compare_years_by_sector_with_both_totals(rows: pd.DataFrame) -> None:
    table = figures.compare_years(rows, 2020, 2021, zh=False)
    by = {r["label"]: r for r in table}
    assert by["Energy"]["a"] == 1200.0 and by["Energy"]["b"] == 1400.0
    assert by["Energy"]["change"] == 200.0
    assert by["Energy"]["pct"] == pytest.approx(200 / 1200 * 100)
    assert by["Agriculture"]["a"] is None and by["Agriculture"]["pct"] is None
    assert by["Total excluding LULUCF"]["a"] == pytest.approx(1550.0)
    assert by["Total excluding LULUCF"]["b"] == pytest.approx(1770.0)
    assert by["Net total including LULUCF"]["b"] == pytest.approx(1270.0)
    # A sink that grows is a negative change.
    assert by["Land use, land-use change and forestry"]["change"] == -100.0


def test_notation_table_marks_estimated_keys_and_gaps(rows: pd.DataFrame) -> None:
    table = figures.notation_table(rows, 2020, zh=True)
    status = {(r["category"].split(" ")[0], r["gas"]): r["status"] for r in table["rows"]}
    assert status[("1.A.1", "CO2")] == "estimated"
    assert status[("2.B.9", "HFC-23")] == "NO"
    assert status[("2.G", "SF6")] == "missing"
    assert table["counts"]["NO"] == 1
    assert sum(table["counts"].values()) == len(table["rows"])


def test_chart_data_series_sum_to_the_net_total(rows: pd.DataFrame) -> None:
    flows = pd.DataFrame({"fuel": ["raw_coal", "natural_gas"], "sector": ["1.A.1", "1.A.2"],
                          "co2_t": [1100.0, 300.0]})
    totals = pd.DataFrame({"region_code": ["330602"], "name_zh": ["越城区"], "co2e_t": [5.0]})
    data = figures.chart_data(rows, flows, totals, region="330600", year=2021,
                              years=[2020, 2021], zh=True, locale="zh_CN")
    for by in ("sector", "gas"):
        total_2021 = sum(s["values"][1] or 0 for s in data["series"][by])
        assert total_2021 == pytest.approx(1270.0), by
    assert [s["key"] for s in data["series"]["sector"]] == ["1", "2", "4", "5"]
    fuel_2021 = sum(s["values"][1] for s in data["series"]["fuel"])
    assert fuel_2021 == pytest.approx(1400.0)
    # The treemap shows the positive categories only (the sink is a table item, not an area).
    areas = [c["value"] for s in data["treemap"] for c in s["children"]]
    assert sum(areas) == pytest.approx(1100 + 300 + 330 + 40)
    assert len(data["sankey"]["links"]) == 2
    assert {n["side"] for n in data["sankey"]["nodes"]} == {"fuel", "sector"}
    assert data["map"]["items"] == [{"code": "330602", "name": "越城区", "value": 5.0}]


def test_findings_of_the_year_errors_first(rows: pd.DataFrame) -> None:
    found = check_completeness(rows) + [
        Finding("inventory.time_series", Severity.WARNING, "较上年变化 +50%", "change of +50 %",
                context={"region_code": "330600", "year": 2021, "category": "1.A.2"}),
        Finding("inventory.hierarchy", Severity.INFO, "一致", "consistent",
                context={"parent_code": "330600"}),
    ]
    out = figures.findings(found, year=2021, zh=False)
    kept = [f for f in found if f.context.get("year") in (None, 2021)]
    assert out["total"] == len(kept)
    assert sum(out["counts"].values()) == len(kept)
    severities = [f["severity"] for f in out["items"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert out["counts"]["error"] >= 1          # e.g. 2.G SF6: neither number nor key
    checks = {f["check"] for f in out["items"]}
    assert {"completeness", "time-series consistency", "hierarchy check"} <= checks


def test_residual_rows_pick_the_region_and_year() -> None:
    frame = pd.DataFrame({
        "parent_code": ["330600", "330600", "330000"], "year": [2021, 2020, 2021],
        "sector": [1, 1, 1], "gas": ["CO2"] * 3, "parent_t": [100.0, 90.0, 1.0],
        "children_t": [97.0, 90.0, 1.0], "residual_t": [3.0, 0.0, 0.0],
        "residual_pct": [3.0, 0.0, 0.0], "explanation_zh": ["市直属电厂"] * 3,
        "explanation_en": ["city-level plant"] * 3})
    out = figures.residual_rows(frame, "330600", 2021, zh=True)
    assert len(out) == 1 and out[0]["residual_t"] == 3.0 and out[0]["sector"] == "能源活动"
    assert out[0]["explanation"] == "市直属电厂"
