"""The search box (issue #11 item 9): names matched in Chinese and English, and only objects the
user may open — a city officer never sees another city's plans, pilots, projects or regions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.kernel import list_regions, make_engine, make_session_factory, read_transaction
from tanzhi.web import create_app

from .conftest import demo_login

SHAOXING = "330600"


@pytest.fixture(scope="module")
def app(demo_settings: Settings):
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app) -> dict[str, TestClient]:
    return {name: demo_login(app, name) for name in ("zj.admin", "sx.city", "citizen")}


@pytest.fixture(scope="module")
def parents(demo_settings: Settings) -> dict[str, str | None]:
    engine = make_engine(demo_settings)
    with read_transaction(make_session_factory(engine)) as s:
        out = {r.code: r.parent_code for r in list_regions(s)}
    engine.dispose()
    return out


def _lineage(parents: dict[str, str | None], code: str) -> list[str]:
    line = [code]
    while parents.get(line[-1]):
        line.append(parents[line[-1]])  # type: ignore[arg-type]
    return line


def test_province_admin_finds_a_city_by_its_chinese_and_english_name(clients) -> None:
    for words in ("杭州", "hangzhou", "HANGZHOU"):
        body = clients["zj.admin"].get("/api/v1/search", params={"q": words}).json()
        regions = [r for r in body["results"] if r["kind"] == "region"]
        assert "330100" in {r["region_code"] for r in regions}, words
        assert all(r["url"] == f"/?region={r['region_code']}" for r in regions)


def test_a_city_officer_never_sees_another_citys_objects(clients, parents) -> None:
    # "杭州" names Hangzhou's region, pilots and projects: none of them is Shaoxing's.
    sx = clients["sx.city"]
    assert sx.get("/api/v1/search", params={"q": "杭州"}).json()["results"] == []
    # A broad word matches objects across the province; every hit offered to Shaoxing lies in
    # Shaoxing or is a plan of the province above it (which tracks Shaoxing), never a sibling's.
    for words in ("市", "区", "县", "碳"):
        admin_hits = clients["zj.admin"].get("/api/v1/search", params={"q": words}).json()
        hits = sx.get("/api/v1/search", params={"q": words}).json()["results"]
        assert hits, words
        for hit in hits:
            line = _lineage(parents, hit["region_code"])
            assert SHAOXING in line or (hit["kind"] in ("plan", "indicator")
                                        and hit["region_code"] in _lineage(parents, SHAOXING)), hit
        # The province sees strictly more for the same words (other cities' objects exist).
        assert admin_hits["count"] > len(hits), words


def test_every_hit_opens_for_the_user_who_got_it(clients) -> None:
    sx = clients["sx.city"]
    for words in ("绍兴", "低碳", "能耗"):
        for hit in sx.get("/api/v1/search", params={"q": words}).json()["results"]:
            assert sx.get(hit["url"]).status_code == 200, hit


def test_indicators_are_found_in_the_plans_the_user_may_open(clients) -> None:
    body = clients["sx.city"].get("/api/v1/search", params={"q": "能耗"}).json()
    indicators = [r for r in body["results"] if r["kind"] == "indicator"]
    assert indicators
    assert all("能耗" in r["title"] or "能耗" in r["title_en"] for r in indicators)
    assert all(re.fullmatch(r"/plans/[\w-]+/indicators/\w+", r["url"]) for r in indicators)


def test_a_citizen_searches_without_a_403_and_finds_nothing_region_bound(clients) -> None:
    c = clients["citizen"]
    assert c.get("/api/v1/search", params={"q": "杭州"}).json()["results"] == []
    page = c.get("/search", params={"q": "杭州"})
    assert page.status_code == 200 and "0 条结果" in page.text


def test_the_page_lists_what_the_json_twin_lists(clients) -> None:
    admin = clients["zj.admin"]
    body = admin.get("/api/v1/search", params={"q": "绍兴"}).json()
    html = admin.get("/search", params={"q": "绍兴"}).text
    assert f"共 {body['count']} 条结果" in html
    for hit in body["results"]:
        assert f'href="{hit["url"]}"' in html
    assert 'class="navsearch"' in html  # the box sits in the top bar


def test_an_overlong_query_is_a_clear_422_not_a_500(clients) -> None:
    r = clients["zj.admin"].get("/api/v1/search", params={"q": "碳" * 101})
    assert r.status_code == 422
