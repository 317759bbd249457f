"""Accounts: the User type, `me`, the owner's own changes (`updateMe`; the password is
changed in `server.graphql.types.auth`), and the administration of accounts (`users`,
`createUser`, `updateUser`, `unlockUser`: administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from domain import branding, model
from domain.access import may_see_lockout, may_see_user
from domain.errors import DomainError
from domain.model import Role
from domain.services import admin
from domain.services.accounts import create_user as create_account
from domain.services.accounts import update_me
from persistence import listings
from server.graphql.context import Info
from server.graphql.errors import NotFoundError
from server.graphql.fields import field, mutation
from server.graphql.ids import id_or_missing, to_global_id
from server.graphql.loaders import now_or_later
from server.graphql.pagination import Connection, connection, search_term
from server.graphql.permissions import Admin, SignedIn
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
from server.graphql.types.common import Node, UserError
from server.graphql.types.scheduler_links import scheduler_links_field
from server.graphql.types.settings import ConsultantSettings

if TYPE_CHECKING:
    from server.graphql.types.assessments import Assessment

AssessmentType = Annotated["Assessment", strawberry.lazy("server.graphql.types.assessments")]


@strawberry.type
class User(Node):
    id: strawberry.ID
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime
    raw_id: strawberry.Private[UUID]
    account: strawberry.Private[model.User]

    @classmethod
    def of(cls, user: model.User) -> User:
        return cls(
            id=to_global_id("User", user.id),
            email=user.email,
            role=user.role,
            first_name=user.first_name,
            last_name=user.last_name,
            is_active=user.is_active,
            last_login_at=user.last_login_at,
            created_at=user.created_at,
            raw_id=user.id,
            account=user,
        )

    scheduler_links = scheduler_links_field

    @strawberry.field
    def locked_until(self, info: Info) -> datetime | None:
        viewer = info.context.viewer
        if viewer is None or not may_see_lockout(viewer):
            return None
        return self.account.lock_end(info.context.clock.now())

    @strawberry.field
    def failed_login_attempts(self, info: Info) -> int | None:
        viewer = info.context.viewer
        if viewer is None or not may_see_lockout(viewer):
            return None
        return self.account.failed_login_attempts

    @field(graphql_type=ConsultantSettings, permission_classes=[SignedIn])
    def settings(self, info: Info) -> Any:
        if not may_see_user(info.context.require_viewer(), self.raw_id):
            raise NotFoundError("user")
        user_id = self.raw_id

        def found(settings: branding.ConsultantSettings | None) -> ConsultantSettings:
            return ConsultantSettings.of(settings or branding.ConsultantSettings(user_id))

        return now_or_later(info.context.loaders.settings, user_id, found)

    @strawberry.field
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
    ) -> Connection[AssessmentType]:
        """A user's assessments: for that user and for admins only, whatever path led here.
        The same order and filters as `Query.assessments`."""
        from server.graphql.types.assessments import assessment_list

        viewer = info.context.viewer
        if viewer is None or not may_see_user(viewer, self.raw_id):
            raise NotFoundError("user")
        where = assessment_filter(
            self.raw_id,
            status=status,
            search=search,
            order_by=order_by,
            created_after=created_after,
            created_before=created_before,
            phase=phase,
            archived=archived,
        )
        return await assessment_list(info, where, first, after)


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


@strawberry.input
class UpdateMeInput:
    first_name: str | None = None
    last_name: str | None = None


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError) -> UserPayload:
        return cls(user=None, user_errors=[UserError.of(error)])


@strawberry.type
class UserQueries:
    @strawberry.field
    def me(self, info: Info) -> User | None:
        """The signed-in account; null when signed out."""
        viewer = info.context.viewer
        return User.of(viewer) if viewer else None

    @field(permission_classes=[Admin])
    async def users(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        role: Role | None = None,
        search: str | None = None,
    ) -> Connection[User]:
        listing = listings.users(role=role, search=search_term(search))
        return await connection(
            info.context, listing, User.of, first=first, after=after, default=20
        )


@strawberry.type
class UserMutations:
    @mutation(permission_classes=[SignedIn])
    async def update_me(self, info: Info, input: UpdateMeInput) -> UserPayload:
        context = info.context
        try:
            updated = await update_me(
                uow=context.uow(),
                user=context.require_viewer(),
                first_name=input.first_name,
                last_name=input.last_name,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return UserPayload.failed(error)
        return UserPayload(user=User.of(updated), user_errors=[])

    @mutation(permission_classes=[Admin])
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        context = info.context
        try:
            created = await create_account(
                uow=context.uow(),
                hasher=context.services.hasher,
                email=input.email,
                password=input.password,
                role=Role(input.role),
                first_name=input.first_name,
                last_name=input.last_name,
                created_by=context.require_viewer(),
                source="api",
            )
        except DomainError as error:
            return UserPayload.failed(error)
        return UserPayload(user=User.of(created), user_errors=[])

    @mutation(permission_classes=[Admin])
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        context = info.context
        try:
            updated = await admin.update_user(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                user_id=id_or_missing(input.id, "User"),
                first_name=input.first_name,
                last_name=input.last_name,
                role=Role(input.role) if input.role is not None else None,
                is_active=input.is_active,
            )
        except DomainError as error:
            return UserPayload.failed(error)
        return UserPayload(user=User.of(updated), user_errors=[])

    @mutation(permission_classes=[Admin])
    async def unlock_user(self, info: Info, id: strawberry.ID) -> UserPayload:
        context = info.context
        try:
            unlocked = await admin.unlock_user(
                uow=context.uow(), actor=context.require_viewer(), user_id=id_or_missing(id, "User")
            )
        except DomainError as error:
            return UserPayload.failed(error)
        return UserPayload(user=User.of(unlocked), user_errors=[])
