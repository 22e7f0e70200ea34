"""`tanzhi user add` / `tanzhi user list` on a prepared SQLite database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tanzhi.access.cli import app
from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.regions import seed_regions
from tanzhi.migrate import upgrade


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    upgrade(settings)
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
