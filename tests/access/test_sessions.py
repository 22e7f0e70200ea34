"""Session and account use cases on both backends (issue #8, finding 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tanzhi.access import (
    LiveSession,
    LoginFailed,
    LoginThrottled,
    Role,
    SessionPolicy,
    authenticate,
    change_password,
    create_user,
    disable_user,
    enable_user,
    end_sessions,
    end_user_sessions,
    find_session,
    new_csrf_token,
    new_session_id,
    session_id_hash,
    set_password,
    set_role_and_scope,
    start_session,
    touch_session,
)
from tanzhi.access.store import SessionRow, UserRow
from tanzhi.config import Settings
from tanzhi.kernel import (
    DataError,
    make_engine,
    make_session_factory,
    seed_regions,
    unit_of_work,
    utcnow,
    verify_chain,
)

pytestmark = pytest.mark.storage

PASSWORD = "correct horse battery"
KEY = b"k" * 32
POLICY = SessionPolicy()


@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="test") as s:
        seed_regions(s)
        for name, role, region in (("keqiao", Role.COUNTY_OFFICER, "330603"),
                                   ("shaoxing", Role.CITY_OFFICER, "330600")):
            create_user(s, username=name, password=PASSWORD, role=role, display_name=name,
                        region_code=region)
    yield factory
    engine.dispose()


def _uid(factory, username: str) -> int:
    with factory() as s:
        return s.scalar(select(UserRow.id).where(UserRow.username == username))


def _start(factory, username: str = "keqiao", now=None) -> str:
    session_id = new_session_id()
    with unit_of_work(factory, actor="test") as s:
        start_session(s, key=KEY, session_id=session_id, csrf=new_csrf_token(),
                      user_id=_uid(factory, username), policy=POLICY, now=now or utcnow(),
                      client="10.0.0.1", user_agent="pytest")
    return session_id


def _find(factory, session_id: str, now=None) -> LiveSession | None:
    with factory() as s:
        return find_session(s, key=KEY, session_id=session_id, policy=POLICY,
                            now=now or utcnow())


def test_only_a_keyed_hash_of_the_id_is_stored(factory) -> None:
    session_id = _start(factory)
    with factory() as s:
        row = s.scalars(select(SessionRow)).one()
        dump = s.execute(text("SELECT * FROM access_session")).one()
    assert session_id not in " ".join(str(v) for v in dump)
    assert row.id_hash == session_id_hash(KEY, session_id) != session_id_hash(b"x" * 32,
                                                                              session_id)
    assert (row.client, row.user_agent) == ("10.0.0.1", "pytest")
    assert _find(factory, session_id).user_id == _uid(factory, "keqiao")
    with factory() as s:  # the same id under another installation's key names nothing
        assert find_session(s, key=b"x" * 32, session_id=session_id, policy=POLICY,
                            now=utcnow()) is None


def test_session_writes_leave_the_audit_chain_alone(factory) -> None:
    with factory() as s:
        before = s.execute(text("SELECT count(*) FROM kernel_audit_entry")).scalar_one()
    session_id = _start(factory)
    with unit_of_work(factory, actor="test") as s:
        live = _find(factory, session_id, now=utcnow() + timedelta(minutes=5))
        assert touch_session(s, live, policy=POLICY, now=utcnow() + timedelta(minutes=5))
        end_sessions(s, live.user_id)
    with factory() as s:
        after = s.execute(text("SELECT count(*) FROM kernel_audit_entry")).scalar_one()
        assert verify_chain(s) == []
    assert after == before
    assert SessionRow.__table__.info == {"audit": "skip"}


def test_touch_is_throttled_and_written_once(factory) -> None:
    start = utcnow()
    session_id = _start(factory, now=start)
    live = _find(factory, session_id, now=start + timedelta(seconds=30))
    with unit_of_work(factory, actor="test") as s:
        assert not touch_session(s, live, policy=POLICY, now=start + timedelta(seconds=30))
    later = start + timedelta(seconds=90)
    live = _find(factory, session_id, now=later)
    with unit_of_work(factory, actor="test") as s:
        assert touch_session(s, live, policy=POLICY, now=later)
    # A second request that loaded the same old row does not write again.
    with unit_of_work(factory, actor="test") as s:
        assert not touch_session(s, live, policy=POLICY, now=later + timedelta(seconds=1))
    assert _find(factory, session_id, now=later).last_seen_at == later


def test_garbage_and_unknown_ids_find_nothing(factory) -> None:
    _start(factory)
    for value in ("", "x", "a" * 42, "a" * 44, "../../etc/passwd" + "a" * 27, new_session_id()):
        assert _find(factory, value) is None


def test_password_change_needs_the_old_password_and_ends_every_session(factory) -> None:
    uid = _uid(factory, "keqiao")
    first, second = _start(factory), _start(factory)
    other = _start(factory, "shaoxing")
    with pytest.raises(LoginFailed), unit_of_work(factory, actor="keqiao") as s:
        change_password(s, user_id=uid, old_password="wrong one", new_password="new secret 1",
                        client="c")
    assert _find(factory, first) is not None  # a refused change ends nothing
    with pytest.raises(DataError) as info, unit_of_work(factory, actor="keqiao") as s:
        change_password(s, user_id=uid, old_password=PASSWORD, new_password=PASSWORD,
                        client="c")
    assert info.value.problems[0].location.column == "new_password"
    with unit_of_work(factory, actor="keqiao") as s:
        ended = change_password(s, user_id=uid, old_password=PASSWORD,
                                new_password="new secret 1", client="c")
    assert ended == 2
    assert _find(factory, first) is None and _find(factory, second) is None
    assert _find(factory, other) is not None  # another user's session is untouched
    with unit_of_work(factory, actor="login") as s:
        authenticate(s, "keqiao", "new secret 1", client="c")


def test_guessing_the_old_password_is_throttled_like_a_login(factory) -> None:
    uid = _uid(factory, "keqiao")
    for _ in range(2):
        with pytest.raises(LoginFailed), unit_of_work(factory, actor="keqiao") as s:
            change_password(s, user_id=uid, old_password="guess", new_password="new secret 1",
                            client="c", max_failures=2)
    with pytest.raises(LoginThrottled), unit_of_work(factory, actor="keqiao") as s:
        change_password(s, user_id=uid, old_password=PASSWORD, new_password="new secret 1",
                        client="c", max_failures=2)


def test_admin_reset_disable_role_change_and_logout_everywhere_end_sessions(factory) -> None:
    for change in (
        lambda s: set_password(s, username="keqiao", password="reset by admin"),
        lambda s: set_role_and_scope(s, username="keqiao", role=Role.COUNTY_OFFICER,
                                     region_code="330602"),
        lambda s: end_user_sessions(s, username="keqiao"),
        lambda s: disable_user(s, username="keqiao"),
    ):
        session_id = _start(factory)
        with unit_of_work(factory, actor="admin") as s:
            change(s)
        assert _find(factory, session_id) is None
    with pytest.raises(LoginFailed), unit_of_work(factory, actor="login") as s:
        authenticate(s, "keqiao", "reset by admin", client="c")
    with unit_of_work(factory, actor="admin") as s:
        enable_user(s, username="keqiao")
    with unit_of_work(factory, actor="login") as s:
        user = authenticate(s, "keqiao", "reset by admin", client="c")
    assert (user.role, user.region_code) == (Role.COUNTY_OFFICER, "330602")


def test_role_change_is_checked_like_a_new_account_and_writes_nothing_when_refused(
        factory) -> None:
    session_id = _start(factory)
    with pytest.raises(DataError) as info, unit_of_work(factory, actor="admin") as s:
        set_role_and_scope(s, username="keqiao", role=Role.CITY_OFFICER, region_code="330602")
    assert info.value.problems[0].location.column == "region_code"
    assert _find(factory, session_id) is not None
    with factory() as s:
        assert s.scalar(select(UserRow.role).where(UserRow.username == "keqiao")) == \
            "county_officer"


def test_ended_sessions_are_purged_when_someone_logs_in(factory) -> None:
    start = utcnow()
    _start(factory, now=start)
    _start(factory, "shaoxing", now=start + timedelta(minutes=20))
    _start(factory, now=start + timedelta(minutes=31))  # the first is idle by now
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(SessionRow)) == 2


@given(idle_s=st.integers(0, 3 * 3600), age_s=st.integers(0, 14 * 3600))
def test_a_session_is_live_exactly_within_both_timeouts(idle_s: int, age_s: int) -> None:
    start = utcnow()
    now = start + timedelta(seconds=age_s)
    live = LiveSession(id_hash="h", user_id=1, csrf="c", created_at=start,
                       last_seen_at=now - timedelta(seconds=min(idle_s, age_s)),
                       expires_at=start + POLICY.absolute)
    expected = min(idle_s, age_s) < 30 * 60 and age_s < 12 * 3600
    assert live.ended(POLICY, now) is not expected
