"""The inventory workspace in a real browser, as Shaoxing's climate officer uses it.

Log in with the form, reach the inventory from the dashboard's top nav, see the charts drawn,
switch the series and the year, upload a bad file (row/column errors, nothing written), upload a
good one and compile it, and download the results as CSV.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

HEADER = "region_code,year,category,item,value,unit,uncertainty_pct\n"
GOOD = (HEADER + "330602,2024,1.A.1.a.i,原煤,120.5,万吨,5\n"
        "330602,2024,1.A.3.b,柴油,35.2,万吨,5\n330602,2024,2.A.1,水泥熟料,300,万吨,3\n")
BAD = GOOD.replace("35.2,万吨", "-35.2,万吨").replace("300,万吨", "300,千瓦时")

CHARTS = ("chart-series", "chart-treemap", "chart-sankey", "chart-map")

# How many pixels of an ECharts canvas are painted (alpha > 0), per chart box.
PAINTED = """(ids) => ids.map((id) => {
    const canvas = document.querySelector('#' + id + ' canvas');
    if (!canvas || !canvas.width || !canvas.height) { return 0; }
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 16) { if (data[i] > 0) { n++; } }
    return n;
})"""


def test_city_officer_inventory_workspace(live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/login")
    page.fill("#username", "sx.city")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#region-map[data-ready='1']", timeout=20_000)

    # From the dashboard's top nav to the inventory of the officer's own city.
    page.click("nav.mainnav a[href='/inventory']")
    page.wait_for_url(live_server + "/inventory")
    assert "绍兴市" in page.locator("#inv-title").inner_text()
    for box in CHARTS:
        page.wait_for_selector(f"#{box}[data-ready='1']", timeout=20_000)
    assert page.locator("#chart-map").get_attribute("data-feature-count") == "6"
    page.wait_for_selector("#qaqc-body[data-ready='1']", timeout=30_000)
    painted = page.evaluate(PAINTED, list(CHARTS))
    assert all(n > 500 for n in painted), dict(zip(CHARTS, painted, strict=True))
    assert page.locator("#kpi-net .kpi-value").inner_text().strip()[0].isdigit()
    page.screenshot(path=str(artifacts / "e2e-inventory-01-overview.png"), full_page=True)

    # Split the series by gas, then by fuel.
    page.click("[data-series-by=gas]")
    page.wait_for_selector("#chart-series[data-by='gas']")
    page.click("[data-series-by=fuel]")
    page.wait_for_selector("#chart-series[data-by='fuel']")
    assert int(page.locator("#chart-series").get_attribute("data-series-count")) >= 2

    # Another year: the pickers submit on change.
    page.select_option("#pick-year", "2020")
    page.wait_for_url("**/inventory?region=330600&year=2020**")
    assert "2020" in page.locator("#inv-title").inner_text()
    page.wait_for_selector("#chart-treemap[data-ready='1']")
    assert page.locator("#compare-table tbody tr").count() == 7
    assert page.js_errors == []

    # A bad file: every problem with its row and column, nothing imported.
    page.click("nav.inv-sub a[href='/inventory/upload']")
    page.set_input_files("#upload-file", files=[{
        "name": "bad.csv", "mimeType": "text/csv", "buffer": BAD.encode()}])
    page.click("#upload-btn")
    page.wait_for_selector("#problem-table")
    cells = page.locator("#problem-table tbody tr").all_inner_texts()
    assert any("\t3\tvalue\t" in c for c in cells), cells
    assert any("\t4\tunit\t" in c for c in cells), cells
    assert page.locator("#upload-ok").count() == 0
    page.screenshot(path=str(artifacts / "e2e-inventory-02-upload-errors.png"), full_page=True)

    # A good file, then compile a run from it.  The bad file ended on its failed import job's
    # page (uploads run as background jobs, issue #8 item 7): back to the form.
    page.goto(live_server + "/inventory/upload")
    page.set_input_files("#upload-file", files=[{
        "name": "keqiao.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}])
    page.click("#upload-btn")
    page.wait_for_selector("#upload-ok")
    assert page.locator("#preview-table tbody tr").count() == 3
    page.screenshot(path=str(artifacts / "e2e-inventory-03-upload-ok.png"), full_page=True)
    page.click("#compile-btn")
    page.wait_for_url("**/inventory/runs/*")
    # Intervals stored at compile time (issue #9 item 7), or computed on the page for old runs.
    page.wait_for_selector("#uncertainty[data-method='stored'], "
                           "#uncertainty[data-method='propagation']", timeout=30_000)
    page.screenshot(path=str(artifacts / "e2e-inventory-04-run.png"), full_page=True)

    # The demo's statistics run: Monte Carlo in place, then the long CSV.
    page.goto(live_server + "/inventory/runs")
    statistics_row = page.locator("#runs-table tbody tr", has_text="平台统计数据").first
    statistics_row.locator("a").first.click()
    # Intervals stored at compile time (issue #9 item 7), or computed on the page for old runs.
    page.wait_for_selector("#uncertainty[data-method='stored'], "
                           "#uncertainty[data-method='propagation']", timeout=30_000)
    page.click("#mc-btn")
    page.wait_for_selector("#uncertainty[data-method='montecarlo']", timeout=20_000)
    page.screenshot(path=str(artifacts / "e2e-inventory-05-montecarlo.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#dl-csv")
    path = info.value.path()
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
        body = fh.read()
    assert {"region_code", "year", "category", "gas", "co2e_t"} <= set(header)
    assert "330602" in body and "330100" not in body
    assert page.js_errors == []
