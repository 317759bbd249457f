"""Administration: accounts and the audit trail, for administrators only (FORBIDDEN for
consultants, UNAUTHENTICATED for anonymous callers)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from domain.errors import Conflict, DomainError, DuplicateEmail, NotFound, ValidationError
from domain.model import EventCategory, Role, Severity
from domain.results import ActivityRecord
from domain.services import admin
from domain.services.accounts import create_user as create_account
from persistence.queries import InvalidCursor, activity_page, encode_cursor, user_page
from server.graphql.context import Context
from server.graphql.errors import ApiError
from server.graphql.ids import BadId, expect_id, id_or_missing, to_global_id
from server.graphql.types.assessments import User, check_page_size, user_type
from server.graphql.types.common import Node, PageInfo, UserError, page_info

Info = strawberry.Info[Context, None]
FIELDS = {"first_name": "firstName", "last_name": "lastName"}


@strawberry.type
class UserEdge:
    cursor: str
    node: User


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ActivityLog(Node):
    id: strawberry.ID
    event_type: str
    event_category: EventCategory
    description: str
    severity: Severity
    created_at: datetime
    user_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        if self.user_id is None:
            return None
        found = await info.context.loaders.users.load(self.user_id)
        return user_type(found) if found else None


def activity_type(record: ActivityRecord) -> ActivityLog:
    return ActivityLog(
        id=to_global_id("ActivityLog", record.id),
        event_type=record.event_type,
        event_category=record.category,
        description=record.description,
        severity=record.severity,
        created_at=record.created_at,
        user_id=record.user_id,
    )


@strawberry.type
class ActivityLogEdge:
    cursor: str
    node: ActivityLog


@strawberry.type
class ActivityLogConnection:
    edges: list[ActivityLogEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreateUserInput:
    email: str
    password: str
    first_name: str
    last_name: str
    role: Role = Role.CONSULTANT


@strawberry.input
class UpdateUserInput:
    id: strawberry.ID
    first_name: str | None = None
    last_name: str | None = None
    role: Role | None = None
    is_active: bool | None = None


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


async def users(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    role: Role | None = None,
    search: str | None = None,
) -> UserConnection:
    await info.context.require_admin()
    first = check_page_size(first)
    async with info.context.session_factory() as session:
        try:
            page = await user_page(session, first=first, after=after, role=role, search=search)
        except InvalidCursor as exc:
            raise ApiError(str(exc)) from exc
    edges = [
        UserEdge(cursor=encode_cursor(u.created_at, u.id), node=user_type(u)) for u in page.items
    ]
    return UserConnection(
        edges=edges,
        page_info=page_info([e.cursor for e in edges], page.has_next, after),
        total_count=page.total,
    )


async def activity_logs(
    info: Info,
    first: int | None = 50,
    after: str | None = None,
    category: EventCategory | None = None,
    user_id: strawberry.ID | None = None,
) -> ActivityLogConnection:
    await info.context.require_admin()
    first = check_page_size(first, default=50)
    try:
        who = expect_id(user_id, "User") if user_id is not None else None
    except BadId as exc:
        raise ApiError(str(exc)) from exc
    async with info.context.session_factory() as session:
        try:
            page = await activity_page(
                session, first=first, after=after, category=category, user_id=who
            )
        except InvalidCursor as exc:
            raise ApiError(str(exc)) from exc
    edges = [
        ActivityLogEdge(cursor=encode_cursor(r.created_at, r.id), node=activity_type(r))
        for r in page.items
    ]
    return ActivityLogConnection(
        edges=edges,
        page_info=page_info([e.cursor for e in edges], page.has_next, after),
        total_count=page.total,
    )


def _user_error(error: DomainError) -> UserError:
    if isinstance(error, ValidationError):
        return UserError(
            field=[FIELDS.get(error.field, error.field)], message=error.message, code="VALIDATION"
        )
    if isinstance(error, DuplicateEmail):
        return UserError(field=["email"], message=error.message, code="EMAIL_TAKEN")
    if isinstance(error, NotFound):
        return UserError(field=["id"], message=error.message, code="NOT_FOUND")
    if isinstance(error, Conflict):
        return UserError(field=None, message=error.message, code="CONFLICT")
    return UserError(field=None, message=error.message, code="CONFLICT")


async def create_user(info: Info, input: CreateUserInput) -> UserPayload:
    actor = await info.context.require_admin()
    try:
        created = await create_account(
            uow=info.context.uow(),
            hasher=info.context.hasher,
            email=input.email,
            password=input.password,
            role=Role(input.role),
            first_name=input.first_name,
            last_name=input.last_name,
            created_by=actor,
            source="api",
        )
    except DomainError as error:
        return UserPayload(user=None, user_errors=[_user_error(error)])
    return UserPayload(user=user_type(created), user_errors=[])


async def update_user(info: Info, input: UpdateUserInput) -> UserPayload:
    actor = await info.context.require_admin()
    try:
        updated = await admin.update_user(
            uow=info.context.uow(),
            clock=info.context.clock,
            actor=actor,
            user_id=id_or_missing(input.id, "User"),
            first_name=input.first_name,
            last_name=input.last_name,
            role=Role(input.role) if input.role is not None else None,
            is_active=input.is_active,
        )
    except DomainError as error:
        return UserPayload(user=None, user_errors=[_user_error(error)])
    return UserPayload(user=user_type(updated), user_errors=[])


async def unlock_user(info: Info, id: strawberry.ID) -> UserPayload:
    actor = await info.context.require_admin()
    try:
        unlocked = await admin.unlock_user(
            uow=info.context.uow(), actor=actor, user_id=id_or_missing(id, "User")
        )
    except DomainError as error:
        return UserPayload(user=None, user_errors=[_user_error(error)])
    return UserPayload(user=user_type(unlocked), user_errors=[])
