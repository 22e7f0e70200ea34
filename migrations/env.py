"""Alembic environment: runs migrations on the connection tanzhi hands over."""

from alembic import context
from sqlalchemy import create_engine

from tanzhi.migrate import metadata

config = context.config
target_metadata = metadata()


def run() -> None:
    """Online migrations on the given connection, or one made from the URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run_on(conn)
        return
    _run_on(connection)


def _run_on(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # migrations/regenerate.py narrows autogenerate to one domain's tables.
        include_object=config.attributes.get("include_object"),
    )
    with context.begin_transaction():
        context.run_migrations()


run()
