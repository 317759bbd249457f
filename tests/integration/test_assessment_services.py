"""The assessment use cases over the real unit of work and PostgreSQL: ownership, autosave
with per-item errors, the draft-to-completed life cycle, scoring stored in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.assessments import Assessment
from domain.bank import load_bank
from domain.errors import AlreadyCompleted, Incomplete, NotFound, ValidationError
from domain.model import Answer, AssessmentStatus, Role, User
from domain.services import assessments as service
from persistence.answer_rows import NOTES
from persistence.connections import Database
from persistence.sealing import place
from persistence.unit_of_work import SqlUnitOfWork
from tests.builders import unique_email
from tests.database import execute, query
from tests.keys import suite_keyring
from tests.unit.test_client_stories import STORIES

BANK = load_bank()
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass
class World:
    database: Database
    url: str
    ann: User  # a consultant
    bob: User  # another consultant
    admin: User

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database.scope(), suite_keyring(), BANK)

    async def new_assessment(self, owner: User | None = None) -> Assessment:
        return await service.create_assessment(
            uow=self.uow(),
            actor=owner or self.ann,
            client_name="Grace Hopper",
            client_business_name="Hopper Bakery",
            client_email=unique_email(),
            confidence_before=4,
        )

    async def save(self, assessment: Assessment, *answers: Answer, actor: User | None = None):  # type: ignore[no-untyped-def]
        return await service.save_responses(
            uow=self.uow(),
            clock=FixedClock(),
            bank=BANK,
            actor=actor or self.ann,
            assessment_id=assessment.id,
            answers=list(answers),
        )

    async def complete(self, assessment: Assessment, actor: User | None = None) -> Assessment:
        return await service.complete_assessment(
            uow=self.uow(), clock=FixedClock(), bank=BANK, actor=actor or self.ann,
            assessment_id=assessment.id,
        )  # fmt: skip


def _user(url: str, role: Role) -> User:
    [(user_id, created)] = execute(
        url,
        "INSERT INTO users (email, password_hash, role, first_name, last_name) "
        "VALUES (:e, 'x', :r, 'Test', 'User') RETURNING id, created_at",
        e=unique_email(),
        r=role.value,
    )
    return User(user_id, "t@example.com", role, "Test", "User", True, created)


@pytest.fixture
def world(database: Database, database_url: str) -> World:
    return World(
        database,
        database_url,
        _user(database_url, Role.CONSULTANT),
        _user(database_url, Role.CONSULTANT),
        _user(database_url, Role.ADMIN),
    )


async def test_create_stores_the_assessment_and_its_activity(world: World) -> None:
    assessment = await world.new_assessment()
    assert assessment.status is AssessmentStatus.DRAFT
    assert assessment.progress == Decimal("0.00")
    rows = query(
        world.url,
        "SELECT event_type, user_id FROM activity_logs WHERE metadata->>'assessment_id' = :a",
        a=str(assessment.id),
    )
    assert [(r.event_type, r.user_id) for r in rows] == [("assessment.created", world.ann.id)]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("client_name", "  ", "must not be blank"),
        ("client_business_name", "b" * 201, "at most 200"),
        ("client_email", "grace@", "not an email address"),
        ("confidence_before", 11, "from 1 to 10"),
    ],
)
async def test_create_refuses_bad_fields_and_saves_nothing(
    world: World, field: str, value: object, reason: str
) -> None:
    fields: dict[str, object] = {
        "client_name": "Grace",
        "client_business_name": f"Bakery {uuid4()}",
        "client_email": unique_email(),
        "confidence_before": 5,
    } | {field: value}
    with pytest.raises(ValidationError, match=reason) as raised:
        await service.create_assessment(uow=world.uow(), actor=world.ann, **fields)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert query(
        world.url, "SELECT count(*) FROM assessments WHERE consultant_id = :c", c=world.ann.id
    ) == [(0,)]


async def test_another_consultant_sees_nothing_and_changes_nothing(world: World) -> None:
    assessment = await world.new_assessment(world.ann)
    uow, clock = world.uow(), FixedClock()
    attempts = [
        service.update_assessment(
            uow=uow, actor=world.bob, assessment_id=assessment.id, client_name="X"
        ),
        service.archive_assessment(
            uow=uow, clock=clock, actor=world.bob, assessment_id=assessment.id
        ),
        service.delete_assessment(
            uow=uow, clock=clock, actor=world.bob, assessment_id=assessment.id
        ),
        world.save(assessment, Answer("STAB-001", value="current"), actor=world.bob),
        world.complete(assessment, actor=world.bob),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match="no such assessment"):
            await attempt
    [row] = query(
        world.url,
        "SELECT client_name, status, archived_at, deleted_at FROM assessments WHERE id = :a",
        a=assessment.id,
    )
    assert tuple(row) == ("Grace Hopper", "draft", None, None)
    # An admin reaches it.
    updated = await service.update_assessment(
        uow=world.uow(), actor=world.admin, assessment_id=assessment.id, confidence_after=9
    )
    assert updated.confidence_after == 9


async def test_a_deleted_assessment_looks_missing(world: World) -> None:
    assessment = await world.new_assessment()
    await service.delete_assessment(
        uow=world.uow(), clock=FixedClock(), actor=world.ann, assessment_id=assessment.id
    )
    with pytest.raises(NotFound):
        await world.save(assessment, Answer("STAB-001", value="current"))


async def test_autosave_saves_valid_items_and_reports_the_rest_by_index(world: World) -> None:
    assessment = await world.new_assessment()
    outcome = await world.save(
        assessment,
        Answer("META-005", value="s_corp"),
        Answer("STAB-001", value="no_such_option"),
        Answer("NOPE-999", value="x"),
        Answer("ORG-007", value="no"),  # the payroll follow-up: visible now that S-Corp is chosen
        Answer("STAB-001", value="current", notes="caught up last week"),
        Answer("META-005", value="llc"),  # twice in one batch
    )
    assert [(e.index, e.field) for e in outcome.errors] == [
        (1, "value"),
        (2, "question_id"),
        (5, "question_id"),
    ]
    assert [s.answer.question_key for s in outcome.saved] == ["META-005", "ORG-007", "STAB-001"]
    saved = outcome.assessment
    assert saved.status is AssessmentStatus.IN_PROGRESS
    assert saved.started_at == NOW
    assert saved.entity_type == "S-Corporation (S-Corp)"
    assert saved.is_s_corp_on_payroll is False
    visible = len(BANK.questions)  # S-Corp: the follow-up is visible, nothing is hidden
    assert saved.progress == (Decimal(300) / visible).quantize(Decimal("0.01"))

    # Changing the entity type hides the follow-up: progress and the payroll column follow.
    later = await world.save(assessment, Answer("META-005", value="llc"))
    assert later.assessment.is_s_corp_on_payroll is None
    assert later.assessment.progress == (Decimal(200) / (visible - 1)).quantize(Decimal("0.01"))
    assert later.assessment.started_at == NOW  # set once


async def test_completion_needs_every_visible_required_answer(world: World) -> None:
    assessment = await world.new_assessment()
    await world.save(assessment, Answer("STAB-001", value="current"))
    with pytest.raises(Incomplete) as raised:
        await world.complete(assessment)
    assert "STAB-002" in raised.value.missing_keys
    assert "ORG-007" not in raised.value.missing_keys  # hidden: no S-Corp chosen
    assert query(
        world.url, "SELECT count(*) FROM phase_results WHERE assessment_id = :a", a=assessment.id
    ) == [(0,)]


async def test_completing_scores_and_stores_everything_in_one_go(world: World) -> None:
    story, phase, style = STORIES["manufacturer building systems who values stability"]
    assessment = await world.new_assessment()
    sheet = story.sheet()
    keys = list(sheet)
    await world.save(assessment, *(sheet[k] for k in keys[:20]))
    await world.save(assessment, *(sheet[k] for k in keys[20:]))
    done = await world.complete(assessment)
    assert done.status is AssessmentStatus.COMPLETED
    assert done.completed_at == NOW
    assert done.progress == Decimal("100.00")
    [result] = query(
        world.url,
        "SELECT primary_phase, flags FROM phase_results WHERE assessment_id = :a",
        a=assessment.id,
    )
    assert result.primary_phase == phase.value
    [profile] = query(
        world.url,
        "SELECT primary_type FROM disc_profiles WHERE assessment_id = :a",
        a=assessment.id,
    )
    assert profile.primary_type == style.value
    items = query(
        world.url,
        "SELECT priority, phase_category FROM checklist_items "
        "WHERE assessment_id = :a ORDER BY item_order",
        a=assessment.id,
    )
    assert items
    assert (items[0].priority, items[0].phase_category) == ("high", phase.value)

    with pytest.raises(AlreadyCompleted):
        await world.complete(assessment)
    # the answers are fixed; only the notes of a stored answer still change
    stored = sheet["STAB-001"]
    other = next(o.value for o in BANK.question("STAB-001").options if o.value != stored.value)
    refused = await world.save(assessment, Answer("STAB-001", value=other, notes="Later"))
    assert refused.saved == []
    assert [(e.index, e.field, e.kind) for e in refused.errors] == [(0, "value", AlreadyCompleted)]
    noted = await world.save(assessment, replace(stored, notes="Later"))
    assert noted.errors == []
    assert noted.assessment.status is AssessmentStatus.COMPLETED
    [note] = query(
        world.url,
        "SELECT r.question_id, r.consultant_notes FROM responses r"
        " JOIN questions q ON q.id = r.question_id"
        " WHERE r.assessment_id = :a AND q.key = 'STAB-001'",
        a=assessment.id,
    )
    where = place(NOTES, assessment.id, note.question_id)
    assert suite_keyring().open(note.consultant_notes, where) == "Later"
