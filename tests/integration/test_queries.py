"""The API's reads: keyset pages with filters, and batch loads of one statement each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bank import load_bank
from domain.model import AssessmentStatus
from persistence import queries
from persistence.models import AssessmentRow, UserRow
from persistence.queries import AssessmentFilter, InvalidCursor, assessment_page
from tests import builders as b

BASE = datetime(2026, 1, 1, tzinfo=UTC)


async def _consultant_with(
    session: AsyncSession, count: int, **overrides: object
) -> tuple[UserRow, list[AssessmentRow]]:
    consultant = await b.add(session, b.user())
    rows = [
        await b.add(
            session, b.assessment(consultant, created_at=BASE + timedelta(minutes=n), **overrides)
        )
        for n in range(count)
    ]
    return consultant, rows


async def _all_pages(session: AsyncSession, where: AssessmentFilter, first: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = await assessment_page(session, where, first=first, after=after)
        pages.append([a.client_business_name for a in page.items])
        if not page.has_next:
            return pages
        after = queries.encode_cursor(page.items[-1].created_at, page.items[-1].id)


async def test_pages_are_newest_first_without_gaps_or_overlaps(session: AsyncSession) -> None:
    consultant, rows = await _consultant_with(session, 7)
    names = [r.client_business_name for r in reversed(rows)]
    pages = await _all_pages(session, AssessmentFilter(consultant.id), first=3)
    assert pages == [names[0:3], names[3:6], names[6:7]]
    page = await assessment_page(session, AssessmentFilter(consultant.id), first=3)
    assert page.total == 7


async def test_a_page_does_not_shift_when_newer_rows_arrive(session: AsyncSession) -> None:
    consultant, rows = await _consultant_with(session, 5)
    first = await assessment_page(session, AssessmentFilter(consultant.id), first=2)
    cursor = queries.encode_cursor(first.items[-1].created_at, first.items[-1].id)
    await b.add(session, b.assessment(consultant, created_at=BASE + timedelta(days=1)))
    second = await assessment_page(session, AssessmentFilter(consultant.id), first=2, after=cursor)
    assert [a.id for a in second.items] == [rows[2].id, rows[1].id]


async def test_rows_created_in_the_same_instant_are_ordered_by_id(session: AsyncSession) -> None:
    consultant = await b.add(session, b.user())
    same = [await b.add(session, b.assessment(consultant, created_at=BASE)) for _ in range(4)]
    pages = await _all_pages(session, AssessmentFilter(consultant.id), first=1)
    expected = [r.client_business_name for r in sorted(same, key=lambda r: r.id, reverse=True)]
    assert [p[0] for p in pages] == expected


async def test_filters_by_owner_status_and_search(session: AsyncSession) -> None:
    ann = await b.add(session, b.user())
    bob = await b.add(session, b.user())
    await b.add(session, b.assessment(ann, client_name="Zoe Quill", status="completed"))
    await b.add(session, b.assessment(ann, client_business_name="100% Organic_Farm"))
    await b.add(session, b.assessment(ann, client_email="ledger@quillworks.example"))
    await b.add(session, b.assessment(ann, client_name="Deleted Quill", deleted_at=BASE))
    await b.add(session, b.assessment(bob, client_business_name="ArcXfield Organic"))
    await b.add(session, b.assessment(bob, client_name="Bob's Quill"))

    async def names(where: AssessmentFilter) -> int:
        return (await assessment_page(session, where, first=100)).total

    assert await names(AssessmentFilter(ann.id)) == 3  # the deleted one never shows
    assert await names(AssessmentFilter(ann.id, search="QUILL")) == 2  # name and email
    assert await names(AssessmentFilter(ann.id, status=AssessmentStatus.COMPLETED)) == 1
    assert await names(AssessmentFilter(ann.id, search="100%")) == 1
    assert await names(AssessmentFilter(ann.id, search="0%")) == 1
    # "_" and "%" are literal: "c_f" finds Organic_Farm, not ArcXfield.
    assert await names(AssessmentFilter(None, search="c_f")) >= 1
    assert await names(AssessmentFilter(bob.id, search="c_f")) == 0
    assert await names(AssessmentFilter(ann.id, search="   ")) == 3
    admin_view = await names(AssessmentFilter(None, search="quill"))
    assert admin_view >= 3  # both consultants' (and any other test's)


@pytest.mark.parametrize("cursor", ["garbage", "", "WyJub3QtYS1kYXRlIiwgIngiXQ"])
async def test_a_cursor_we_did_not_issue_is_refused(session: AsyncSession, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        await assessment_page(session, AssessmentFilter(None), first=1, after=cursor)


@contextmanager
def counting(session: AsyncSession) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.bind.engine.sync_engine  # type: ignore[union-attr]

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("count", [5, 50])
async def test_each_batch_load_is_one_statement_whatever_the_count(
    session: AsyncSession, count: int
) -> None:
    questions = load_bank().questions
    consultant, rows = await _consultant_with(session, count)
    ids = [r.id for r in rows]
    loads = [
        queries.assessments_by_id(session, ids),
        queries.users_by_id(session, [consultant.id]),
        queries.responses_by_assessment(session, ids, questions),
        queries.phase_results_by_assessment(session, ids),
        queries.disc_profiles_by_assessment(session, ids),
        queries.checklist_by_assessment(session, ids),
        queries.reports_by_assessment(session, ids),
    ]
    for load in loads:
        with counting(session) as statements:
            await load
        assert len(statements) == 1, statements
    assert len(await queries.assessments_by_id(session, ids)) == count
