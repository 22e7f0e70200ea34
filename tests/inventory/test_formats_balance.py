"""The energy balance table (能源平衡表, 实物量) in the yearbook layout: reading, and the
reference vs sectoral comparison on hand-computed numbers."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tanzhi.inventory.formats.balance import compare_balance, read_energy_balance
from tanzhi.inventory.model import FactorValue
from tanzhi.kernel import DataError, NotFound

FUELS = ("原煤", "焦炭", "柴油", "天然气", "热力", "电力")
UNITS = ("万吨", "万吨", "万吨", "亿立方米", "万百万千焦", "亿千瓦时")
# (label, 原煤, 焦炭, 柴油, 天然气, 热力, 电力); outflows printed negative, as the yearbook does.
ROWS = (
    ("一、可供本地区消费的能源量", 935, 20, 48, 10, 0, 250),
    ("1.一次能源生产量", 100, None, None, None, None, 50),
    ("2.外省(区、市)调入量", 900, 20, 50, 10, None, 300),
    ("3.进口量", None, None, None, None, None, None),
    ("4.境内轮船和飞机在境外的加油量", None, None, None, None, None, None),
    ("5.本省(区、市)调出量(-)", -50, None, None, None, None, -100),
    ("6.出口量(-)", None, None, None, None, None, None),
    ("7.境外轮船和飞机在境内的加油量(-)", None, None, -2, None, None, None),
    ("8.库存增(-)减(+)量", -15, None, None, None, None, None),
    ("二、加工转换投入(-)产出(+)量", -850, 110, None, -4, 500, 200),
    ("1.火力发电", -600, None, None, -4, None, 200),
    ("2.供热", -100, None, None, None, 500, None),
    ("3.洗选煤", "-", None, None, None, None, None),
    ("4.炼焦", -150, 110, None, None, None, None),
    ("三、损失量", 10, None, None, None, None, 20),
    ("四、终端消费量", 70, 125, 48, 6, 500, 430),
    ("1.农、林、牧、渔业", 5, None, 3, None, None, 10),
    ("2.工业", 60, 125, 3, 3, 400, 300),
    ("其中：用作原料、材料", 10, None, None, None, None, None),
    ("3.建筑业", None, None, 2, None, None, 10),
    ("4.交通运输、仓储和邮政业", None, None, 40, None, None, 20),
    ("5.批发和零售业、住宿和餐饮业", 2, None, None, 1, None, 30),
    ("6.其他", 1, None, None, None, None, 20),
    ("7.居民生活", 2, None, None, 2, 100, 40),
    ("  城镇", 1, None, None, 2, 100, 30),
    ("  乡村", 1, None, None, None, None, 10),
    ("五、平衡差额", 5, 5, 0, 0, 0, 0),
    ("六、消费量合计", 930, 275, 48, 10, 500, 450),
)


def write_yearbook(path: Path) -> Path:
    """A 实物量 balance sheet as the yearbook prints it: merged title, merged 项目 header over the
    fuel-name and unit rows."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "能源平衡表"
    ws.cell(1, 1, "浙江省某市能源平衡表（实物量）（2022年）")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FUELS) + 1)
    ws.cell(2, 1, "项目")
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    for j, (fuel, unit) in enumerate(zip(FUELS, UNITS, strict=True), start=2):
        ws.cell(2, j, fuel)
        ws.cell(3, j, unit)
    for i, row in enumerate(ROWS, start=4):
        for j, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(i, j, value)
    book.save(path)
    return path


# Round-number factors for hand computation (per fuel: GJ/unit, t C/TJ, oxidation).
FACTORS = {
    ("raw_coal", "net_calorific_value"): FactorValue("t/coal/ncv", 20.0, "GJ/t"),
    ("raw_coal", "carbon_content_per_heat"): FactorValue("t/coal/cc", 25.0, "t C/TJ"),
    ("raw_coal", "oxidation_rate"): FactorValue("t/coal/of", 0.9, "1"),
    ("coke", "net_calorific_value"): FactorValue("t/coke/ncv", 28.0, "GJ/t"),
    ("coke", "carbon_content_per_heat"): FactorValue("t/coke/cc", 30.0, "t C/TJ"),
    ("coke", "oxidation_rate"): FactorValue("t/coke/of", 0.95, "1"),
    ("diesel", "net_calorific_value"): FactorValue("t/diesel/ncv", 43.0, "GJ/t"),
    ("diesel", "carbon_content_per_heat"): FactorValue("t/diesel/cc", 20.0, "t C/TJ"),
    ("diesel", "oxidation_rate"): FactorValue("t/diesel/of", 1.0, "1"),
    ("natural_gas", "net_calorific_value"): FactorValue("t/ng/ncv", 38.0, "MJ/m**3"),
    ("natural_gas", "carbon_content_per_heat"): FactorValue("t/ng/cc", 15.0, "t C/TJ"),
    ("natural_gas", "oxidation_rate"): FactorValue("t/ng/of", 1.0, "1"),
}


class Lookup:
    """Round-number factors, any category, region and year."""

    def lookup(self, *, item: str, parameter: str, **_: object) -> FactorValue:
        try:
            return FACTORS[(item, parameter)]
        except KeyError:
            raise NotFound(f"{item}/{parameter}") from None


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory):
    path = write_yearbook(tmp_path_factory.mktemp("bal") / "balance.xlsx")
    return read_energy_balance(path, region_code="330100", year=2022)


def test_reference_flows_follow_ipcc_signs(table) -> None:
    f = table.flows.set_index(["item", "flow"])["value"]
    assert f[("raw_coal", "production")] == 100
    assert f[("raw_coal", "imports")] == 900
    assert f[("raw_coal", "exports")] == 50
    assert f[("raw_coal", "stock_change")] == 15  # 库存增 15 printed −15: a build
    assert f[("raw_coal", "non_energy_use")] == 10
    assert f[("diesel", "bunkers")] == 2
    assert f[("coke", "imports")] == 20
    # Electricity and heat carry no carbon: not in the reference approach.
    assert not table.flows["item"].isin(["electricity", "heat"]).any()
    assert set(table.flows["unit"]) == {"万吨", "亿立方米"}


def test_sectoral_activity_rows(table) -> None:
    a = table.activity.set_index(["category", "item"])["value"]
    assert a[("1.A.1.a.i", "raw_coal")] == 600
    assert a[("1.A.1.a.iii", "raw_coal")] == 100
    assert a[("1.A.2", "raw_coal")] == 50  # 工业 60 less 用作原料、材料 10
    assert a[("1.A.4.a", "raw_coal")] == 3  # 批发零售住宿餐饮 2 + 其他 1
    assert a[("1.A.4.b", "raw_coal")] == 2  # 居民生活 only, not again 城镇 + 乡村
    assert a[("1.A.2", "coke")] == 125
    assert a[("1.A.3", "diesel")] == 40
    assert a[("1.A.3.d.i", "diesel")] == 2  # bunkers, a memo category
    assert a[("memo.net_imported_electricity", "electricity")] == 200  # 300 − 100
    assert ("1.A.1.a.i", "coke") not in a.index  # coking is conversion, not combustion
    notes = " ".join(en for _, en in table.notes)
    assert "non-energy use" in notes and "coking" in notes and "not combustion" in notes


def test_reference_vs_sectoral_by_hand(table) -> None:
    """Reference: coal (100 + 900 − 50 − 15 − 10 non-energy) = 925 万t × 20 GJ/t × 25 t C/TJ ×
    0.9 × 44/12 = 15,262,500; coke 20 万t × 28 × 30 × 0.95 × 44/12 = 585,200; diesel (50 − 2)
    万t × 43 × 20 × 44/12 = 1,513,600; gas 10 亿m³ × 38 MJ/m³ × 15 × 44/12 = 2,090,000; total
    19,451,300.  Sectoral: coal 760 万t → 12,540,000; coke 125 万t → 3,657,500; diesel 48 万t
    → 1,513,600 (bunkers are memo); gas 10 亿m³ → 2,090,000; total 19,801,100.  The gap is all
    energy: coal +165 万t (coking 150, losses 10, statistical difference 5), coke −105 万t."""
    cmp = compare_balance(table, Lookup()).set_index("item")
    assert cmp.loc["raw_coal", "reference_co2_t"] == pytest.approx(15_262_500)
    assert cmp.loc["coke", "reference_co2_t"] == pytest.approx(585_200)
    assert cmp.loc["diesel", "reference_co2_t"] == pytest.approx(1_513_600)
    assert cmp.loc["natural_gas", "reference_co2_t"] == pytest.approx(2_090_000)
    assert cmp.loc["total", "reference_co2_t"] == pytest.approx(19_451_300)
    assert cmp.loc["raw_coal", "sectoral_co2_t"] == pytest.approx(12_540_000)
    assert cmp.loc["coke", "sectoral_co2_t"] == pytest.approx(3_657_500)
    assert cmp.loc["total", "sectoral_co2_t"] == pytest.approx(19_801_100)
    assert cmp.loc["total", "difference_t"] == pytest.approx(-349_800)
    assert cmp.loc["total", "difference_pct"] == pytest.approx(-349_800 / 19_801_100 * 100)
    assert cmp.loc["raw_coal", "energy_gap_co2_t"] == pytest.approx(2_722_500)
    assert cmp.loc["coke", "energy_gap_co2_t"] == pytest.approx(-3_072_300)
    assert cmp.loc["total", "factor_gap_co2_t"] == pytest.approx(0, abs=1e-6)
    assert cmp.loc["raw_coal", "conversion_net"] == 150  # 炼焦 input; 洗选煤 "-" is nothing
    assert cmp.loc["raw_coal", "losses"] == 10
    assert cmp.loc["raw_coal", "balance_difference"] == 5
    assert "losses 10 万吨" in cmp.loc["raw_coal", "explanation_en"]
    assert "低于" in cmp.loc["total", "explanation_zh"]


def test_csv_with_units_in_brackets_and_bad_cells() -> None:
    text = ("项目,原煤(万吨),柴油(万吨),天然气(亿立方米)\n"
            "一、可供本地区消费的能源量,10,5,1\n1.一次能源生产量,10,,\n"
            "2.外省(区、市)调入量,,5,1\n二、加工转换投入(-)产出(+)量,-8,,\n1.火力发电,-8,,\n"
            "四、终端消费量,2,5,1\n2.工业,2,x,1\n")
    with pytest.raises(DataError) as info:
        read_energy_balance(text.encode(), filename="b.csv", region_code="330100", year=2022)
    p = info.value.problems[0].location
    assert (p.file, p.row, p.column) == ("b.csv", 8, "柴油(万吨)")
    ok = read_energy_balance(text.replace(",x,", ",5,").encode(), filename="b.csv",
                             region_code="330100", year=2022)
    assert isinstance(ok.activity, pd.DataFrame)
    assert ok.activity.set_index(["category", "item"])["value"][("1.A.2", "diesel")] == 5
