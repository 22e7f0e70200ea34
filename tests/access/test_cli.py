"""`tanzhi user …` on a prepared SQLite database: add, list, and the changes that end sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tanzhi.access import (
    SessionPolicy,
    authenticate,
    change_password,
    find_user,
    new_csrf_token,
    new_session_id,
    start_session,
)
from tanzhi.access.cli import app
from tanzhi.access.store import SessionRow
from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, seed_regions, unit_of_work, utcnow


@pytest.fixture
def settings(migrated_settings: Settings) -> Settings:
    """Settings on a database already at the newest schema (migrated once per run and copied,
    issue #10 item 6)."""
    return migrated_settings



@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    engine = make_engine(settings)
    with unit_of_work(make_session_factory(engine), actor="test") as s:
        seed_regions(s)
    engine.dispose()
    monkeypatch.setenv("TANZHI_DATA_DIR", str(settings.data_dir))
    return {"TANZHI_NEW_USER_PASSWORD": "correct horse battery"}


def test_user_add_then_list(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["add", "shaoxing", "--role", "city_officer", "--display-name",
                                "绍兴市生态环境局", "--region", "330600"], env=cli_env)
    assert added.exit_code == 0, added.output
    assert "created user shaoxing (city_officer)" in added.output
    listed = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    row = next(line for line in listed.output.splitlines() if "shaoxing" in line)
    assert "330600" in row and "city_officer" in row


def test_user_add_refuses_a_county_code_for_a_city_officer(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["add", "wrongcity", "--role", "city_officer",
                                      "--display-name", "x", "--region", "330602"], env=cli_env)
    assert result.exit_code != 0
    assert "region_code" in str(result.exception)


def _session_count(settings: Settings) -> int:
    engine = make_engine(settings)
    with make_session_factory(engine)() as s:
        count = s.scalar(select(func.count()).select_from(SessionRow))
    engine.dispose()
    return int(count or 0)


def _log_in(settings: Settings, username: str) -> None:
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="test") as s:
        user = authenticate(s, username, "correct horse battery", client="c")
        start_session(s, key=b"k" * 32, session_id=new_session_id(), csrf=new_csrf_token(),
                      user_id=user.id, policy=SessionPolicy(), now=utcnow())
    engine.dispose()


@pytest.mark.parametrize(("args", "said"), [
    (["passwd", "shaoxing"], "password of shaoxing reset; 1 session(s) ended"),
    (["disable", "shaoxing"], "shaoxing disabled; 1 session(s) ended"),
    (["set-role", "shaoxing", "--role", "county_officer", "--region", "330602"],
     "shaoxing is now county_officer (330602); sessions ended"),
    (["end-sessions", "shaoxing"], "1 session(s) of shaoxing ended"),
])
def test_account_changes_from_the_cli_end_the_users_sessions(
        cli_env: dict[str, str], settings: Settings, args: list[str], said: str) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["add", "shaoxing", "--role", "city_officer", "--display-name",
                                "绍兴市生态环境局", "--region", "330600"], env=cli_env)
    assert added.exit_code == 0, added.output
    _log_in(settings, "shaoxing")
    assert _session_count(settings) == 1
    result = runner.invoke(app, args, env={"TANZHI_NEW_USER_PASSWORD": "a fresh password"})
    assert result.exit_code == 0, result.output
    assert said in result.output
    assert _session_count(settings) == 0


def test_set_role_refuses_a_scope_that_does_not_fit(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(app, ["add", "shaoxing", "--role", "city_officer", "--display-name", "x",
                        "--region", "330600"], env=cli_env)
    result = runner.invoke(app, ["set-role", "shaoxing", "--role", "city_officer",
                                 "--region", "330602"])
    assert result.exit_code != 0
    assert "region_code" in str(result.exception)
    listed = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    row = next(line for line in listed.output.splitlines() if "shaoxing" in line)
    assert "330600" in row and "city_officer" in row


def _must_change(settings: Settings, username: str) -> bool:
    engine = make_engine(settings)
    with make_session_factory(engine)() as s:
        user = find_user(s, username)
    engine.dispose()
    assert user is not None
    return user.must_change_password


def test_accounts_the_cli_creates_or_resets_must_change_their_password(
        cli_env: dict[str, str], settings: Settings) -> None:
    """The administrator who typed the password knows it (issue #11 item 9 follow-up)."""
    runner = CliRunner()
    runner.invoke(app, ["add", "shaoxing", "--role", "city_officer", "--display-name", "x",
                        "--region", "330600"], env=cli_env)
    assert _must_change(settings, "shaoxing") is True
    engine = make_engine(settings)
    with unit_of_work(make_session_factory(engine), actor="test") as s:
        change_password(s, user_id=_user_id(s, "shaoxing"), old_password="correct horse battery",
                        new_password="the user's own", client="c")
    engine.dispose()
    assert _must_change(settings, "shaoxing") is False
    result = runner.invoke(app, ["passwd", "shaoxing"],
                           env={"TANZHI_NEW_USER_PASSWORD": "a fresh password"})
    assert result.exit_code == 0, result.output
    assert _must_change(settings, "shaoxing") is True


def _user_id(s, username: str) -> int:  # noqa: ANN001
    user = find_user(s, username)
    assert user is not None
    return user.id
