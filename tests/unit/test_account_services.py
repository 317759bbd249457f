"""The account owner's use cases over in-memory ports: changing the password (which logins
end, the lockout, a change racing another) and setting one from the command line."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import AccountLocked, NotFound, WeakPassword, WrongPassword
from domain.model import EventCategory, Severity, User
from domain.ports import RevokedReason
from domain.services import accounts, auth, sessions
from domain.services.auth import SignIn
from tests.unit.fakes import FakeClock, FakeHasher, FakeUnitOfWork

PASSWORD = "Ledger-Balance-42"
NEW_PASSWORD = "Fresh-Start-2026!"
WRONG = "Wrong-Password-1!"


class World:
    def __init__(self, hasher: FakeHasher | None = None) -> None:
        self.uow, self.hasher, self.clock = FakeUnitOfWork(), hasher or FakeHasher(), FakeClock()

    async def register(self) -> SignIn:
        return await auth.register(
            uow=self.uow, hasher=self.hasher, clock=self.clock,
            email=f"ann-{uuid.uuid4().hex[:8]}@example.com", password=PASSWORD,
            first_name="Ann", last_name="Smith",
        )  # fmt: skip

    async def login(self, user: User, password: str = PASSWORD) -> SignIn:
        return await auth.login(
            uow=self.uow, hasher=self.hasher, clock=self.clock, email=user.email,
            password=password,
        )  # fmt: skip

    async def change(
        self, user: User, session_id: uuid.UUID | None, current: str = PASSWORD
    ) -> int:
        return await accounts.change_password(
            uow=self.uow, hasher=self.hasher, clock=self.clock, user=user,
            session_id=session_id, current_password=current, new_password=NEW_PASSWORD,
        )  # fmt: skip

    def reasons(self, family_id: uuid.UUID) -> set[RevokedReason | None]:
        return {
            session.revoked_reason
            for session, _ in self.uow.committed_sessions.values()
            if session.family_id == family_id
        }

    def user(self, user: User) -> User:
        return self.uow.committed_accounts[user.id].credentials.user


@pytest.fixture
def world() -> World:
    return World()


async def test_a_change_keeps_the_callers_login_even_after_a_rotation(world: World) -> None:
    first = await world.register()
    rotated = await sessions.refresh(
        uow=world.uow, clock=world.clock, refresh_token=first.refresh_token
    )
    other = await world.login(first.user)
    # The caller's access token names the session it was issued with, rotated since.
    assert await world.change(first.user, first.session_id) == 1
    assert world.reasons(first.family_id) == {RevokedReason.ROTATED, None}
    assert world.reasons(other.family_id) == {RevokedReason.PASSWORD_RESET}
    assert rotated.family_id == first.family_id
    [event] = [e for e in world.uow.committed_events if e.event_type == "auth.password_changed"]
    assert event.category is EventCategory.AUTH
    assert event.metadata == {"sessions_revoked": 1, "kept_session_id": str(first.session_id)}


async def test_without_a_session_or_with_someone_elses_every_login_ends(world: World) -> None:
    ann, bob = await world.register(), await world.register()
    assert await world.change(ann.user, None) == 1
    assert world.reasons(ann.family_id) == {RevokedReason.PASSWORD_RESET}
    # Bob's session id does not keep a login of Ann's, nor touch Bob's.
    again = await world.login(ann.user, NEW_PASSWORD)
    assert await world.change(ann.user, bob.session_id, NEW_PASSWORD) == 1
    assert world.reasons(again.family_id) == {RevokedReason.PASSWORD_RESET}
    assert world.reasons(bob.family_id) == {None}


async def test_the_policy_is_checked_before_the_current_password(world: World) -> None:
    signed = await world.register()
    with pytest.raises(WeakPassword):
        await accounts.change_password(
            uow=world.uow, hasher=world.hasher, clock=world.clock, user=signed.user,
            session_id=None, current_password=WRONG, new_password="weak",
        )  # fmt: skip
    assert world.hasher.verifies == 0
    assert world.user(signed.user).failed_login_attempts == 0


async def test_a_lock_ends_on_time_and_then_the_change_goes_through(world: World) -> None:
    signed = await world.register()
    for _ in range(4):
        with pytest.raises(WrongPassword):
            await world.change(signed.user, signed.session_id, WRONG)
    with pytest.raises(AccountLocked) as locked:
        await world.change(signed.user, signed.session_id, WRONG)
    assert locked.value.until == world.clock.now() + timedelta(minutes=15)
    verifies = world.hasher.verifies
    with pytest.raises(AccountLocked):
        await world.change(signed.user, signed.session_id)
    assert world.hasher.verifies == verifies  # refused without looking at the password
    world.clock.advance(minutes=15, seconds=1)
    assert await world.change(signed.user, signed.session_id) == 0
    after = world.user(signed.user)
    assert (after.failed_login_attempts, after.locked_until) == (0, None)


class RacingHasher(FakeHasher):
    """Verifies the password while another transaction changes it."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: list[tuple[FakeUnitOfWork, uuid.UUID]] = []

    async def verify(self, password_hash: str, password: str) -> bool:
        for uow, user_id in self.meanwhile:
            uow.change_user(user_id, password_hash=await self.hash("Someone-Else-99!"))
        return await super().verify(password_hash, password)


async def test_a_password_changed_meanwhile_is_not_overwritten() -> None:
    hasher = RacingHasher()
    world = World(hasher)
    signed = await world.register()
    hasher.meanwhile.append((world.uow, signed.user.id))
    with pytest.raises(WrongPassword):
        await world.change(signed.user, signed.session_id)
    stored = world.uow.committed_accounts[signed.user.id].credentials.password_hash
    assert stored == await hasher.hash("Someone-Else-99!")


async def test_set_password_needs_a_live_account_and_ends_every_session(world: World) -> None:
    with pytest.raises(NotFound, match=re.escape("no account with the email nobody@example.com")):
        await accounts.set_password(
            uow=world.uow, hasher=world.hasher, clock=world.clock,
            email="Nobody@Example.com", password=NEW_PASSWORD, source="cli",
        )  # fmt: skip
    signed = await world.register()
    lock = {"failed_login_attempts": 5, "locked_until": world.clock.now() + timedelta(minutes=5)}
    world.uow.change_user(signed.user.id, user=replace(signed.user, **lock))
    done = await accounts.set_password(
        uow=world.uow, hasher=world.hasher, clock=world.clock,
        email=signed.user.email.upper(), password=NEW_PASSWORD, source="cli",
    )  # fmt: skip
    assert (done.sessions_ended, done.was_locked) == (1, True)
    assert world.reasons(signed.family_id) == {RevokedReason.ADMIN}
    after = world.user(signed.user)
    assert (after.failed_login_attempts, after.locked_until) == (0, None)
    [event] = [e for e in world.uow.committed_events if e.event_type == "user.password_set"]
    assert (event.category, event.severity, event.user_id) == (
        EventCategory.ADMIN,
        Severity.WARNING,
        signed.user.id,
    )
    assert event.metadata == {"source": "cli", "sessions_revoked": 1, "was_locked": True}
    # A deleted account is no account.
    world.uow.change_user(signed.user.id, deleted_at=world.clock.now())
    with pytest.raises(NotFound):
        await accounts.set_password(
            uow=world.uow, hasher=world.hasher, clock=world.clock,
            email=signed.user.email, password=NEW_PASSWORD, source="cli",
        )  # fmt: skip
