"""Backup and restore (issue #8, deliverable 9): the archive's manifest is checked, a non-empty
target is refused without --force, and restore followed by `audit verify` gives what verify gave
on the source."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from tanzhi.config import Settings
from tanzhi.kernel import (
    ConsistencyError,
    DataError,
    make_engine,
    make_session_factory,
    unit_of_work,
    verify_chain,
    verify_checkpoints,
    verify_rows,
    write_checkpoint,
    write_statistics,
)
from tanzhi.kernel import restore_backup as restore
from tanzhi.kernel import write_backup as backup
from tanzhi.kernel.backup import read_manifest, survey
from tanzhi.migrate import metadata
from tanzhi.plan.store import PlanActualRow


@pytest.fixture
def settings(migrated_settings: Settings) -> Settings:
    """Settings on a database already at the newest schema (migrated once per run and copied,
    issue #10 item 6)."""
    return migrated_settings


pytestmark = pytest.mark.storage


def _populate(settings: Settings) -> None:
    metadata()
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="app") as s:
        s.add_all([PlanActualRow(plan_id="p", indicator_id="i", region_code="330600", year=y,
                                 value=y / 7, source="s") for y in (2021, 2022)])
        write_statistics(s, pd.DataFrame({
            "region_code": ["330100"] * 3, "year": [2020, 2021, 2022],
            "variable": ["population"] * 3, "value": [1.0, 2.0, 3.0], "unit": ["万人"] * 3}),
            dataset="d", synthetic=True)
    with unit_of_work(factory, actor="cli") as s:
        write_checkpoint(s)
    # One edit behind the app's back, so "the same result" is a non-trivial list of findings.
    with engine.begin() as conn:
        conn.execute(text("UPDATE plan_actual SET value = 0 WHERE year = 2022"))
    engine.dispose()


def _verify(settings: Settings) -> list[str]:
    metadata()
    engine = make_engine(settings)
    with make_session_factory(engine)() as s:
        found = verify_chain(s) + verify_rows(s) + verify_checkpoints(s)
    engine.dispose()
    return [str(f) for f in found]


def _wipe(settings: Settings) -> None:
    """Lose the database (the disaster a backup is for)."""
    engine = make_engine(settings)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{engine.url.database}{suffix}").unlink(missing_ok=True)
        return
    with engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def test_backup_restore_verify_gives_the_sources_result(migrated_storage_settings: Settings,
                                                         tmp_path: Path) -> None:
    _populate(migrated_storage_settings)
    before = _verify(migrated_storage_settings)
    assert len(before) == 1 and "plan_actual" in before[0]
    archive = tmp_path / "out" / "tanzhi.backup"
    made = backup(migrated_storage_settings, archive)
    assert made.tables["plan_actual"] == 2 and made.tables["kernel_statistic"] == 3
    assert made.head is not None and made.revision
    assert read_manifest(archive) == made
    _wipe(migrated_storage_settings)
    restored = restore(migrated_storage_settings, archive)
    assert restored == made
    assert _verify(migrated_storage_settings) == before


def test_restore_refuses_a_database_with_data_unless_forced(migrated_storage_settings: Settings,
                                                             tmp_path: Path) -> None:
    _populate(migrated_storage_settings)
    archive = tmp_path / "tanzhi.backup"
    backup(migrated_storage_settings, archive)
    engine = make_engine(migrated_storage_settings)
    with unit_of_work(make_session_factory(engine), actor="app") as s:
        s.add(PlanActualRow(plan_id="p", indicator_id="i", region_code="330600", year=2030,
                            value=1, source="later"))
    with pytest.raises(ConsistencyError, match="--force"):
        restore(migrated_storage_settings, archive)
    with engine.connect() as conn:  # untouched
        assert conn.execute(text("SELECT count(*) FROM plan_actual")).scalar_one() == 3
    engine.dispose()
    restore(migrated_storage_settings, archive, force=True)
    engine = make_engine(migrated_storage_settings)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan_actual")).scalar_one() == 2
    engine.dispose()


def test_altered_archive_is_refused_before_anything_is_written(settings: Settings,
                                                                tmp_path: Path) -> None:
    _populate(settings)
    archive = tmp_path / "tanzhi.backup"
    made = backup(settings, archive)
    work = tmp_path / "x"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    with (work / made.payload).open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff\xff")
    bad = tmp_path / "bad.backup"
    with tarfile.open(bad, "w:gz") as tar:
        for name in ("manifest.json", made.payload):
            tar.add(work / name, arcname=name)
    target = Settings(data_dir=tmp_path / "target", secret_key="t")
    with pytest.raises(DataError, match="SHA-256"):
        restore(target, bad)
    assert not (tmp_path / "target" / "tanzhi.db").exists() or all(
        v == 0 for v in read_counts(target).values())
    with pytest.raises(DataError, match="not a tanzhi backup"):
        restore(target, tmp_path / "x" / "manifest.json")


def read_counts(settings: Settings) -> dict[str, int]:
    engine = make_engine(settings)
    with engine.connect() as conn:
        found = survey(conn).tables
    engine.dispose()
    return found


def test_cli_backup_restore_into_another_data_directory(settings: Settings, tmp_path: Path,
                                                        tanzhi_cli) -> None:
    """`tanzhi backup|restore`, run in process (tests/conftest.py `tanzhi_cli`)."""
    _populate(settings)
    before = _verify(settings)
    archive = tmp_path / "a.backup"
    made = tanzhi_cli("backup", str(archive), settings=settings)
    assert made.returncode == 0, made.stderr
    target = Settings(data_dir=tmp_path / "new" / "data", secret_key="t")
    # The keys authenticate the chain and are kept apart from the archive: a new machine gets
    # a copy of <data_dir>/keys/ from where they are kept safe.
    shutil.copytree(settings.data_dir / "keys", target.data_dir / "keys")
    done = tanzhi_cli("restore", str(archive), settings=target)
    assert done.returncode == 0, done.stderr
    assert "恢复完成" in done.stdout
    assert _verify(target) == before
    again = tanzhi_cli("restore", str(archive), settings=target)
    assert again.returncode == 2 and "--force" in again.stderr
