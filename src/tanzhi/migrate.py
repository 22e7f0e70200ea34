"""Database schema upgrades: the Alembic environment and the full table metadata."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData

from tanzhi.config import Settings
from tanzhi.kernel import Base, make_engine, make_session_factory, unit_of_work

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def metadata() -> MetaData:
    """Every table of every domain, for Alembic autogenerate and checks."""
    # Each module below defines tables on Base; importing it registers them.
    from tanzhi.access import store as _access_store  # noqa: F401
    from tanzhi.disclosure import store as _disclosure_store  # noqa: F401
    from tanzhi.enterprise import store as _enterprise_store  # noqa: F401
    from tanzhi.inventory import store as _inventory_store  # noqa: F401
    from tanzhi.kernel import factor_sets as _factor_sets  # noqa: F401
    from tanzhi.kernel import jobs as _jobs  # noqa: F401
    from tanzhi.kernel import regions as _regions  # noqa: F401
    from tanzhi.kernel import statistics as _statistics  # noqa: F401
    from tanzhi.plan import store as _plan_store  # noqa: F401
    from tanzhi.plan.assess import store as _assess_store  # noqa: F401
    from tanzhi.plan.decompose import store as _decompose_store  # noqa: F401
    from tanzhi.report import store as _report_store  # noqa: F401

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
    if revision == "head":
        # Reference regions are part of a usable schema: every region-scoped row and user
        # points at one. Seeding is idempotent and audited like any other write.
        from tanzhi.kernel import seed_regions

        with unit_of_work(make_session_factory(engine), actor="system:upgrade") as session:
            seed_regions(session)
    engine.dispose()
