"""CLI contract: `tanzhi plan list` and `tanzhi plan status` on the configured database."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from tanzhi.cli import cli_app
from tanzhi.config import Settings

CONTRACT = ("indicator_id,name,unit,baseline,target,actual,completion,time_progress,status,"
            "required_annual_rate")


@pytest.fixture
def env(migrated_settings: Settings, monkeypatch):
    data = migrated_settings.data_dir
    monkeypatch.setenv("TANZHI_DATA_DIR", str(data))
    return data


def test_status_csv_has_the_contract_header_and_syncs_plans_first(env) -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app(), ["plan", "status", "zj-fyp14-climate", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == CONTRACT
    by_id = {r["indicator_id"]: r for r in rows}
    assert len(rows) == 14
    assert by_id["forest_stock"]["baseline"] == "3.75" and by_id["forest_stock"]["target"] == "4.45"


def test_status_json_and_list(env) -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app(), ["plan", "status", "sx-fyp14-climate", "--format", "json",
                                       "--year", "2025"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(CONTRACT.split(",")) <= set(data[0])
    listed = runner.invoke(cli_app(), ["plan", "list", "--format", "csv"])
    assert listed.exit_code == 0
    assert {r["plan_id"] for r in csv.DictReader(io.StringIO(listed.stdout))} == {
        "hz-fyp14-climate", "jx-fyp14-climate", "sx-fyp14-climate", "tz-fyp14-climate",
        "zj-fyp14-climate"}


def test_unknown_plan_exits_non_zero(env) -> None:
    result = CliRunner().invoke(cli_app(), ["plan", "status", "xx-fyp14-none"])
    assert result.exit_code != 0
