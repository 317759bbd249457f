"""Runs the alembic migrations in `migrations/` against a database URL.

The script directory is found beside this package (both are installed side by side), so the
runner works from a checkout and from an installed wheel alike.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from persistence.database import one_connection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Downgrades to `revision`; at base the bookkeeping table goes too, leaving no table."""
    command.downgrade(alembic_config(url), revision)
    if current_revision(url) is None:
        with one_connection(url) as connection, connection.begin():
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(""))
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an empty (never migrated) database."""
    with one_connection(url) as connection:
        return MigrationContext.configure(connection).get_current_revision()
