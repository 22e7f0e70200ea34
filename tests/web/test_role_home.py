"""Every role lands on a page with its work, and the nav links only to what it may open
(issue #11 item 6)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tanzhi.access import Role
from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.http.policy_table import may_open
from tanzhi.web import create_app

from .conftest import csrf_of

NAV_PAGES = ("/", "/inventory", "/plans", "/decompose", "/assess", "/reports", "/enterprise",
             "/public")


@pytest.fixture(scope="module")
def roles_client(demo_settings: Settings):
    """The app on a copy of the demo, whose users cover every role (tanzhi.demo.model)."""
    return create_app(demo_settings)


def _as(app, username: str) -> TestClient:
    c = TestClient(app)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _nav_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the page has no main nav"
    return set(re.findall(r'href="([^"]+)"', nav.group(1))) - {"/docs"}


@pytest.mark.parametrize(("username", "role", "title"), [
    ("ent.reporter", Role.ENTERPRISE_REPORTER, "企业碳账户"),
    ("verifier", Role.VERIFIER, "核查工作台"),
    ("citizen", Role.CITIZEN, "个人碳账户"),
])
def test_roles_without_region_data_get_a_home_not_a_403(
        roles_client, username: str, role: Role, title: str) -> None:
    with _as(roles_client, username) as c:
        r = c.get("/")
        assert r.status_code == 200
        assert f"<h1>{title}</h1>" in r.text
        assert "即将开放的功能" in r.text and 'href="/account/password"' in r.text
        # A region in the query changes nothing for them: no region data leaks.
        assert c.get("/?region=330000").text.count("<h1>") == 1
        assert "330000" not in c.get("/?region=330000").text
        links = _nav_links(r.text)
        assert links == {p for p in NAV_PAGES if may_open(role, p)} == {"/", "/public"}
        for href in links:
            assert c.get(href).status_code == 200


@pytest.mark.parametrize(("username", "role"), [
    ("zj.admin", Role.PROVINCE_ADMIN), ("sx.city", Role.CITY_OFFICER),
    ("kq.county", Role.COUNTY_OFFICER), ("zj.fgw", Role.DEPARTMENT_OFFICER),
    ("analyst", Role.ANALYST)])
def test_region_roles_see_only_nav_links_they_may_open(
        roles_client, username: str, role: Role) -> None:
    with _as(roles_client, username) as c:
        r = c.get("/")
        assert r.status_code == 200 and 'class="map' in r.text
        links = _nav_links(r.text)
        assert links == {p for p in NAV_PAGES if may_open(role, p)}
        assert {"/", "/inventory", "/plans", "/assess", "/reports", "/public"} <= links
        for href in links:
            assert c.get(href).status_code == 200, href
        # The phone menu carries the same links.
        menu = re.search(r'<nav class="navmenu-panel"[^>]*>(.*?)</nav>', r.text, re.S)
        assert menu and set(re.findall(r'href="([^"]+)"', menu.group(1))) - {"/docs"} == links


def test_a_county_officer_cannot_open_a_foreign_region_dashboard(roles_client) -> None:
    with _as(roles_client, "kq.county") as c:
        assert c.get("/?region=330100").status_code == 403
        assert c.get("/?region=339999").status_code in (403, 404)


@pytest.mark.parametrize(("username", "refused"), [
    ("ent.reporter", "/inventory"), ("verifier", "/plans"), ("citizen", "/reports"),
    ("analyst", "/public/manage"), ("zj.fgw", "/decompose"), ("kq.county", "/?region=330100"),
    ("sx.city", "/?region=330100")])
def test_the_403_pages_way_back_leads_to_a_page_not_another_403(
        roles_client, username: str, refused: str) -> None:
    with _as(roles_client, username) as c:
        r = c.get(refused)
        assert r.status_code == 403
        back = re.search(r'<a class="btn btn-plain" href="([^"]+)">返回总览</a>', r.text)
        assert back, "the 403 page has no way back"
        assert c.get(back.group(1)).status_code == 200
        # The 403 page carries the role's nav too, and every link in it opens.
        for href in _nav_links(r.text):
            assert c.get(href).status_code == 200, href
