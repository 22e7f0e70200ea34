"""The Alembic history builds exactly the tables the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tanzhi.config import Settings
from tanzhi.kernel import make_engine
from tanzhi.migrate import metadata, upgrade


def test_migrations_match_the_models(storage_settings: Settings) -> None:
    upgrade(storage_settings)
    engine = make_engine(storage_settings)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata())
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_upgrade_twice_is_harmless(storage_settings: Settings) -> None:
    upgrade(storage_settings)
    upgrade(storage_settings)
