"""The audit chain records every change and detects edits and deletions behind the app's back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel.audit import REDACTED_PREFIX, make_session_factory, verify_chain
from tanzhi.kernel.db import make_engine, unit_of_work


class _TestBase(DeclarativeBase):
    pass


class Widget(_TestBase):
    """A throw-away table so the audit can be tested apart from any domain."""

    __tablename__ = "test_widget"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    secret: Mapped[str] = mapped_column(String(50), info={"audit": "redact"}, default="")


@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    _TestBase.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _entries(factory) -> list[dict]:
    with factory() as s:
        rows = s.execute(text(
            "SELECT seq, actor, action, entity, before_json, after_json FROM kernel_audit_entry "
            "WHERE entity = 'test_widget' "
            "ORDER BY seq")).all()
    return [dict(r._mapping) for r in rows]


def test_every_change_is_recorded_with_before_and_after(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        s.add(Widget(id=1, name="a", secret="pw"))
    with unit_of_work(factory, actor="bob") as s:
        s.get(Widget, 1).name = "b"
    with unit_of_work(factory, actor="carol") as s:
        s.delete(s.get(Widget, 1))
    obs = _entries(factory)
    assert [(e["actor"], e["action"]) for e in obs] == [
        ("alice", "insert"), ("bob", "update"), ("carol", "delete")]
    after = json.loads(obs[0]["after_json"])
    assert after["id"] == 1 and after["name"] == "a"
    assert after["secret"].startswith(REDACTED_PREFIX) and "pw" not in after["secret"]
    assert json.loads(obs[1]["before_json"])["name"] == "a"
    assert json.loads(obs[1]["after_json"])["name"] == "b"
    with factory() as s:
        assert verify_chain(s) == []


def test_failed_transaction_writes_nothing(factory) -> None:
    with pytest.raises(RuntimeError), unit_of_work(factory, actor="alice") as s:
        s.add(Widget(id=1, name="a"))
        s.flush()
        raise RuntimeError("boom")
    assert _entries(factory) == []
    with factory() as s:
        assert s.get(Widget, 1) is None


def test_edit_behind_the_apps_back_is_detected(factory) -> None:
    for i in range(3):
        with unit_of_work(factory, actor="alice") as s:
            s.add(Widget(id=i + 1, name=f"w{i}"))
    with factory.kw["bind"].begin() as conn:
        conn.execute(text("UPDATE kernel_audit_entry SET actor = 'mallory' WHERE seq = 2"))
    with factory() as s:
        obs = verify_chain(s)
    assert [f.seq for f in obs] == [2]
    assert "edited" in str(obs[0])


@pytest.mark.parametrize("victim", [1, 2, 3])
def test_deleted_entry_is_detected(factory, victim: int) -> None:
    for i in range(3):
        with unit_of_work(factory, actor="alice") as s:
            s.add(Widget(id=i + 1, name=f"w{i}"))
    with factory.kw["bind"].begin() as conn:
        conn.execute(text(f"DELETE FROM kernel_audit_entry WHERE seq = {victim}"))
    with factory() as s:
        assert verify_chain(s), f"deleting entry {victim} went unnoticed"
