"""Assessments and what hangs off them: responses, results, checklists, reports."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode
from uuid import UUID

import strawberry

from domain import model
from domain.assessments import Assessment as DomainAssessment
from domain.model import AssessmentStatus, DiscType, Phase, Priority, ReportType
from domain.ports import StoredResponse
from domain.questionnaire import visible_questions
from domain.results import ChecklistItem as DomainChecklistItem
from domain.results import ReportRecord
from persistence.queries import AssessmentFilter, InvalidCursor, assessment_page, encode_cursor
from server.graphql.errors import ApiError, NotFoundError
from server.graphql.ids import to_global_id
from server.graphql.types.common import Node, PageInfo, page_info
from server.graphql.types.questions import Question, question_type
from server.tokens import DownloadGrant, sign_download

MAX_PAGE = 100


@strawberry.type
class Response(Node):
    id: strawberry.ID
    value: str | None
    values: list[str] | None
    rating: int | None
    not_applicable: bool
    consultant_notes: str | None
    updated_at: datetime
    question_key: strawberry.Private[str]

    @strawberry.field
    async def question(self, info: strawberry.Info) -> Question:
        admin = (await info.context.viewer()).role is model.Role.ADMIN
        return question_type(info.context.bank.question(self.question_key), admin=admin)


def response_type(stored: StoredResponse) -> Response:
    answer = stored.answer
    return Response(
        id=to_global_id("Response", stored.id),
        value=answer.value,
        values=list(answer.values) if answer.values else None,
        rating=answer.rating,
        not_applicable=answer.not_applicable,
        consultant_notes=answer.notes,
        updated_at=stored.updated_at,
        question_key=answer.question_key,
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


@strawberry.type
class ChecklistItem(Node):
    id: strawberry.ID
    item_text: str
    item_order: int
    phase_category: Phase | None
    priority: Priority | None
    is_completed: bool
    completed_at: datetime | None
    due_date: date | None


def checklist_item_type(item: DomainChecklistItem) -> ChecklistItem:
    return ChecklistItem(
        id=to_global_id("ChecklistItem", item.id),
        item_text=item.text,
        item_order=item.order,
        phase_category=item.phase,
        priority=item.priority,
        is_completed=item.is_completed,
        completed_at=item.completed_at,
        due_date=item.due_date,
    )


@strawberry.type
class Report(Node):
    id: strawberry.ID
    report_type: ReportType
    file_size_bytes: int | None
    page_count: int | None
    share_url: str | None
    share_expires_at: datetime | None
    view_count: int
    created_at: datetime
    raw_id: strawberry.Private[UUID]
    generated_by_id: strawberry.Private[UUID]
    shared_flag: strawberry.Private[bool]

    @strawberry.field
    def is_shared(self, info: strawberry.Info) -> bool:
        """True while the public link works: shared, not revoked, not yet expired."""
        expires = self.share_expires_at
        return self.shared_flag and expires is not None and expires > info.context.clock.now()

    @strawberry.field
    async def download_url(self, info: strawberry.Info) -> str:
        """The file's path, signed for the viewer and their login for five minutes; the same
        path without the query works with the viewer's bearer token."""
        context = info.context
        viewer = await context.require_viewer()
        session = context.claims.session_id if context.claims else None
        params = sign_download(
            secret=context.secret,
            report_id=self.raw_id,
            grant=DownloadGrant(viewer.id, session),
            now=context.clock.now(),
        )
        return f"/reports/{self.id}/download?{urlencode(params)}"

    @strawberry.field
    async def generated_by(self, info: strawberry.Info) -> User | None:
        """Who generated it: shown to that person and to admins; null for anyone else (an
        admin's account is not a consultant's to see)."""
        viewer = await info.context.require_viewer()
        if viewer.role is not model.Role.ADMIN and viewer.id != self.generated_by_id:
            return None
        user = await info.context.loaders.users.load(self.generated_by_id)
        return user_type(user) if user else None


def report_type(record: ReportRecord, *, share_token: str | None = None) -> Report:
    """`share_token` is known only to the shareReport call that made it: the database keeps
    its hash alone, so later reads of a shared report have no shareUrl."""
    return Report(
        id=to_global_id("Report", record.id),
        report_type=record.report_type,
        file_size_bytes=record.file_size_bytes,
        page_count=record.page_count,
        shared_flag=record.is_shared,
        share_url=f"/shared/{share_token}" if share_token and record.is_shared else None,
        share_expires_at=record.share_expires_at,
        view_count=record.view_count,
        created_at=record.created_at,
        raw_id=record.id,
        generated_by_id=record.generated_by,
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

    @strawberry.field
    async def consultant(self, info: strawberry.Info) -> User:
        user = await info.context.loaders.users.load(self.raw.consultant_id)
        if user is None:  # the foreign key makes this impossible
            raise ApiError("the assessment's consultant is missing", code="INTERNAL_SERVER_ERROR")
        return user_type(user)

    @strawberry.field
    async def questions(self, info: strawberry.Info) -> list[Question]:
        stored = await info.context.loaders.responses.load(self.raw.id)
        sheet = {r.answer.question_key: r.answer for r in stored}
        admin = (await info.context.viewer()).role is model.Role.ADMIN
        return [
            question_type(q, admin=admin)
            for q in visible_questions(info.context.bank.questions, sheet)
        ]

    @strawberry.field
    async def responses(self, info: strawberry.Info) -> list[Response]:
        return [response_type(r) for r in await info.context.loaders.responses.load(self.raw.id)]

    @strawberry.field
    async def disc_profile(self, info: strawberry.Info) -> DiscProfile | None:
        profile = await info.context.loaders.disc_profiles.load(self.raw.id)
        if profile is None:
            return None
        scores = profile.scores
        return DiscProfile(
            dominance=float(scores[model.DiscType.D]),
            influence=float(scores[model.DiscType.I]),
            steadiness=float(scores[model.DiscType.S]),
            compliance=float(scores[model.DiscType.C]),
            primary_type=profile.primary,
            secondary_type=profile.secondary,
            calculated_at=profile.calculated_at,
        )

    @strawberry.field
    async def phase_result(self, info: strawberry.Info) -> PhaseResult | None:
        result = await info.context.loaders.phase_results.load(self.raw.id)
        if result is None:
            return None
        return PhaseResult(
            **{phase.value: float(result.readiness[phase]) for phase in model.Phase},
            primary_phase=result.primary,
            secondary_phases=list(result.secondary),
            flags=list(result.flags),
            calculated_at=result.calculated_at,
        )

    @strawberry.field
    async def reports(self, info: strawberry.Info) -> list[Report]:
        return [report_type(r) for r in await info.context.loaders.reports.load(self.raw.id)]

    @strawberry.field
    async def checklist_items(self, info: strawberry.Info) -> list[ChecklistItem]:
        items = await info.context.loaders.checklists.load(self.raw.id)
        return [checklist_item_type(item) for item in items]


def assessment_type(assessment: DomainAssessment) -> Assessment:
    return Assessment(
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


@strawberry.type
class AssessmentEdge:
    cursor: str
    node: Assessment


@strawberry.type
class AssessmentConnection:
    edges: list[AssessmentEdge]
    page_info: PageInfo
    total_count: int


DEFAULT_PAGE = 20


def check_page_size(first: int | None, default: int = DEFAULT_PAGE) -> int:
    """The page size asked for (an explicit null means the default); 1-100 or BAD_USER_INPUT."""
    size = default if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise ApiError(f"`first` must be from 1 to {MAX_PAGE}, not {size}")
    return size


async def assessment_connection(
    info: strawberry.Info, where: AssessmentFilter, first: int | None, after: str | None
) -> AssessmentConnection:
    first = check_page_size(first)
    async with info.context.session_factory() as session:
        try:
            page = await assessment_page(session, where, first=first, after=after)
        except InvalidCursor as exc:
            raise ApiError(str(exc)) from exc
    edges = [
        AssessmentEdge(cursor=encode_cursor(a.created_at, a.id), node=assessment_type(a))
        for a in page.items
    ]
    return AssessmentConnection(
        edges=edges,
        page_info=page_info([e.cursor for e in edges], page.has_next, after),
        total_count=page.total,
    )


@strawberry.type
class User(Node):
    id: strawberry.ID
    email: str
    role: model.Role
    first_name: str
    last_name: str
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime
    raw_id: strawberry.Private[UUID]
    # True when this request has just signed the user in (no bearer token yet, but it is them)
    signed_in_now: strawberry.Private[bool] = False

    @strawberry.field
    async def assessments(
        self,
        info: strawberry.Info,
        first: int | None = 20,
        after: str | None = None,
        status: AssessmentStatus | None = None,
        search: str | None = None,
    ) -> AssessmentConnection:
        """A user's assessments: for that user and for admins only, whatever path led here."""
        if not self.signed_in_now:
            viewer = await info.context.require_viewer()
            if viewer.role is not model.Role.ADMIN and viewer.id != self.raw_id:
                raise NotFoundError("user")
        where = AssessmentFilter(consultant_id=self.raw_id, status=status, search=search)
        return await assessment_connection(info, where, first, after)


def user_type(user: model.User, *, signed_in_now: bool = False) -> User:
    return User(
        id=to_global_id("User", user.id),
        email=user.email,
        role=user.role,
        first_name=user.first_name,
        last_name=user.last_name,
        is_active=user.is_active,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
        raw_id=user.id,
        signed_in_now=signed_in_now,
    )
