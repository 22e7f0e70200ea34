"""User and role management for administrators (issue #11 item 9): who may manage whom, each
change through the access services (sessions end) and in the audit chain under the admin's name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tanzhi.access import find_user
from tanzhi.config import Settings
from tanzhi.kernel import (
    AuditFilter,
    AuditLine,
    list_entries,
    make_engine,
    make_session_factory,
    read_transaction,
)
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of


@pytest.fixture(scope="module")
def settings(web_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    target = tmp_path_factory.mktemp("user-admin") / "data"
    shutil.copytree(web_template, target)
    return Settings(data_dir=target, secret_key="test-secret")


@pytest.fixture(scope="module")
def app(settings: Settings):
    return create_app(settings)


def _client(app, username: str, password: str = PASSWORD) -> TestClient:
    c = TestClient(app)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": password,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _post(c: TestClient, url: str, data: dict[str, str]):
    token = csrf_of(c.get("/admin/users/new" if "/admin/" in url else "/").text)
    return c.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


@pytest.fixture(scope="module")
def admin(app) -> TestClient:
    return _client(app, "province")


@pytest.fixture(scope="module")
def city(app) -> TestClient:
    return _client(app, "shaoxing")


def _user(settings: Settings, username: str):
    engine = make_engine(settings)
    with read_transaction(make_session_factory(engine)) as s:
        found = find_user(s, username)
    engine.dispose()
    return found


def _audit(settings: Settings, username: str) -> list[AuditLine]:
    """The audit lines of `username`'s account row, oldest first."""
    engine = make_engine(settings)
    with read_transaction(make_session_factory(engine)) as s:
        lines = list_entries(s, AuditFilter(table="access_user"), limit=None)
    engine.dispose()
    return [e for e in reversed(lines)
            if username in (json.loads(e.after_json).get("username"),
                            json.loads(e.before_json).get("username"))]


@pytest.mark.parametrize("username", ["keqiao", "citizen1"])
def test_non_admins_get_403_on_user_admin(app, username) -> None:
    c = _client(app, username)
    for url in ("/admin/users", "/api/v1/admin/users", "/admin/users/new",
                "/admin/users/province"):
        assert c.get(url).status_code == 403, url
    token = csrf_of(c.get("/account/password").text)
    r = c.post("/admin/users/province/disable", data={"csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 403
    assert 'href="/admin/users"' not in c.get("/account/password").text  # no link to a 403


def test_province_admin_lists_every_account_but_its_own(admin) -> None:
    names = {u["username"] for u in admin.get("/api/v1/admin/users").json()}
    assert names == {"shaoxing", "keqiao", "citizen1"}
    page = admin.get("/admin/users").text
    assert "绍兴市" in page and "县级用户" in page  # names and labels, not codes


def test_city_officer_manages_only_its_city_one_level_down(city) -> None:
    assert {u["username"] for u in city.get("/api/v1/admin/users").json()} == {"keqiao"}
    # Another city's region, the province admin, a citizen: out of its reach.
    assert city.get("/admin/users/province").status_code == 403
    assert city.get("/admin/users/citizen1").status_code == 403
    r = _post(city, "/admin/users/new", {
        "username": "hz.someone", "display_name": "杭州", "password": "long-enough-1",
        "role": "county_officer", "region_code": "330102"})
    assert r.status_code == 403
    r = _post(city, "/admin/users/new", {
        "username": "sx.boss", "display_name": "省", "password": "long-enough-1",
        "role": "province_admin", "region_code": "330000"})
    assert r.status_code == 403


def test_create_change_reset_disable_enable_all_audited(app, admin, settings) -> None:
    r = _post(admin, "/admin/users/new", {
        "username": "shangyu", "display_name": "上虞区分局", "password": "first-pass-1",
        "role": "county_officer", "region_code": "330604"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/users/shangyu?done=created"
    created = _user(settings, "shangyu")
    assert (created.role.value, created.region_code, created.active) == (
        "county_officer", "330604", True)
    victim = _client(app, "shangyu", "first-pass-1")
    assert victim.get("/api/v1/me").json()["username"] == "shangyu"

    r = _post(admin, "/admin/users/shangyu/role", {"role": "county_officer",
                                                   "region_code": "330603"})
    assert r.status_code == 303
    assert _user(settings, "shangyu").region_code == "330603"
    # The role change ended the user's session.
    assert victim.get("/api/v1/me").json()["authenticated"] is False

    victim = _client(app, "shangyu", "first-pass-1")
    r = _post(admin, "/admin/users/shangyu/password", {"password": "second-pass-2",
                                                       "password_again": "second-pass-2"})
    assert r.status_code == 303
    assert victim.get("/api/v1/me").json()["authenticated"] is False
    victim = _client(app, "shangyu", "second-pass-2")

    assert _post(admin, "/admin/users/shangyu/disable", {}).status_code == 303
    assert _user(settings, "shangyu").active is False
    assert victim.get("/api/v1/me").json()["authenticated"] is False
    page = admin.get("/admin/users/shangyu").text
    assert "已停用" in page and "启用账号" in page
    assert _post(admin, "/admin/users/shangyu/enable", {}).status_code == 303
    assert _user(settings, "shangyu").active is True

    entries = _audit(settings, "shangyu")
    assert [e.reason for e in entries] == [
        "web: create account", "web: change role and scope", "web: reset password",
        "web: disable account", "web: enable account"]
    assert {e.actor for e in entries} == {"province"}
    # The reset is audited without the hash: the image of a secret column is redacted.
    assert "second-pass-2" not in entries[2].after_json
    assert "$argon2" not in entries[2].after_json


def test_bad_input_is_located_on_the_form(admin, settings) -> None:
    r = _post(admin, "/admin/users/new", {
        "username": "x", "display_name": "甲", "password": "short", "role": "county_officer",
        "region_code": "330600"})
    assert r.status_code == 422 and "用户名须为" in r.text
    r = _post(admin, "/admin/users/new", {
        "username": "wrong.level", "display_name": "甲", "password": "long-enough-1",
        "role": "county_officer", "region_code": "330600"})
    assert r.status_code == 422 and "县级" in r.text and "绍兴市" in r.text
    assert _user(settings, "wrong.level") is None
    r = _post(admin, "/admin/users/keqiao/password", {"password": "aaaaaaaa1",
                                                      "password_again": "bbbbbbbb1"})
    assert r.status_code == 422 and "两次输入的新密码不一致" in r.text
    assert admin.get("/admin/users/nobody").status_code == 404


def test_an_admin_cannot_lock_itself_out_here(admin) -> None:
    # One's own account is not listed and not administrable (password: its own page).
    assert admin.get("/admin/users/province").status_code == 403
