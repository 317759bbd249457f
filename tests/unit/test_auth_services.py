"""The authentication use cases over in-memory ports and a clock the tests move: register,
login and its lockout, refresh-token rotation and reuse detection, logout, password reset and
the per-request user check (API.md "Authentication")."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher as Argon2

from domain.errors import (
    AccountLocked,
    DuplicateEmail,
    InvalidCredentials,
    InvalidToken,
    WeakPassword,
)
from domain.model import ActivityEvent, EventCategory, Role, Severity, User
from domain.ports import RefreshSession, RevokedReason
from domain.services import auth, password_reset, sessions
from domain.services.auth import SignIn, token_digest
from server.auth import Argon2PasswordHasher
from tests.unit.fakes import FakeClock, FakeDispatch, FakeHasher, FakeUnitOfWork

PASSWORD = "Ledger-Balance-42"
NEW_PASSWORD = "Fresh-Start-2026!"
IP = "203.0.113.7"
AGENT = "Mozilla/5.0 (test)"
RESET_BASE = "https://rise.example.com/reset"
RESET_LINK = RESET_BASE + "?token={token}"


@dataclass
class World:
    uow: FakeUnitOfWork
    hasher: FakeHasher
    clock: FakeClock
    dispatch: FakeDispatch

    @property
    def sent(self) -> list[tuple[str, str, str]]:
        """The committed messages as (to, subject, text), each asked to be delivered."""
        ids = set(self.dispatch.asked)
        return [(d.to, d.subject, d.text) for i, d in self.uow.committed_emails if i in ids]

    def resets(self) -> list[tuple[str, str, str]]:
        return [m for m in self.sent if m[1].startswith("Reset")]

    async def register(self, email: str | None = None, password: str = PASSWORD) -> SignIn:
        return await auth.register(
            uow=self.uow, hasher=self.hasher, clock=self.clock,
            email=email or f"ann-{uuid.uuid4().hex[:8]}@example.com", password=password,
            first_name="Ann", last_name="Smith", ip=IP, user_agent=AGENT,
        )  # fmt: skip

    async def login(self, email: str, password: str = PASSWORD) -> SignIn:
        return await auth.login(
            uow=self.uow, hasher=self.hasher, clock=self.clock, email=email,
            password=password, ip=IP, user_agent=AGENT,
        )  # fmt: skip

    async def fail(self, email: str, times: int = 1) -> None:
        for _ in range(times):
            with pytest.raises(InvalidCredentials):
                await self.login(email, "Wrong-Password-1!")

    async def refresh(self, token: str) -> SignIn:
        return await sessions.refresh(uow=self.uow, clock=self.clock, refresh_token=token, ip=IP)

    async def request_reset(self, email: str) -> None:
        await password_reset.request_password_reset(
            uow=self.uow, clock=self.clock, dispatch=self.dispatch, email=email,
            reset_link=RESET_LINK, ip=IP, user_agent=AGENT,
        )  # fmt: skip

    async def reset(self, token: str, password: str = NEW_PASSWORD) -> User:
        return await password_reset.reset_password(
            uow=self.uow, hasher=self.hasher, clock=self.clock, dispatch=self.dispatch,
            token=token, new_password=password,
        )  # fmt: skip

    def session(self, session_id: uuid.UUID) -> RefreshSession:
        return self.uow.committed_sessions[session_id][0]

    def events(self, kind: str) -> list[ActivityEvent]:
        return [e for e in self.uow.committed_events if e.event_type == f"auth.{kind}"]

    def credentials(self, user: User):  # type: ignore[no-untyped-def]
        return self.uow.committed_accounts[user.id].credentials


@pytest.fixture
def world() -> World:
    return World(FakeUnitOfWork(), FakeHasher(), FakeClock(), FakeDispatch())


def _token_from(mail_body: str) -> str:
    link = re.search(r"https://\S+", mail_body)
    assert link is not None
    return parse_qs(urlsplit(link.group()).query)["token"][0]


# -- register and login --------------------------------------------------------------------


async def test_register_makes_a_consultant_and_signs_in(world: World) -> None:
    signed = await world.register("Ann.New@Example.com")
    now = world.clock.now()
    assert signed.user.email == "ann.new@example.com"
    assert signed.user.role is Role.CONSULTANT
    assert signed.user.last_login_at == now
    assert signed.refresh_expires_at == now + timedelta(days=7)
    session, digest = world.uow.committed_sessions[signed.session_id]
    assert (session.family_id, session.user_id) == (signed.family_id, signed.user.id)
    assert digest == token_digest(signed.refresh_token) != signed.refresh_token
    assert len(signed.refresh_token) >= 43  # 32 random bytes, base64url
    [registered], [login] = world.events("registered"), world.events("login")
    for event in (registered, login):
        assert (event.category, event.user_id) == (EventCategory.AUTH, signed.user.id)
        assert (event.ip_address, event.user_agent) == (IP, AGENT)


async def test_register_refuses_a_taken_email_and_a_weak_password(world: World) -> None:
    await world.register("taken@example.com")
    commits = world.uow.commits
    with pytest.raises(DuplicateEmail):
        await world.register("TAKEN@example.com")
    with pytest.raises(WeakPassword):
        await world.register(password="short")
    assert world.uow.commits == commits


async def test_login_returns_a_new_session_family_each_time(world: World) -> None:
    email = (await world.register()).user.email
    first, second = await world.login(email), await world.login(email)
    assert first.user.email == email
    assert first.family_id != second.family_id
    assert first.refresh_token != second.refresh_token
    assert len(world.events("login")) == 3


async def test_unknown_email_and_wrong_password_give_the_same_error(world: World) -> None:
    user = (await world.register()).user
    email = user.email
    with pytest.raises(InvalidCredentials) as unknown:
        await world.login("nobody@example.com")
    with pytest.raises(InvalidCredentials) as wrong:
        await world.login(email, "Not-The-Password-1")
    assert unknown.value.message == wrong.value.message == "the email or password is incorrect"
    assert (world.hasher.dummy_verifies, world.hasher.verifies) == (1, 1)
    unknown_event, wrong_event = world.events("login_failed")
    assert unknown_event.user_id is None
    assert wrong_event.user_id == user.id
    assert unknown_event.ip_address == wrong_event.ip_address == IP


async def test_a_malformed_email_is_just_unknown(world: World) -> None:
    with pytest.raises(InvalidCredentials):
        await world.login("not an email")
    assert world.hasher.dummy_verifies == 1


async def test_deactivated_and_deleted_accounts_cannot_log_in(world: World) -> None:
    ann, bob = (await world.register()).user, (await world.register()).user
    world.uow.change_user(ann.id, user=_inactive(ann))
    world.uow.change_user(bob.id, deleted_at=world.clock.now())
    for user in (ann, bob):
        with pytest.raises(InvalidCredentials, match="email or password is incorrect"):
            await world.login(user.email)
    assert world.hasher.verifies == 2  # the same work as for a wrong password
    reasons = [(e.metadata or {}).get("reason") for e in world.events("login_failed")]
    assert reasons == ["inactive", "inactive"]


async def test_login_rehashes_a_password_hashed_with_old_parameters(world: World) -> None:
    world.hasher = FakeHasher("old")
    user = (await world.register()).user
    world.hasher = FakeHasher("new")
    await world.login(user.email)
    assert world.credentials(user).password_hash == "new:" + PASSWORD[::-1]
    await world.login(user.email)  # verifies against the new hash, needs no rehash
    assert world.credentials(user).password_hash == "new:" + PASSWORD[::-1]


# -- lockout -------------------------------------------------------------------------------


async def test_four_failures_do_not_lock_and_the_fifth_does(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    assert world.credentials(user).user.failed_login_attempts == 4
    assert world.credentials(user).user.locked_until is None
    world.clock.advance(minutes=14)
    with pytest.raises(AccountLocked, match="try again after") as locked:
        await world.login(user.email, "Wrong-Password-1!")
    assert locked.value.until == world.clock.now() + timedelta(minutes=15)
    assert world.credentials(user).user.locked_until == locked.value.until
    [event] = world.events("locked")
    assert event.severity is Severity.WARNING
    assert event.user_id == user.id


async def test_a_locked_account_refuses_the_right_password_until_the_lock_ends(
    world: World,
) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    with pytest.raises(AccountLocked):
        await world.fail(user.email)
    verifies = world.hasher.verifies
    world.clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        await world.login(user.email)
    assert world.hasher.verifies == verifies  # the password is not even looked at
    assert len(world.events("login_blocked")) == 1
    world.clock.advance(seconds=1)
    signed = await world.login(user.email)
    assert signed.user.id == user.id
    assert world.credentials(user).user.failed_login_attempts == 0
    assert world.credentials(user).user.locked_until is None


async def test_a_failure_older_than_fifteen_minutes_does_not_count(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email)
    world.clock.advance(minutes=15)
    await world.fail(user.email, times=4)  # five in all, but only four within 15 minutes
    assert world.credentials(user).user.failed_login_attempts == 5
    with pytest.raises(AccountLocked):
        await world.fail(user.email)


async def test_a_success_clears_the_failures_before_it(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    await world.login(user.email)
    await world.fail(user.email, times=4)
    assert world.credentials(user).user.locked_until is None


async def test_knocking_during_the_lock_does_not_extend_it(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    with pytest.raises(AccountLocked):
        await world.fail(user.email)
    for _ in range(10):
        world.clock.advance(minutes=1)
        with pytest.raises(AccountLocked):
            await world.login(user.email, "Wrong-Password-1!")
    world.clock.advance(minutes=5)
    await world.fail(user.email)  # one failure after the lock: not locked again
    assert world.credentials(user).user.locked_until is None


# -- refresh and logout --------------------------------------------------------------------


async def test_refresh_rotates_within_the_family(world: World) -> None:
    first = await world.register()
    world.clock.advance(minutes=20)
    second = await world.refresh(first.refresh_token)
    assert second.user == first.user
    assert second.family_id == first.family_id
    assert second.session_id != first.session_id
    assert second.refresh_token != first.refresh_token
    assert second.refresh_expires_at == world.clock.now() + timedelta(days=7)
    old = world.session(first.session_id)
    assert (old.revoked_at, old.revoked_reason) == (world.clock.now(), RevokedReason.ROTATED)
    assert world.session(second.session_id).revoked_at is None


async def test_reusing_a_rotated_token_revokes_the_whole_family(world: World) -> None:
    first = await world.register()
    second = await world.refresh(first.refresh_token)
    with pytest.raises(InvalidToken):
        await world.refresh(first.refresh_token)
    assert world.session(second.session_id).revoked_reason is RevokedReason.REUSE_DETECTED
    assert world.session(first.session_id).revoked_reason is RevokedReason.ROTATED
    with pytest.raises(InvalidToken):
        await world.refresh(second.refresh_token)
    [first_reuse, _] = world.events("refresh_reuse")
    assert first_reuse.severity is Severity.WARNING
    assert first_reuse.user_id == first.user.id
    assert first_reuse.metadata["sessions_revoked"] == 1  # type: ignore[index]


async def test_reuse_leaves_other_logins_alone(world: World) -> None:
    first = await world.register()
    other = await world.login(first.user.email)
    await world.refresh(first.refresh_token)
    with pytest.raises(InvalidToken):
        await world.refresh(first.refresh_token)
    assert (await world.refresh(other.refresh_token)).family_id == other.family_id


async def test_an_expired_or_unknown_refresh_token_is_refused(world: World) -> None:
    signed = await world.register()
    world.clock.advance(days=7)
    with pytest.raises(InvalidToken, match="sign in again"):
        await world.refresh(signed.refresh_token)
    with pytest.raises(InvalidToken):
        await world.refresh("not-a-token")


async def test_a_refresh_token_works_until_just_before_it_expires(world: World) -> None:
    signed = await world.register()
    world.clock.advance(days=7, seconds=-1)
    assert (await world.refresh(signed.refresh_token)).family_id == signed.family_id


async def test_refresh_for_a_deactivated_account_revokes_its_sessions(world: World) -> None:
    first = await world.register()
    other = await world.login(first.user.email)
    world.uow.change_user(first.user.id, user=_inactive(first.user))
    with pytest.raises(InvalidToken):
        await world.refresh(first.refresh_token)
    for session_id in (first.session_id, other.session_id):
        assert world.session(session_id).revoked_reason is RevokedReason.DEACTIVATED


async def test_logout_with_the_refresh_token_ends_the_session(world: World) -> None:
    signed = await world.register()
    assert await sessions.logout(
        uow=world.uow, clock=world.clock, refresh_token=signed.refresh_token
    )
    assert world.session(signed.session_id).revoked_reason is RevokedReason.LOGOUT
    assert [e.user_id for e in world.events("logout")] == [signed.user.id]
    with pytest.raises(InvalidToken):
        await world.refresh(signed.refresh_token)
    again = await sessions.logout(uow=world.uow, clock=world.clock, session_id=signed.session_id)
    assert again is False


async def test_logout_by_an_older_session_id_ends_the_current_session(world: World) -> None:
    first = await world.register()
    second = await world.refresh(first.refresh_token)
    stranger = uuid.uuid4()
    assert not await sessions.logout(
        uow=world.uow, clock=world.clock, session_id=first.session_id, user_id=stranger
    )
    assert await sessions.logout(
        uow=world.uow, clock=world.clock, session_id=first.session_id, user_id=first.user.id
    )
    assert world.session(second.session_id).revoked_reason is RevokedReason.LOGOUT


async def test_logout_needs_exactly_one_way_to_name_the_session(world: World) -> None:
    with pytest.raises(TypeError):
        await sessions.logout(uow=world.uow, clock=world.clock)


# -- password reset ------------------------------------------------------------------------


async def test_reset_request_mails_a_single_use_link(world: World) -> None:
    user = (await world.register()).user
    await world.request_reset(user.email.upper())
    [(to, subject, body)] = world.resets()
    assert (to, subject) == (user.email, "Reset your Financial RISE password")
    assert body.count(RESET_BASE + "?token=") == 1
    token = _token_from(body)
    stored = world.uow.committed_accounts[user.id]
    assert stored.reset_token_hash == token_digest(token)
    assert stored.credentials.password_reset_expires == world.clock.now() + timedelta(hours=24)
    [event] = world.events("password_reset_requested")
    assert (event.user_id, event.ip_address) == (user.id, IP)


async def test_reset_request_for_an_unknown_email_looks_the_same(world: World) -> None:
    await world.request_reset("nobody@example.com")  # no error, like a known email
    assert world.sent == []
    [event] = world.events("password_reset_requested")
    assert event.user_id is None


async def test_reset_request_for_a_deactivated_account_sends_nothing(world: World) -> None:
    user = (await world.register()).user
    world.uow.change_user(user.id, user=_inactive(user))
    await world.request_reset(user.email)
    assert world.sent == []


async def test_reset_sets_the_password_once_and_ends_every_session(world: World) -> None:
    signed = await world.register()
    other = await world.login(signed.user.email)
    await world.request_reset(signed.user.email)
    token = _token_from(world.resets()[0][2])
    assert await world.reset(token) == signed.user
    for session_id in (signed.session_id, other.session_id):
        assert world.session(session_id).revoked_reason is RevokedReason.PASSWORD_RESET
    with pytest.raises(InvalidToken, match="reset link is invalid"):
        await world.reset(token, "Another-Secret-99!")
    with pytest.raises(InvalidCredentials):
        await world.login(signed.user.email)
    assert (await world.login(signed.user.email, NEW_PASSWORD)).user.id == signed.user.id
    [event] = world.events("password_reset")
    assert event.metadata == {"sessions_revoked": 2}


async def test_a_reset_link_expires_after_a_day(world: World) -> None:
    user = (await world.register()).user
    await world.request_reset(user.email)
    token = _token_from(world.resets()[0][2])
    world.clock.advance(hours=24)
    with pytest.raises(InvalidToken):
        await world.reset(token)
    assert world.credentials(user).password_hash == "hashed:" + PASSWORD[::-1]


async def test_reset_checks_the_password_policy_and_keeps_the_token(world: World) -> None:
    user = (await world.register()).user
    await world.request_reset(user.email)
    token = _token_from(world.resets()[0][2])
    with pytest.raises(WeakPassword):
        await world.reset(token, "weak")
    await world.reset(token)


async def test_reset_clears_a_lockout(world: World) -> None:
    user = (await world.register()).user
    await world.fail(user.email, times=4)
    with pytest.raises(AccountLocked):
        await world.fail(user.email)
    await world.request_reset(user.email)
    await world.reset(_token_from(world.resets()[0][2]))
    assert (await world.login(user.email, NEW_PASSWORD)).user.id == user.id


async def test_a_reset_mails_a_confirmation(world: World) -> None:
    user = (await world.register()).user
    await world.request_reset(user.email)
    await world.reset(_token_from(world.resets()[0][2]))
    [_, (to, subject, body)] = world.sent
    assert (to, subject) == (user.email, "Your Financial RISE password was changed")
    assert "token" not in body


async def test_a_client_address_that_is_not_an_ip_is_left_out(world: World) -> None:
    await auth.register(
        uow=world.uow, hasher=world.hasher, clock=world.clock, email="c@example.com",
        password=PASSWORD, first_name="C", last_name="D", ip="testclient", user_agent="x" * 900,
    )  # fmt: skip
    [event] = world.events("registered")
    assert event.ip_address is None
    assert event.user_agent == "x" * 512


def _inactive(user: User) -> User:
    return replace(user, is_active=False)


# -- the server's adapters -----------------------------------------------------------------


async def test_the_argon2_dummy_verify_uses_one_hash_of_the_current_parameters() -> None:
    hasher = Argon2PasswordHasher(Argon2(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    await hasher.dummy_verify(PASSWORD)
    dummy = hasher._dummy_hash
    assert dummy is not None
    assert not hasher.needs_rehash(dummy)
    await hasher.dummy_verify("anything else")
    assert hasher._dummy_hash == dummy
