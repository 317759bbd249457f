"""Where the database is: URL normalisation, the embedded fallback, the connection string,
and a connection of its own for the commands that work outside the service's pool."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from persistence.embedded import EmbeddedPostgres

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(".rise")
EMBEDDED_DATABASE = "rise"
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg"}


@contextlib.contextmanager
def one_connection(url: str) -> Iterator[Connection]:
    """A connection to `url` of its own, with no pool, closed when the block ends (migrations,
    the bank's load, key checks and rotation, backups)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not a PostgreSQL URL we can use."""


def normalize_url(raw: str) -> str:
    """Accepts ``postgresql://`` and ``postgres://`` (as Heroku and others hand them out)
    and returns the SQLAlchemy URL for the psycopg 3 driver."""
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        # Not echoed: an unparseable URL may still hold a password.
        raise DatabaseUrlError(
            "DATABASE_URL is not a valid URL (expected postgresql://user:password@host:port/db)"
        ) from None
    if url.drivername not in _POSTGRES_SCHEMES:
        raise DatabaseUrlError(
            f"DATABASE_URL must start with postgresql:// (got {url.drivername}://)"
        )
    if not url.database:
        raise DatabaseUrlError("DATABASE_URL must name a database, as in postgresql://host/rise")
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def describe(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.database} on {host}{port} as {parsed.username or 'the current user'}"


@dataclass(frozen=True)
class DatabaseLocation:
    url: str
    embedded: bool

    def describe(self) -> str:
        where = "embedded PostgreSQL" if self.embedded else "PostgreSQL"
        return f"{where}: {describe(self.url)}"


@contextlib.contextmanager
def provide_database(database_url: str | None, data_dir: Path) -> Iterator[DatabaseLocation]:
    """Yields where the database is for the duration of the block.

    With a URL, that server is used as it is. Without one, the embedded cluster under
    `data_dir` is started or joined, its `rise` database created if needed, and left (and
    stopped if we were its last user) when the block ends.
    """
    if database_url:
        yield DatabaseLocation(url=normalize_url(database_url), embedded=False)
        return
    with EmbeddedPostgres(data_dir) as cluster:
        if cluster.ensure_database(EMBEDDED_DATABASE):
            log.info("created database %s in the embedded cluster", EMBEDDED_DATABASE)
        yield DatabaseLocation(url=cluster.url(EMBEDDED_DATABASE), embedded=True)


def conninfo(url: str, statement_timeout_ms: int) -> tuple[str, str]:
    """The libpq connection string of a SQLAlchemy URL, and the server options every
    connection of the service gets: the statement timeout, added to any options the URL
    already carries (``?options=-csearch_path%3Dapp``)."""
    parsed = make_url(url)
    given = parsed.query.get("options")
    if isinstance(given, tuple):
        given = " ".join(given)
    timeout = f"-c statement_timeout={statement_timeout_ms}"
    options = f"{given} {timeout}" if given else timeout
    libpq = parsed.set(drivername="postgresql").difference_update_query(["options"])
    return libpq.render_as_string(hide_password=False), options


def database_name(url: str) -> str:
    return make_url(url).database or ""


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    parsed: URL = make_url(url).set(database=database)
    return parsed.render_as_string(hide_password=False)
