"""The create_user use case over in-memory ports."""

from __future__ import annotations

import re

import pytest

from domain.errors import DuplicateEmail, ValidationError, WeakPassword
from domain.model import EventCategory, Role
from domain.services.accounts import create_user
from tests.unit.fakes import FakeHasher, FakeUnitOfWork

GOOD_PASSWORD = "Ledger-Balance-42"


async def _create(uow: FakeUnitOfWork, **overrides: object) -> object:
    fields: dict[str, object] = {
        "email": "Ann@Example.com",
        "password": GOOD_PASSWORD,
        "role": Role.CONSULTANT,
        "first_name": " Ann ",
        "last_name": "Smith",
        "source": "cli",
    } | overrides
    return await create_user(uow=uow, hasher=FakeHasher(), **fields)  # type: ignore[arg-type]


async def test_creates_the_account_with_a_hash_and_an_audit_row() -> None:
    uow = FakeUnitOfWork()
    user = await _create(uow)
    stored, password_hash = uow.committed_users["ann@example.com"]
    assert stored == user
    assert stored.first_name == "Ann"
    assert password_hash == await FakeHasher().hash(GOOD_PASSWORD)
    assert GOOD_PASSWORD not in password_hash
    [event] = uow.committed_events
    assert event.event_type == "user.created"
    assert event.category is EventCategory.ADMIN
    assert event.user_id == stored.id
    assert event.metadata == {
        "source": "cli",
        "created_user_id": str(stored.id),
        "role": "consultant",
    }


async def test_duplicate_email_is_refused_case_insensitively() -> None:
    uow = FakeUnitOfWork()
    await _create(uow)
    with pytest.raises(DuplicateEmail, match=re.escape("ann@example.com already exists")):
        await _create(uow, email="ANN@example.com")
    assert uow.commits == 1
    assert len(uow.committed_events) == 1


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"email": "not-an-email"}, ValidationError, "email"),
        ({"password": "short"}, WeakPassword, "password"),
        ({"first_name": "  "}, ValidationError, "first_name"),
        ({"last_name": "x" * 101}, ValidationError, "last_name"),
    ],
)
async def test_invalid_input_changes_nothing(
    overrides: dict[str, object], error: type[ValidationError], field: str
) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(error) as raised:
        await _create(uow, **overrides)
    assert raised.value.field == field
    assert uow.commits == 0
    assert uow.committed_users == {}
