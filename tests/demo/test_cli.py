"""`tanzhi demo` builds the demo and prints the logins with their password."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

import tanzhi.kernel.statistics  # noqa: F401  (registers kernel_statistic)
from tanzhi.config import Settings
from tanzhi.demo import model as m
from tanzhi.demo.calc import generate
from tanzhi.demo.cli import demo
from tanzhi.kernel import make_engine, packaged_regions
from tanzhi.migrate import upgrade


def test_demo_command_prints_every_login(settings: Settings,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade(settings)
    engine = make_engine(settings)
    engine.dispose()
    monkeypatch.setenv("TANZHI_DATA_DIR", str(settings.data_dir))
    app = typer.Typer()
    app.command()(demo)
    result = CliRunner().invoke(app, [], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert m.DEMO_PASSWORD in result.output
    for user in m.DEMO_USERS:
        assert user.username in result.output
    assert f"{len(generate(packaged_regions()))} statistics rows" in result.output
