"""Alembic environment.

`rise db ...` passes the resolved URL in ``config.attributes["database_url"]`` (and tests may
pass an open ``connection``). Run as plain ``alembic`` from a checkout, it reads the same
settings as the service: ``DATABASE_URL``, or the embedded cluster under ``RISE_DATA_DIR``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool

from persistence.database import DEFAULT_DATA_DIR, provide_database
from persistence.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
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
