"""Result exports: long CSV/JSON, the guideline workbook, IAMC (pyam) round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_totals
from tanzhi.inventory.formats.activity import read_activity
from tanzhi.inventory.formats.locate import compute_located
from tanzhi.inventory.formats.results import (
    LEAD_COLUMNS,
    factor_lineage,
    iamc_csv,
    iamc_long,
    results_csv,
    results_iamc,
    results_json,
    results_workbook,
    with_co2e,
)
from tanzhi.inventory.model import InventoryOptions
from tanzhi.kernel import default_library

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    frame = read_activity(DATA / "activity_sectors.csv")
    extra = pd.DataFrame([("330100", 2022, "2.F.1", "HFC134a", 100.0, "t", 5.0, "", 9)],
                         columns=frame.columns)
    opts = InventoryOptions(variants={"waste_incineration/EF_N2O": "msw_continuous"})
    lib = _WithRate(default_library())
    est = compute_located(pd.concat([frame, extra], ignore_index=True), lib, options=opts)
    return est.rows


class _WithRate:
    """The packaged library plus a 10 %/yr HFC-134a emission rate (it has none)."""

    def __init__(self, base) -> None:
        self.base = base

    def lookup(self, **key):
        from tanzhi.inventory.model import FactorValue

        if key["parameter"] == "emission_rate":
            return FactorValue("test/hfc134a/rate", 0.1, "1/a")
        return self.base.lookup(**key)

    def by_id(self, factor_id: str):
        return self.base.by_id(factor_id)


def test_with_co2e_leads_with_the_contract_columns(rows: pd.DataFrame) -> None:
    out = with_co2e(rows, gwp="AR5")
    assert tuple(out.columns[:6]) == LEAD_COLUMNS
    hfc = out.loc[out["gas"] == "HFC134a"].iloc[0]
    assert hfc["emissions_t"] == pytest.approx(10.0)  # 100 t bank × 10 %/yr
    assert hfc["co2e_t"] == pytest.approx(13_000.0)  # AR5 HFC-134a 1,300
    text = results_csv(out).decode()
    assert text.splitlines()[0].startswith("region_code,year,category,gas,emissions_t,co2e_t")
    back = pd.read_csv(io.StringIO(text))
    assert back["co2e_t"].sum() == pytest.approx(out["co2e_t"].sum())
    body = json.loads(results_json(out, gwp="AR5"))
    assert body["meta"] == {"gwp": "AR5"} and len(body["rows"]) == len(out)
    assert any(r["notation"] == "NE" and r["emissions_t"] is None for r in body["rows"])


def test_workbook_in_guideline_layout(rows: pd.DataFrame) -> None:
    out = with_co2e(rows, gwp="AR5")
    data = results_workbook(out, region_name="杭州市", year=2022, gwp="AR5",
                            lineage=factor_lineage(out, default_library()))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总", "能源活动", "工业生产过程", "农业", "土地利用变化和林业",
                               "废弃物处理", "信息项", "溯源"]
    ippu = book["工业生产过程"]
    found = {ippu.cell(r, 1).value: [ippu.cell(r, c).value for c in range(3, 10)]
             for r in range(5, ippu.max_row + 1)}
    assert found["2.A.1"][0] == pytest.approx(52_000)  # clinker 100,000 t × 0.52
    assert found["2.F.1"][3] == pytest.approx(13_000)  # HFCs column, t CO2e
    assert found["2.A.2"][0] == "NE"  # expected, not reported
    energy = book["能源活动"]
    coal = next(r for r in range(5, energy.max_row + 1) if energy.cell(r, 1).value == "1.A.1.a.i")
    assert energy.cell(coal, 4).value == pytest.approx(20.908)  # CH4, IPCC Table 2.2 default
    summary = book["汇总"]
    total_row = next(r for r in range(5, summary.max_row + 1)
                     if str(summary.cell(r, 1).value).startswith("总量（含"))
    expected = compute_totals(rows, gwp="AR5", by=("year",))["emissions_co2e_t"].iloc[0]
    assert summary.cell(total_row, 8).value == pytest.approx(expected)
    lineage = book["溯源"]
    ids = {lineage.cell(r, 1).value: lineage.cell(r, 3).value for r in range(4, 20)}
    assert ids["cn-prov-2011/raw_coal/ncv"] == default_library().by_id(
        "cn-prov-2011/raw_coal/ncv").edition


def test_iamc_totals_round_trip(rows: pd.DataFrame) -> None:
    """Each Emissions|<gas> equals the inventory's counted total of that gas, sector variables
    add up to it, and Kyoto Gases equals compute_totals under the same GWP."""
    df = results_iamc(rows, model="tanzhi", scenario="inventory", gwp="AR5",
                      region_names={"330100": "Hangzhou"})
    data = df.data
    counted = rows.loc[~rows["memo"] & rows["emissions_t"].notna()]
    for gas, total in counted.groupby("gas")["emissions_t"].sum().items():
        got = data.loc[data["variable"] == f"Emissions|{gas}" if "HFC" not in gas
                       else data["variable"] == f"Emissions|HFC|{gas}", "value"].sum()
        assert got == pytest.approx(total)
    co2 = data.loc[data["variable"].str.fullmatch(
        r"Emissions\|CO2\|(Energy|Industrial Processes|Agriculture|LULUCF|Waste)"), "value"]
    assert co2.sum() == pytest.approx(counted.loc[counted["gas"] == "CO2", "emissions_t"].sum())
    kyoto = data.loc[data["variable"] == "Emissions|Kyoto Gases", "value"].iloc[0]
    assert kyoto == pytest.approx(compute_totals(rows, gwp="AR5", by=("year",))
                                  ["emissions_co2e_t"].iloc[0])
    assert set(data["region"]) == {"Hangzhou"} and "t CO2/yr" in set(data["unit"])
    # Units are pyam/iam-units convertible.
    assert df.convert_unit("t CO2/yr", to="Mt CO2/yr").filter(variable="Emissions|CO2").data[
        "value"].iloc[0] == pytest.approx(co2.sum() / 1e6)
    text = iamc_csv(rows, model="tanzhi", scenario="inventory").decode()
    assert text.splitlines()[0].lower().startswith("model,scenario,region,variable,unit,2022")
    assert len(iamc_long(rows)) == len(text.splitlines()) - 1
