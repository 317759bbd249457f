"""Account use cases."""

from __future__ import annotations

from domain.accounts import check_password, clean_name, normalize_email
from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, EventCategory, NewUser, Role, User
from domain.ports import PasswordHasher, UnitOfWork


async def create_user(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    email: str,
    password: str,
    role: Role,
    first_name: str,
    last_name: str,
    created_by: User | None = None,
    source: str,
) -> User:
    """Creates an account after checking every field; the password is hashed, never stored.

    `created_by` is the administrator doing it, or None for the command line; `source` says
    where the request came from ("cli", "api") and goes into the audit trail.
    """
    clean_email = normalize_email(email)
    clean_first = clean_name(first_name, field="first_name")
    clean_last = clean_name(last_name, field="last_name")
    check_password(password)
    # Hash before the transaction opens so that no connection waits on argon2.
    password_hash = await hasher.hash(password)
    async with uow:
        if await uow.users.email_exists(clean_email):
            raise DuplicateEmail(clean_email)
        user = await uow.users.add(
            NewUser(
                email=clean_email,
                password_hash=password_hash,
                role=role,
                first_name=clean_first,
                last_name=clean_last,
            )
        )
        await uow.activity.record(
            ActivityEvent(
                event_type="user.created",
                category=EventCategory.ADMIN,
                description=f"{role.value} account {clean_email} created",
                user_id=created_by.id if created_by else user.id,
                metadata={"source": source, "created_user_id": str(user.id), "role": role.value},
            )
        )
        await uow.commit()
    return user
