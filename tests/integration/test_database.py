"""The service's connections: their statement timeout, the server options a URL may carry,
autocommit, the scope's one connection for reads and transactions alike, and what a
transaction sends with its next message (BEGIN, later writes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb
from sqlalchemy.engine import make_url

from persistence.connections import Database
from persistence.statements import execute, execute_later, fetch, fetch_each, scalar


async def test_statement_timeout_is_added_to_options_from_the_url(database_url: str) -> None:
    url = make_url(database_url).update_query_dict({"options": "-c search_path=elsewhere"})
    given = url.render_as_string(hide_password=False)
    async with Database(given, statement_timeout_ms=1234) as database:
        scope = database.scope()
        async with scope.reading() as connection:
            assert await scalar(connection, "SHOW search_path") == "elsewhere"
            assert await scalar(connection, "SHOW statement_timeout") == "1234ms"
        await scope.close()


async def test_reads_autocommit_and_a_transaction_takes_the_scope_connection(
    database_url: str,
) -> None:
    async with Database(database_url, statement_timeout_ms=1500) as database:
        scope = database.scope()
        async with scope.reading() as connection:
            assert await scalar(connection, "SHOW statement_timeout") == "1500ms"
            assert connection.info.transaction_status.name == "IDLE"
            read_with = connection
        async with scope.transaction() as transaction:
            assert transaction.connection is read_with
            assert await scalar(transaction.connection, "SELECT txid_current_if_assigned() IS NULL")
            assert transaction.connection.info.transaction_status.name == "INTRANS"
        # rolled back, and back in the pool; a new read checks out a connection again
        assert read_with.info.transaction_status.name == "IDLE"
        async with scope.reading() as connection:
            assert await scalar(connection, "SELECT 1") == 1
        await scope.close()


async def test_a_transaction_sends_begin_with_its_first_statement(database_url: str) -> None:
    async with Database(database_url, statement_timeout_ms=1500) as database:
        scope = database.scope()
        async with scope.transaction() as transaction:
            connection = transaction.connection
            assert connection.info.transaction_status.name == "IDLE"  # nothing sent yet
            first = await scalar(connection, "SELECT txid_current()")
            assert connection.info.transaction_status.name == "INTRANS"
            assert await scalar(connection, "SELECT txid_current()") == first
        async with scope.transaction() as transaction:
            await transaction.commit()  # a transaction that ran nothing sends nothing
            assert transaction.connection.info.transaction_status.name == "IDLE"
        await scope.close()


@pytest.fixture
async def notes(database_url: str) -> AsyncIterator[Database]:
    """A pool over a database with a table `later_notes` of its own."""
    async with Database(database_url, statement_timeout_ms=5000) as database:
        scope = database.scope()
        async with scope.reading() as connection:
            await execute(connection, "DROP TABLE IF EXISTS later_notes")
            await execute(
                connection,
                "CREATE TABLE later_notes (id int PRIMARY KEY, body text, raw bytea,"
                " tags text[], doc jsonb, at timestamptz)",
            )
        await scope.close()
        yield database
        scope = database.scope()
        async with scope.reading() as connection:
            await execute(connection, "DROP TABLE later_notes")
        await scope.close()


_NOTE = (
    "INSERT INTO later_notes (id, body, raw, tags, doc, at)"
    " VALUES (%(id)s, %(body)s, %(raw)s, %(tags)s, %(doc)s, %(at)s)"
)
_TRICKY = {
    "body": "it's 100% done; \\n really\\ 'quoted' \"twice\" -- not a comment",
    "raw": bytes(range(256)),
    "tags": ["a,b", "c'd", "e;f", None, "g\\h"],
    "doc": Jsonb({"k": "v'; DROP TABLE later_notes; --", "n": [1, 2.5, None]}),
    "at": datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC),
}


async def _rows(database: Database) -> list[Any]:
    scope = database.scope()
    async with scope.reading() as connection:
        rows = await fetch(connection, "SELECT * FROM later_notes ORDER BY id")
    await scope.close()
    return rows


async def test_a_later_write_goes_with_the_next_statement_or_commit(notes: Database) -> None:
    scope = notes.scope()
    async with scope.transaction() as transaction:
        connection = transaction.connection
        await execute_later(connection, _NOTE, {"id": 1, **_TRICKY})
        assert await scalar(connection, "SELECT count(*) FROM later_notes") == 1  # seen next
        await execute_later(connection, _NOTE, {"id": 2, **_TRICKY})
        await transaction.commit()  # sent with COMMIT
    rows = await _rows(notes)
    assert [row.id for row in rows] == [1, 2]
    for row in rows:  # bound in the message, the values arrive exactly
        assert (row.body, row.raw, row.tags, row.at) == (
            _TRICKY["body"],
            _TRICKY["raw"],
            _TRICKY["tags"],
            _TRICKY["at"],
        )
        assert row.doc == _TRICKY["doc"].obj
    await scope.close()


async def test_a_later_write_is_lost_with_its_transaction(notes: Database) -> None:
    scope = notes.scope()

    async def fail_after_a_later_write() -> None:
        async with scope.transaction() as transaction:
            await scalar(transaction.connection, "SELECT 1")
            await execute_later(transaction.connection, _NOTE, {"id": 1, **_TRICKY})
            raise RuntimeError("the work failed before its commit")

    with pytest.raises(RuntimeError):
        await fail_after_a_later_write()
    async with scope.transaction() as transaction:
        await execute(transaction.connection, _NOTE, {"id": 2, **_TRICKY})
        # a later write that fails at COMMIT fails the commit: nothing of it lands
        await execute_later(transaction.connection, _NOTE, {"id": 2, **_TRICKY})
        with pytest.raises(psycopg.errors.UniqueViolation):
            await transaction.commit()
    assert await _rows(notes) == []
    async with scope.reading() as connection:  # the connection is usable again
        assert connection.info.transaction_status.name == "IDLE"
    await scope.close()


async def test_a_later_write_outside_a_transaction_runs_at_once(notes: Database) -> None:
    scope = notes.scope()
    async with scope.reading() as connection:
        await execute_later(connection, _NOTE, {"id": 7, **_TRICKY})
    await scope.close()
    assert [row.id for row in await _rows(notes)] == [7]


async def test_statements_sent_together_each_see_those_before(notes: Database) -> None:
    scope = notes.scope()
    async with scope.transaction() as transaction:
        connection = transaction.connection
        await execute_later(connection, _NOTE, {"id": 1, **_TRICKY})
        inserted, counted, nothing = await fetch_each(
            connection,
            (_NOTE + " RETURNING id", {"id": 2, **_TRICKY}),
            ("SELECT count(*) AS n FROM later_notes", None),
            ("UPDATE later_notes SET body = 'x' WHERE id = 99", None),
        )
        assert [row.id for row in inserted] == [2]
        assert [row.n for row in counted] == [2]  # the waiting write and the one before it
        assert nothing == []  # a statement without rows
        await transaction.commit()
    assert [row.id for row in await _rows(notes)] == [1, 2]
    await scope.close()


async def test_a_failing_statement_sent_together_fails_the_transaction(notes: Database) -> None:
    scope = notes.scope()

    async def insert_twice() -> None:
        async with scope.transaction() as transaction:
            await fetch_each(
                transaction.connection,
                (_NOTE, {"id": 3, **_TRICKY}),
                (_NOTE, {"id": 3, **_TRICKY}),
                ("SELECT 1 AS one", None),
            )
            await transaction.commit()

    with pytest.raises(psycopg.errors.UniqueViolation):
        await insert_twice()
    assert await _rows(notes) == []
    async with scope.reading() as connection:  # the connection is usable again
        assert await scalar(connection, "SELECT 1") == 1
        assert connection.info.transaction_status.name == "IDLE"
    await scope.close()
