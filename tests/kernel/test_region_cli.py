"""`tanzhi region list|add`: the CSV contract, the database overlay and audited additions."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tanzhi.config import Settings
from tanzhi.kernel.audit import AuditEntry, make_session_factory
from tanzhi.kernel.cli import region_app
from tanzhi.kernel.db import make_engine
from tanzhi.kernel.errors import DataError
from tanzhi.kernel.regions import RegionLevel, packaged_regions

COUNTIES = {r.code: r.name_zh for r in packaged_regions() if r.level is RegionLevel.COUNTY}


def _env(settings: Settings) -> dict[str, str | None]:
    return {"TANZHI_DATA_DIR": str(settings.data_dir), "TANZHI_DATABASE_URL": settings.database_url}


def _run(settings: Settings, *args: str):
    return CliRunner().invoke(region_app, list(args), env=_env(settings))


def _csv(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


def test_csv_contract_without_a_database(settings: Settings) -> None:
    result = _run(settings, "list", "--parent", "330000", "--level", "county", "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = _csv(result.output)
    assert header == ["code", "name", "level", "parent"]
    assert len(rows) == 90
    assert {code: name for code, name, _, _ in rows} == COUNTIES
    assert {level for _, _, level, _ in rows} == {"county"}
    assert rows[0] == ["330102", "上城区", "county", "330100"]
    assert rows[-1] == ["331181", "龙泉市", "county", "331100"]
    # Listing is read-only: no database file appears as a side effect.
    assert not (settings.data_dir / "tanzhi.db").exists()


def test_json_and_table_show_english_names(settings: Settings) -> None:
    rows = json.loads(_run(settings, "list", "--parent", "331100", "--format", "json").output)
    assert len(rows) == 9
    assert rows[-2] == {"code": "331127", "name": "景宁畲族自治县",
                        "name_en": "Jingning She Autonomous County", "level": "county",
                        "parent": "331100", "packaged": True}
    table = _run(settings, "list", "--level", "city").output
    assert "regions: 11" in table
    assert "Hangzhou" in table and "杭州市" in table


def test_unknown_level_is_refused(settings: Settings) -> None:
    result = _run(settings, "list", "--level", "prefecture")
    assert result.exit_code == 2
    assert "prefecture" in result.output


def test_add_needs_a_database(settings: Settings) -> None:
    result = _run(settings, "add", "330102001000", "--name-zh", "清波街道", "--name-en",
                  "Qingbo Subdistrict", "--level", "town", "--parent", "330102")
    assert result.exit_code == 2
    assert "tanzhi db upgrade" in result.output


@pytest.mark.storage
def test_added_units_are_listed_from_the_database(migrated_storage_settings: Settings) -> None:
    engine = make_engine(migrated_storage_settings)
    added = _run(migrated_storage_settings, "add", "330102001000", "--name-zh", "清波街道",
                 "--name-en", "Qingbo Subdistrict", "--level", "town", "--parent", "330102")
    assert added.exit_code == 0, added.output
    assert "330102001000 清波街道" in added.output

    counties = _csv(_run(migrated_storage_settings, "list", "--parent", "330000", "--level",
                         "county", "--format", "csv").output)
    assert len(counties) == 1 + 90  # header + the 90 county-level units
    towns = _csv(_run(migrated_storage_settings, "list", "--parent", "330100", "--level", "town",
                      "--format", "csv").output)
    assert towns == [["code", "name", "level", "parent"],
                     ["330102001000", "清波街道", "town", "330102"]]

    bad = _run(migrated_storage_settings, "add", "330105001000", "--name-zh", "错误街道",
               "--name-en", "Wrong", "--level", "town", "--parent", "330102")
    assert isinstance(bad.exception, DataError)
    assert bad.exception.problems[0].location.column == "code"

    with make_session_factory(engine)() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "kernel_region")).all()
    # 102 packaged rows seeded by `db upgrade`, then the town; the refused add wrote nothing.
    assert len(entries) == 103
    assert [e.actor for e in entries].count("system:upgrade") == 102
    assert entries[-1].actor == "cli"
    assert entries[-1].entity_key == "330102001000"
    engine.dispose()
