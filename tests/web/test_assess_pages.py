"""The `/assess` pages in process, per role, on a copy of the demo (issue #10 item 6).

The scheme list, a scheme's scoring page and the pilot and project registries, in Chinese: who
sees which assessees, pilots and projects, and that the figures are the JSON twin's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.web import create_app

from .conftest import demo_login

SCHEME_TITLE = "绍兴市2025年度应对气候变化目标责任考核"


@pytest.fixture(scope="module")
def app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str | None, TestClient]]:
    out = {name: demo_login(app, name) for name in (
        "zj.admin", "sx.city", "kq.county", "citizen", None)}
    yield out
    for client in out.values():
        client.close()


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("username", "may_create"), [("zj.admin", True), ("sx.city", True),
                                                      ("kq.county", False)])
def test_scheme_list_per_role(clients: dict, username: str, may_create: bool) -> None:
    c = clients[username]
    page = c.get("/assess")
    assert page.status_code == 200
    text = _text(page.text)
    assert "年度目标责任考核" in text and SCHEME_TITLE in text and "自评" in text
    assert ("新建考核方案" in text) is may_create
    twin = c.get("/api/v1/assess/schemes").json()
    assert [s["title_zh"] for s in twin] == [SCHEME_TITLE]
    assert f"{SCHEME_TITLE} sx-fyp14-climate · 合成 1 自评 {twin[0]['assessees']}" in text


def test_assess_pages_refuse_a_citizen_and_send_a_visitor_to_login(clients: dict) -> None:
    for url in ("/assess", "/assess/schemes/1", "/assess/pilots", "/assess/projects"):
        refused = clients["citizen"].get(url)
        assert refused.status_code == 403, url
        assert "无权访问" in refused.text
    visitor = clients[None].get("/assess", follow_redirects=False)
    assert (visitor.status_code, visitor.headers["location"]) == (303, "/login?next=%2Fassess")


def test_city_scores_every_county_and_the_county_only_itself(clients: dict) -> None:
    city = _text(clients["sx.city"].get("/assess/schemes/1").text)
    county_page = clients["kq.county"].get("/assess/schemes/1")
    county = _text(county_page.text)
    assert "结束自评、开始审核" in city and "结束自评、开始审核" not in county
    for name in ("越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"):
        assert name in city
    assert "越城区" not in county and "柯桥区" in county
    assert "由您填写本单位自评" in county
    assert 'class="as-tabs"' not in county_page.text
    assert re.search(r"总分 \d+\.\d / 160\.0", county)


@pytest.mark.parametrize(("username", "region", "scope_name"), [
    ("zj.admin", "330000", "浙江省"), ("sx.city", "330600", "绍兴市"),
    ("kq.county", "330603", "柯桥区")])
def test_pilot_registry_lists_the_twins_pilots(clients: dict, username: str, region: str,
                                               scope_name: str) -> None:
    c = clients[username]
    page = c.get("/assess/pilots")
    assert page.status_code == 200
    text = _text(page.text)
    assert f"低碳（零碳）试点 · {scope_name}" in text
    twin = c.get(f"/api/v1/assess/pilots?region={region}").json()
    assert twin, "the demo has pilots in every scope tested"
    for pilot in twin:
        assert pilot["name_zh"] in text
    assert f"试点 {len(twin)} " in text
    if region == "330603":
        assert all(p["region_code"].startswith("330603") for p in twin)


@pytest.mark.parametrize(("username", "region"), [("sx.city", "330600"),
                                                  ("kq.county", "330603")])
def test_project_registry_totals_are_the_twins(clients: dict, username: str,
                                               region: str) -> None:
    c = clients[username]
    text = _text(c.get("/assess/projects").text)
    assert "重大项目" in text and "登记项目" in text
    twin = c.get(f"/api/v1/assess/projects?region={region}").json()
    assert f"项目 {len(twin)} " in text
    for project in twin:
        assert project["name_zh"] in text
    # The tiles count started projects only (开工: under construction, completed or suspended,
    # start year not after this year); a project 谋划中 is not started (issue #11).
    started = [p for p in twin if p["status"] in ("under_construction", "completed", "suspended")
               and p["start_year"] <= date.today().year]
    invested = sum(p["investment_wan_yuan"] for p in started) / 1e4  # 万元 → 亿元
    assert f"开工截至 {date.today().year} {len(started)} " in text
    assert f"总投资（亿元） {invested:.1f}" in text
    if not twin:
        assert "没有符合条件的项目" in text
