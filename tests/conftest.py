"""Shared test set-up: the PostgreSQL server the suite runs against.

`TEST_DATABASE_URL` names a server to use (any database on it that we may connect to; the
suite creates and drops its own). Without it, the embedded cluster under the repository's
`.rise` directory is started or joined. Either way each test session gets one fresh
database, migrated once.

Background jobs are off in every app and server a test starts (RISE_RUN_JOBS=false), unless
the test turns them on: a worker started by one test would otherwise deliver another test's
mail through its own transport. They all seal answers with the suite's encryption key
(tests/keys.py, in RISE_ENCRYPTION_KEYS), unless the test gives keys of its own.

The tests of the Redis rate-limit windows use `RISE_TEST_REDIS_URL` (default
redis://127.0.0.1:6379/0) and are skipped when nothing answers there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from domain.bank import load_bank
from persistence import schema
from persistence.database import normalize_url
from persistence.embedded import EmbeddedPostgres
from persistence.question_bank import load_bank_into
from tests.database import PgServer
from tests.keys import TEST_KEYS

REPO = Path(__file__).resolve().parent.parent
os.environ["RISE_RUN_JOBS"] = "false"
os.environ["RISE_ENCRYPTION_KEYS"] = TEST_KEYS


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
    """One fresh database for the whole session, migrated to head and given the bank once."""
    url = pg_server.create_database()
    try:
        schema.upgrade(url)
        load_bank_into(url, load_bank().questions)
        yield url
    finally:
        pg_server.drop_database(url)


@pytest.fixture
def empty_database(pg_server: PgServer) -> Iterator[str]:
    """A database of its own with no tables, dropped after the test."""
    url = pg_server.create_database()
    try:
        yield url
    finally:
        pg_server.drop_database(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A running Redis; the test is skipped, saying where it looked, when there is none."""
    url = os.environ.get("RISE_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {url} ({exc}); set RISE_TEST_REDIS_URL to run this")
    finally:
        client.close()
    return url
