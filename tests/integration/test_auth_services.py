"""The authentication use cases over the real unit of work, PostgreSQL and argon2: what each
leaves in users, sessions and activity_logs, lockout timed by a clock the tests move, and the
row locks that make concurrent logins and refreshes safe."""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import pytest
from argon2 import PasswordHasher as Argon2

from domain.errors import AccountLocked, InvalidCredentials, InvalidToken, WeakPassword
from domain.model import Role, User
from domain.services import auth, password_reset, sessions
from domain.services.auth import SignIn
from persistence.connections import Database
from persistence.queries import signed_in_user
from persistence.unit_of_work import SqlUnitOfWork
from server.auth import Argon2PasswordHasher
from tests.builders import unique_email
from tests.database import execute, query
from tests.keys import suite_keyring
from tests.unit.fakes import FakeClock, FakeDispatch

PASSWORD = "Ledger-Balance-42"
WRONG = "Wrong-Password-1!"
NEW_PASSWORD = "Fresh-Start-2026!"
IP = "198.51.100.23"
AGENT = "Mozilla/5.0 (integration)"


def _cheap_argon2(time_cost: int = 1) -> Argon2PasswordHasher:
    """argon2id with small costs: the same code paths, a fraction of the time."""
    return Argon2PasswordHasher(Argon2(time_cost=time_cost, memory_cost=8 * 1024, parallelism=1))


@dataclass
class World:
    database: Database
    url: str
    clock: FakeClock
    hasher: Argon2PasswordHasher
    dispatch: FakeDispatch

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database.scope(), suite_keyring())

    async def signed_in(self, user_id: UUID, session_id: UUID | None = None) -> User | None:
        """The account an access token for `user_id` and `session_id` stands for now."""
        scope = self.database.scope()
        try:
            async with scope.reading() as connection:
                return await signed_in_user(connection, user_id, session_id)
        finally:
            await scope.close()

    async def register(self) -> SignIn:
        return await auth.register(
            uow=self.uow(), hasher=self.hasher, clock=self.clock, email=unique_email(),
            password=PASSWORD, first_name="Ada", last_name="Lovelace", ip=IP, user_agent=AGENT,
        )  # fmt: skip

    async def login(self, email: str, password: str = PASSWORD) -> SignIn:
        return await auth.login(
            uow=self.uow(), hasher=self.hasher, clock=self.clock, email=email,
            password=password, ip=IP, user_agent=AGENT,
        )  # fmt: skip

    async def fail(self, email: str, times: int = 1) -> None:
        for _ in range(times):
            with pytest.raises(InvalidCredentials):
                await self.login(email, WRONG)

    async def refresh(self, token: str) -> SignIn:
        return await sessions.refresh(uow=self.uow(), clock=self.clock, refresh_token=token)

    async def request_reset(self, email: str) -> str | None:
        """Asks for a reset link; returns the token of the message it queued, if any."""
        before = len(self.dispatch.asked)
        await password_reset.request_password_reset(
            uow=self.uow(), clock=self.clock, dispatch=self.dispatch, email=email,
            reset_link="http://localhost:5173/reset-password?token={token}",
        )  # fmt: skip
        if len(self.dispatch.asked) == before:
            return None
        [(text,)] = query(
            self.url,
            "SELECT text_body FROM email_messages WHERE id = :id AND status = 'queued'",
            id=self.dispatch.asked[-1],
        )
        link = re.search(r"http://\S+", text)
        assert link is not None
        return parse_qs(urlsplit(link.group()).query)["token"][0]

    async def reset(self, token: str, password: str = NEW_PASSWORD) -> User:
        return await password_reset.reset_password(
            uow=self.uow(), hasher=self.hasher, clock=self.clock, dispatch=self.dispatch,
            token=token, new_password=password,
        )  # fmt: skip

    def user_row(self, user_id: UUID):  # type: ignore[no-untyped-def]
        [row] = query(self.url, "SELECT * FROM users WHERE id = :id", id=user_id)
        return row

    def session_row(self, session_id: UUID):  # type: ignore[no-untyped-def]
        [row] = query(self.url, "SELECT * FROM sessions WHERE id = :id", id=session_id)
        return row

    def events(self, user_id: UUID, kind: str) -> list[object]:
        return query(
            self.url,
            "SELECT * FROM activity_logs WHERE user_id = :u AND event_type = :t "
            "ORDER BY created_at",
            u=user_id,
            t=f"auth.{kind}",
        )


@pytest.fixture
def world(database: Database, database_url: str) -> World:
    return World(database, database_url, FakeClock(), _cheap_argon2(), FakeDispatch())


# -- register and login --------------------------------------------------------------------


async def test_register_stores_a_consultant_a_hashed_token_and_the_audit_rows(
    world: World,
) -> None:
    signed = await world.register()
    now = world.clock.now()
    user = world.user_row(signed.user.id)
    assert (user.role, user.last_login_at, user.failed_login_attempts) == ("consultant", now, 0)
    assert user.password_hash.startswith("$argon2id$")
    assert signed.user.role is Role.CONSULTANT
    session = world.session_row(signed.session_id)
    assert session.token_hash == hashlib.sha256(signed.refresh_token.encode()).hexdigest()
    assert (session.family_id, session.created_at) == (signed.family_id, now)
    assert session.expires_at == now + timedelta(days=7) == signed.refresh_expires_at
    assert (str(session.ip_address), session.user_agent) == (IP, AGENT)
    for kind in ("registered", "login"):
        [event] = world.events(signed.user.id, kind)
        assert (event.event_category, event.created_at) == ("auth", now)  # type: ignore[attr-defined]
        assert str(event.ip_address) == IP  # type: ignore[attr-defined]


async def test_login_opens_a_new_family_and_records_it(world: World) -> None:
    registered = await world.register()
    world.clock.advance(hours=1)
    signed = await world.login(registered.user.email.upper())
    assert signed.user.id == registered.user.id
    assert signed.family_id != registered.family_id
    assert world.user_row(signed.user.id).last_login_at == world.clock.now()
    assert len(world.events(signed.user.id, "login")) == 2


async def test_unknown_email_and_wrong_password_give_the_same_error(world: World) -> None:
    user = (await world.register()).user
    missing = unique_email()
    with pytest.raises(InvalidCredentials) as unknown:
        await world.login(missing)
    with pytest.raises(InvalidCredentials) as wrong:
        await world.login(user.email, WRONG)
    assert unknown.value.message == wrong.value.message == "the email or password is incorrect"
    [anonymous] = query(
        world.url,
        "SELECT user_id, metadata FROM activity_logs WHERE metadata->>'email' = :e",
        e=missing,
    )
    assert anonymous.user_id is None
    assert anonymous.metadata["reason"] == "unknown_email"
    [failed] = world.events(user.id, "login_failed")
    assert failed.metadata["reason"] == "wrong_password"  # type: ignore[attr-defined]


async def test_deactivated_and_deleted_accounts_cannot_log_in(world: World) -> None:
    ann, bob = (await world.register()).user, (await world.register()).user
    execute(world.url, "UPDATE users SET is_active = false WHERE id = :id", id=ann.id)
    execute(world.url, "UPDATE users SET deleted_at = now() WHERE id = :id", id=bob.id)
    for user in (ann, bob):
        with pytest.raises(InvalidCredentials):
            await world.login(user.email)
        assert world.user_row(user.id).failed_login_attempts == 0


async def test_login_rehashes_with_the_current_parameters(world: World) -> None:
    user = (await world.register()).user
    assert "t=1," in world.user_row(user.id).password_hash
    world.hasher = _cheap_argon2(time_cost=2)
    await world.login(user.email)
    rehashed = world.user_row(user.id).password_hash
    assert "t=2," in rehashed
    await world.login(user.email)
    assert world.user_row(user.id).password_hash == rehashed


# -- lockout -------------------------------------------------------------------------------


async def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes(
    world: World,
) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    row = world.user_row(user.id)
    assert (row.failed_login_attempts, row.account_locked_until) == (4, None)
    world.clock.advance(minutes=14)
    with pytest.raises(AccountLocked) as locked:
        await world.login(user.email, WRONG)
    until = world.clock.now() + timedelta(minutes=15)
    assert locked.value.until == until
    assert world.user_row(user.id).account_locked_until == until
    [event] = world.events(user.id, "locked")
    assert event.severity == "warning"  # type: ignore[attr-defined]
    world.clock.advance(minutes=14)
    with pytest.raises(AccountLocked):
        await world.login(user.email)  # even with the right password
    world.clock.advance(minutes=1)
    assert (await world.login(user.email)).user.id == user.id
    row = world.user_row(user.id)
    assert (row.failed_login_attempts, row.account_locked_until) == (0, None)


async def test_a_failure_older_than_fifteen_minutes_does_not_count(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email)
    world.clock.advance(minutes=15, seconds=1)
    await world.fail(user.email, times=4)
    assert world.user_row(user.id).account_locked_until is None
    with pytest.raises(AccountLocked):
        await world.login(user.email, WRONG)


async def test_concurrent_wrong_guesses_are_all_counted(world: World) -> None:
    user = (await world.register()).user
    outcomes = await asyncio.gather(
        *(world.login(user.email, WRONG) for _ in range(6)), return_exceptions=True
    )
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["AccountLocked"] * 2 + ["InvalidCredentials"] * 4
    assert world.user_row(user.id).failed_login_attempts == 5


# -- refresh and logout --------------------------------------------------------------------


async def test_refresh_rotates_the_session_within_its_family(world: World) -> None:
    first = await world.register()
    world.clock.advance(minutes=30)
    second = await world.refresh(first.refresh_token)
    assert (second.user.id, second.family_id) == (first.user.id, first.family_id)
    old, new = world.session_row(first.session_id), world.session_row(second.session_id)
    assert (old.revoked_reason, old.revoked_at, old.last_used_at) == (
        "rotated",
        world.clock.now(),
        world.clock.now(),
    )
    assert new.revoked_at is None
    assert new.expires_at == world.clock.now() + timedelta(days=7)


async def test_a_reused_token_revokes_the_family_and_the_newest_token_fails(world: World) -> None:
    first = await world.register()
    second = await world.refresh(first.refresh_token)
    with pytest.raises(InvalidToken):
        await world.refresh(first.refresh_token)
    assert world.session_row(second.session_id).revoked_reason == "reuse_detected"
    with pytest.raises(InvalidToken):
        await world.refresh(second.refresh_token)
    [reuse, _] = world.events(first.user.id, "refresh_reuse")
    assert reuse.severity == "warning"  # type: ignore[attr-defined]


async def test_two_refreshes_racing_with_one_token_count_as_reuse(world: World) -> None:
    signed = await world.register()
    outcomes = await asyncio.gather(
        world.refresh(signed.refresh_token),
        world.refresh(signed.refresh_token),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["InvalidToken", "SignIn"]
    [active] = query(
        world.url,
        "SELECT count(*) FROM sessions WHERE family_id = :f AND revoked_at IS NULL",
        f=signed.family_id,
    )
    assert active == (0,)


async def test_an_expired_refresh_token_is_refused(world: World) -> None:
    signed = await world.register()
    world.clock.advance(days=7)
    with pytest.raises(InvalidToken):
        await world.refresh(signed.refresh_token)
    with pytest.raises(InvalidToken):
        await world.refresh("no-such-token")


async def test_a_deactivated_account_loses_its_sessions_on_refresh(world: World) -> None:
    signed = await world.register()
    execute(world.url, "UPDATE users SET is_active = false WHERE id = :id", id=signed.user.id)
    assert await world.signed_in(signed.user.id) is None
    with pytest.raises(InvalidToken):
        await world.refresh(signed.refresh_token)
    assert world.session_row(signed.session_id).revoked_reason == "deactivated"


async def test_a_token_stands_for_its_account_while_active_and_its_login_lasts(
    world: World,
) -> None:
    first = await world.register()
    user_id, sid = first.user.id, first.session_id  # an access token issued at registration
    assert await world.signed_in(user_id, sid) == first.user
    second = await world.refresh(first.refresh_token)
    assert await world.signed_in(user_id, sid) == first.user  # the same login, rotated
    assert await world.signed_in(uuid4(), sid) is None  # someone else's session
    await sessions.logout(
        uow=world.uow(), clock=world.clock, session_id=second.session_id, user_id=user_id
    )
    assert await world.signed_in(user_id, sid) is None
    assert await world.signed_in(user_id, second.session_id) is None
    assert await world.signed_in(user_id) == first.user  # a token minted without a login
    execute(world.url, "UPDATE users SET is_active = false WHERE id = :id", id=user_id)
    assert await world.signed_in(user_id) is None


async def test_a_token_of_a_deleted_account_stands_for_nobody(world: World) -> None:
    signed = await world.register()
    execute(world.url, "UPDATE users SET deleted_at = now() WHERE id = :id", id=signed.user.id)
    assert await world.signed_in(signed.user.id) is None
    assert await world.signed_in(uuid4()) is None


async def test_logout_revokes_the_session_and_its_access_tokens(world: World) -> None:
    first = await world.register()
    user_id, sid = first.user.id, first.session_id
    second = await world.refresh(first.refresh_token)
    assert await world.signed_in(user_id, sid)
    assert not await world.signed_in(uuid4(), sid)
    assert await sessions.logout(
        uow=world.uow(), clock=world.clock, session_id=sid, user_id=user_id
    )
    assert world.session_row(second.session_id).revoked_reason == "logout"
    assert len(world.events(user_id, "logout")) == 1
    assert await world.signed_in(user_id, sid) is None
    with pytest.raises(InvalidToken):
        await world.refresh(second.refresh_token)


# -- password reset ------------------------------------------------------------------------


async def test_reset_is_single_use_and_revokes_every_session(world: World) -> None:
    signed = await world.register()
    other = await world.login(signed.user.email)
    token = await world.request_reset(signed.user.email)
    assert token is not None
    row = world.user_row(signed.user.id)
    assert row.password_reset_token == hashlib.sha256(token.encode()).hexdigest()
    assert row.password_reset_expires == world.clock.now() + timedelta(hours=24)
    await world.reset(token)
    row = world.user_row(signed.user.id)
    assert (row.password_reset_token, row.password_reset_expires) == (None, None)
    for session_id in (signed.session_id, other.session_id):
        assert world.session_row(session_id).revoked_reason == "password_reset"
    with pytest.raises(InvalidToken):
        await world.reset(token, "Another-Secret-99!")
    with pytest.raises(InvalidCredentials):
        await world.login(signed.user.email)
    assert (await world.login(signed.user.email, NEW_PASSWORD)).user.id == signed.user.id
    assert len(world.events(signed.user.id, "password_reset")) == 1


async def test_a_reset_token_expires_after_24_hours(world: World) -> None:
    user = (await world.register()).user
    token = await world.request_reset(user.email)
    assert token is not None
    world.clock.advance(hours=24)
    with pytest.raises(InvalidToken):
        await world.reset(token)
    with pytest.raises(WeakPassword):
        await world.reset(token, "weak")
    assert (await world.login(user.email)).user.id == user.id


async def test_a_reset_request_for_an_unknown_email_sends_nothing(world: World) -> None:
    missing = unique_email()
    assert await world.request_reset(missing) is None
    assert world.dispatch.asked == []
    [event] = query(
        world.url,
        "SELECT user_id, metadata FROM activity_logs "
        "WHERE event_type = 'auth.password_reset_requested' AND metadata->>'email' = :e",
        e=missing,
    )
    assert event.user_id is None
    assert event.metadata["sent"] is False


async def test_reset_unlocks_a_locked_account(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    with pytest.raises(AccountLocked):
        await world.login(user.email, WRONG)
    token = await world.request_reset(user.email)
    assert token is not None
    await world.reset(token)
    row = world.user_row(user.id)
    assert (row.failed_login_attempts, row.account_locked_until) == (0, None)
    assert (await world.login(user.email, NEW_PASSWORD)).user.id == user.id
