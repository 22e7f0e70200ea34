"""The `/plans` pages in process, per role, on a copy of the demo (issue #10 item 6).

What each role reads on the plan list, a plan's overview and an indicator's page, in Chinese,
held against the page's JSON twin (the figures the API gives the same user), so a page that
shows another scope's plans or other numbers than its twin fails here without a browser.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.kernel import significant
from tanzhi.web import create_app

from .conftest import demo_login

ALL_PLANS = {"hz-fyp14-climate", "jx-fyp14-climate", "sx-fyp14-climate", "tz-fyp14-climate",
             "zj-fyp14-climate"}
SX = "sx-fyp14-climate"
CO2 = "co2_intensity_reduction"
ROW = re.compile(r'<tr data-indicator="([^"]+)" data-status="([^"]*)">')


@pytest.fixture(scope="module")
def app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str | None, TestClient]]:
    out = {name: demo_login(app, name) for name in (
        "zj.admin", "sx.city", "kq.county", "zj.fgw", "citizen", None)}
    yield out
    for client in out.values():
        client.close()


def _plans_on(html: str) -> set[str]:
    table = re.search(r'<table[^>]*id="plans-table".*?</table>', html, flags=re.S)
    assert table, "no plan table"
    return set(re.findall(r'data-plan="([^"]+)"', table.group(0)))


@pytest.mark.parametrize(("username", "expected"), [
    ("zj.admin", ALL_PLANS),
    ("sx.city", {SX, "zj-fyp14-climate"}),
    ("kq.county", {SX, "zj-fyp14-climate"}),
])
def test_plan_list_shows_the_plans_in_scope(clients: dict, username: str,
                                            expected: set[str]) -> None:
    c = clients[username]
    page = c.get("/plans")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "应对气候变化五年规划" in page.text
    shown = _plans_on(page.text)
    assert shown == expected
    assert shown == {p["plan_id"] for p in c.get("/api/v1/plans").json()["plans"]}
    assert ("杭州市应对气候变化“十四五”规划" in page.text) is ("hz-fyp14-climate" in expected)
    assert "浙江省应对气候变化“十四五”规划" in page.text


def test_plan_list_refuses_a_citizen_and_sends_a_visitor_to_login(clients: dict) -> None:
    refused = clients["citizen"].get("/plans")
    assert refused.status_code == 403
    assert "无权访问" in refused.text and "公众用户" in refused.text
    visitor = clients[None].get("/plans", follow_redirects=False)
    assert (visitor.status_code, visitor.headers["location"]) == (303, "/login?next=%2Fplans")


@pytest.mark.parametrize(("username", "region"), [("sx.city", "330600"),
                                                  ("kq.county", "330603")])
def test_overview_lights_are_the_twins(clients: dict, username: str, region: str) -> None:
    """The city reads its whole plan; its county only its own part, with the same lights the
    API gives it."""
    c = clients[username]
    page = c.get(f"/plans/{SX}")
    assert page.status_code == 200
    assert "绍兴市应对气候变化" in page.text and "本规划文本的缺陷" in page.text
    # The region chooser stands on the reader's region (the plan's own region is the blank
    # first option).
    chosen = re.findall(r'<option value="(\d+)" selected>', page.text)
    assert chosen == ([] if region == "330600" else [region])
    twin = c.get(f"/api/v1/plans/{SX}").json()
    assert twin["region_code"] == region
    rows = dict(ROW.findall(page.text))
    assert rows == {s["indicator_id"]: s["status"] or "" for s in twin["status"]}
    assert "单位地区生产总值二氧化碳排放降低" in page.text
    lights = Counter(status or "none" for status in rows.values())
    counts = re.search(r'id="light-counts">(.*?)</div>', page.text, flags=re.S).group(1)
    for label, key in (("进度正常", "green"), ("进度预警", "yellow"), ("进度滞后", "red"),
                       ("无状态", "none")):
        assert f"{label} {twin['counts'][key]}" in re.sub(r"<[^>]+>", "", counts)
        assert lights[key] == twin["counts"][key]


def test_indicator_page_shows_the_twins_target_and_latest_actual(clients: dict) -> None:
    c = clients["sx.city"]
    page = c.get(f"/plans/{SX}/indicators/{CO2}")
    assert page.status_code == 200
    twin = c.get(f"/api/v1/plans/{SX}/indicators/{CO2}").json()
    status = twin["status"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "目标路径、实际值与即时预估" in text and "单位地区生产总值二氧化碳排放降低" in text
    # Indicator figures follow the kernel's number rule (about three significant digits).
    assert f"目标值 {significant(status['target'])}" in text
    latest = twin["actuals"][-1]
    assert f"最新实际值 {significant(latest['value'])} ({latest['year']}" in text
    assert f"完成进度 {100 * status['completion']:.1f}%" in text
    assert f"时间进度 {100 * status['time_progress']:.1f}%" in text


def test_county_reads_its_own_figures_in_the_citys_plan(clients: dict) -> None:
    c = clients["kq.county"]
    page = c.get(f"/plans/{SX}/indicators/{CO2}")
    assert page.status_code == 200
    twin = c.get(f"/api/v1/plans/{SX}/indicators/{CO2}").json()
    assert twin["region_code"] == "330603"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "柯桥区" in text
    assert f"完成进度 {100 * twin['status']['completion']:.1f}%" in text


@pytest.mark.parametrize(("username", "region"), [("sx.city", "330600"), ("kq.county", "330603")])
def test_indicator_excel_holds_what_the_page_shows(clients: dict, username: str,
                                                   region: str) -> None:
    """The indicator page's download (brief acct item 2): its series, status card and
    provenance are the twin's figures, for the user's region."""
    c = clients[username]
    page = c.get(f"/plans/{SX}/indicators/{CO2}")
    link = re.search(r'id="indicator-xlsx" href="([^"]+)"', page.text)
    assert link and "序列与状态（Excel）" in page.text
    r = c.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert f"{SX}-{CO2}-{region}.xlsx" in r.headers["content-disposition"]
    twin = c.get(f"/api/v1/plans/{SX}/indicators/{CO2}").json()
    assert twin["region_code"] == region
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["序列 series", "状态 status", "来源 provenance"]
    series = {row[0]: row for row in book["序列 series"].iter_rows(min_row=2, values_only=True)}
    path = {p["year"]: p["value"] for p in twin["trajectory"]}
    for year, value in path.items():
        assert series[year][1] == pytest.approx(value)
    for a in twin["actuals"]:
        assert series[a["year"]][2] == pytest.approx(a["value"])
        assert series[a["year"]][3] == ("推算 computed" if a["derived"] else "填报 entered")
        assert series[a["year"]][4] == a["revision"]
    status = {row[0]: row[1:] for row in book["状态 status"].iter_rows(min_row=2,
                                                                      values_only=True)}
    st = twin["status"]
    assert status["目标值 target"][0] == pytest.approx(st["target"])
    assert status["最新实际值 latest actual"][0] == pytest.approx(st["actual"])
    assert status["目标完成度 completion"][0] == pytest.approx(st["completion"])
    assert status["地区 region"][1] == region
    light = status["状态 status"][0]
    assert light.endswith(st["status"]) if st["status"] else light.startswith("无状态")
    if path:
        # The expected path runs from the baseline in the base year to the target at the end
        # of the period (a cumulative cut: from 0 % to the target %).
        plan = twin["plan"]
        assert path[plan["period_end"]] == pytest.approx(st["target"])
        assert path[plan["base_year"]] == pytest.approx(st["baseline"])
    about = {row[0]: row[1] for row in book["来源 provenance"].iter_rows(min_row=2,
                                                                        values_only=True)}
    assert about["规划 plan"] == twin["plan"]["title_zh"]


def test_notifications_page_is_empty_for_the_untouched_demo(clients: dict) -> None:
    c = clients["zj.fgw"]
    page = c.get("/plans/notifications")
    assert page.status_code == 200
    assert "您的预警" in page.text
    twin = c.get("/api/v1/plans/notifications").json()
    assert ("暂无预警" in page.text) is (not twin if isinstance(twin, list) else
                                      not twin.get("notifications"))
