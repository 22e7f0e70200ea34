"""The inventory report (清单报告) on a small inventory computed from activity rows."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_totals
from tanzhi.report import compose_inventory, inputs_from_activity, render_document

YEARS = range(2018, 2024)


def activity() -> pd.DataFrame:
    """Energy, cement, livestock and soils for Shaoxing 2018–2023; electricity from 2021."""
    rows = []
    for y in YEARS:
        g = 1 + 0.03 * (y - 2018)
        rows += [("330600", y, "1.A.1.a", "raw_coal", 800 * g, "万吨"),
                 ("330600", y, "1.A.2.a", "natural_gas", 5 * g, "亿立方米"),
                 ("330600", y, "1.A.3.b", "gasoline", 30 * g, "万吨"),
                 ("330600", y, "2.A.1", "cement_clinker", 300 * g, "万吨"),
                 ("330600", y, "3.A", "dairy_cattle", 1, "万头"),
                 ("330600", y, "3.C.4", "synthetic_n", 1000, "t")]
    rows += [("330600", y, "memo.net_imported_electricity", "electricity", 200, "亿千瓦时")
             for y in (2021, 2022, 2023)]
    return pd.DataFrame(rows, columns=["region_code", "year", "category", "item", "value",
                                       "unit"])


@pytest.fixture(scope="module")
def inputs():
    return inputs_from_activity(activity(), region_code="330600", region_name="绍兴市",
                                year=2023, gwp="AR5", iterations=500)


@pytest.fixture(scope="module")
def doc(inputs):
    return compose_inventory(inputs)


def _table(doc, caption: str):
    return next(t for t in doc.tables if caption in t.caption)


def test_report_follows_the_provincial_structure(doc) -> None:
    assert [s.title for s in doc.sections] == [
        "一、基本情况", "二、清单结果", "三、分领域排放", "四、不确定性分析", "五、关键类别分析",
        "六、质量保证与质量控制", "附录　排放因子与参数"]
    assert doc.title == "绍兴市2023年温室气体清单报告"


def test_summary_table_totals_match_the_engine(doc, inputs) -> None:
    table = _table(doc, "温室气体清单汇总表")
    assert [c.label for c in table.columns][1:7] == [
        "二氧化碳（CO2）", "甲烷（CH4）", "氧化亚氮（N2O）", "氢氟碳化物（HFCs）",
        "全氟化碳（PFCs）", "六氟化硫（SF6）"]
    totals = compute_totals(inputs.rows, gwp="AR5", by=("year", "sector"))
    year = totals[totals["year"] == 2023].set_index("sector")["emissions_co2e_t"]
    rows = {r.cells[0]: r.cells for r in table.rows}
    for sector in ("能源活动", "工业生产过程", "农业"):
        assert rows[sector][-1] == pytest.approx(year[sector] / 1e4, rel=1e-9)
    assert rows["总量（不包括土地利用变化和林业）"][-1] == pytest.approx(year.sum() / 1e4)
    # No forest data: the guideline expects forest CO2, so it is not estimated (NE); HFCs
    # are not expected from agriculture (NA).
    assert rows["土地利用变化和林业"][1] == "NE"
    assert rows["农业"][4] == "NA"
    assert rows["信息项：调入电力"][1] > 0


def test_calibre_reconciliation_and_trend(doc) -> None:
    recon = _table(doc, "对账")
    first, last = recon.rows[0].cells, recon.rows[-1].cells
    assert first[0] == "全口径温室气体排放总量"
    assert last[0] == "能源活动二氧化碳排放（含调入电力）"
    assert first[1] + sum(r.cells[1] for r in recon.rows[1:-1]) == pytest.approx(last[1])
    trend = next(c for c in doc.charts if "分领域温室气体排放趋势" in c.caption)
    assert trend.categories == [str(y) for y in YEARS]


def test_uncertainty_keycategories_and_appendix(doc) -> None:
    unc = _table(doc, "不确定性（方法1")
    assert unc.rows[-1].cells[0] == "合计" and unc.rows[-1].emphasis
    keys = _table(doc, "关键类别")
    assert any("1.A.1.a" in str(r.cells[0]) for r in keys.rows)
    factors = _table(doc, "排放因子与参数")
    assert any(str(r.cells[0]).startswith("cn-prov-2011/") for r in factors.rows)


def test_html_report_renders_with_charts(doc) -> None:
    html = render_document(doc, "html").decode("utf-8")
    assert "表2 2023年绍兴市温室气体清单汇总表" in html
    assert html.count("<svg") == len(doc.charts) >= 3
