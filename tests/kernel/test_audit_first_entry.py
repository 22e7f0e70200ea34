"""Two writers racing for the audit chain's first entry both land, chained one after the other.

On an empty chain there is no head row to lock; before the fix both writers chained from GENESIS
and the second failed on the duplicate head (a 500 for whichever user came second).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory, verify_chain
from tanzhi.kernel.db import make_engine
from tanzhi.migrate import upgrade


class _Base(DeclarativeBase):
    pass


class Gadget(_Base):
    """A throw-away audited table."""

    __tablename__ = "test_gadget"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def test_concurrent_first_entries_chain_in_order(storage_settings: Settings) -> None:
    if not (storage_settings.database_url or "").startswith("postgresql"):
        pytest.skip("SQLite serialises writers before the head is read (kernel.db write gate)")
    upgrade(storage_settings)
    engine = make_engine(storage_settings)
    _Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with engine.begin() as conn:  # the migration's seeds are chained; start from an empty chain
        conn.execute(text("DELETE FROM kernel_audit_entry"))
        conn.execute(text("DELETE FROM kernel_audit_head"))
    first_flushed = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with factory() as s:
                s.add(Gadget(id=1, name="a"))
                s.flush()  # the audit entry and the head are written, not yet committed
                first_flushed.set()
                threading.Event().wait(0.5)  # let the second writer reach the head meanwhile
                s.commit()
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
            first_flushed.set()

    def second() -> None:
        first_flushed.wait(10)
        try:
            with factory() as s:
                s.add(Gadget(id=2, name="b"))
                s.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with factory() as s:
        seqs = s.execute(text(
            "SELECT seq, entity_key FROM kernel_audit_entry WHERE entity = 'test_gadget' "
            "ORDER BY seq")).all()
        assert [tuple(r) for r in seqs] == [(1, "1"), (2, "2")]
        assert verify_chain(s) == []
    engine.dispose()
