"""Test helpers for a PostgreSQL server: scratch databases and one-off queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from persistence.database import with_database


def libpq_url(url: str) -> str:
    """psycopg wants a libpq URL: drop SQLAlchemy's driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server on which tests may create and drop databases."""

    url: str  # SQLAlchemy URL of a database to connect to for CREATE and DROP

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


def query(url: str, statement: str, **params: Any) -> list[Any]:
    """Runs one statement on its own connection and returns the rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(statement), params))
    finally:
        engine.dispose()


def execute(url: str, statement: str, **params: Any) -> list[Any]:
    """Runs one statement in its own committed transaction and returns the rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()
