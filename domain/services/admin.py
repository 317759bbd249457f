"""Administration of accounts: profile, role and activation changes, and unlocking.

The service never loses its last administrator: nobody demotes or deactivates themselves,
and the last active administrator cannot be demoted or deactivated by anyone. Deactivation
ends every session of the account at once.
"""

from __future__ import annotations

from uuid import UUID

from domain.access import is_admin
from domain.accounts import clean_name
from domain.errors import Conflict, NotFound
from domain.model import ActivityEvent, EventCategory, Role, Severity, User
from domain.ports import Clock, RevokedReason, UnitOfWork


class NotAdministrator(Conflict):
    def __init__(self) -> None:
        super().__init__("only administrators manage accounts")


def _event(
    actor: User, target: User, kind: str, description: str, **extra: object
) -> ActivityEvent:
    return ActivityEvent(
        event_type=f"admin.{kind}",
        category=EventCategory.ADMIN,
        description=description,
        user_id=actor.id,
        severity=Severity.WARNING if kind == "user_deactivated" else Severity.INFO,
        metadata={"target_user_id": str(target.id), **extra},
    )


async def update_user(
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    user_id: UUID,
    first_name: str | None = None,
    last_name: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> User:
    if not is_admin(actor):
        raise NotAdministrator
    changes: dict[str, object] = {}
    if first_name is not None:
        changes["first_name"] = clean_name(first_name, field="first_name")
    if last_name is not None:
        changes["last_name"] = clean_name(last_name, field="last_name")
    async with uow:
        target = await uow.users.get(user_id)
        if target is None:
            raise NotFound("no such user")
        losing_admin = target.role is Role.ADMIN and (
            (role is not None and role is not Role.ADMIN) or is_active is False
        )
        if losing_admin:
            if target.id == actor.id:
                raise Conflict("you cannot demote or deactivate yourself")
            admins = await uow.users.lock_active_admins()
            if target.is_active and admins == [target.id]:
                raise Conflict("the last active administrator cannot be demoted or deactivated")
        if role is not None and role is not target.role:
            changes["role"] = role.value
        if is_active is not None and is_active is not target.is_active:
            changes["is_active"] = is_active
        if not changes:
            return target
        updated = await uow.users.update(user_id, changes)
        if changes.get("is_active") is False:
            await uow.sessions.revoke_all(user_id, at=clock.now(), reason=RevokedReason.DEACTIVATED)
        kind = "user_deactivated" if changes.get("is_active") is False else "user_updated"
        await uow.activity.record(
            _event(actor, updated, kind, f"account {updated.email} changed", fields=sorted(changes))
        )
        await uow.commit()
    return updated


async def unlock_user(*, uow: UnitOfWork, actor: User, user_id: UUID) -> User:
    if not is_admin(actor):
        raise NotAdministrator
    async with uow:
        target = await uow.users.get(user_id)
        if target is None:
            raise NotFound("no such user")
        await uow.users.unlock(user_id)
        await uow.activity.record(
            _event(actor, target, "user_unlocked", f"account {target.email} unlocked")
        )
        await uow.commit()
    return target
