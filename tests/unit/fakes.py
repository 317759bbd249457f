"""In-memory implementations of the domain ports, for use-case tests without a database."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from uuid import UUID, uuid4

from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, NewUser, User
from domain.outbox import Draft, EmailMessage, EmailStatus
from domain.ports import Credentials, NewRefreshSession, RefreshSession, RevokedReason


class FakeHasher:
    """Hashes are `<scheme>:<password reversed>`; a hash of another scheme verifies but
    `needs_rehash`, as an argon2 hash made with older parameters would."""

    def __init__(self, scheme: str = "hashed") -> None:
        self.scheme = scheme
        self.verifies = 0
        self.dummy_verifies = 0

    async def hash(self, password: str) -> str:
        return f"{self.scheme}:{password[::-1]}"

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verifies += 1
        return password_hash.partition(":")[2] == password[::-1]

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"{self.scheme}:")

    async def dummy_verify(self, password: str) -> None:
        self.dummy_verifies += 1


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@dataclass
class FakeDispatch:
    """Records which messages it was asked to deliver."""

    asked: list[UUID] = field(default_factory=list)

    async def deliver(self, message_ids: Sequence[UUID]) -> None:
        self.asked.extend(message_ids)


@dataclass
class FakeOutbox:
    """Queued drafts only: delivery itself is tested over PostgreSQL and real SMTP."""

    queued: list[tuple[UUID, Draft]] = field(default_factory=list)

    async def add(self, draft: Draft, *, at: datetime) -> EmailMessage:
        message_id = uuid4()
        self.queued.append((message_id, draft))
        return EmailMessage(
            id=message_id, kind=draft.kind, to=draft.to, subject=draft.subject,
            status=EmailStatus.QUEUED, attempts=0, last_error=None, sent_at=None, created_at=at,
        )  # fmt: skip


class NoSettings:
    """No consultant has saved settings."""

    async def get(self, consultant_id: UUID) -> None:
        return None


@dataclass(frozen=True)
class StoredAccount:
    credentials: Credentials
    reset_token_hash: str | None = None


@dataclass
class FakeUsers:
    accounts: dict[UUID, StoredAccount] = field(default_factory=dict)

    @property
    def rows(self) -> dict[str, tuple[User, str]]:
        """Each account by email, with its password hash."""
        return {
            a.credentials.user.email: (a.credentials.user, a.credentials.password_hash)
            for a in self.accounts.values()
        }

    async def email_exists(self, email: str) -> bool:
        return email in self.rows

    async def add(self, user: NewUser) -> User:
        if user.email in self.rows:
            raise DuplicateEmail(user.email)
        created = User(
            id=uuid.uuid4(),
            email=user.email,
            role=user.role,
            first_name=user.first_name,
            last_name=user.last_name,
            is_active=True,
            created_at=datetime.now(UTC),
        )
        self.accounts[created.id] = StoredAccount(Credentials(created, user.password_hash))
        return created

    async def get(self, user_id: UUID) -> User | None:
        found = self.accounts.get(user_id)
        if found is None or found.credentials.deleted_at is not None:
            return None
        return found.credentials.user

    async def credentials_by_email(self, email: str, *, lock: bool = False) -> Credentials | None:
        return next((c for c in self._all() if c.user.email == email), None)

    async def credentials_by_id(self, user_id: UUID, *, lock: bool = False) -> Credentials | None:
        found = self.accounts.get(user_id)
        return found.credentials if found else None

    async def credentials_by_reset_token(
        self, token_hash: str, *, lock: bool = False
    ) -> Credentials | None:
        found = (a for a in self.accounts.values() if a.reset_token_hash == token_hash)
        return next((a.credentials for a in found), None)

    def _all(self) -> list[Credentials]:
        return [a.credentials for a in self.accounts.values()]

    def change(self, user_id: UUID, **changes: Any) -> None:
        """Replaces fields of the stored credentials (the account's through `user=`) and, with
        `reset_token_hash=`, the stored digest of the pending reset token."""
        account = self.accounts[user_id]
        token = changes.pop("reset_token_hash", account.reset_token_hash)
        self.accounts[user_id] = StoredAccount(replace(account.credentials, **changes), token)

    def replace_user(self, user_id: UUID, **changes: Any) -> User:
        """Replaces fields of the stored account's user (names, lockout, last login)."""
        user = replace(self.accounts[user_id].credentials.user, **changes)
        self.change(user_id, user=user)
        return user

    async def record_login(
        self, user_id: UUID, *, at: datetime, password_hash: str | None = None
    ) -> User:
        new_hash = password_hash or self.accounts[user_id].credentials.password_hash
        self.change(user_id, password_hash=new_hash)
        return self.replace_user(
            user_id, last_login_at=at, failed_login_attempts=0, locked_until=None
        )

    async def record_failed_login(
        self, user_id: UUID, *, attempts: int, locked_until: datetime | None
    ) -> None:
        self.replace_user(user_id, failed_login_attempts=attempts, locked_until=locked_until)

    async def set_password_reset(
        self, user_id: UUID, *, token_hash: str, expires_at: datetime
    ) -> None:
        self.change(user_id, reset_token_hash=token_hash, password_reset_expires=expires_at)

    async def change_password(self, user_id: UUID, *, password_hash: str) -> None:
        self.change(
            user_id, reset_token_hash=None, password_hash=password_hash, password_reset_expires=None
        )
        self.replace_user(user_id, failed_login_attempts=0, locked_until=None)

    async def update(self, user_id: UUID, changes: Mapping[str, object]) -> User:
        return self.replace_user(user_id, **changes)


@dataclass
class FakeActivity:
    entries: list[tuple[ActivityEvent, datetime | None]] = field(default_factory=list)

    @property
    def events(self) -> list[ActivityEvent]:
        return [event for event, _ in self.entries]

    async def record(self, event: ActivityEvent, *, at: datetime | None = None) -> None:
        self.entries.append((event, at))

    async def count(self, *, user_id: UUID, event_type: str, since: datetime) -> int:
        return sum(
            1
            for event, at in self.entries
            if event.user_id == user_id
            and event.event_type == event_type
            and at is not None
            and at > since
        )


@dataclass
class FakeSessions:
    rows: dict[UUID, tuple[RefreshSession, str]] = field(default_factory=dict)  # with token hash

    async def add(self, session: NewRefreshSession) -> RefreshSession:
        stored = RefreshSession(
            id=uuid.uuid4(),
            user_id=session.user_id,
            family_id=session.family_id,
            created_at=session.created_at,
            expires_at=session.expires_at,
        )
        self.rows[stored.id] = (stored, session.token_hash)
        return stored

    async def get(self, session_id: UUID) -> RefreshSession | None:
        found = self.rows.get(session_id)
        return found[0] if found else None

    async def by_token_hash(self, token_hash: str, *, lock: bool = False) -> RefreshSession | None:
        return next((s for s, digest in self.rows.values() if digest == token_hash), None)

    async def revoke(self, session_id: UUID, *, at: datetime, reason: RevokedReason) -> bool:
        return self._revoke(lambda s: s.id == session_id, at, reason) > 0

    async def revoke_family(self, family_id: UUID, *, at: datetime, reason: RevokedReason) -> int:
        return self._revoke(lambda s: s.family_id == family_id, at, reason)

    async def revoke_all(
        self,
        user_id: UUID,
        *,
        at: datetime,
        reason: RevokedReason,
        keep_family: UUID | None = None,
    ) -> int:
        return self._revoke(
            lambda s: s.user_id == user_id and s.family_id != keep_family, at, reason
        )

    def _revoke(
        self, which: Callable[[RefreshSession], bool], at: datetime, reason: RevokedReason
    ) -> int:
        ended = 0
        for session_id, (session, digest) in list(self.rows.items()):
            if session.revoked_at is None and which(session):
                ended += 1
                revoked = replace(session, revoked_at=at, revoked_reason=reason)
                self.rows[session_id] = (revoked, digest)
        return ended

    @property
    def sessions(self) -> list[RefreshSession]:
        return [session for session, _ in self.rows.values()]


class FakeUnitOfWork:
    """Keeps staged changes apart until commit, so tests see what a rollback would discard."""

    def __init__(self) -> None:
        self.users = FakeUsers()
        self.activity = FakeActivity()
        self.sessions = FakeSessions()
        self.emails = FakeOutbox()
        self.settings = NoSettings()
        self.committed_emails: list[tuple[UUID, Draft]] = []
        self.committed_accounts: dict[UUID, StoredAccount] = {}
        self.committed_entries: list[tuple[ActivityEvent, datetime | None]] = []
        self.committed_sessions: dict[UUID, tuple[RefreshSession, str]] = {}
        self.commits = 0
        self._open = False

    @property
    def committed_users(self) -> dict[str, tuple[User, str]]:
        return FakeUsers(self.committed_accounts).rows

    @property
    def committed_events(self) -> list[ActivityEvent]:
        return [event for event, _ in self.committed_entries]

    def change_user(self, user_id: UUID, **changes: Any) -> None:
        """Changes a committed account, as another transaction (an admin) would."""
        FakeUsers(self.committed_accounts).change(user_id, **changes)

    async def __aenter__(self) -> Self:
        # The SQL unit of work cannot be nested either; catch it here rather than in production.
        assert not self._open, "the unit of work is already open"
        self._open = True
        self.users = FakeUsers(dict(self.committed_accounts))
        self.activity = FakeActivity(list(self.committed_entries))
        self.sessions = FakeSessions(dict(self.committed_sessions))
        self.emails = FakeOutbox(list(self.committed_emails))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open = False

    async def commit(self) -> None:
        self.committed_accounts = dict(self.users.accounts)
        self.committed_entries = list(self.activity.entries)
        self.committed_sessions = dict(self.sessions.rows)
        self.committed_emails = list(self.emails.queued)
        self.commits += 1
