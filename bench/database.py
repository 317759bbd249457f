"""The bench's databases: one per dataset, in the embedded cluster under `.rise-bench/` by
default, or on the PostgreSQL server that `--database-url` names.

The bench process holds the embedded cluster for as long as it runs, and hands the services
it starts a DATABASE_URL for it, so they join it rather than start their own. A row in the
table `bench_datasets` marks a dataset as finished (`marker`, `mark`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from bench.service import BENCH_DIR
from persistence.database import normalize_url, with_database
from persistence.embedded import EmbeddedPostgres
from server.migrate import prepare_database


@dataclass(frozen=True)
class Database:
    name: str
    url: str  # SQLAlchemy URL, for DATABASE_URL and the migrations
    conninfo: str  # libpq connection string, for psycopg
    server_log: Path | None  # where the server writes its log, if known and readable

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.conninfo, autocommit=True)


def marker(db: Database, name: str) -> dict[str, Any] | None:
    with db.connect() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_datasets (name text PRIMARY KEY,"
            " details jsonb NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT details FROM bench_datasets WHERE name = %s", [name]).fetchone()
    return cast(dict[str, Any], row[0]) if row else None


def mark(db: Database, name: str, details: dict[str, Any]) -> None:
    with db.connect() as conn:
        conn.execute(
            "INSERT INTO bench_datasets (name, details) VALUES (%s, %s)"
            " ON CONFLICT (name) DO UPDATE SET details = excluded.details, seeded_at = now()",
            [name, json.dumps(details)],
        )


def add_database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to create the bench databases on, e.g. "
        "postgresql://postgres@127.0.0.1:5432/postgres (default: the embedded cluster "
        "under .rise-bench/)",
    )
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the dataset")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _recreate(conninfo: str, name: str, fresh: bool) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _server_log(conninfo: str) -> Path | None:
    """The log file of a server we did not start: the logging collector's current file, or
    Debian's per-cluster log."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT pg_current_logfile(), current_setting('data_directory'),"
            " current_setting('server_version_num')::int / 10000,"
            " current_setting('cluster_name')"
        ).fetchone()
    if row is None:
        return None
    current, data_dir, major, cluster = row
    candidates = [Path(str(data_dir)) / str(current)] if current else []
    candidates.append(Path(f"/var/log/postgresql/postgresql-{str(cluster).replace('/', '-')}.log"))
    candidates.append(Path(f"/var/log/postgresql/postgresql-{major}-main.log"))
    return next((path for path in candidates if path.is_file()), None)


@contextlib.contextmanager
def bench_database(
    name: str, *, database_url: str | None = None, fresh: bool = False
) -> Iterator[Database]:
    """The database `name`, created if missing (dropped first with `fresh`) and migrated."""
    if database_url:
        server = _libpq(normalize_url(database_url))
        _recreate(server, name, fresh)
        url = with_database(normalize_url(database_url), name)
        database = Database(name, url, _libpq(url), _server_log(server))
        prepare_database(database.url)
        yield database
        return
    with EmbeddedPostgres(BENCH_DIR) as cluster:
        _recreate(cluster.conninfo("postgres"), name, fresh)
        database = Database(name, cluster.url(name), cluster.conninfo(name), cluster.log_file)
        prepare_database(database.url)
        yield database
