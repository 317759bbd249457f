"""The GraphQL schema served at /graphql and exported to schema.graphql."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig

from domain.model import AssessmentStatus, Role, Section
from domain.model import User as DomainUser
from domain.services.assessments import can_see
from persistence.queries import AssessmentFilter
from server.graphql.context import Context
from server.graphql.cost import MAX_NODES, CostLimiter
from server.graphql.errors import NotFoundError
from server.graphql.ids import BadId, from_global_id
from server.graphql.types import admin, auth_mutations, report_mutations
from server.graphql.types import assessment_mutations as mutations
from server.graphql.types.assessments import (
    Assessment,
    AssessmentConnection,
    ChecklistItem,
    Report,
    Response,
    User,
    assessment_connection,
    assessment_type,
    checklist_item_type,
    report_type,
    response_type,
    user_type,
)
from server.graphql.types.common import Node
from server.graphql.types.questions import Question, question_type
from server.version import service_version

Info = strawberry.Info[Context, None]


async def _assessment(info: Info, raw_id: str) -> Assessment:
    """The assessment if the viewer may see it; otherwise NOT_FOUND, as if it did not exist."""
    viewer = await info.context.require_viewer()
    try:
        kind, key = from_global_id(raw_id)
    except BadId:
        raise NotFoundError("assessment") from None
    found = await info.context.loaders.assessments.load(key) if kind == "Assessment" else None
    if found is None or not can_see(viewer, found):
        raise NotFoundError("assessment")
    return assessment_type(found)


async def _owned(info: Info, viewer: DomainUser, assessment_id: UUID) -> bool:
    """Whether the viewer may see what hangs off this (not deleted) assessment."""
    assessment = await info.context.loaders.assessments.load(assessment_id)
    return assessment is not None and can_see(viewer, assessment)


async def _node(info: Info, viewer: DomainUser, kind: str, key: UUID) -> Node | None:
    """The object of that type and key, or None when missing or not the viewer's to see."""
    loaders = info.context.loaders
    is_admin = viewer.role is Role.ADMIN
    if kind == "Assessment":
        assessment = await loaders.assessments.load(key)
        if assessment is not None and can_see(viewer, assessment):
            return assessment_type(assessment)
    elif kind == "Question":
        question = next((q for q in info.context.bank.questions if q.id == key), None)
        if question is not None:
            return question_type(question, admin=is_admin)
    elif kind == "User":
        user = await loaders.users.load(key) if is_admin or viewer.id == key else None
        if user is not None:
            return user_type(user)
    elif kind == "Response":
        response = await loaders.response.load(key)
        if response is not None and await _owned(info, viewer, response[0]):
            return response_type(response[1])
    elif kind == "Report":
        report = await loaders.report.load(key)
        if report is not None and await _owned(info, viewer, report.assessment_id):
            return report_type(report)
    elif kind == "ChecklistItem":
        item = await loaders.checklist_item.load(key)
        if item is not None and await _owned(info, viewer, item.assessment_id):
            return checklist_item_type(item)
    elif kind == "ActivityLog":
        record = await loaders.activity.load(key) if is_admin else None
        if record is not None:
            return admin.activity_type(record)
    return None


@strawberry.type
class Query:
    @strawberry.field
    def service_version(self) -> str:
        return service_version()

    @strawberry.field
    async def me(self, info: Info) -> User | None:
        viewer = await info.context.viewer()
        return user_type(viewer) if viewer else None

    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        viewer = await info.context.require_viewer()
        try:
            kind, key = from_global_id(id)
        except BadId:
            raise NotFoundError("object") from None
        found = await _node(info, viewer, kind, key)
        if found is None:
            raise NotFoundError("object")
        return found

    @strawberry.field
    async def questions(self, info: Info, section: Section | None = None) -> list[Question]:
        viewer = await info.context.require_viewer()
        admin = viewer.role is Role.ADMIN
        return [
            question_type(q, admin=admin)
            for q in info.context.bank.questions
            if section is None or q.section == section
        ]

    @strawberry.field
    async def assessment(self, info: Info, id: strawberry.ID) -> Assessment | None:
        return await _assessment(info, id)

    @strawberry.field
    async def assessments(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: AssessmentStatus | None = None,
        search: str | None = None,
    ) -> AssessmentConnection:
        viewer = await info.context.require_viewer()
        owner = None if viewer.role is Role.ADMIN else viewer.id
        where = AssessmentFilter(consultant_id=owner, status=status, search=search)
        return await assessment_connection(info, where, first, after)

    users = strawberry.field(resolver=admin.users)
    activity_logs = strawberry.field(resolver=admin.activity_logs)


@strawberry.type
class Mutation:
    register = strawberry.mutation(resolver=auth_mutations.register)
    login = strawberry.mutation(resolver=auth_mutations.login)
    refresh_token = strawberry.mutation(resolver=auth_mutations.refresh_token)
    logout = strawberry.mutation(resolver=auth_mutations.logout)
    request_password_reset = strawberry.mutation(resolver=auth_mutations.request_password_reset)
    reset_password = strawberry.mutation(resolver=auth_mutations.reset_password)
    create_assessment = strawberry.mutation(resolver=mutations.create_assessment)
    update_assessment = strawberry.mutation(resolver=mutations.update_assessment)
    delete_assessment = strawberry.mutation(resolver=mutations.delete_assessment)
    archive_assessment = strawberry.mutation(resolver=mutations.archive_assessment)
    save_responses = strawberry.mutation(resolver=mutations.save_responses)
    complete_assessment = strawberry.mutation(resolver=mutations.complete_assessment)

    create_user = strawberry.mutation(resolver=admin.create_user)
    update_user = strawberry.mutation(resolver=admin.update_user)
    unlock_user = strawberry.mutation(resolver=admin.unlock_user)

    generate_reports = strawberry.mutation(resolver=report_mutations.generate_reports)
    share_report = strawberry.mutation(resolver=report_mutations.share_report)
    revoke_report_share = strawberry.mutation(resolver=report_mutations.revoke_report_share)


MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2_000
MAX_BATCH = 5


def build_schema(*, production: bool = False, introspection: bool = True) -> strawberry.Schema:
    """The schema with API.md's limits on: depth 10, aliases 15, tokens 2,000, a cost of
    10,000 nodes, batches of at most 5 operations. In production, no field suggestions in
    error messages, and no introspection unless it is enabled."""
    # Factories: strawberry builds fresh extensions for every request.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: CostLimiter(limit=MAX_NODES),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Question, Assessment, User, Response, Report, ChecklistItem, admin.ActivityLog],
        extensions=extensions,
        config=StrawberryConfig(
            sort_schema=True,
            disable_field_suggestions=production,
            batching_config={"max_operations": MAX_BATCH},
        ),
    )


schema = build_schema()


def export_sdl() -> str:
    """The schema in SDL, as checked in at schema.graphql."""
    return schema.as_str().rstrip("\n") + "\n"
