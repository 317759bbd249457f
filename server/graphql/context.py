"""The request context: what every resolver may use, built once per HTTP request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from domain.bank import Bank
from domain.model import Role, User
from domain.ports import Clock, Mailer, PasswordHasher
from domain.services.auth import current_user
from persistence.unit_of_work import SqlUnitOfWork
from server.graphql.errors import RATE_LIMITED, ApiError, Forbidden, Unauthenticated
from server.graphql.loaders import Loaders, create_loaders
from server.rate_limits import RateLimited, RateLimiter
from server.tokens import Claims, bearer_claims

if TYPE_CHECKING:
    from server.reports_http import ReportServices

_UNKNOWN: Any = object()


@dataclass
class Context:
    request: Request
    secret: str
    session_factory: async_sessionmaker[AsyncSession]
    bank: Bank
    clock: Clock
    loaders: Loaders
    hasher: PasswordHasher
    mailer: Mailer
    public_url: str
    limiter: RateLimiter
    reports: ReportServices
    _viewer: User | None = field(default=_UNKNOWN)
    claims: Claims | None = None

    @classmethod
    def build(
        cls,
        request: Request,
        *,
        secret: str,
        session_factory: async_sessionmaker[AsyncSession],
        bank: Bank,
        clock: Clock,
        hasher: PasswordHasher,
        mailer: Mailer,
        public_url: str,
        limiter: RateLimiter,
        reports: ReportServices,
    ) -> Context:
        return cls(
            request=request,
            secret=secret,
            session_factory=session_factory,
            bank=bank,
            clock=clock,
            loaders=create_loaders(session_factory, bank.questions),
            hasher=hasher,
            mailer=mailer,
            public_url=public_url,
            limiter=limiter,
            reports=reports,
        )

    def limit(self, action: str, account: str | None = None) -> None:
        """Counts an attempt at `action`; RATE_LIMITED once the client or account is over."""
        try:
            self.limiter.check(action, address=self.client_ip, account=account)
        except RateLimited as exc:
            raise ApiError(str(exc), code=RATE_LIMITED) from exc

    @property
    def client_ip(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, self.bank.questions)

    async def viewer(self) -> User | None:
        """The signed-in user, checked against the database once per request: a deactivated
        or deleted account stops working at once, whatever its token says."""
        if self._viewer is _UNKNOWN:
            self._viewer = await self._read_viewer()
        return self._viewer

    async def _read_viewer(self) -> User | None:
        header = self.request.headers.get("authorization", "")
        claims = bearer_claims(header, secret=self.secret, now=self.clock.now())
        if claims is None:
            return None
        self.claims = claims
        return await current_user(
            uow=self.uow(), user_id=claims.user_id, session_id=claims.session_id
        )

    async def require_viewer(self) -> User:
        viewer = await self.viewer()
        if viewer is None:
            raise Unauthenticated()
        return viewer

    async def require_admin(self) -> User:
        viewer = await self.require_viewer()
        if viewer.role is not Role.ADMIN:
            raise Forbidden()
        return viewer
