"""The plans PostgreSQL makes for every order of the assessment lists (EXPLAIN, as
bench/lists.py reads them on a large dataset): each order is read from its own index, in
order, for the administrator's list and for a consultant's, the first page and the pages
after a cursor alike; with filters on top, still never by reading the whole table.

The test tables are small, where reading everything costs little, so sequential scans are
priced out (`enable_seqscan = off`): what is left is the plan an index makes possible, and
a plan with no such index would still show its `Seq Scan` and fail. So are incremental sorts
(`enable_incremental_sort = off`): on tables this small the seed's `created_at` index with a
sort of its ties costs about what the keyset index does, and the planner picks either. (On a
large table it may too, at a tenth of a millisecond: the pages stay index-driven.)

The plans are made on a database of this module's own, whose tables no other test fills:
on the shared test database the statistics would depend on which tests committed rows
before, and with them the planner's choice between indexes that cost the same on a few rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from domain.model import AssessmentStatus, Phase
from persistence import listings, schema
from persistence.connections import Connection
from persistence.keysets import Statements
from persistence.listings import ORDERS, AssessmentFilter, AssessmentSort
from persistence.statements import DIALECT
from tests.database import PgServer, libpq_url

INDEX_OF = {
    AssessmentSort.CREATED_AT: ("keyset", "keyset"),
    AssessmentSort.UPDATED_AT: ("updated_keyset", "updated_keyset"),
    AssessmentSort.COMPLETED_AT: ("completed_desc_keyset", "completed_asc_keyset"),
    AssessmentSort.CLIENT_NAME: ("client_name_keyset", "client_name_keyset"),
    AssessmentSort.BUSINESS_NAME: ("business_name_keyset", "business_name_keyset"),
}
SAMPLE_KEYS: dict[AssessmentSort, Any] = {
    AssessmentSort.CREATED_AT: datetime(2026, 5, 1, tzinfo=UTC),
    AssessmentSort.UPDATED_AT: datetime(2026, 5, 1, tzinfo=UTC),
    AssessmentSort.COMPLETED_AT: None,
    AssessmentSort.CLIENT_NAME: "Grace Hopper",
    AssessmentSort.BUSINESS_NAME: "Hopper Bakery",
}


@pytest.fixture(scope="module")
def plans_database(pg_server: PgServer) -> Iterator[str]:
    url = pg_server.create_database()
    try:
        schema.upgrade(url)
        yield url
    finally:
        pg_server.drop_database(url)


@pytest.fixture
async def connection(plans_database: str) -> AsyncIterator[Connection]:
    """A connection to the module's database, in a transaction rolled back after the test."""
    async with await psycopg.AsyncConnection.connect(libpq_url(plans_database)) as opened:
        try:
            yield opened
        finally:
            await opened.rollback()


def _expected_index(sort: AssessmentSort, descending: bool, owner: bool) -> str:
    suffix = INDEX_OF[sort][0 if descending else 1]
    return f"idx_assessments_{'consultant_' if owner else ''}{suffix}"


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


async def _plan(connection: Connection, statement: Any, params: dict[str, Any]) -> dict[str, Any]:
    compiled = statement.compile(dialect=DIALECT)
    await connection.execute("SET LOCAL enable_seqscan = off")
    await connection.execute("SET LOCAL enable_incremental_sort = off")
    cursor = await connection.execute(
        "EXPLAIN (FORMAT JSON) " + compiled.string, compiled.construct_params(params)
    )
    [(document,)] = await cursor.fetchall()
    plan: dict[str, Any] = document[0]["Plan"]
    return plan


def _both_pages(
    statements: Statements, params: dict[str, Any], sort: AssessmentSort
) -> list[tuple[Any, dict[str, Any]]]:
    after = {"after_key": SAMPLE_KEYS[sort], "after_id": uuid4()}
    return [
        (statements.first, params | {"limit": 21}),
        (statements.after, params | {"limit": 21} | after),
    ]


ALL_ORDERS = sorted(ORDERS, key=lambda o: (o[0].value, o[1]))


@pytest.mark.parametrize("owner", [True, False], ids=["a consultant's", "everyone's"])
@pytest.mark.parametrize(("sort", "descending"), ALL_ORDERS, ids=lambda v: str(v))
async def test_every_order_reads_its_index_in_order(
    connection: Connection, sort: AssessmentSort, descending: bool, owner: bool
) -> None:
    listing = listings.assessments(
        AssessmentFilter(uuid4() if owner else None, sort=sort, descending=descending)
    )
    for statement, params in _both_pages(listing.statements, listing.params, sort):
        plan = await _plan(connection, statement, params)
        nodes = list(_nodes(plan))
        assert [n["Node Type"] for n in nodes[:2]] == ["Limit", "Index Scan"], plan
        scan = nodes[1]
        assert scan["Index Name"] == _expected_index(sort, descending, owner), plan
        assert "Index Cond" in scan if owner or statement is listing.statements.after else True
        assert not any(n["Node Type"] == "Sort" for n in nodes), plan


FILTERS: dict[str, dict[str, Any]] = {
    "status": {"status": AssessmentStatus.COMPLETED},
    "search": {"search": "bakery"},
    "phase": {"phase": Phase.BUILD},
    "created range": {
        "created_after": datetime(2026, 1, 1, tzinfo=UTC),
        "created_before": datetime(2026, 7, 1, tzinfo=UTC),
    },
    "archived only": {"archived": True},
    "archived or not": {"archived": None},
    "all of them": {
        "status": AssessmentStatus.COMPLETED,
        "search": "bakery",
        "phase": Phase.GROW,
        "created_after": datetime(2026, 1, 1, tzinfo=UTC),
        "archived": None,
    },
}


@pytest.mark.parametrize("owner", [True, False], ids=["a consultant's", "everyone's"])
@pytest.mark.parametrize("name", list(FILTERS))
async def test_filters_on_any_order_never_read_the_whole_table(
    connection: Connection, name: str, owner: bool
) -> None:
    for sort, descending in ALL_ORDERS:
        where = AssessmentFilter(
            uuid4() if owner else None, sort=sort, descending=descending, **FILTERS[name]
        )
        listing = listings.assessments(where)
        pages = _both_pages(listing.statements, listing.params, sort)
        for statement, params in [*pages, (listing.statements.count, listing.params)]:
            plan = await _plan(connection, statement, params)
            scans = [n for n in _nodes(plan) if n.get("Relation Name") == "assessments"]
            assert all(n["Node Type"] != "Seq Scan" for n in scans), (sort, descending, plan)


async def test_unfiltered_counts_read_the_tally(connection: Connection) -> None:
    """Without a search, a time range or a phase, a count sums `assessment_counts`."""
    for archived in (False, True, None):
        for owner in (uuid4(), None):
            where = AssessmentFilter(owner, status=AssessmentStatus.DRAFT, archived=archived)
            listing = listings.assessments(where)
            plan = await _plan(connection, listing.statements.count, listing.params)
            tables = {n.get("Relation Name") for n in _nodes(plan)} - {None}
            assert tables == {"assessment_counts"}, plan


async def test_the_check_notices_an_order_without_its_index(connection: Connection) -> None:
    """Without the indexes of an order (dropped inside the test's transaction), its pages
    are sorted after reading every row of the consultant's, and the first check above would
    fail."""
    for index in (
        "idx_assessments_consultant_completed_asc_keyset",
        "idx_assessments_completed_asc_keyset",
    ):
        await connection.execute(f"DROP INDEX {index}")
    where = AssessmentFilter(uuid4(), sort=AssessmentSort.COMPLETED_AT, descending=False)
    listing = listings.assessments(where)
    for statement, params in _both_pages(listing.statements, listing.params, where.sort):
        nodes = list(_nodes(await _plan(connection, statement, params)))
        assert "Sort" in [n["Node Type"] for n in nodes]
