"""Deleting for good: an account with everything it owns, or assessments long since
deleted, with their report files (and, for an account, its logo and sample report).

Rows go in one transaction (the foreign keys cascade to answers, results, checklists,
reports and sessions), with an activity row that names ids only. The files go after the
commit: a file whose row is gone can no longer be reached, whereas a row whose file is
gone would be a broken report. If removing the files fails, the error says so and the
orphaned files are listed by the store's error; `sweep_report_files` removes them later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import Conflict, NotFound
from domain.model import ActivityEvent, EventCategory, Role, Severity
from domain.ports import ReportStore, UnitOfWork
from domain.services.branding import preview_key


@dataclass(frozen=True, slots=True)
class Erased:
    assessments: int
    files: int


class AuthoredElsewhere(Conflict):
    def __init__(self, count: int) -> None:
        super().__init__(
            f"the account made {count} report(s) or checklist item(s) on other consultants'"
            " assessments, which deleting it would take with it; deactivate it instead"
        )


class LastAdministrator(Conflict):
    def __init__(self) -> None:
        super().__init__("this is the last active administrator; it cannot be deleted")


async def erase_user(*, uow: UnitOfWork, store: ReportStore, email: str) -> Erased:
    """The account and everything it owns, for good."""
    async with uow:
        user = await uow.users.get_by_email(email)
        if user is None:
            raise NotFound(f"no account {email}")
        if user.role is Role.ADMIN and user.is_active:
            admins = await uow.users.lock_active_admins()
            if admins == [user.id]:
                raise LastAdministrator
        if count := await uow.erasure.authored_elsewhere(user.id):
            raise AuthoredElsewhere(count)
        assessments = await uow.erasure.assessments_of(user.id)
        keys = await uow.reports.keys_of(assessments)
        settings = await uow.settings.get(user.id)
        branding = [preview_key(user.id)]  # the logo and the sample report, if any
        if settings is not None and settings.logo_key is not None:
            branding.append(settings.logo_key)
        await uow.erasure.delete_user(user.id)
        await uow.activity.record(
            ActivityEvent(
                event_type="user.erased",
                category=EventCategory.ADMIN,
                description="account deleted for good with its assessments and reports",
                severity=Severity.WARNING,
                metadata={"user_id": str(user.id), "assessments": len(assessments)},
            )
        )
        await uow.commit()
    await store.delete([*keys, *branding])
    return Erased(assessments=len(assessments), files=len(keys))


async def purge_deleted_assessments(
    *, uow: UnitOfWork, store: ReportStore, now: datetime, older_than: timedelta
) -> Erased:
    """Assessments deleted more than `older_than` ago, for good, with their files."""
    async with uow:
        ids = await uow.erasure.deleted_before(now - older_than)
        keys = await uow.reports.keys_of(ids)
        count = await uow.erasure.delete_assessments(ids)
        if count:
            await uow.activity.record(
                ActivityEvent(
                    event_type="assessment.purged",
                    category=EventCategory.SYSTEM,
                    description=f"{count} deleted assessment(s) removed for good",
                    metadata={"assessment_ids": [str(i) for i in ids]},
                )
            )
        await uow.commit()
    await store.delete(keys)
    return Erased(assessments=count, files=len(keys))
