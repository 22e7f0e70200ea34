"""The web shell: login with CSRF, cookie flags, size limit, languages, JSON twins, scopes."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of

TWIN = re.compile(r'<link rel="alternate" type="application/json" href="([^"]+)">')


def test_anonymous_home_redirects_to_login_and_api_says_401(client: TestClient) -> None:
    r = client.get("/?region=330600", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2F%3Fregion%3D330600")
    api = client.get("/api/v1/dashboard")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["title"] == "Not logged in"


def test_login_page_is_chinese_by_default(client: TestClient) -> None:
    html = client.get("/login").text
    assert '<html lang="zh-CN">' in html
    assert "用户名" in html and "密码" in html and ">登录</button>" in html


def test_login_post_without_csrf_token_is_forbidden(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "province", "password": PASSWORD})
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_with_token_sets_a_hardened_session_cookie(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "province", "password": PASSWORD,
                                    "csrf_token": token, "next": "/?region=330600"},
                    follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/?region=330600")
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("tanzhi_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    # The session token changed at login (no fixation of a token planted before).
    page = client.get("/")
    assert page.status_code == 200
    assert csrf_of(page.text) != token
    me = client.get("/api/v1/me").json()
    assert (me["authenticated"], me["username"], me["role"]) == (True, "province",
                                                                 "province_admin")


def test_secure_cookies_setting_marks_the_cookie_secure(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"secure_cookies": True})
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        r = c.get("/login")
    assert "secure" in r.headers["set-cookie"].lower()


def test_wrong_password_shows_the_form_again_with_the_error(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "province", "password": "nope",
                                    "csrf_token": token})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text and 'value="province"' in r.text


def test_login_rate_limit_blocks_the_right_password(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"login_attempts_per_minute": 2})
    with TestClient(create_app(settings)) as c:
        token = csrf_of(c.get("/login").text)
        for _ in range(2):
            c.post("/login", data={"username": "province", "password": "x", "csrf_token": token})
        r = c.post("/login", data={"username": "province", "password": PASSWORD,
                                   "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 429
        assert "登录失败次数过多" in r.text
        api = c.post("/api/v1/login", json={"username": "province", "password": PASSWORD},
                     headers={"X-CSRF-Token": token})
        assert api.status_code == 429
        assert int(api.headers["retry-after"]) > 0
        assert "Too many failed logins" in api.json()["detail"]


def test_api_login_needs_the_csrf_header(client: TestClient) -> None:
    token = client.get("/api/v1/me").json()["csrf_token"]
    body = {"username": "shaoxing", "password": PASSWORD}
    assert client.post("/api/v1/login", json=body).status_code == 403
    r = client.post("/api/v1/login", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["region_code"] == "330600"


def test_oversized_body_is_refused_with_413(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"max_upload_bytes": 1000})
    with TestClient(create_app(settings)) as c:
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"username": "x" * 2000, "password": "y",
                                   "csrf_token": token})
        assert r.status_code == 413
        ok = c.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
        assert ok.status_code == 401


def test_language_switch_shows_english_and_is_remembered(client: TestClient) -> None:
    r = client.get("/login?lang=en")
    assert '<html lang="en">' in r.text
    assert ">Log in</button>" in r.text and "User name" in r.text
    assert "tanzhi_lang=en" in r.headers["set-cookie"]
    again = client.get("/login")
    assert ">Log in</button>" in again.text
    back = client.get("/login?lang=zh_CN")
    assert ">登录</button>" in back.text


def test_province_geojson_at_depth_two_has_the_90_county_level_units(login) -> None:
    c = login("province")
    deep = c.get("/api/v1/regions/330000/geojson?depth=2").json()
    assert len(deep["features"]) == 90
    assert {f["properties"]["level"] for f in deep["features"]} == {"county"}
    cities = c.get("/api/v1/regions/330000/geojson?depth=1").json()
    assert len(cities["features"]) == 11
    shaoxing = c.get("/api/v1/regions/330600/geojson").json()
    assert sorted(f["properties"]["name"] for f in shaoxing["features"]) == sorted(
        ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"])


@pytest.mark.parametrize("path", ["/login", "/", "/?region=330600", "/?region=330603",
                                  "/regions/330603/new"])
def test_every_page_links_its_json_twin(client: TestClient, login, path: str) -> None:
    c = client if path == "/login" else login("province")
    page = c.get(path)
    assert page.status_code == 200
    twins = TWIN.findall(page.text)
    assert len(twins) == 1
    twin = c.get(twins[0].replace("&amp;", "&"))
    assert twin.status_code == 200
    assert twin.headers["content-type"].startswith("application/json")


def test_dashboard_json_summarises_a_city(login) -> None:
    s = login("province").get("/api/v1/dashboard?region=330600").json()
    assert (s["region"]["name_zh"], s["region"]["name_en"], s["region"]["level"]) == (
        "绍兴市", "Shaoxing", "city")
    assert [c["code"] for c in s["lineage"]] == ["330000", "330600"]
    assert s["counts"]["county"] == 6 and s["counts"]["city"] == 0
    assert s["map_region"] == "330600"
    assert {p["edition"] for p in s["provenance"]} >= {"gbt2260-2023"}
    county = login("province").get("/api/v1/dashboard?region=330603").json()
    assert county["map_region"] == "330600"  # a county is shown selected inside its city


def test_city_officer_cannot_read_another_citys_detail(login) -> None:
    c = login("shaoxing")
    assert c.get("/api/v1/dashboard?region=330600").status_code == 200
    assert c.get("/api/v1/regions/330603").status_code == 200
    for url in ("/api/v1/dashboard?region=330100", "/api/v1/regions/330102",
                "/api/v1/regions/330000"):
        r = c.get(url)
        assert r.status_code == 403, url
        assert r.json()["title"] == "Forbidden"
    page = c.get("/?region=330100")
    assert page.status_code == 403
    assert "无权访问" in page.text
    # Own home is the city, not the province; the province crumb is shown but not a link.
    home = c.get("/").text
    assert 'data-region="330600"' in home or 'data-code="330600"' in home
    assert 'href="/?region=330000"' not in home


def test_citizen_has_no_dashboard(login) -> None:
    assert login("citizen1").get("/api/v1/dashboard").status_code == 403


def test_unknown_region_is_404_in_both_shapes(login) -> None:
    c = login("province")
    r = c.get("/api/v1/regions/339999")
    assert (r.status_code, r.headers["content-type"]) == (404, "application/problem+json")
    page = c.get("/?region=339999")
    assert page.status_code == 404 and "未找到" in page.text


def test_htmx_drill_gets_the_panel_with_an_out_of_band_breadcrumb(login) -> None:
    r = login("province").get("/?region=330600", headers={"HX-Request": "true"})
    assert "<html" not in r.text
    assert 'id="breadcrumb"' in r.text and 'hx-swap-oob="true"' in r.text
    assert "绍兴市" in r.text and "越城区" in r.text


def test_admin_adds_a_town_below_a_county_and_bad_codes_are_listed(login) -> None:
    c = login("province")
    token = csrf_of(c.get("/regions/330603/new").text)
    bad = c.post("/regions/330603/new", data={
        "csrf_token": token, "level": "town", "code": "330603001",
        "name_zh": "柯桥街道", "name_en": "Keqiao Subdistrict"})
    assert bad.status_code == 422
    assert "不符合乡镇（街道）代码规则" in bad.text
    ok = c.post("/regions/330603/new", data={
        "csrf_token": token, "level": "town", "code": "330603001000",
        "name_zh": "柯桥街道", "name_en": "Keqiao Subdistrict"}, follow_redirects=False)
    assert (ok.status_code, ok.headers["location"]) == (303, "/?region=330603")
    below = c.get("/api/v1/regions?parent=330603").json()
    assert [(r["code"], r["level"], r["packaged"]) for r in below] == [
        ("330603001000", "town", False)]
    api = c.post("/api/v1/regions/330603/children", headers={"X-CSRF-Token": token},
                 json={"code": "330603P001", "name_zh": "柯桥经济开发区",
                       "name_en": "Keqiao Economic Development Zone", "level": "park"})
    assert api.status_code == 201 and api.json()["parent_code"] == "330603"
    city_level = c.post("/api/v1/regions/330000/children", headers={"X-CSRF-Token": token},
                        json={"code": "331200", "name_zh": "新市", "name_en": "New",
                              "level": "city"})
    assert city_level.status_code == 422
    assert city_level.json()["problems"][0]["column"] == "level"


def test_county_officer_cannot_add_below_a_neighbour(login) -> None:
    c = login("keqiao")
    assert c.get("/regions/330603/new").status_code == 200
    assert c.get("/regions/330602/new").status_code == 403
    assert login("citizen1").get("/regions/330603/new").status_code == 403


def test_logout_ends_the_session(login) -> None:
    c = login("province")
    r = c.post("/logout", data={"csrf_token": csrf_of(c.get("/").text)},
               follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert c.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "province", "password": PASSWORD,
                                    "csrf_token": token, "next": target},
                    follow_redirects=False)
    assert r.headers["location"] == "/"


def test_pages_carry_baseline_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/static/app.css", "/static/no/such.js"])
def test_a_missing_asset_is_404_not_500(client: TestClient, path: str) -> None:
    """A static path that names no file: 404 with the problem document (the HTML error page
    reads the session, which static requests skip, and answered 500 before)."""
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["status"] == 404
