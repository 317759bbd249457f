"""Deleting for good: an account with everything it owns, a client's assessments, or
assessments long since deleted, with their report files (and, for an account, its logo and
sample report).

Rows go in one transaction (the foreign keys cascade to answers, results, checklists,
reports, messages and sessions). An account's or a client's erasure also strips the audit
rows that name them of their details (`ErasureRepository.scrub_activity`) and forgets the job
queue's jobs about their messages, and records that it happened, with counts and no
personal data. The files go after the
commit: a file whose row is gone can no longer be reached, whereas a row whose file is
gone would be a broken report. If removing the files fails, the error says so and the
orphaned files are listed by the store's error; `sweep_report_files` removes them later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.accounts import normalize_email
from domain.errors import Conflict, NotFound
from domain.exports import export_key
from domain.model import ActivityEvent, EventCategory, Role, Severity, User
from domain.ports import ReportStore, UnitOfWork
from domain.services.branding import preview_key


@dataclass(frozen=True, slots=True)
class Erased:
    assessments: int
    files: int
    audit_rows: int = 0  # audit rows stripped of their details


class AuthoredElsewhere(Conflict):
    def __init__(self, count: int) -> None:
        super().__init__(
            f"the account made {count} report(s) or checklist item(s) on other consultants'"
            " assessments, which deleting it would take with it; deactivate it instead"
        )


class LastAdministrator(Conflict):
    def __init__(self) -> None:
        super().__init__("this is the last active administrator; it cannot be deleted")


class OwnAccount(Conflict):
    def __init__(self) -> None:
        super().__init__("an administrator cannot erase their own account; another one can")


async def erase_user(
    *,
    uow: UnitOfWork,
    store: ReportStore,
    email: str | None = None,
    user_id: UUID | None = None,
    actor: User | None = None,
) -> Erased:
    """The account by `email` or `user_id`, and everything it owns, for good; `actor` is
    the administrator asking (None: an operator at the command line)."""
    async with uow:
        if user_id is not None:
            user = await uow.users.get(user_id)
        else:
            user = await uow.users.get_by_email(email or "")
        if user is None:
            raise NotFound(f"no account {email}" if email else "no such account")
        if actor is not None and actor.id == user.id:
            raise OwnAccount
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
        scrubbed = await _forget_traces(uow, user.id, assessments, user.email)
        exports = await _forget_exports(uow, user.id, assessments, user.email)
        await uow.erasure.delete_user(user.id)
        await uow.activity.record(
            _erased(
                "user.erased",
                "account erased for good with its assessments, reports and audit details",
                actor,
                assessments=len(assessments),
                audit_rows=scrubbed,
            )
        )
        await uow.commit()
    await store.delete([*keys, *branding, *exports])
    return Erased(assessments=len(assessments), files=len(keys), audit_rows=scrubbed)


async def erase_client(
    *,
    uow: UnitOfWork,
    store: ReportStore,
    email: str,
    actor: User | None,
    consultant_id: UUID | None = None,
) -> Erased:
    """Every assessment of the client by `email`, with their reports, checklists and
    messages, and the client's traces in the audit trail, for good. A consultant erases
    among their own assessments; an administrator (or an operator, `actor` None) among one
    consultant's (`consultant_id`) or everyone's."""
    address = normalize_email(email)
    if actor is not None and actor.role is not Role.ADMIN:
        if consultant_id not in (None, actor.id):  # as for any account it may not see
            raise NotFound("no such consultant")
        consultant_id = actor.id
    async with uow:
        assessments = await uow.erasure.client_assessments(address, consultant_id)
        if not assessments:
            raise NotFound(f"no assessment of a client {address}")
        keys = await uow.reports.keys_of(assessments)
        scrubbed = await _forget_traces(uow, None, assessments, address)
        exports = await _forget_exports(uow, None, assessments, address)
        await uow.erasure.delete_assessments(assessments)
        await uow.activity.record(
            _erased(
                "client.erased",
                "client erased for good with their assessments, reports and audit details",
                actor,
                assessments=len(assessments),
                audit_rows=scrubbed,
                scope="one consultant" if consultant_id is not None else "every consultant",
            )
        )
        await uow.commit()
    await store.delete([*keys, *exports])
    return Erased(assessments=len(assessments), files=len(keys), audit_rows=scrubbed)


async def _forget_traces(
    uow: UnitOfWork, user_id: UUID | None, assessments: list[UUID], address: str
) -> int:
    """Strips the audit rows that name the account, the assessments or the address of their
    details, and forgets the job queue's jobs about their messages; before the rows go, as
    their ids are read from them. Returns how many audit rows."""
    traces = await uow.erasure.traces(user_id, assessments)
    scrubbed = await uow.erasure.scrub_activity(user_id, traces, [address])
    await uow.erasure.forget_jobs(traces)
    return scrubbed


async def _forget_exports(
    uow: UnitOfWork, user_id: UUID | None, assessments: list[UUID], address: str
) -> list[str]:
    """Deletes the exports that may hold what is erased; returns their files' keys."""
    exports = await uow.exports.about(email=address, assessment_ids=assessments, user_id=user_id)
    return [export_key(export_id) for export_id in exports]


def _erased(kind: str, description: str, actor: User | None, **counts: object) -> ActivityEvent:
    """The record that an erasure happened: who asked, and counts, never whom."""
    return ActivityEvent(
        event_type=kind,
        category=EventCategory.ADMIN,
        description=description,
        severity=Severity.WARNING,
        user_id=actor.id if actor is not None else None,
        metadata=counts,
    )


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
