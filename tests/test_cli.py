"""The root `tanzhi` command as scripts call it: contracts from issue #2.

The commands run in process through the console script's entry point (tests/conftest.py
`tanzhi_cli`); one smoke test runs the installed `tanzhi` script in a subprocess.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tanzhi.config import Settings
from tanzhi.demo.calc import generate
from tanzhi.demo.model import DEMO_PASSWORD, DEMO_USERS
from tanzhi.kernel import make_engine, packaged_regions

TANZHI = str(Path(sys.executable).with_name("tanzhi"))


def test_region_list_prints_the_90_county_level_units(settings: Settings, tanzhi_cli) -> None:
    proc = tanzhi_cli("region", "list", "--parent", "330000", "--level", "county",
                      "--format", "csv", settings=settings)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["code", "name", "level", "parent"]
    assert len(rows) == 91
    assert ["330603", "柯桥区", "county", "330600"] in rows


def test_unit_convert_wan_tce_to_gigajoules(tanzhi_cli) -> None:
    proc = tanzhi_cli("unit", "convert", "1 万吨标准煤", "GJ")
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) == pytest.approx(293076, rel=1e-5)


def test_unit_convert_wrong_dimension_is_a_bilingual_error(tanzhi_cli) -> None:
    proc = tanzhi_cli("unit", "convert", "1 万吨", "GJ")
    assert proc.returncode == 2
    assert "不能换算" in proc.stderr and "cannot be converted" in proc.stderr


def test_audit_verify_reports_an_entry_edited_behind_the_apps_back(
        migrated_storage_settings: Settings, tanzhi_cli) -> None:
    storage_settings = migrated_storage_settings  # `db upgrade` seeded regions: 102 inserts
    ok = tanzhi_cli("audit", "verify", settings=storage_settings)
    assert ok.returncode == 0, ok.stderr
    assert "102" in ok.stdout
    engine = make_engine(storage_settings)
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE kernel_audit_entry SET after_json = replace(after_json, '柯桥区', '篡改区') "
            "WHERE entity_key = '330603'"))
    engine.dispose()
    bad = tanzhi_cli("audit", "verify", settings=storage_settings)
    assert bad.returncode == 1
    assert "edited" in bad.stderr and "被修改" in bad.stderr


def test_db_upgrade_then_demo_then_verify(demo_cli_output, demo_settings: Settings) -> None:
    """`tanzhi db upgrade` then `tanzhi demo`, as the run's one demo build ran them
    (tests/conftest.py `_demo_cli_build`): it prints every login with the password (the
    assertions of the former tests/demo/test_cli.py, issue #10 item 6); then the installed
    `tanzhi` script, in a subprocess (the suite's smoke test of the console script), finds the
    audit chain of (a copy of) that build intact."""
    demo = demo_cli_output
    assert demo.returncode == 0, demo.stderr
    assert "zj.admin" in demo.stdout
    assert DEMO_PASSWORD in demo.stdout
    for user in DEMO_USERS:
        assert user.username in demo.stdout
    assert f"{len(generate(packaged_regions()))} statistics rows" in demo.stdout
    env = {**os.environ, "TANZHI_DATA_DIR": str(demo_settings.data_dir)}
    env.pop("TANZHI_DATABASE_URL", None)
    verify = subprocess.run([TANZHI, "audit", "verify"], capture_output=True, text=True,
                            env=env, check=False)
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout
