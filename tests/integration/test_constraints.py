"""The database itself refuses bad rows (database-design.md "Constraints"), whatever code
writes them: CHECK families, UNIQUE pairs, and the cascade rules of user deletion."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import (
    ActivityLogRow,
    AssessmentRow,
    Base,
    ChecklistItemRow,
    ConsultantSettingsRow,
    DiscProfileRow,
    PhaseResultRow,
    QuestionRow,
    ReportRow,
    ResponseRow,
    SchedulerLinkRow,
    SessionRow,
    UserRow,
)
from tests import builders as b


class World:
    """A consultant with one assessment and one question, for rows that need parents."""

    def __init__(self, consultant: UserRow, assessment: AssessmentRow, question: QuestionRow):
        self.consultant = consultant
        self.assessment = assessment
        self.question = question


@pytest.fixture
async def world(session: AsyncSession) -> World:
    consultant = await b.add(session, b.user())
    assessment = await b.add(session, b.assessment(consultant))
    question = await b.add(session, b.question())
    return World(consultant, assessment, question)


Build = Callable[[World, dict[str, Any]], Base]

BUILDERS: dict[str, Build] = {
    "users": lambda w, o: b.user(**o),
    "assessments": lambda w, o: b.assessment(w.consultant, **o),
    "questions": lambda w, o: b.question(**o),
    "disc_profiles": lambda w, o: b.disc_profile(w.assessment, **o),
    "phase_results": lambda w, o: b.phase_result(w.assessment, **o),
    "reports": lambda w, o: b.report(w.assessment, w.consultant, **o),
    "activity_logs": lambda w, o: b.activity(w.consultant, **o),
    "checklist_items": lambda w, o: b.checklist_item(w.assessment, w.consultant, **o),
    "sessions": lambda w, o: b.refresh_session(w.consultant, **o),
}

PHASES = ["stabilize", "organize", "build", "grow", "systemic"]
DISC_SCORES = ["dominance_score", "influence_score", "steadiness_score", "compliance_score"]

# (table, bad values, the constraint that must refuse them)
REJECTED: list[tuple[str, dict[str, Any], str]] = [
    ("users", {"role": "owner"}, "ck_users_role"),
    ("assessments", {"status": "archived"}, "ck_assessments_status"),
    ("assessments", {"confidence_before": 0}, "ck_assessments_confidence_before_range"),
    ("assessments", {"confidence_before": 11}, "ck_assessments_confidence_before_range"),
    ("assessments", {"confidence_after": 0}, "ck_assessments_confidence_after_range"),
    ("assessments", {"confidence_after": 11}, "ck_assessments_confidence_after_range"),
    (
        "assessments",
        {"progress_percentage": Decimal("-0.01")},
        "ck_assessments_progress_percentage_range",
    ),
    (
        "assessments",
        {"progress_percentage": Decimal("100.01")},
        "ck_assessments_progress_percentage_range",
    ),
    ("questions", {"question_type": "essay"}, "ck_questions_question_type"),
    ("questions", {"section": "finance"}, "ck_questions_section"),
    ("questions", {"mirror": "client_email"}, "ck_questions_mirror"),
    *[
        ("disc_profiles", {score: Decimal(bad)}, f"ck_disc_profiles_{score}_range")
        for score in DISC_SCORES
        for bad in ("-0.01", "100.01")
    ],
    ("disc_profiles", {"primary_type": "X"}, "ck_disc_profiles_primary_type"),
    ("disc_profiles", {"primary_type": "d"}, "ck_disc_profiles_primary_type"),
    ("disc_profiles", {"secondary_type": "Z"}, "ck_disc_profiles_secondary_type"),
    *[
        ("phase_results", {f"{phase}_score": Decimal(bad)}, f"ck_phase_results_{phase}_score_range")
        for phase in PHASES
        for bad in ("-0.01", "100.01")
    ],
    ("phase_results", {"primary_phase": "thrive"}, "ck_phase_results_primary_phase"),
    ("phase_results", {"primary_phase": "metadata"}, "ck_phase_results_primary_phase"),
    ("reports", {"report_type": "summary"}, "ck_reports_report_type"),
    ("activity_logs", {"event_category": "billing"}, "ck_activity_logs_event_category"),
    ("activity_logs", {"severity": "fatal"}, "ck_activity_logs_severity"),
    ("checklist_items", {"priority": "urgent"}, "ck_checklist_items_priority"),
    ("checklist_items", {"phase_category": "launch"}, "ck_checklist_items_phase_category"),
    ("checklist_items", {"completed_by": "robot"}, "ck_checklist_items_completed_by"),
    ("sessions", {"revoked_reason": "bored"}, "ck_sessions_revoked_reason"),
    ("sessions", {"revoked_reason": "logout"}, "ck_sessions_revoked_reason_with_time"),
]

# The edges of the same ranges and every allowed enumeration value are accepted.
ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    *[("users", {"role": role}) for role in ("consultant", "admin")],
    *[("assessments", {"status": s}) for s in ("draft", "in_progress", "completed")],
    ("assessments", {"confidence_before": 1, "confidence_after": 10}),
    ("assessments", {"confidence_before": 10, "confidence_after": 1}),
    ("assessments", {"progress_percentage": Decimal("0")}),
    ("assessments", {"progress_percentage": Decimal("100")}),
    *[
        ("questions", {"question_type": t})
        for t in ("single_choice", "multiple_choice", "rating", "text")
    ],
    *[("questions", {"section": s}) for s in [*PHASES, "disc", "metadata"]],
    *[("questions", {"mirror": m}) for m in ("entity_type", "s_corp_on_payroll")],
    ("disc_profiles", dict.fromkeys(DISC_SCORES, Decimal("0"))),
    ("disc_profiles", dict.fromkeys(DISC_SCORES, Decimal("100"))),
    *[("disc_profiles", {"primary_type": t, "secondary_type": t}) for t in "DISC"],
    ("phase_results", {f"{p}_score": Decimal("0") for p in PHASES}),
    ("phase_results", {f"{p}_score": Decimal("100") for p in PHASES}),
    *[("phase_results", {"primary_phase": p}) for p in PHASES],
    *[("reports", {"report_type": t}) for t in ("consultant", "client")],
    *[
        ("activity_logs", {"event_category": c})
        for c in ("auth", "assessment", "report", "admin", "system")
    ],
    *[("activity_logs", {"severity": s}) for s in ("info", "warning", "error", "critical")],
    *[("checklist_items", {"priority": p}) for p in ("low", "medium", "high")],
    *[("checklist_items", {"phase_category": p}) for p in PHASES],
    *[("checklist_items", {"completed_by": c}) for c in ("consultant", "client")],
]


def _fresh_world_needed(table: str) -> bool:
    # One profile and one result per assessment: each accepted row needs its own assessment.
    return table in {"disc_profiles", "phase_results"}


async def _violated_constraint(session: AsyncSession, row: Base) -> str | None:
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        return str(exc.orig.diag.constraint_name)  # type: ignore[union-attr]
    return None


@pytest.mark.parametrize(
    ("table", "values", "constraint"),
    REJECTED,
    ids=[f"{t}-{'-'.join(f'{k}={v}' for k, v in vals.items())}" for t, vals, _ in REJECTED],
)
async def test_check_constraint_rejects_bad_value(
    session: AsyncSession, world: World, table: str, values: dict[str, Any], constraint: str
) -> None:
    assert await _violated_constraint(session, BUILDERS[table](world, values)) == constraint


@pytest.mark.parametrize(
    ("table", "values"),
    ACCEPTED,
    ids=[f"{t}-{'-'.join(f'{k}={v}' for k, v in vals.items())}" for t, vals in ACCEPTED],
)
async def test_check_constraint_accepts_allowed_value(
    session: AsyncSession, world: World, table: str, values: dict[str, Any]
) -> None:
    if _fresh_world_needed(table):
        world.assessment = await b.add(session, b.assessment(world.consultant))
    assert await _violated_constraint(session, BUILDERS[table](world, values)) is None


async def test_email_is_unique(session: AsyncSession) -> None:
    first = await b.add(session, b.user())
    assert await _violated_constraint(session, b.user(email=first.email)) == "uq_users_email"


async def test_one_response_per_question_and_assessment(
    session: AsyncSession, world: World
) -> None:
    await b.add(session, b.response(world.assessment, world.question))
    duplicate = b.response(world.assessment, world.question, answer_value="other")
    assert (
        await _violated_constraint(session, duplicate) == "uq_responses_assessment_id_question_id"
    )
    other_assessment = await b.add(session, b.assessment(world.consultant))
    same_question_elsewhere = b.response(other_assessment, world.question)
    assert await _violated_constraint(session, same_question_elsewhere) is None


@pytest.mark.parametrize(
    ("make", "constraint"),
    [
        (lambda w: b.disc_profile(w.assessment), "uq_disc_profiles_assessment_id"),
        (lambda w: b.phase_result(w.assessment), "uq_phase_results_assessment_id"),
        (lambda w: b.consultant_settings(w.consultant), "uq_consultant_settings_consultant_id"),
    ],
    ids=["disc_profile", "phase_result", "consultant_settings"],
)
async def test_one_per_parent(
    session: AsyncSession, world: World, make: Callable[[World], Base], constraint: str
) -> None:
    await b.add(session, make(world))
    assert await _violated_constraint(session, make(world)) == constraint


async def test_question_keys_are_unique(session: AsyncSession) -> None:
    first = await b.add(session, b.question())
    assert await _violated_constraint(session, b.question(key=first.key)) == "uq_questions_key"


async def test_share_tokens_and_refresh_tokens_are_unique(
    session: AsyncSession, world: World
) -> None:
    await b.add(session, b.report(world.assessment, world.consultant, share_token="t" * 64))
    again = b.report(world.assessment, world.consultant, share_token="t" * 64)
    assert await _violated_constraint(session, again) == "uq_reports_share_token"
    await b.add(session, b.refresh_session(world.consultant, token_hash="h" * 64))
    reused = b.refresh_session(world.consultant, token_hash="h" * 64)
    assert await _violated_constraint(session, reused) == "uq_sessions_token_hash"


async def _delete_user_and_check_now(session: AsyncSession, user: UserRow) -> None:
    async with session.begin_nested():
        await session.execute(delete(UserRow).where(UserRow.id == user.id))
        # Run the checks that would otherwise wait for the commit (deferred author references).
        await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


async def _count(session: AsyncSession, model: type[Base], **where: Any) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    return int(await session.scalar(query) or 0)


async def test_deleting_a_user_cascades_but_keeps_the_audit_trail(session: AsyncSession) -> None:
    consultant = await b.add(session, b.user())
    other = await b.add(session, b.user())
    question = await b.add(session, b.question())
    assessment = await b.add(session, b.assessment(consultant))
    kept = await b.add(session, b.assessment(other))
    await b.add(session, b.response(assessment, question))
    await b.add(session, b.response(kept, question))
    await b.add(session, b.disc_profile(assessment))
    await b.add(session, b.phase_result(assessment))
    await b.add(session, b.report(assessment, consultant))
    await b.add(session, b.checklist_item(assessment, consultant))
    await b.add(session, b.consultant_settings(consultant))
    await b.add(session, b.scheduler_link(consultant))
    await b.add(session, b.refresh_session(consultant))
    log = await b.add(session, b.activity(consultant))

    await _delete_user_and_check_now(session, consultant)
    session.expunge_all()

    assert await _count(session, AssessmentRow, consultant_id=consultant.id) == 0
    for model in (ResponseRow, DiscProfileRow, PhaseResultRow, ReportRow, ChecklistItemRow):
        assert await _count(session, model, assessment_id=assessment.id) == 0, model
    for model in (ConsultantSettingsRow, SchedulerLinkRow):
        assert await _count(session, model, consultant_id=consultant.id) == 0, model
    assert await _count(session, SessionRow, user_id=consultant.id) == 0
    audit = await session.get(ActivityLogRow, log.id)
    assert audit is not None
    assert audit.user_id is None
    # Nothing of anyone else's goes with it, and the question bank stays.
    assert await _count(session, AssessmentRow, id=kept.id) == 1
    assert await _count(session, ResponseRow, assessment_id=kept.id) == 1
    assert await _count(session, QuestionRow, id=question.id) == 1


async def test_deleting_an_assessment_removes_everything_under_it(
    session: AsyncSession, world: World
) -> None:
    await b.add(session, b.response(world.assessment, world.question))
    await b.add(session, b.disc_profile(world.assessment))
    await b.add(session, b.phase_result(world.assessment))
    await b.add(session, b.report(world.assessment, world.consultant))
    await b.add(session, b.checklist_item(world.assessment, world.consultant))

    await session.execute(delete(AssessmentRow).where(AssessmentRow.id == world.assessment.id))
    session.expunge_all()

    for model in (ResponseRow, DiscProfileRow, PhaseResultRow, ReportRow, ChecklistItemRow):
        assert await _count(session, model, assessment_id=world.assessment.id) == 0, model
    assert await _count(session, UserRow, id=world.consultant.id) == 1


async def test_a_user_who_generated_reports_elsewhere_cannot_be_deleted(
    session: AsyncSession, world: World
) -> None:
    """reports.generated_by and checklist_items.created_by have no cascade rule (design): an
    admin who wrote rows under someone else's assessment stays until those rows go."""
    for make, constraint in [
        (b.report, "fk_reports_generated_by_users"),
        (b.checklist_item, "fk_checklist_items_created_by_users"),
    ]:
        admin = await b.add(session, b.user(role="admin"))
        await b.add(session, make(world.assessment, admin))
        with pytest.raises(IntegrityError, match=constraint):
            await _delete_user_and_check_now(session, admin)
