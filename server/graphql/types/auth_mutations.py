"""Sign-in mutations (API.md "Authentication"): each calls one use case and turns its
expected failures into user errors; a successful sign-in returns an access token."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.errors import (
    AccountLocked,
    DomainError,
    DuplicateEmail,
    InvalidCredentials,
    InvalidToken,
    ValidationError,
)
from domain.services import auth, password_reset, sessions
from server.graphql.context import Context
from server.graphql.types.assessments import User, user_type
from server.graphql.types.common import OkPayload, UserError
from server.tokens import issue_access_token

Info = strawberry.Info[Context, None]

# Domain field names, as the API's inputs spell them.
FIELDS = {
    "email": "email",
    "password": "password",
    "first_name": "firstName",
    "last_name": "lastName",
    "new_password": "newPassword",
}


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


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = None
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def auth_error(error: DomainError, *, password_field: str = "password") -> UserError:
    if isinstance(error, InvalidCredentials):
        return UserError(field=None, message=error.message, code="INVALID_CREDENTIALS")
    if isinstance(error, AccountLocked):
        return UserError(field=None, message=error.message, code="ACCOUNT_LOCKED")
    if isinstance(error, InvalidToken):
        return UserError(field=None, message=error.message, code="INVALID_TOKEN")
    if isinstance(error, DuplicateEmail):
        return UserError(field=["email"], message=error.message, code="EMAIL_TAKEN")
    if isinstance(error, ValidationError):
        field = (
            password_field if error.field == "password" else FIELDS.get(error.field, error.field)
        )
        return UserError(field=[field], message=error.message, code="VALIDATION")
    return UserError(field=None, message=error.message, code="CONFLICT")


def signed_in(context: Context, signed: auth.SignIn) -> AuthPayload:
    access = issue_access_token(
        secret=context.secret,
        user_id=signed.user.id,
        session_id=signed.session_id,
        now=context.clock.now(),
    )
    return AuthPayload(
        access_token=access.token,
        refresh_token=signed.refresh_token,
        expires_at=access.expires_at,
        user=user_type(signed.user, signed_in_now=True),
    )


async def register(info: Info, input: RegisterInput) -> AuthPayload:
    """Always creates a consultant; only admins create admins (createUser)."""
    context = info.context
    context.limit("register", input.email)
    try:
        signed = await auth.register(
            uow=context.uow(),
            hasher=context.hasher,
            clock=context.clock,
            email=input.email,
            password=input.password,
            first_name=input.first_name,
            last_name=input.last_name,
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
    except DomainError as error:
        return AuthPayload(user_errors=[auth_error(error)])
    return signed_in(context, signed)


async def login(info: Info, input: LoginInput) -> AuthPayload:
    context = info.context
    context.limit("login", input.email)
    try:
        signed = await auth.login(
            uow=context.uow(),
            hasher=context.hasher,
            clock=context.clock,
            email=input.email,
            password=input.password,
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
    except DomainError as error:
        return AuthPayload(user_errors=[auth_error(error)])
    return signed_in(context, signed)


async def refresh_token(info: Info, input: RefreshInput) -> AuthPayload:
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
        return AuthPayload(user_errors=[auth_error(error)])
    return signed_in(context, signed)


async def logout(info: Info) -> OkPayload:
    """Ends the login the access token belongs to; its refresh tokens stop working too."""
    context = info.context
    viewer = await context.require_viewer()
    claims = context.claims
    if claims is None or claims.session_id is None:
        return OkPayload(ok=False, user_errors=[
            UserError(field=None, message="this token belongs to no session", code="INVALID_TOKEN")
        ])  # fmt: skip
    ended = await sessions.logout(
        uow=context.uow(),
        clock=context.clock,
        session_id=claims.session_id,
        user_id=viewer.id,
        ip=context.client_ip,
        user_agent=context.user_agent,
    )
    return OkPayload(ok=ended, user_errors=[])


async def request_password_reset(info: Info, email: str) -> OkPayload:
    """The same answer whether or not an account has this email."""
    context = info.context
    context.limit("password_reset", email)
    try:
        await password_reset.request_password_reset(
            uow=context.uow(),
            clock=context.clock,
            mailer=context.mailer,
            email=email,
            reset_url_base=f"{context.public_url}/reset-password",
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
    except ValidationError as error:
        return OkPayload(ok=False, user_errors=[auth_error(error)])
    return OkPayload(ok=True, user_errors=[])


async def reset_password(info: Info, token: str, new_password: str) -> OkPayload:
    context = info.context
    context.limit("password_reset")
    try:
        await password_reset.reset_password(
            uow=context.uow(),
            hasher=context.hasher,
            clock=context.clock,
            token=token,
            new_password=new_password,
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
    except DomainError as error:
        return OkPayload(ok=False, user_errors=[auth_error(error, password_field="newPassword")])
    return OkPayload(ok=True, user_errors=[])
