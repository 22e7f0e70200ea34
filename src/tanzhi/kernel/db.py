"""Storage plumbing: declarative base, engine and session factories, the unit-of-work scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tanzhi.config import Settings

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
    """Create the engine for the configured database (SQLite file by default)."""
    url = settings.resolved_database_url
    options = {SETTINGS_OPTION: settings}
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               execution_options=options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            # pysqlite's own transaction handling would defer BEGIN; we emit it ourselves so a
            # write transaction takes the lock up front (BEGIN IMMEDIATE) and the audit chain's
            # head cannot be read stale by a concurrent writer.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, execution_options=options)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], actor: str, reason: str = "") -> Iterator[Session]:
    """One transaction: commit on success, roll back everything on any error.

    Every ORM change flushed inside it is written to the audit log under `actor`
    (the audit listener reads ``session.info``).
    """
    session = factory()
    session.info["actor"] = actor
    session.info["reason"] = reason
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
