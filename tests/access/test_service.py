"""Accounts: argon2 hashes, login refusals, the database-held rate limit, and region scopes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, text

from tanzhi.access import (
    LoginFailed,
    LoginThrottled,
    Role,
    authenticate,
    create_user,
    in_scope,
    scope_codes,
)
from tanzhi.access import service as access_service
from tanzhi.access.store import LoginAttemptRow, UserRow
from tanzhi.config import Settings
from tanzhi.kernel import (
    DataError,
    PermissionDenied,
    add_region,
    make_engine,
    make_session_factory,
    seed_regions,
    unit_of_work,
    utcnow,
)
from tanzhi.kernel.audit import REDACTED_PREFIX

pytestmark = pytest.mark.storage

PASSWORD = "correct horse battery"


@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="test") as s:
        seed_regions(s)
        create_user(s, username="shaoxing", password=PASSWORD, role=Role.CITY_OFFICER,
                    display_name="绍兴市生态环境局", region_code="330600")
    yield factory
    engine.dispose()


def _failures(factory, username: str = "shaoxing") -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(LoginAttemptRow).where(
            LoginAttemptRow.username == username, LoginAttemptRow.succeeded.is_(False)))


def test_password_is_stored_as_argon2id_hash_and_redacted_in_audit(factory) -> None:
    with factory() as s:
        row = s.scalars(select(UserRow).where(UserRow.username == "shaoxing")).one()
        audit = s.execute(text(
            "SELECT after_json FROM kernel_audit_entry WHERE entity = 'access_user'")).scalar_one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert PasswordHasher().verify(row.password_hash, PASSWORD)
    assert json.loads(audit)["password_hash"].startswith(REDACTED_PREFIX)
    assert row.password_hash not in audit


def test_right_password_returns_the_user(factory) -> None:
    with unit_of_work(factory, actor="login") as s:
        user = authenticate(s, "shaoxing", PASSWORD, client="10.0.0.1")
    assert (user.username, user.role, user.region_code) == ("shaoxing", Role.CITY_OFFICER, "330600")


@pytest.mark.parametrize(("username", "password"), [
    ("shaoxing", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_password_or_unknown_user_is_refused_alike(factory, username, password) -> None:
    with pytest.raises(LoginFailed) as info, unit_of_work(factory, actor="login") as s:
        authenticate(s, username, password, client="10.0.0.1")
    assert isinstance(info.value, PermissionDenied)
    assert str(info.value) == "用户名或密码错误 / Wrong user name or password"
    # The failure was committed before the refusal, so the caller's rollback keeps it.
    assert _failures(factory, username) == 1


def test_rate_limit_refuses_even_the_right_password_until_the_window_passes(factory) -> None:
    start = utcnow()
    for i in range(3):
        with pytest.raises(LoginFailed), unit_of_work(factory, actor="login") as s:
            authenticate(s, "shaoxing", "guess", client="10.0.0.9", max_failures=3,
                         now=start + timedelta(seconds=i))
    with pytest.raises(LoginThrottled) as info, unit_of_work(factory, actor="login") as s:
        authenticate(s, "shaoxing", PASSWORD, client="10.0.0.9", max_failures=3,
                     now=start + timedelta(seconds=10))
    # The first failure (at +0 s) leaves the one-minute window at +60 s: 50 s from +10 s.
    assert info.value.retry_after_s == 50
    assert "登录失败次数过多" in str(info.value) and "Too many failed logins" in str(info.value)
    # A throttled attempt is not counted (it never checked the password).
    assert _failures(factory) == 3
    # Another client is not blocked by this one's failures.
    with unit_of_work(factory, actor="login") as s:
        authenticate(s, "shaoxing", PASSWORD, client="10.0.0.10", max_failures=3,
                     now=start + timedelta(seconds=10))
    # Once the first failure is over a minute old, the right password works again.
    with unit_of_work(factory, actor="login") as s:
        user = authenticate(s, "shaoxing", PASSWORD, client="10.0.0.9", max_failures=3,
                            now=start + timedelta(seconds=61))
    assert user.username == "shaoxing"


def test_a_success_resets_the_failure_count(factory) -> None:
    start = utcnow()
    for i in range(2):
        with pytest.raises(LoginFailed), unit_of_work(factory, actor="login") as s:
            authenticate(s, "shaoxing", "guess", client="c", max_failures=3,
                         now=start + timedelta(seconds=i))
    with unit_of_work(factory, actor="login") as s:
        authenticate(s, "shaoxing", PASSWORD, client="c", max_failures=3,
                     now=start + timedelta(seconds=3))
    for i in range(2):
        with pytest.raises(LoginFailed), unit_of_work(factory, actor="login") as s:
            authenticate(s, "shaoxing", "guess", client="c", max_failures=3,
                         now=start + timedelta(seconds=4 + i))
    with unit_of_work(factory, actor="login") as s:
        assert authenticate(s, "shaoxing", PASSWORD, client="c", max_failures=3,
                            now=start + timedelta(seconds=7)).username == "shaoxing"


def test_hash_made_with_older_parameters_is_upgraded_at_login(factory, monkeypatch) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(access_service, "password_hasher", lambda: weak)
    with unit_of_work(factory, actor="test") as s:
        create_user(s, username="legacy", password=PASSWORD, role=Role.ANALYST,
                    display_name="老账号", region_code="330000")
    monkeypatch.undo()
    with unit_of_work(factory, actor="login") as s:
        authenticate(s, "legacy", PASSWORD, client="c")
    with factory() as s:
        stored = s.scalars(select(UserRow.password_hash).where(UserRow.username == "legacy")).one()
    exp = access_service.password_hasher()  # the configured profile (the suite's: cheapest)
    assert f"m={exp.memory_cost},t={exp.time_cost},p={exp.parallelism}" in stored
    assert not exp.check_needs_rehash(stored)


def test_production_profile_is_rfc9106_low_memory(
        monkeypatch) -> None:
    monkeypatch.delenv("TANZHI_PASSWORD_HASH_PROFILE", raising=False)
    access_service.password_hasher.cache_clear()
    try:
        hasher = access_service.password_hasher()
        assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
        assert Settings().password_hash_profile == "rfc9106-low-memory"
    finally:
        access_service.password_hasher.cache_clear()


def test_city_officer_sees_the_city_and_below_only(factory) -> None:
    with unit_of_work(factory, actor="test") as s:
        add_region(s, code="330602001000", name_zh="塔山街道", name_en="Tashan Subdistrict",
                   level="town", parent_code="330602")
        user = authenticate(s, "shaoxing", PASSWORD, client="c")
        obs = {code: in_scope(s, user, code)
               for code in ("330600", "330602", "330683", "330602001000", "330000", "330100",
                            "330102", "999999")}
        codes = scope_codes(s, user)
    assert obs == {"330600": True, "330602": True, "330683": True, "330602001000": True,
                   "330000": False, "330100": False, "330102": False, "999999": False}
    assert sorted(codes) == ["330600", "330602", "330602001000", "330603", "330604", "330624",
                             "330681", "330683"]


def test_province_admin_and_county_officer_scopes(factory) -> None:
    with unit_of_work(factory, actor="test") as s:
        admin = create_user(s, username="province", password=PASSWORD, role=Role.PROVINCE_ADMIN,
                            display_name="省气候办", region_code="330000")
        county = create_user(s, username="keqiao", password=PASSWORD, role=Role.COUNTY_OFFICER,
                             display_name="柯桥区", region_code="330603")
        citizen = create_user(s, username="citizen1", password=PASSWORD, role=Role.CITIZEN,
                              display_name="市民")
        assert all(in_scope(s, admin, c) for c in ("330000", "330100", "330603"))
        assert [in_scope(s, county, c) for c in ("330603", "330602", "330600")] == [
            True, False, False]
        assert not in_scope(s, citizen, "330000")
        assert len(scope_codes(s, admin)) == 102


@pytest.mark.parametrize(("kwargs", "column"), [
    ({"username": "ab"}, "username"),
    ({"password": "short"}, "password"),
    ({"username": "shaoxing"}, "username"),                       # taken
    ({"role": Role.CITY_OFFICER, "region_code": "330602"}, "region_code"),  # a county, not a city
    ({"role": Role.CITY_OFFICER, "region_code": None}, "region_code"),
    ({"role": Role.COUNTY_OFFICER, "region_code": "339999"}, "region_code"),  # unknown
    ({"role": Role.DEPARTMENT_OFFICER, "region_code": "330000"}, "department"),
    ({"role": Role.DEPARTMENT_OFFICER, "region_code": "330000", "department": "海关"},
     "department"),
    ({"role": Role.ENTERPRISE_REPORTER}, "enterprise_id"),
    ({"role": Role.PUBLIC}, "role"),
])
def test_create_user_refuses_bad_accounts_naming_the_field(factory, kwargs, column) -> None:
    args = {"username": "newuser", "password": PASSWORD, "role": Role.CITIZEN,
            "display_name": "x", "region_code": None} | kwargs
    with pytest.raises(DataError) as info, unit_of_work(factory, actor="test") as s:
        create_user(s, **args)
    assert [p.location.column for p in info.value.problems] == [column]
    assert info.value.problems[0].message_zh and info.value.problems[0].message_en


def test_department_may_be_given_by_its_chinese_short_name(factory) -> None:
    with unit_of_work(factory, actor="test") as s:
        user = create_user(s, username="forest", password=PASSWORD,
                           role=Role.DEPARTMENT_OFFICER, display_name="省林业局",
                           region_code="330000", department="林业")
    assert user.department == "forestry"
