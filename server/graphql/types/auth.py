"""Signing in (API.md "Authentication") and changing one's password: each mutation calls one
use case and turns its expected failures into user errors; a successful sign-in returns an
access token, and the rest of the operation acts for the account it signed in."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.errors import DomainError, InvalidToken, ValidationError
from domain.services import accounts, auth, password_reset, sessions
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.permissions import SignedIn
from server.graphql.types.common import OkPayload, UserError
from server.graphql.types.users import User
from server.tokens import issue_access_token


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RegisterInput:
    email: str
    password: str
    first_name: str
    last_name: str


@strawberry.input
class RefreshInput:
    refresh_token: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = None
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, error: DomainError) -> AuthPayload:
        return cls(user_errors=[UserError.of(error)])


def _signed_in(info: Info, signed: auth.SignIn) -> AuthPayload:
    context = info.context
    access = issue_access_token(
        secret=context.services.secret,
        user_id=signed.user.id,
        session_id=signed.session_id,
        now=context.clock.now(),
    )
    context.signed_in(signed.user, signed.session_id)
    return AuthPayload(
        access_token=access.token,
        refresh_token=signed.refresh_token,
        expires_at=access.expires_at,
        user=User.of(signed.user),
    )


def _ok(ok: bool = True) -> OkPayload:
    return OkPayload(ok=ok, user_errors=[])


def _not_ok(error: DomainError, renames: dict[str, str] | None = None) -> OkPayload:
    return OkPayload(ok=False, user_errors=[UserError.of(error, renames=renames)])


@strawberry.type
class AuthMutations:
    @strawberry.mutation
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        """Always creates a consultant; only admins create admins (createUser)."""
        context = info.context
        await context.limit("register", input.email)
        try:
            signed = await auth.register(
                uow=context.uow(),
                hasher=context.services.hasher,
                clock=context.clock,
                email=input.email,
                password=input.password,
                first_name=input.first_name,
                last_name=input.last_name,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return _signed_in(info, signed)

    @strawberry.mutation
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        context = info.context
        await context.limit("login", input.email)
        try:
            signed = await auth.login(
                uow=context.uow(),
                hasher=context.services.hasher,
                clock=context.clock,
                email=input.email,
                password=input.password,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return _signed_in(info, signed)

    @strawberry.mutation
    async def refresh_token(self, info: Info, input: RefreshInput) -> AuthPayload:
        context = info.context
        try:
            signed = await sessions.refresh(
                uow=context.uow(),
                clock=context.clock,
                refresh_token=input.refresh_token,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return _signed_in(info, signed)

    @mutation(permission_classes=[SignedIn])
    async def logout(self, info: Info) -> OkPayload:
        """Ends the login the access token belongs to; its refresh tokens stop working too."""
        context = info.context
        viewer, claims = context.require_viewer(), context.claims
        if claims is None or claims.session_id is None:
            return _not_ok(InvalidToken("this token belongs to no session"))
        ended = await sessions.logout(
            uow=context.uow(),
            clock=context.clock,
            session_id=claims.session_id,
            user_id=viewer.id,
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
        return _ok(ended)

    @strawberry.mutation
    async def request_password_reset(self, info: Info, email: str) -> OkPayload:
        """The same answer whether or not an account has this email."""
        context = info.context
        await context.limit("password_reset", email)
        try:
            await password_reset.request_password_reset(
                uow=context.uow(),
                clock=context.clock,
                dispatch=context.services.mail,
                email=email,
                reset_link=context.services.reset_link,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except ValidationError as error:
            return _not_ok(error)
        return _ok()

    @strawberry.mutation
    async def reset_password(self, info: Info, token: str, new_password: str) -> OkPayload:
        context = info.context
        await context.limit("password_reset")
        try:
            await password_reset.reset_password(
                uow=context.uow(),
                hasher=context.services.hasher,
                clock=context.clock,
                dispatch=context.services.mail,
                token=token,
                new_password=new_password,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return _not_ok(error, renames={"password": "newPassword"})
        return _ok()

    @mutation(permission_classes=[SignedIn])
    async def change_password(self, info: Info, input: ChangePasswordInput) -> OkPayload:
        context = info.context
        viewer = context.require_viewer()
        await context.limit("change_password", str(viewer.id))
        try:
            await accounts.change_password(
                uow=context.uow(),
                hasher=context.services.hasher,
                clock=context.clock,
                user=viewer,
                session_id=context.claims.session_id if context.claims else None,
                current_password=input.current_password,
                new_password=input.new_password,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return _not_ok(error, renames={"password": "newPassword"})
        return _ok()
