"""`rise db backup` and `rise db restore`: an encrypted round trip into an empty database,
and the refusals that leave the target as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from persistence.sealing import new_key_entry
from tests.database import PgServer, query
from tests.integration.cli import environment, rise

pytestmark = pytest.mark.slow

# Every table's rows, compared as text, in a stable order.
TABLES = """
SELECT schemaname || '.' || tablename AS name FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
"""


def _contents(url: str) -> dict[str, list[str]]:
    return {
        table.name: sorted(
            row.line for row in query(url, f"SELECT t::text AS line FROM {table.name} t")
        )
        for table in query(url, TABLES)
    }


def test_a_backup_restores_into_an_empty_database_as_it_was(
    tmp_path: Path, empty_database: str, pg_server: PgServer
) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database)
    loaded = rise("demo", env=env)
    assert loaded.code == 0, loaded.stderr
    before = _contents(empty_database)
    assert before["public.responses"]
    backup = tmp_path / "rise.backup"
    made = rise("db", "backup", "--output", str(backup), env=env)
    assert made.code == 0, made.stderr
    assert "encrypted with key 'test1'" in made.stderr
    content = backup.read_bytes()
    assert content.startswith(b"RISEBAK1")
    [client] = query(empty_database, "SELECT client_business_name FROM assessments LIMIT 1")
    assert client.client_business_name.encode() not in content  # plain in the database
    assert b"PGDMP" not in content  # nor the dump's own header

    target = pg_server.create_database()
    try:
        into = env | {"DATABASE_URL": target}
        restored = rise("db", "restore", "--input", str(backup), env=into)
        assert restored.code == 0, restored.stderr
        assert _contents(target) == before

        again = rise("db", "restore", "--input", str(backup), env=into)
        assert again.code == 1
        assert again.error_lines == [
            f"rise: error: the database holds {len(before)} table(s); restore into an empty"
            " database (a new one, or `rise db downgrade base` first)"
        ]
    finally:
        pg_server.drop_database(target)


def test_a_backup_that_does_not_open_restores_nothing(
    tmp_path: Path, empty_database: str, pg_server: PgServer
) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database)
    assert rise("db", "upgrade", env=env).code == 0
    backup = tmp_path / "rise.backup"
    assert rise("db", "backup", "--output", str(backup), env=env).code == 0
    damaged = tmp_path / "damaged.backup"
    content = bytearray(backup.read_bytes())
    content[len(content) // 2] ^= 1
    damaged.write_bytes(bytes(content))
    target = pg_server.create_database()
    try:
        into = env | {"DATABASE_URL": target}
        for given, keys, reason in [
            (damaged, None, "does not open: damaged, or key 'test1' is not the key"),
            (backup, new_key_entry("other"), "encrypted with key 'test1', which"),
            (backup, new_key_entry("test1"), "does not open: damaged, or key 'test1'"),
        ]:
            extra = {"RISE_ENCRYPTION_KEYS": keys} if keys else {}
            refused = rise("db", "restore", "--input", str(given), env=into | extra)
            assert refused.code == 1, refused.stderr
            assert reason in refused.stderr
            assert query(target, TABLES) == []  # all or nothing
    finally:
        pg_server.drop_database(target)
