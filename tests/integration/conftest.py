"""Integration fixtures: the service's connection pool on the session database and, per test,
an ORM session inside a transaction that is rolled back afterwards, so tests never see each
other's rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from persistence.connections import Database


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    """As the service makes it: autocommit connections, units of work say BEGIN."""
    async with Database(database_url, statement_timeout_ms=30_000) as opened:
        yield opened


@pytest.fixture(scope="session")
async def transactional_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Connections that begin a transaction implicitly, for the rolled-back test session."""
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(transactional_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one outer transaction that is rolled
    back at the end of the test."""
    async with transactional_engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()
