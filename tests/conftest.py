"""Shared test set-up: the PostgreSQL server the suite runs against.

`TEST_DATABASE_URL` names a server to use (any database on it; the suite creates and drops
its own). Without it, the embedded cluster under the repository's `.rise` directory is started
or joined. Either way each test session gets one fresh database, migrated once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from persistence import schema
from persistence.database import normalize_url, with_database
from persistence.embedded import EmbeddedPostgres

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server on which tests may create and drop databases."""

    url: str  # SQLAlchemy URL of the maintenance database

    def create_database(self) -> str:
        """Creates an empty database with a unique name; returns its SQLAlchemy URL."""
        name = f"rise_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return with_database(self.url, name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def libpq_url(url: str) -> str:
    """psycopg wants a libpq URL: drop SQLAlchemy's driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield PgServer(url=normalize_url(configured))
        return
    with EmbeddedPostgres(REPO / ".rise") as cluster:
        yield PgServer(url=cluster.url("postgres"))


@pytest.fixture(scope="session")
def database_url(pg_server: PgServer) -> Iterator[str]:
    """One fresh database for the whole session, migrated to head once."""
    url = pg_server.create_database()
    try:
        schema.upgrade(url)
        yield url
    finally:
        pg_server.drop_database(url)
