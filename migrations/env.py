"""Alembic environment.

`rise db ...` passes the resolved URL in ``config.attributes["database_url"]``. Run as plain
``alembic`` from a checkout, it reads the same settings as the service: ``DATABASE_URL``, or
the embedded cluster under ``RISE_DATA_DIR``.

Migrations hold a PostgreSQL advisory lock, so that several processes starting at once (two
replicas, or `rise serve` beside `rise db upgrade`) migrate one after the other: the later
ones wait, then find the schema up to date.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from persistence.database import DEFAULT_DATA_DIR, provide_database
from persistence.models import Base

config = context.config
target_metadata = Base.metadata


# Any constant works; it only has to be the same for every process migrating this database.
MIGRATION_LOCK_KEY = 0x52495345  # "RISE"


def run_on(connection: Connection) -> None:
    # A session-level lock outlives the transactions below; commit so none is left open.
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


def run_online() -> None:
    with contextlib.ExitStack() as stack:
        url = config.attributes.get("database_url")
        if not url:
            location = stack.enter_context(
                provide_database(
                    os.environ.get("DATABASE_URL"),
                    Path(os.environ.get("RISE_DATA_DIR") or DEFAULT_DATA_DIR),
                )
            )
            url = location.url
        engine = create_engine(url, poolclass=NullPool)
        stack.callback(engine.dispose)
        with engine.connect() as conn:
            run_on(conn)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_online()
