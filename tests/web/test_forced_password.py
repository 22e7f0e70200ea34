"""A password an administrator chose opens only the form to replace it (issue #11 item 9
follow-up, brief acct item 1).

One check in the app-wide policy dependency (`tanzhi.http.policy.authorize`): every route the
app mounts, HTML and API, reads and writes and downloads, is asked here as a forced user; the
routes in `OPEN_BEFORE_PASSWORD_CHANGE` answer, every other one redirects a browser to the form
and gives the API a 403 problem document in Chinese and English.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from tanzhi.access import find_user, set_password
from tanzhi.config import Settings
from tanzhi.http.policy_table import OPEN_BEFORE_PASSWORD_CHANGE, POLICY
from tanzhi.kernel import (
    AuditFilter,
    list_entries,
    make_engine,
    make_session_factory,
    read_transaction,
    unit_of_work,
)
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of

ADMIN_CHOSEN = "set-by-admin-1"


@pytest.fixture
def settings(web_template: Path, tmp_path: Path) -> Settings:
    """The prepared database with keqiao's password reset by an administrator."""
    target = tmp_path / "data"
    shutil.copytree(web_template, target)
    s = Settings(data_dir=target, secret_key="test-secret")
    engine = make_engine(s)
    with unit_of_work(make_session_factory(engine), actor="province", reason="test reset") as db:
        set_password(db, username="keqiao", password=ADMIN_CHOSEN)
    engine.dispose()
    return s


def _user(settings: Settings, username: str):
    engine = make_engine(settings)
    with read_transaction(make_session_factory(engine)) as db:
        found = find_user(db, username)
    engine.dispose()
    return found


def _login(client: TestClient, username: str, password: str) -> TestClient:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": token, "next": "/plans"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/plans", r.text
    return client


@pytest.fixture
def forced(settings: Settings):
    with TestClient(create_app(settings)) as client:
        yield _login(client, "keqiao", ADMIN_CHOSEN)


def _filled(path: str) -> str:
    # authorize refuses before any resolver runs, so any well-formed value will do.
    return re.sub(r"\{([^}:]+)(:[^}]+)?\}", "1", path)


def test_every_route_but_the_form_is_closed_until_the_change(forced: TestClient) -> None:
    token = forced.get("/api/v1/me").json()["csrf_token"]
    routes = sorted({(method, rc.path_format)
                     for rc in iter_route_contexts(forced.app.routes)
                     if isinstance(rc.original_route, APIRoute)
                     for method in rc.original_route.methods if method != "HEAD"})
    classes = set()
    for method, path in routes:
        if (method, path) not in POLICY or (method, path) in OPEN_BEFORE_PASSWORD_CHANGE:
            continue
        r = forced.request(method, _filled(path), headers={"X-CSRF-Token": token},
                           follow_redirects=False)
        api = path.startswith("/api/")
        classes.add((api, method == "GET"))
        if api:
            assert r.status_code == 403, (method, path, r.status_code)
            body = r.json()
            assert body["title_zh"] == "无权访问"
            assert "请先修改密码" in body["detail"] and "change it at /account/password" \
                in body["detail"], (method, path, body)
        else:
            assert (r.status_code, r.headers.get("location")) == (303, "/account/password"), (
                method, path, r.status_code, r.text[:200])
    # HTML reads and writes, API reads and writes were all among them.
    assert classes == {(True, True), (True, False), (False, True), (False, False)}


def test_the_open_routes_answer(forced: TestClient) -> None:
    page = forced.get("/account/password")
    assert page.status_code == 200
    assert "管理员为您设置了密码" in page.text
    assert 'href="/">取消' not in page.text  # no way out but the change (or logging out)
    me = forced.get("/api/v1/me").json()
    assert me["authenticated"] is True and me["must_change_password"] is True
    assert forced.get("/api/v1/health").status_code == 200
    assert forced.get("/static/tanzhi.css").status_code == 200
    r = forced.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert forced.get("/api/v1/me").json()["authenticated"] is False


def test_the_change_opens_the_platform_and_is_audited(forced: TestClient,
                                                      settings: Settings) -> None:
    token = csrf_of(forced.get("/account/password").text)
    r = forced.post("/account/password", data={
        "old_password": ADMIN_CHOSEN, "new_password": "my-own-secret-9",
        "new_password_again": "my-own-secret-9", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/password?changed=true"
    assert _user(settings, "keqiao").must_change_password is False
    assert forced.get("/", follow_redirects=False).status_code == 200
    assert forced.get("/api/v1/regions").status_code == 200
    assert forced.get("/api/v1/me").json()["must_change_password"] is False
    assert "管理员为您设置了密码" not in forced.get("/account/password").text

    engine = make_engine(settings)
    with read_transaction(make_session_factory(engine)) as db:
        lines = list_entries(db, AuditFilter(table="access_user"), limit=None)
    engine.dispose()
    mine = [e for e in lines if json.loads(e.after_json).get("username") == "keqiao"]
    forced_change = [e for e in mine if e.reason.startswith("forced password change")]
    assert len(forced_change) == 1
    entry = forced_change[0]
    assert entry.actor == "keqiao"
    assert json.loads(entry.before_json)["must_change_password"] is True
    assert json.loads(entry.after_json)["must_change_password"] is False
    assert "my-own-secret-9" not in entry.after_json and "$argon2" not in entry.after_json


def test_a_wrong_old_password_keeps_the_platform_closed(forced: TestClient,
                                                        settings: Settings) -> None:
    token = csrf_of(forced.get("/account/password").text)
    r = forced.post("/account/password", data={
        "old_password": "not-the-one", "new_password": "my-own-secret-9",
        "new_password_again": "my-own-secret-9", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    assert _user(settings, "keqiao").must_change_password is True
    assert forced.get("/", follow_redirects=False).headers["location"] == "/account/password"


def test_users_created_by_an_admin_must_change_and_others_need_not(settings: Settings) -> None:
    with TestClient(create_app(settings)) as admin:
        _login(admin, "province", PASSWORD)
        token = csrf_of(admin.get("/admin/users/new").text)
        r = admin.post("/admin/users/new", data={
            "username": "shangyu", "display_name": "上虞区分局", "password": "first-pass-1",
            "role": "county_officer", "region_code": "330604", "csrf_token": token},
            follow_redirects=False)
        assert r.status_code == 303
        assert "首次登录时须修改密码" in admin.get(r.headers["location"]).text
    assert _user(settings, "shangyu").must_change_password is True
    # The accounts the fixtures (and the demo) seed are not forced; the API login of a forced
    # user succeeds and says what is needed.
    assert _user(settings, "shaoxing").must_change_password is False
    with TestClient(create_app(settings)) as api:
        csrf = api.get("/api/v1/me").json()["csrf_token"]
        r = api.post("/api/v1/login", json={"username": "shangyu", "password": "first-pass-1"},
                     headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["must_change_password"] is True
        r = api.get("/api/v1/regions")
        assert r.status_code == 403 and r.headers["content-type"].startswith(
            "application/problem+json")
