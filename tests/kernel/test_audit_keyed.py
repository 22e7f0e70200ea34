"""The chain is keyed and checkpointed (issue #8, finding 10): a chain rewritten with plain
SHA-256, or with HMACs under another key, is reported; a rewrite with the right HMAC key is
caught by a checkpoint signed before it."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable

import pytest
from sqlalchemy import select, text

from tanzhi.config import Settings
from tanzhi.kernel.audit import (
    GENESIS,
    AuditCheckpoint,
    AuditEntry,
    entry_hash,
    make_session_factory,
    unkeyed_hash,
    verify_chain,
    verify_checkpoints,
    verify_rows,
    write_checkpoint,
)
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.keys import audit_key, audit_signing_key, key_path, public_key_id
from tanzhi.migrate import metadata, upgrade
from tanzhi.plan.store import PlanActualRow

pytestmark = pytest.mark.storage


@pytest.fixture
def db(migrated_storage_settings: Settings):
    metadata()
    engine = make_engine(migrated_storage_settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="app") as s:
        s.add(PlanActualRow(plan_id="p", indicator_id="i", region_code="330600", year=2024,
                            value=3.5, source="s"))
    yield migrated_storage_settings, engine, factory
    engine.dispose()


def _rewrite(engine, hasher: Callable[[dict], str], *, forge_value: float | None = None) -> None:
    """What an attacker with write access does: edit a row and its recorded image, then
    recompute every entry's hash and the head so the chain links up again."""
    with engine.begin() as conn:
        if forge_value is not None:
            conn.execute(text("UPDATE plan_actual SET value = :v"), {"v": forge_value})
            for seq, after in conn.execute(text(
                    "SELECT seq, after_json FROM kernel_audit_entry "
                    "WHERE entity = 'plan_actual'")).all():
                image = json.loads(after)
                image["value"] = forge_value
                conn.execute(text("UPDATE kernel_audit_entry SET after_json = :a WHERE seq = :s"),
                             {"a": json.dumps(image, sort_keys=True, ensure_ascii=False,
                                              separators=(",", ":")), "s": seq})
        prev = GENESIS
        rows = conn.execute(select(AuditEntry).order_by(AuditEntry.seq)).all()
        for row in rows:
            fields = {**row._mapping, "prev_hash": prev}
            prev = hasher(fields)
            conn.execute(text("UPDATE kernel_audit_entry SET prev_hash = :p, entry_hash = :h "
                              "WHERE seq = :s"), {"p": fields["prev_hash"], "h": prev,
                                                  "s": row.seq})
        conn.execute(text("UPDATE kernel_audit_head SET entry_hash = :h"), {"h": prev})


def test_intact_chain_and_rows_pass(db) -> None:
    _settings, _engine, factory = db
    with factory() as s:
        assert verify_chain(s) + verify_rows(s) + verify_checkpoints(s) == []


def test_chain_recomputed_with_plain_sha256_is_reported(db) -> None:
    _settings, engine, factory = db
    _rewrite(engine, unkeyed_hash, forge_value=99.0)
    with factory() as s:
        found = verify_chain(s)
        total = s.query(AuditEntry).count()
    assert len(found) == total  # every entry, each named as an unkeyed rewrite
    assert all("plain SHA-256" in f.problem_en for f in found)


def test_chain_recomputed_under_another_key_is_reported(db) -> None:
    _settings, engine, factory = db
    _rewrite(engine, lambda f: entry_hash(f, b"not-the-installation-key"), forge_value=99.0)
    with factory() as s:
        found = verify_chain(s)
    assert found and all("another key" in f.problem_en for f in found)


def test_rewrite_with_the_right_key_is_caught_by_an_earlier_checkpoint(db) -> None:
    settings, engine, factory = db
    with unit_of_work(factory, actor="cli") as s:
        cp = write_checkpoint(s)
    key = audit_key(settings)
    _rewrite(engine, lambda f: entry_hash(f, key), forge_value=99.0)
    with factory() as s:
        # The HMAC holder's forgery is consistent: chain and rows agree with each other …
        assert verify_chain(s) == [] and verify_rows(s) == []
        found = verify_checkpoints(s)
    # … but the chain no longer holds the head signed before the rewrite.
    assert [f.seq for f in found] == [cp.seq]
    assert "no longer holds the signed head" in found[0].problem_en


def test_altered_checkpoint_is_reported(db) -> None:
    _settings, engine, factory = db
    with unit_of_work(factory, actor="cli") as s:
        write_checkpoint(s)
    with engine.begin() as conn:
        conn.execute(text("UPDATE kernel_audit_checkpoint SET seq = seq - 1"))
    with factory() as s:
        found = verify_checkpoints(s)
    assert len(found) == 1 and "invalid signature" in found[0].problem_en


def test_checkpoint_signed_by_another_installation_is_reported(db, tmp_path) -> None:
    settings, _engine, factory = db
    with unit_of_work(factory, actor="cli") as s:
        write_checkpoint(s)
    other = settings.model_copy(update={"data_dir": tmp_path / "elsewhere",
                                        "database_url": settings.resolved_database_url})
    other_engine = make_engine(other)
    with unit_of_work(make_session_factory(other_engine), actor="cli") as s:
        write_checkpoint(s)  # the same database, signed with another data directory's key
    other_engine.dispose()
    with factory() as s:
        found = verify_checkpoints(s)
        assert s.query(AuditCheckpoint).count() == 2
    assert len(found) == 1 and "unknown key" in found[0].problem_en


def test_configured_audit_key_is_used(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="t", audit_key="from-environment")
    upgrade(settings)
    engine = make_engine(settings)
    with make_session_factory(engine)() as s:
        first = s.scalars(select(AuditEntry).order_by(AuditEntry.seq)).first()
        assert verify_chain(s) == []
    engine.dispose()
    assert first.entry_hash == entry_hash(first.__dict__, b"from-environment")
    assert not (tmp_path / "data" / "keys" / "audit-hmac").exists()


def test_cli_checkpoint_then_verify_reports_edits(db, tanzhi_cli) -> None:
    """`tanzhi audit checkpoint|verify`, run in process (tests/conftest.py `tanzhi_cli`)."""
    settings, engine, _factory = db
    made = tanzhi_cli("audit", "checkpoint", settings=settings)
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    assert printed["key_id"] and len(printed["signature"]) == 128
    ok = tanzhi_cli("audit", "verify", settings=settings)
    assert ok.returncode == 0, ok.stderr
    assert "1 checkpoint(s) valid" in ok.stdout
    with engine.begin() as conn:
        conn.execute(text("UPDATE plan_actual SET value = 7"))
    bad = tanzhi_cli("audit", "verify", settings=settings)
    assert bad.returncode == 1
    assert "plan_actual" in bad.stderr and "changed outside the app" in bad.stderr


def test_audit_keys_are_private_files_and_never_invented_for_verification(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert audit_key(settings, create=False) is None
    assert audit_signing_key(settings, create=False) is None
    key = audit_key(settings)
    assert key == audit_key(settings, create=False) and len(key) >= 64
    signing = audit_signing_key(settings)
    assert public_key_id(signing.public_key()) == public_key_id(
        audit_signing_key(settings, create=False).public_key())
    for name in ("audit-hmac", "audit-ed25519"):
        assert stat.S_IMODE(key_path(settings, name).stat().st_mode) == 0o600
