"""Storage plumbing: declarative base, engine and session factories, the unit-of-work scope."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tanzhi.config import Settings
from tanzhi.kernel.errors import TanzhiError

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every tanzhi table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Timestamped:
    """Mixin: creation and last-update times."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class RegionScoped:
    """Mixin: the GB/T 2260 region a row belongs to, used for access scoping."""

    region_code: Mapped[str] = mapped_column(String(12), index=True)


# Execution option marking a connection's transactions as read-only (see `read_transaction`).
READ_ONLY = "tanzhi_read_only"
# Execution option: how long (ms) this connection's next BEGIN IMMEDIATE may wait for the lock
# on SQLite; background jobs wait longer than requests (see `unit_of_work`).
LOCK_WAIT_MS = "tanzhi_lock_wait_ms"


class StorageBusy(TanzhiError):
    """The write lock stayed taken longer than this transaction may wait (HTTP: 503)."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(f"数据库正忙（已等待 {waited_s:g} 秒），请稍后重试 / the database is busy "
                         f"(waited {waited_s:g} s), please retry shortly")


# Execution option carrying the installation's settings on every engine, so the audit listener
# finds the audit key (kept outside the database, issue #8 finding 10) from any session's bind.
SETTINGS_OPTION = "tanzhi_settings"


def engine_settings(bind: Engine | Connection) -> Settings:
    """The settings an engine (or one of its connections) was made with by `make_engine`."""
    settings = bind.get_execution_options().get(SETTINGS_OPTION)
    if not isinstance(settings, Settings):
        raise RuntimeError("engine was not created by tanzhi.kernel.db.make_engine")
    return settings


def make_engine(settings: Settings) -> Engine:
    """Create the engine for the configured database (SQLite file by default).

    SQLite runs in WAL mode, so readers never wait for the writer nor it for them, with a busy
    timeout (`Settings.sqlite_busy_timeout_s`) after which a waiting writer gets an error instead
    of hanging, and ``synchronous`` as configured (FULL by default: a success the server
    reports is on disk even across a power cut, issue #8 finding 6 — see `Settings`).

    Transactions come in two kinds.  A *write* transaction (the default: unsafe HTTP methods,
    CLI commands, jobs) starts with ``BEGIN IMMEDIATE``, taking the write lock up front so the
    audit chain's head cannot be read stale by a concurrent writer.  A *read* transaction
    (`read_transaction`: GET/HEAD requests) starts with a deferred ``BEGIN`` under
    ``PRAGMA query_only``, so it never takes the write lock and a write attempted in it fails
    loudly ("attempt to write a readonly database") instead of silently queuing behind writers.
    On PostgreSQL the read kind is ``SET TRANSACTION READ ONLY`` (psycopg's readonly option).
    """
    url = settings.resolved_database_url
    options = {SETTINGS_OPTION: settings}
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        busy_s = float(settings.sqlite_busy_timeout_s)
        default_wait_ms = int(busy_s * 1000)
        synchronous = settings.sqlite_synchronous
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_s},
                               execution_options=options)
        # Writers of this process queue on a gate taken just before BEGIN IMMEDIATE and given
        # back when the connection returns to the pool (after its commit or rollback).  A lock
        # wakes the next waiter as soon as it is free; SQLite's busy handler instead polls with
        # growing sleeps, so a writer can lose to newcomers again and again and run past its
        # timeout (503s at 16 clients in bench/bench_storage_load.py).  Other processes (the
        # CLI) still meet SQLite's own lock and busy timeout.  A plain Lock, not an RLock: the
        # release may happen on another thread (FastAPI runs a dependency's exit on any worker).
        gate = threading.Lock()
        holders: set[int] = set()
        holders_lock = threading.Lock()

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, record) -> None:  # noqa: ANN001
            # pysqlite's own transaction handling would defer every BEGIN; we emit BEGIN
            # ourselves (`_sqlite_begin`) to choose the kind per transaction.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute(f"PRAGMA busy_timeout={default_wait_ms}")
            cur.close()
            record.info["query_only"] = False
            record.info["busy_ms"] = default_wait_ms

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # noqa: ANN001
            options = conn.get_execution_options()
            read_only = bool(options.get(READ_ONLY))
            info = conn.connection.info  # lives as long as the DBAPI connection
            wait_ms = int(options.get(LOCK_WAIT_MS) or default_wait_ms)
            if info.get("busy_ms") != wait_ms:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
                info["busy_ms"] = wait_ms
            if info.get("query_only") != read_only:
                # A pooled connection keeps the pragma: set it whenever the kind changes.
                conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
                info["query_only"] = read_only
            if read_only:
                conn.exec_driver_sql("BEGIN")
                return
            if not gate.acquire(timeout=wait_ms / 1000):
                raise StorageBusy(wait_ms / 1000)
            record = conn.connection._connection_record
            with holders_lock:
                holders.add(id(record))
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _give_back(None, record)
                raise

        @event.listens_for(engine, "checkin")
        def _give_back(_dbapi_conn, record) -> None:  # noqa: ANN001
            # Fires for every connection returned to the pool, invalidated ones included.
            with holders_lock:
                held = id(record) in holders
                holders.discard(id(record))
            if held:
                gate.release()

        return engine
    return create_engine(url, pool_pre_ping=True, execution_options=options)


@contextmanager
def read_transaction(factory: sessionmaker[Session], actor: str = "anonymous"
                     ) -> Iterator[Session]:
    """One read-only transaction: no write lock taken; any write in it raises.

    Always rolled back at the end (there is nothing to commit).  Use `unit_of_work` — a separate,
    short write transaction — for the rare write a read needs (e.g. touching a session).
    """
    session = factory()
    session.info["actor"] = actor
    session.info["read_only"] = True
    try:
        # The options apply to the connection before BEGIN, so the begin hook sees them.
        session.connection(execution_options={READ_ONLY: True, "postgresql_readonly": True})
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def unit_of_work(factory: sessionmaker[Session], actor: str, reason: str = "", *,
                 lock_wait_s: float | None = None) -> Iterator[Session]:
    """One write transaction: commit on success, roll back everything on any error.

    Every ORM change flushed inside it is written to the audit log under `actor`
    (the audit listener reads ``session.info``).  `lock_wait_s` overrides, for this transaction,
    how long SQLite waits for the write lock (background jobs queue behind each other).
    """
    session = factory()
    session.info["actor"] = actor
    session.info["reason"] = reason
    try:
        if lock_wait_s is not None:
            session.connection(execution_options={LOCK_WAIT_MS: int(lock_wait_s * 1000)})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_busy(exc: Exception) -> bool:
    """Whether a database error is lock contention, worth a retry rather than a 500.

    SQLite: the busy timeout ran out ("database is locked").  PostgreSQL: a deadlock or
    serialization failure the server resolved by aborting this transaction.
    """
    text = str(getattr(exc, "orig", exc)).lower()
    return any(s in text for s in ("database is locked", "database table is locked",
                                   "deadlock detected", "could not serialize"))
