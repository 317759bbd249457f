"""The API's reads: keyset pages with filters and their counts, and batch loads of one
statement each."""

from __future__ import annotations

import base64
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.assessments import Assessment
from domain.bank import load_bank
from domain.model import AssessmentStatus
from persistence import listings, queries
from persistence.answer_rows import AnswerRows
from persistence.connections import Connection
from persistence.keysets import InvalidCursor, Page
from persistence.listings import AssessmentFilter
from persistence.models import AssessmentRow, UserRow
from tests import builders as b
from tests.keys import suite_keyring
from tests.statements import Wire

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


async def driver(session: AsyncSession) -> Connection:
    """The test session's psycopg connection, inside its rolled-back transaction."""
    raw = await (await session.connection()).get_raw_connection()
    connection: Connection = raw.driver_connection
    return connection


async def assessment_page(
    session: AsyncSession, where: AssessmentFilter, *, first: int, after: str | None = None
) -> Page[Assessment]:
    connection = await driver(session)
    return await listings.assessments(where).page(connection, first=first, after=after)


async def assessment_count(session: AsyncSession, where: AssessmentFilter) -> int:
    return await listings.assessments(where).count(await driver(session))


async def _all_pages(session: AsyncSession, where: AssessmentFilter, first: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = await assessment_page(session, where, first=first, after=after)
        pages.append([a.client_business_name for a in page.items])
        if not page.has_next:
            return pages
        after = page.cursors[-1]


async def test_pages_are_newest_first_without_gaps_or_overlaps(session: AsyncSession) -> None:
    consultant, rows = await _consultant_with(session, 7)
    names = [r.client_business_name for r in reversed(rows)]
    pages = await _all_pages(session, AssessmentFilter(consultant.id), first=3)
    assert pages == [names[0:3], names[3:6], names[6:7]]
    assert await assessment_count(session, AssessmentFilter(consultant.id)) == 7


async def test_a_page_does_not_shift_when_newer_rows_arrive(session: AsyncSession) -> None:
    consultant, rows = await _consultant_with(session, 5)
    first = await assessment_page(session, AssessmentFilter(consultant.id), first=2)
    cursor = first.cursors[-1]
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
        counted = await assessment_count(session, where)
        assert counted == len((await assessment_page(session, where, first=100)).items)
        return counted

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


DEEP = base64.urlsafe_b64encode(b"[" * 50_000).decode()


@pytest.mark.parametrize("cursor", ["garbage", "", "WyJub3QtYS1kYXRlIiwgIngiXQ", DEEP, "\u00e9"])
async def test_a_cursor_we_did_not_issue_is_refused(session: AsyncSession, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        await assessment_page(session, AssessmentFilter(None), first=1, after=cursor)


@pytest.mark.parametrize("count", [5, 50])
async def test_each_batch_load_is_one_statement_whatever_the_count(
    session: AsyncSession, count: int
) -> None:
    bank = load_bank()
    consultant, rows = await _consultant_with(session, count)
    ids = [r.id for r in rows]
    connection = await driver(session)
    loads = [
        queries.assessments_by_id(connection, ids),
        queries.users_by_id(connection, [consultant.id]),
        queries.responses_by_assessment(connection, ids, AnswerRows(bank, suite_keyring())),
        queries.phase_results_by_assessment(connection, ids),
        queries.disc_profiles_by_assessment(connection, ids),
        queries.checklist_by_assessment(connection, ids),
        queries.reports_by_assessment(connection, ids),
    ]
    wire = Wire()
    wire.trace(connection)
    try:
        for load in loads:
            async with wire.counting() as sent:
                await load
            assert len(sent()) == 1, sent()
    finally:
        connection.pgconn.untrace()
        wire.close()
    assert len(await queries.assessments_by_id(connection, ids)) == count


async def test_the_tally_stays_exact_through_every_change(session: AsyncSession) -> None:
    """Counts without a search come from assessment_counts, which triggers keep: it agrees
    with counting the rows after inserts, status changes, soft deletes and restores,
    archiving and unarchiving, moves to another consultant and deletes for good."""
    ann = await b.add(session, b.user())
    bob = await b.add(session, b.user())
    rows = [
        await b.add(session, b.assessment(ann, status=status))
        for status in ("draft", "draft", "in_progress", "completed")
    ]
    connection = await session.connection()

    async def agree() -> None:
        archived_at = AssessmentRow.archived_at
        for owner, status, archived in itertools.product(
            (ann.id, bob.id, None), (None, *AssessmentStatus), (False, True, None)
        ):
            where = AssessmentFilter(owner, status=status, archived=archived)
            rows_counted = await connection.scalar(
                select(func.count())
                .select_from(AssessmentRow)
                .where(
                    AssessmentRow.deleted_at.is_(None),
                    True if owner is None else AssessmentRow.consultant_id == owner,
                    True if status is None else AssessmentRow.status == status.value,
                    True
                    if archived is None
                    else archived_at.is_not(None)
                    if archived
                    else archived_at.is_(None),
                )
            )
            counted = await assessment_count(session, where)
            assert counted == rows_counted, (owner, status, archived)

    await agree()
    changes = [
        ("UPDATE assessments SET status = 'in_progress' WHERE id = :id", rows[0].id),
        ("UPDATE assessments SET progress_percentage = 50 WHERE id = :id", rows[0].id),
        ("UPDATE assessments SET deleted_at = now() WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET deleted_at = now() WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET status = 'completed' WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET deleted_at = NULL WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET archived_at = now() WHERE id = :id", rows[3].id),
        (
            "UPDATE assessments SET archived_at = now() + interval '1 day' WHERE id = :id",
            rows[3].id,
        ),
        ("UPDATE assessments SET archived_at = now() WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET deleted_at = now() WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET status = 'in_progress' WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET deleted_at = NULL WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET archived_at = NULL WHERE id = :id", rows[1].id),
        ("UPDATE assessments SET consultant_id = :bob WHERE id = :id", rows[2].id),
        ("UPDATE assessments SET consultant_id = :bob WHERE id = :id", rows[3].id),
        ("DELETE FROM assessments WHERE id = :id", rows[3].id),
    ]
    for statement, row_id in changes:
        await connection.execute(text(statement), {"id": row_id, "bob": bob.id})
        await agree()
    assert await assessment_count(session, AssessmentFilter(bob.id)) == 1
    assert await assessment_count(session, AssessmentFilter(ann.id, archived=None)) == 2
