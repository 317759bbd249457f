"""The service's connections: their statement timeout, the server options a URL may carry,
autocommit, and the scope's one connection for reads and transactions alike."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from persistence.connections import Database
from persistence.statements import scalar


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
