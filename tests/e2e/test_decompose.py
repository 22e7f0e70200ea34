"""Tried as a city officer would: open the decomposition tool, run the weighted method on
Shaoxing's CO2-intensity target, save and adopt the round, download the allocation table."""

from __future__ import annotations

import io

import openpyxl


def test_city_officer_decomposes_to_counties(live_server, page, password, artifacts) -> None:
    page.goto(f"{live_server}/login?next=/decompose")
    page.fill("input[name=username]", "sx.city")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/decompose")
    page.select_option("#plan_id", "sx-fyp14-climate")
    page.select_option("#indicator_id", "co2_intensity_reduction")
    page.select_option("#method", "weighted")
    page.fill("#w_equity", "0.30")
    page.fill("#w_structure", "0.10")
    page.fill("#name", "e2e 综合指数法")
    page.click("#run-btn")
    page.wait_for_selector("#dec-table tbody tr")
    assert "check-ok" in page.get_attribute("#agg-check", "class")
    assert page.locator("#dec-table tbody tr").count() == 6
    page.wait_for_selector("#dec-map canvas")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "decompose-run.png"), full_page=True)
    page.click("#save-btn")
    page.wait_for_url(f"{live_server}/decompose/rounds/*")
    page.click("#adopt-btn")
    page.wait_for_selector(".badge-adopted")
    page.wait_for_selector("#dec-map canvas")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "decompose-adopted.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-btn")
    path = info.value.path()
    sheet = openpyxl.load_workbook(io.BytesIO(open(path, "rb").read()))["分解表"]
    assert sheet["A1"].value == "各县（市、区）“十四五”单位GDP二氧化碳排放降低目标分解表"
    assert sheet["B4"].value == "越城区"
    assert page.js_errors == []
