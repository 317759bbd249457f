"""The context of one GraphQL operation: the service's parts, the operation's connection
scope and data loaders, and the viewer.

The viewer is read once per operation, before it runs (`identify`, called by the HTTP view),
from the bearer token and the database in one statement; resolvers then see it as a plain
attribute. A
sign-in mutation makes the account it signed in the viewer for the rest of its operation,
so what its payload shows is shown to that account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

import strawberry
from starlette.requests import Request

from domain.bank import Bank
from domain.model import User
from domain.ports import Clock
from persistence.connections import ConnectionScope
from persistence.queries import signed_in_user
from persistence.unit_of_work import SqlUnitOfWork
from server.graphql.errors import RATE_LIMITED, ApiError, Unauthenticated
from server.graphql.loaders import Loaders
from server.rate_limits import RateLimited
from server.services import Services
from server.tokens import Claims, bearer_claims


@dataclass
class Context:
    request: Request
    services: Services
    db: ConnectionScope
    loaders: Loaders
    viewer: User | None = None
    claims: Claims | None = None
    _identified: bool = field(default=False, repr=False)

    @classmethod
    def build(cls, request: Request, services: Services) -> Context:
        db = services.database.scope()
        return cls(request, services, db, Loaders(db, services.bank, services.keys))

    @property
    def bank(self) -> Bank:
        return self.services.bank

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def client_ip(self) -> str | None:
        """The peer's address; `rise serve` has replaced a trusted proxy's with the address
        it forwarded (RISE_TRUSTED_PROXIES), and believes no one else's headers."""
        return self.request.client.host if self.request.client else None

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.services.keys, self.bank)

    async def identify(self) -> None:
        """Reads the viewer from the bearer token, once: a deactivated or deleted account, or
        a login that has ended, stops working at once, whatever the token says."""
        if self._identified:
            return
        self._identified = True
        header = self.request.headers.get("authorization", "")
        claims = bearer_claims(header, secret=self.services.secret, now=self.clock.now())
        if claims is None:
            return
        async with self.db.reading() as connection:
            self.viewer = await signed_in_user(connection, claims.user_id, claims.session_id)
        self.claims = claims if self.viewer is not None else None

    def signed_in(self, user: User, session_id: UUID) -> None:
        """A sign-in mutation succeeded: the rest of the operation acts for that account."""
        self.viewer, self.claims = user, Claims(user_id=user.id, session_id=session_id)

    def require_viewer(self) -> User:
        if self.viewer is None:
            raise Unauthenticated()
        return self.viewer

    async def limit(self, action: str, account: str | None = None) -> None:
        """Counts an attempt at `action`; RATE_LIMITED once the client or account is over."""
        try:
            await self.services.limiter.check(action, address=self.client_ip, account=account)
        except RateLimited as exc:
            raise ApiError(str(exc), code=RATE_LIMITED) from exc

    async def close(self) -> None:
        await self.db.close()


Info = strawberry.Info[Context, None]
