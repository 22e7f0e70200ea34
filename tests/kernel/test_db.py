"""Storage transactions (issue #8, finding 6): reads never take the write lock and cannot write;
writes take it up front; SQLite runs in WAL with a busy timeout and the configured synchronous."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import Integer, String, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel.audit import AuditEntry, AuditHead, make_session_factory, verify_chain
from tanzhi.kernel.db import Base, StorageBusy, is_busy, make_engine, read_transaction, unit_of_work


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    """A throw-away table for transaction tests."""

    __tablename__ = "test_db_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(50))


def _schema(engine) -> None:
    _Base.metadata.create_all(engine)
    Base.metadata.create_all(engine, tables=[AuditEntry.__table__, AuditHead.__table__])


@pytest.fixture
def engine(storage_settings: Settings):
    engine = make_engine(storage_settings.model_copy(update={"sqlite_busy_timeout_s": 0.3}))
    _schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(settings: Settings):
    engine = make_engine(settings.model_copy(update={"sqlite_busy_timeout_s": 0.3}))
    _schema(engine)
    yield engine
    engine.dispose()


def test_sqlite_runs_in_wal_with_busy_timeout_and_full_sync(sqlite_engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_synchronous_is_configurable(settings: Settings) -> None:
    engine = make_engine(settings.model_copy(update={"sqlite_synchronous": "NORMAL"}))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    engine.dispose()


def test_a_read_does_not_wait_for_a_writer(sqlite_engine) -> None:
    """The old configuration began every transaction with BEGIN IMMEDIATE, so a GET waited
    for (and after the busy timeout failed on) any open write: "database is locked"."""
    factory = make_session_factory(sqlite_engine)
    with unit_of_work(factory, actor="test") as writer:
        writer.add(Note(id=1, text="uncommitted"))
        writer.flush()  # the writer holds SQLite's write lock from here on
        with read_transaction(factory) as reader:
            assert reader.scalars(select(Note)).all() == []  # snapshot: not yet committed
    with read_transaction(factory) as reader:
        assert [n.text for n in reader.scalars(select(Note))] == ["uncommitted"]


def test_a_write_in_a_read_transaction_fails_loudly(engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(DBAPIError, match="(?i)readonly|read-only"):
        with read_transaction(factory) as reader:
            reader.add(Note(id=2, text="sneaky"))
            reader.flush()
    with read_transaction(factory) as reader:
        assert reader.get(Note, 2) is None


def test_pooled_connection_is_writable_again_after_a_read(engine) -> None:
    """query_only / READ ONLY is per transaction kind, not left on the pooled connection."""
    factory = make_session_factory(engine)
    for i in range(3):
        with read_transaction(factory) as reader:
            reader.scalars(select(Note)).all()
        with unit_of_work(factory, actor="test") as writer:
            writer.add(Note(id=10 + i, text=f"w{i}"))
    with read_transaction(factory) as reader:
        assert len(reader.scalars(select(Note)).all()) == 3
        assert verify_chain(reader) == []


def test_writers_take_the_lock_up_front_and_time_out_as_busy(sqlite_engine) -> None:
    """Two writers of this process: the second queues on the write gate for the busy timeout,
    then gets `StorageBusy` (503 upstream), and the first one's commit is untouched."""
    factory = make_session_factory(sqlite_engine)
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with unit_of_work(factory, actor="first") as s:
            s.add(Note(id=20, text="first"))
            s.flush()
            holding.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    assert holding.wait(10)
    try:
        with pytest.raises(StorageBusy, match="database is busy"):
            with unit_of_work(factory, actor="second") as s:
                s.execute(text("SELECT 1"))
    finally:
        release.set()
        t.join(10)
    with read_transaction(factory) as reader:
        assert reader.get(Note, 20).text == "first"
    with unit_of_work(factory, actor="third") as s:  # the gate was given back
        s.add(Note(id=21, text="third"))


def test_a_writer_of_another_process_meets_the_busy_timeout(sqlite_engine,
                                                            settings: Settings) -> None:
    other = sqlite3.connect(settings.data_dir / "tanzhi.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    factory = make_session_factory(sqlite_engine)
    try:
        with pytest.raises(OperationalError) as info:
            with unit_of_work(factory, actor="second") as s:
                s.execute(text("SELECT 1"))
        assert is_busy(info.value)
        with read_transaction(factory) as reader:  # reads go on meanwhile
            assert reader.scalars(select(Note)).all() == []
    finally:
        other.rollback()
        other.close()
    with unit_of_work(factory, actor="third") as s:  # nothing leaked: writes work again
        s.add(Note(id=22, text="third"))


def test_lock_wait_can_be_lengthened_per_transaction(sqlite_engine) -> None:
    """A background job's write waits longer than a request's (JOB_LOCK_WAIT_S)."""
    factory = make_session_factory(sqlite_engine)
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with unit_of_work(factory, actor="first") as s:
            s.add(Note(id=30, text="first"))
            s.flush()
            holding.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    assert holding.wait(10)
    threading.Timer(0.6, release.set).start()  # longer than the 0.3 s request timeout
    with unit_of_work(factory, actor="job", lock_wait_s=10) as s:
        s.add(Note(id=31, text="after"))
    t.join(10)
    with read_transaction(factory) as reader:
        assert {n.id for n in reader.scalars(select(Note))} == {30, 31}
