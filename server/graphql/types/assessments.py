"""Assessments: the Assessment type with its answers and results, and the queries that reach
them (`assessment`, `assessments`).

The relations (answers, results, checklist, reports, consultant) are each one statement for
a whole page: the query that lists assessments loads the relations its client selected, for
every assessment of the page at once, before the nested fields run; those then answer from
the loaders without waiting. Reached any other way, a relation loads in the next batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from domain import model
from domain.access import may_see_assessment, owner_filter
from domain.assessments import Assessment as DomainAssessment
from domain.model import AssessmentStatus, DiscType, Phase
from domain.ports import StoredResponse
from domain.questionnaire import visible_questions
from domain.results import StoredDiscProfile, StoredPhaseResult
from persistence import listings, queries
from server.graphql.context import Context, Info
from server.graphql.errors import NotFoundError
from server.graphql.fields import field
from server.graphql.ids import BadId, from_global_id, to_global_id
from server.graphql.loaders import now_or_later
from server.graphql.pagination import Connection, connection
from server.graphql.permissions import SignedIn
from server.graphql.selection import requested
from server.graphql.types.assessment_lists import (
    NEWEST_FIRST,
    Archived,
    CreatedAfter,
    CreatedBefore,
    OrderBy,
    PhaseArgument,
    Search,
    StatusArgument,
    assessment_filter,
)
from server.graphql.types.checklists import ChecklistItem, ChecklistProgress
from server.graphql.types.common import Node
from server.graphql.types.emails import EmailMessage
from server.graphql.types.questions import (
    Question,
    QuestionSection,
    QuestionViews,
    question_views,
)
from server.graphql.types.reports import Report

if TYPE_CHECKING:
    from server.graphql.types.users import User

UserType = Annotated["User", strawberry.lazy("server.graphql.types.users")]
DEFAULT_PAGE = 20


@strawberry.type
class Response(Node):
    id: strawberry.ID
    question: Question
    value: str | None
    values: list[str] | None
    rating: int | None
    not_applicable: bool
    consultant_notes: str | None
    updated_at: datetime

    @classmethod
    def of(cls, stored: StoredResponse, questions: QuestionViews) -> Response:
        answer = stored.answer
        return cls(
            id=to_global_id("Response", stored.id),
            question=questions[answer.question_key],
            value=answer.value,
            values=list(answer.values) if answer.values else None,
            rating=answer.rating,
            not_applicable=answer.not_applicable,
            consultant_notes=answer.notes,
            updated_at=stored.updated_at,
        )


@strawberry.type
class DiscProfile:
    dominance: float
    influence: float
    steadiness: float
    compliance: float
    primary_type: DiscType
    secondary_type: DiscType | None
    calculated_at: datetime

    @classmethod
    def of(cls, profile: StoredDiscProfile | None) -> DiscProfile | None:
        if profile is None:
            return None
        scores = profile.scores
        return cls(
            dominance=float(scores[DiscType.D]),
            influence=float(scores[DiscType.I]),
            steadiness=float(scores[DiscType.S]),
            compliance=float(scores[DiscType.C]),
            primary_type=profile.primary,
            secondary_type=profile.secondary,
            calculated_at=profile.calculated_at,
        )


@strawberry.type
class PhaseResult:
    stabilize: float
    organize: float
    build: float
    grow: float
    systemic: float
    primary_phase: Phase
    secondary_phases: list[Phase]
    flags: list[str]
    calculated_at: datetime

    @classmethod
    def of(cls, result: StoredPhaseResult | None) -> PhaseResult | None:
        if result is None:
            return None
        return cls(
            **{phase.value: float(result.readiness[phase]) for phase in Phase},
            primary_phase=result.primary,
            secondary_phases=list(result.secondary),
            flags=list(result.flags),
            calculated_at=result.calculated_at,
        )


@strawberry.type
class Assessment(Node):
    id: strawberry.ID
    client_name: str
    client_business_name: str
    client_email: str
    status: AssessmentStatus
    entity_type: str | None
    is_s_corp_on_payroll: bool | None = strawberry.field(name="isSCorpOnPayroll")
    confidence_before: int | None
    confidence_after: int | None
    progress_percentage: float
    started_at: datetime | None
    completed_at: datetime | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    raw: strawberry.Private[DomainAssessment]

    @classmethod
    def of(cls, assessment: DomainAssessment) -> Assessment:
        return cls(
            id=to_global_id("Assessment", assessment.id),
            client_name=assessment.client_name,
            client_business_name=assessment.client_business_name,
            client_email=assessment.client_email,
            status=assessment.status,
            entity_type=assessment.entity_type,
            is_s_corp_on_payroll=assessment.is_s_corp_on_payroll,
            confidence_before=assessment.confidence_before,
            confidence_after=assessment.confidence_after,
            progress_percentage=float(assessment.progress),
            started_at=assessment.started_at,
            completed_at=assessment.completed_at,
            archived_at=assessment.archived_at,
            created_at=assessment.created_at,
            updated_at=assessment.updated_at,
            raw=assessment,
        )

    @field(graphql_type=UserType)
    def consultant(self, info: Info) -> Any:
        from server.graphql.types.users import User

        def found(user: model.User | None) -> User:
            if user is None:  # the foreign key makes this impossible
                raise LookupError("the assessment's consultant is missing")
            return User.of(user)

        return now_or_later(info.context.loaders.users, self.raw.consultant_id, found)

    @field(graphql_type=list[Question])
    def questions(self, info: Info) -> list[Question] | Awaitable[list[Question]]:
        """The questions visible for this assessment's answers, in bank order."""
        context = info.context
        views = question_views(context.bank, context.viewer)

        def visible(stored: list[StoredResponse]) -> list[Question]:
            return [views[q.key] for q in _visible(context.bank.questions, stored)]

        return now_or_later(context.loaders.responses, self.raw.id, visible)

    @field(graphql_type=list[QuestionSection])
    def sections(self, info: Info) -> list[QuestionSection] | Awaitable[list[QuestionSection]]:
        """The visible questions (as `questions`) by section, in the order they are asked."""
        context = info.context
        views = question_views(context.bank, context.viewer)

        def grouped(stored: list[StoredResponse]) -> list[QuestionSection]:
            return views.grouped(_visible(context.bank.questions, stored))

        return now_or_later(context.loaders.responses, self.raw.id, grouped)

    @field(graphql_type=list[Response])
    def responses(self, info: Info) -> list[Response] | Awaitable[list[Response]]:
        views = question_views(info.context.bank, info.context.viewer)

        def made(stored: list[StoredResponse]) -> list[Response]:
            return [Response.of(r, views) for r in stored]

        return now_or_later(info.context.loaders.responses, self.raw.id, made)

    @field(graphql_type=DiscProfile | None)
    def disc_profile(self, info: Info) -> DiscProfile | Awaitable[DiscProfile | None] | None:
        return now_or_later(info.context.loaders.disc_profiles, self.raw.id, DiscProfile.of)

    @field(graphql_type=PhaseResult | None)
    def phase_result(self, info: Info) -> PhaseResult | Awaitable[PhaseResult | None] | None:
        return now_or_later(info.context.loaders.phase_results, self.raw.id, PhaseResult.of)

    @field(graphql_type=list[Report])
    def reports(self, info: Info) -> list[Report] | Awaitable[list[Report]]:
        def made(records: Iterable[Any]) -> list[Report]:
            return [Report.of(r) for r in records]

        return now_or_later(info.context.loaders.reports, self.raw.id, made)

    @field(graphql_type=list[ChecklistItem])
    def checklist_items(self, info: Info) -> list[ChecklistItem] | Awaitable[list[ChecklistItem]]:
        def made(items: Iterable[Any]) -> list[ChecklistItem]:
            return [ChecklistItem.of(item) for item in items]

        return now_or_later(info.context.loaders.checklists, self.raw.id, made)

    @field(graphql_type=list[EmailMessage])
    def emails(self, info: Info) -> list[EmailMessage] | Awaitable[list[EmailMessage]]:
        def made(messages: Iterable[Any]) -> list[EmailMessage]:
            return [EmailMessage.of(message) for message in messages]

        return now_or_later(info.context.loaders.emails, self.raw.id, made)

    @field(graphql_type=ChecklistProgress)
    def checklist_progress(self, info: Info) -> ChecklistProgress | Awaitable[ChecklistProgress]:
        loader = info.context.loaders.checklist_progress
        return now_or_later(loader, self.raw.id, ChecklistProgress.of)


def _visible(
    questions: Sequence[model.Question], stored: list[StoredResponse]
) -> list[model.Question]:
    """The questions visible given an assessment's stored answers (SCORING §1)."""
    return visible_questions(questions, {r.answer.question_key: r.answer for r in stored})


# The relations loaded ahead for a page, by field: the loader each reads (by assessment id).
LOADED_AHEAD = {
    "responses": "responses",
    "questions": "responses",
    "sections": "responses",
    "phaseResult": "phase_results",
    "discProfile": "disc_profiles",
    "checklistItems": "checklists",
    "checklistProgress": "checklist_progress",
    "reports": "reports",
}


async def prefetch(context: Context, assessments: list[DomainAssessment], fields: set[str]) -> None:
    """Loads the relations named in `fields` for all of `assessments`, one statement each."""
    names = {LOADED_AHEAD[f] for f in fields if f in LOADED_AHEAD}
    loads: list[Awaitable[Any]] = []
    if assessments and names:
        ids = [a.id for a in assessments]
        loads = [getattr(context.loaders, name).load_many(ids) for name in names]
    if assessments and "consultant" in fields:
        consultants = {a.consultant_id for a in assessments}
        loads.append(context.loaders.users.load_many(consultants))
    if loads:
        await asyncio.gather(*loads)


async def assessment_list(
    info: Info, where: listings.AssessmentFilter, first: int | None, after: str | None
) -> Connection[Assessment]:
    """A page of assessments with the relations its client selected loaded ahead."""
    page = await connection(
        info.context,
        listings.assessments(where),
        Assessment.of,
        first=first,
        after=after,
        default=DEFAULT_PAGE,
    )
    nodes = [edge.node.raw for edge in page.edges]
    await prefetch(info.context, nodes, requested(info, "edges", "node"))
    return page


async def reachable_assessment(
    context: Context, key: UUID, *, alone: bool = False
) -> DomainAssessment | None:
    """The live assessment if the viewer may see it, else None (as if it did not exist).
    `alone`: nothing else asks for an assessment meanwhile, so read it at once rather than
    through the loader's next batch."""
    if alone:
        async with context.db.reading() as db:
            found = await queries.assessment_by_id(db, key)
    else:
        found = await context.loaders.assessments.load(key)
    viewer = context.viewer
    return found if found and viewer and may_see_assessment(viewer, found) else None


@strawberry.type
class AssessmentQueries:
    @field(permission_classes=[SignedIn])
    async def assessment(self, info: Info, id: strawberry.ID) -> Assessment | None:
        """NOT_FOUND when missing or not the viewer's: the two look the same."""
        try:
            kind, key = from_global_id(id)
        except BadId:
            raise NotFoundError("assessment") from None
        is_one = kind == "Assessment"
        found = await reachable_assessment(info.context, key, alone=True) if is_one else None
        if found is None:
            raise NotFoundError("assessment")
        await prefetch(info.context, [found], requested(info))
        return Assessment.of(found)

    @field(permission_classes=[SignedIn])
    async def assessments(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: StatusArgument = None,
        search: Search = None,
        order_by: OrderBy = NEWEST_FIRST,
        created_after: CreatedAfter = None,
        created_before: CreatedBefore = None,
        phase: PhaseArgument = None,
        archived: Archived = False,
    ) -> Connection[Assessment]:
        """The viewer's assessments (every one, for administrators), newest first unless
        `orderBy` says otherwise; archived ones only when `archived` asks for them."""
        owner = owner_filter(info.context.require_viewer())
        where = assessment_filter(
            owner,
            status=status,
            search=search,
            order_by=order_by,
            created_after=created_after,
            created_before=created_before,
            phase=phase,
            archived=archived,
        )
        return await assessment_list(info, where, first, after)
