"""Database schema upgrades: the Alembic environment and the full table metadata."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData

from tanzhi.config import Settings
from tanzhi.kernel import audit as _audit  # noqa: F401  (registers audit tables)
from tanzhi.kernel.db import Base, make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def metadata() -> MetaData:
    """Every table of every domain, for Alembic autogenerate and checks."""
    from tanzhi import access  # noqa: F401  (each domain's store registers its tables)

    return Base.metadata


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration bound to an engine's connection URL."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the configured database to `revision` (default: the newest schema)."""
    engine = make_engine(settings)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()
