"""Actuals from the template in a browser (issue #11 item 2): the forestry bureau downloads its
template, fills in the year 2025, uploads it, watches the job finish and sees the light turn.

Zhejiang's 2025 forest stock in the demo is 4.44 亿立方米 against a target of ≥ 4.45 (yellow);
the upload reports 4.5, so the target is met (green).
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tanzhi.plan.ingest.model import FIELDS

pytestmark = pytest.mark.e2e

PLAN = "zj-fyp14-climate"
ROW = "#status-table tr[data-indicator='forest_stock']"
COL = {name: i for i, name in enumerate(FIELDS)}


def _fill_2025(data: bytes) -> tuple[bytes, int]:
    """Every 2025 row filled (2 % above the value in force; Zhejiang's forest stock 4.5)."""
    book = load_workbook(io.BytesIO(data))
    filled = 0
    for row in book["实际值"].iter_rows(min_row=2):
        if row[COL["year"]].value != 2025 or row[COL["current_value"]].value is None:
            continue
        value = float(row[COL["current_value"]].value) * 1.02
        if (row[COL["indicator_id"]].value, row[COL["region_code"]].value) == (
                "forest_stock", "330000"):
            value = 4.5
        row[COL["value"]].value = value
        row[COL["source"]].value = "2025 年森林资源年度监测（演示）"
        filled += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), filled


def test_department_uploads_a_year_of_actuals_from_the_template(
        live_server, page, artifacts, password, tmp_path) -> None:
    page.goto(live_server + "/login")
    page.fill("#username", "zj.linye")  # 省林业局: forest stock and wetland area
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server + "/**")

    page.goto(f"{live_server}/plans/{PLAN}")
    assert page.locator(ROW).get_attribute("data-status") == "yellow"
    page.click("#ingest-link")
    page.wait_for_selector("#ingest-download")
    assert page.locator("#ingest-department").inner_text() == "林业"
    assert page.locator("#ingest-indicators tr[data-indicator]").count() == 2
    page.screenshot(path=str(artifacts / "e2e-ingest-01-template.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#ingest-download")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    data, filled = _fill_2025(template.read_bytes())
    assert filled == 24  # 2 indicators × 12 regions (province and its 11 cities)
    upload = tmp_path / "森林资源2025.xlsx"
    upload.write_bytes(data)

    page.set_input_files("#ingest-file", str(upload))
    page.click("#ingest-submit")
    page.wait_for_selector("#job-progress")
    page.screenshot(path=str(artifacts / "e2e-ingest-02-job.png"), full_page=True)
    # follow=1: once the job succeeded, htmx moves on to the plan page
    page.wait_for_url(f"{live_server}/plans/{PLAN}", timeout=60_000)
    assert page.locator(ROW).get_attribute("data-status") == "green"
    page.screenshot(path=str(artifacts / "e2e-ingest-03-plan.png"), full_page=True)

    page.goto(f"{live_server}/plans/{PLAN}/indicators/forest_stock")
    assert page.locator("#history tr[data-year='2025'][data-revision='2']").count() == 1
    assert page.locator("#history tr.superseded[data-year='2025']").count() == 1
    assert page.js_errors == []
