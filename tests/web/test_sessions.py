"""Server-side sessions through the app (issue #8, findings 1, 5 and 8).

Each finding is replayed as the reviewer did it: a forged signed cookie, an old cookie after
logout / password change / role change / disabling, idle and absolute expiry on a movable clock,
and `X-Forwarded-For` from loopback against the login throttle as `tanzhi serve` runs the app.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from ipaddress import ip_address, ip_network

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import assume, given
from hypothesis import strategies as st
from itsdangerous import TimestampSigner
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tanzhi.access import Role, disable_user, set_role_and_scope
from tanzhi.access.store import LoginAttemptRow, SessionRow, get_user_row
from tanzhi.cli import cli_app, serve_config
from tanzhi.config import Settings
from tanzhi.http.security import forwarded_client
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work, utcnow
from tanzhi.web import create_app
from tanzhi.web.app import exposure_warnings, serving_settings

from .conftest import PASSWORD, csrf_of, prepare_database

COOKIE = "tanzhi_session"
OPAQUE_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")


class Clock:
    """A movable UTC clock for the session layer."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _login(c: TestClient, username: str = "keqiao", password: str = PASSWORD) -> str:
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": password,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c.cookies[COOKIE]


def _who(app: FastAPI, cookie: str) -> str | None:
    """The user name a bare cookie value authenticates as, from a client with no other state."""
    with TestClient(app) as other:
        other.cookies.set(COOKIE, cookie)
        me = other.get("/api/v1/me").json()
    return me["username"] if me["authenticated"] else None


def _starlette_cookie(secret: str, data: dict) -> str:
    # Exactly what Starlette's SessionMiddleware (the old session layer) would accept.
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(secret).sign(payload).decode()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(app_settings: Settings, clock: Clock) -> FastAPI:
    return create_app(app_settings, clock=clock)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _sessions(settings: Settings, username: str | None = None) -> int:
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as s:
            query = select(func.count()).select_from(SessionRow)
            if username is not None:
                query = query.where(SessionRow.user_id == _uid(s, username))
            return int(s.scalar(query) or 0)
    finally:
        engine.dispose()


def _uid(s: Session, username: str) -> int:
    row = get_user_row(s, username)
    assert row is not None
    return row.id


# -- finding 1: forged cookies ----------------------------------------------------------------

@pytest.mark.parametrize("secret", ["dev-only-change-me", "test-secret"])
def test_a_signed_cookie_naming_an_admin_is_not_a_session(app, secret: str) -> None:
    # {"uid": 1, "csrf": "x"} signed with the old constant key, or with this installation's own
    # key: the old layer made either the province admin (uid 1) with a CSRF token of "x".
    forged = _starlette_cookie(secret, {"uid": 1, "csrf": "x"})
    with TestClient(app) as c:
        c.cookies.set(COOKIE, forged)
        assert c.get("/api/v1/me").json()["authenticated"] is False
        assert c.get("/", follow_redirects=False).status_code == 303
        r = c.post("/api/v1/regions/330000/children", headers={"X-CSRF-Token": "x"},
                   json={"code": "330602P009", "name_zh": "伪造", "name_en": "Forged",
                         "level": "park"})
        assert r.status_code == 403


def test_no_constant_key_two_installations_do_not_share_sessions(tmp_path) -> None:
    apps = []
    for name in ("a", "b"):
        settings = Settings(data_dir=tmp_path / name)  # no TANZHI_SECRET_KEY
        assert settings.secret_key is None
        prepare_database(settings)
        apps.append(create_app(settings))
    with TestClient(apps[0]) as c:
        cookie = _login(c, "province")
    assert _who(apps[0], cookie) == "province"
    assert _who(apps[1], cookie) is None


def test_the_cookie_is_an_opaque_id_without_the_csrf_token(browser: TestClient,
                                                          app_settings: Settings) -> None:
    anonymous_token = csrf_of(browser.get("/login").text)
    anonymous = browser.cookies[COOKIE]
    assert OPAQUE_ID.match(anonymous) and anonymous_token not in anonymous
    cookie = _login(browser)
    token = csrf_of(browser.get("/account/password").text)
    assert OPAQUE_ID.match(cookie), cookie
    assert cookie != anonymous and token != anonymous_token
    decoded = base64.urlsafe_b64decode(cookie + "=")
    assert token.encode() not in decoded and b"uid" not in decoded and token not in cookie
    # The server keeps only a hash of the id.
    engine = make_engine(app_settings)
    with make_session_factory(engine)() as s:
        stored = s.scalars(select(SessionRow.id_hash)).all()
    engine.dispose()
    assert len(stored) == 1 and cookie not in stored[0] and len(stored[0]) == 64


def test_login_cookie_flags(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as c:
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"username": "keqiao", "password": PASSWORD,
                                   "csrf_token": token}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= flags and "secure" not in flags
    assert "samesite=lax" in cookie.lower() and "max-age=43200" in cookie.lower()


@pytest.mark.parametrize(("setting", "base_url", "secure"), [
    (None, "http://testserver", False), (None, "https://testserver", True),
    (True, "http://testserver", True), (False, "https://testserver", False)])
def test_secure_flag_follows_the_setting_or_the_scheme(app_settings: Settings, setting,
                                                       base_url: str, secure: bool) -> None:
    settings = app_settings.model_copy(update={"secure_cookies": setting})
    with TestClient(create_app(settings), base_url=base_url) as c:
        r = c.get("/login")
    assert ("; secure" in r.headers["set-cookie"].lower()) is secure


def test_forwarded_proto_counts_only_from_a_trusted_proxy(app_settings: Settings) -> None:
    for proxies, secure in (([], False), (["127.0.0.1/32"], True)):
        settings = app_settings.model_copy(
            update={"trusted_proxies": [ip_network(p) for p in proxies]})
        with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as c:
            r = c.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert ("; secure" in r.headers["set-cookie"].lower()) is secure


# -- finding 5: sessions end when they should ------------------------------------------------

def test_logout_ends_the_session_on_the_server(app, browser: TestClient) -> None:
    cookie = _login(browser)
    assert _who(app, cookie) == "keqiao"
    token = csrf_of(browser.get("/account/password").text)
    r = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert browser.cookies[COOKIE] != cookie
    assert _who(app, cookie) is None  # replaying the old cookie gets nowhere


def test_api_logout_ends_the_session_too(app, browser: TestClient) -> None:
    token = browser.get("/api/v1/me").json()["csrf_token"]
    r = browser.post("/api/v1/login", json={"username": "keqiao", "password": PASSWORD},
                     headers={"X-CSRF-Token": token})
    cookie, token = browser.cookies[COOKIE], r.json()["csrf_token"]
    assert _who(app, cookie) == "keqiao"
    assert browser.post("/api/v1/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert _who(app, cookie) is None


def test_password_change_ends_other_sessions_and_rotates_this_one(
        app, app_settings: Settings) -> None:
    with TestClient(app) as phone, TestClient(app) as laptop:
        old_phone, old_laptop = _login(phone), _login(laptop)
        assert _sessions(app_settings, "keqiao") == 2
        token = csrf_of(laptop.get("/account/password").text)
        r = laptop.post("/account/password", data={
            "csrf_token": token, "old_password": PASSWORD, "new_password": "a new long secret",
            "new_password_again": "a new long secret"}, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/account/password?changed=true")
        page = laptop.get(r.headers["location"])
        assert "密码已修改" in page.text
        assert laptop.cookies[COOKIE] != old_laptop
        assert _who(app, laptop.cookies[COOKIE]) == "keqiao"
        assert _who(app, old_laptop) is None and _who(app, old_phone) is None
        assert phone.get("/api/v1/me").json()["authenticated"] is False
        assert _sessions(app_settings, "keqiao") == 1
    with TestClient(app) as c:
        token = csrf_of(c.get("/login").text)
        old = c.post("/login", data={"username": "keqiao", "password": PASSWORD,
                                     "csrf_token": token})
        assert old.status_code == 401
        _login(c, "keqiao", "a new long secret")


def test_password_change_refuses_a_wrong_current_password(browser: TestClient) -> None:
    cookie = _login(browser)
    token = csrf_of(browser.get("/account/password").text)
    r = browser.post("/account/password", data={
        "csrf_token": token, "old_password": "not it at all", "new_password": "another secret",
        "new_password_again": "another secret"})
    assert r.status_code == 403 and "当前密码不正确" in r.text
    differ = browser.post("/account/password", data={
        "csrf_token": token, "old_password": PASSWORD, "new_password": "another secret",
        "new_password_again": "another secreT"})
    assert differ.status_code == 422 and "两次输入的新密码不一致" in differ.text
    short = browser.post("/account/password", data={
        "csrf_token": token, "old_password": PASSWORD, "new_password": "short",
        "new_password_again": "short"})
    assert short.status_code == 422 and "密码至少 8 位" in short.text
    assert browser.cookies[COOKIE] == cookie  # nothing changed: still the same session


def test_password_page_needs_a_login_and_is_linked_from_the_menu(browser: TestClient) -> None:
    r = browser.get("/account/password", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    _login(browser)
    page = browser.get("/account/password")
    assert page.status_code == 200 and 'href="/account/password"' in page.text
    assert 'name="old_password"' in page.text and 'autocomplete="new-password"' in page.text
    english = browser.get("/account/password?lang=en").text
    assert "Change password" in english and "Current password" in english


@pytest.mark.parametrize("change", ["disable", "role"])
def test_disabling_or_changing_the_role_ends_the_session(
        app, browser: TestClient, app_settings: Settings, change: str) -> None:
    cookie = _login(browser)
    engine = make_engine(app_settings)
    with unit_of_work(make_session_factory(engine), actor="admin") as s:
        if change == "disable":
            disable_user(s, username="keqiao")
        else:
            set_role_and_scope(s, username="keqiao", role=Role.CITY_OFFICER,
                               region_code="330600")
    engine.dispose()
    assert _who(app, cookie) is None
    assert _sessions(app_settings, "keqiao") == 0
    assert browser.get("/?region=330603", follow_redirects=False).status_code == 303


def test_idle_timeout(app, browser: TestClient, clock: Clock) -> None:
    cookie = _login(browser)
    for _ in range(3):  # active every 29 minutes: still in after 87 minutes
        clock.advance(minutes=29)
        assert _who(app, cookie) == "keqiao"
    clock.advance(minutes=30)
    assert _who(app, cookie) is None


def test_absolute_timeout_ends_even_an_active_session(app, browser: TestClient,
                                                      clock: Clock) -> None:
    cookie = _login(browser)
    for _ in range(35):  # every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert _who(app, cookie) == "keqiao"
    clock.advance(minutes=20)  # 12 h after login
    assert _who(app, cookie) is None


def test_last_seen_is_written_at_most_once_a_minute(app, browser: TestClient, clock: Clock,
                                                    app_settings: Settings) -> None:
    _login(browser)

    def last_seen() -> datetime:
        engine = make_engine(app_settings)
        with make_session_factory(engine)() as s:
            value = s.scalars(select(SessionRow.last_seen_at)).one()
        engine.dispose()
        return value.replace(tzinfo=None)

    start = last_seen()
    for _ in range(5):
        clock.advance(seconds=10)
        assert browser.get("/api/v1/me").json()["authenticated"]
    assert last_seen() == start  # 50 s of requests: no write
    clock.advance(seconds=15)
    browser.get("/api/v1/me")
    assert last_seen() == clock.now.replace(tzinfo=None)


def test_expired_sessions_are_purged_at_the_next_login(app, app_settings: Settings,
                                                       clock: Clock) -> None:
    with TestClient(app) as c:
        _login(c)
    clock.advance(hours=13)
    with TestClient(app) as c:
        _login(c, "shaoxing")
    assert _sessions(app_settings) == 1


# -- finding 8: the login throttle and X-Forwarded-For ---------------------------------------

def _served(settings: Settings) -> TestClient:
    # The app as `tanzhi serve` hands it to uvicorn (uvicorn's own middleware included), seen
    # from a process on the same machine.
    config = serve_config(settings, "127.0.0.1", 8000)
    config.load()
    return TestClient(config.loaded_app, client=("127.0.0.1", 40000))


def test_spoofed_forwarded_for_from_loopback_does_not_reset_the_throttle(
        app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"login_attempts_per_minute": 3})
    with _served(settings) as c:
        token = csrf_of(c.get("/login").text)
        for i in range(3):
            r = c.post("/login", headers={"X-Forwarded-For": f"198.51.100.{i}"},
                       data={"username": "province", "password": "guess", "csrf_token": token})
            assert r.status_code == 401
        r = c.post("/login", headers={"X-Forwarded-For": "198.51.100.77",
                                      "X-Real-IP": "198.51.100.78"},
                   data={"username": "province", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 429
    engine = make_engine(settings)
    with make_session_factory(engine)() as s:
        clients = set(s.scalars(select(LoginAttemptRow.client)))
    engine.dispose()
    assert clients == {"127.0.0.1"}


def test_forwarded_for_is_believed_from_a_configured_proxy(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={
        "login_attempts_per_minute": 2,
        "trusted_proxies": [ip_network("127.0.0.1/32")]})
    with _served(settings) as c:
        token = csrf_of(c.get("/login").text)
        for _ in range(2):
            c.post("/login", headers={"X-Forwarded-For": "203.0.113.5"},
                   data={"username": "province", "password": "guess", "csrf_token": token})
        blocked = c.post("/login", headers={"X-Forwarded-For": "203.0.113.5"},
                         data={"username": "province", "password": PASSWORD,
                               "csrf_token": token})
        assert blocked.status_code == 429
        # Another client behind the same proxy is not blocked by the first one's failures.
        other = c.post("/login", headers={"X-Forwarded-For": "203.0.113.9"},
                       data={"username": "province", "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
        assert other.status_code == 303


# -- item 1: serving on the network says so --------------------------------------------------

def test_serving_on_the_network_warns_about_a_generated_key_and_insecure_cookies(
        tmp_path) -> None:
    # The suite's cheap argon2 profile would add its own warning; production's is the default.
    real = {"password_hash_profile": "rfc9106-low-memory"}
    generated = Settings(data_dir=tmp_path, **real)
    assert exposure_warnings(generated, "127.0.0.1") == []
    assert exposure_warnings(generated, "localhost") == []
    (warning,) = exposure_warnings(generated, "0.0.0.0")
    assert "TANZHI_SECRET_KEY" in warning.zh and "TANZHI_SECRET_KEY" in warning.en
    assert "未设置" in warning.zh and "not set" in warning.en
    plain = Settings(data_dir=tmp_path, secret_key="k" * 40, secure_cookies=False, **real)
    (warning,) = exposure_warnings(plain, "10.1.2.3")
    assert "明文" in warning.zh and "in clear" in warning.en
    assert exposure_warnings(Settings(data_dir=tmp_path, secret_key="k" * 40, **real),
                             "::") == []
    (warning,) = exposure_warnings(Settings(data_dir=tmp_path, secret_key="k" * 40,
                                            password_hash_profile="test-cheapest"), "0.0.0.0")
    assert "TANZHI_PASSWORD_HASH_PROFILE" in warning.en and "仅供测试" in warning.zh


def test_secure_cookies_default_on_for_a_non_loopback_address(tmp_path) -> None:
    auto = Settings(data_dir=tmp_path)
    assert serving_settings(auto, "0.0.0.0").secure_cookies is True
    assert serving_settings(auto, "tanzhi.example.gov.cn").secure_cookies is True
    assert serving_settings(auto, "127.0.0.1").secure_cookies is None
    assert serving_settings(auto, "::1").secure_cookies is None
    off = Settings(data_dir=tmp_path, secure_cookies=False)
    assert serving_settings(off, "0.0.0.0").secure_cookies is False


def test_serve_prints_the_warning_in_both_languages(settings: Settings, monkeypatch) -> None:
    ran: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: ran.append(True))
    monkeypatch.setenv("TANZHI_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("TANZHI_SECRET_KEY", raising=False)
    monkeypatch.setenv("TANZHI_SECURE_COOKIES", "false")
    result = CliRunner().invoke(cli_app(), ["serve", "--host", "0.0.0.0", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert ran == [True]
    assert "警告" in result.stderr and "WARNING" in result.stderr
    assert "TANZHI_SECRET_KEY" in result.stderr and "TANZHI_SECURE_COOKIES=false" in result.stderr


# -- client_address: the rule, for any header ------------------------------------------------

_ip = st.ip_addresses(v=4).map(str) | st.ip_addresses(v=6).map(str)
_hops = st.lists(_ip | st.text(max_size=12), max_size=6)
_PROXIES = [ip_network("10.0.0.0/8"), ip_network("::1/128")]


@given(peer=_ip, hops=_hops, real=_ip)
def test_headers_from_an_untrusted_peer_are_ignored(peer: str, hops: list[str],
                                                    real: str) -> None:
    assume(not any(ip_address(peer) in net for net in _PROXIES))
    headers = {"x-forwarded-for": ", ".join(hops), "x-real-ip": real}
    assert forwarded_client(peer, headers, _PROXIES) == peer


@given(client=st.ip_addresses(v=4).filter(lambda a: a not in _PROXIES[0]).map(str),
       forged=_hops, proxies=st.lists(st.integers(1, 2**24 - 2), max_size=3))
def test_behind_trusted_proxies_the_first_untrusted_hop_is_the_client(
        client: str, forged: list[str], proxies: list[int]) -> None:
    # Whatever the client wrote to the left of its own address does not matter.
    chain = [*forged, client, *(str(ip_network("10.0.0.0/8")[n]) for n in proxies)]
    headers = {"x-forwarded-for": ",".join(chain)}
    assert forwarded_client("10.0.0.1", headers, _PROXIES) == client
