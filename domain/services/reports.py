"""Report use cases: generate the PDFs of a completed assessment, share a client report by a
public link, revoke the link, open a shared report, and fetch a file for download.

Reports follow their assessment's ownership: a consultant reaches only the reports of their
own assessments, an admin every one, and anything else is `NotFound`. Rendering takes a
second or so, so it happens between two short transactions rather than inside one: the first
reads what the reports show, the second stores the files and records them, with an activity
row each. If recording fails, the stored files are removed again (unless the commit was
sent: when its outcome is unknown, the sweep below decides).

An archived assessment's reports are read-only: none is generated, shared or revoked until
the assessment is unarchived (`Archived`). They can still be downloaded, and a link shared
before still works.

A process can die at any point, though, and then nothing removes what it stored: files and
rows cannot be written atomically together. So the files are stored inside the recording
transaction, under a lock that sweeps wait for (`storing_files`), and `sweep_report_files`
removes every file that no report names. Every stored file is then either named by a
committed report or belongs to no transaction in progress, and a sweep that finds it
unnamed may remove it: a render killed after storing leaves files a sweep removes, and a
sweep never removes the files of a render still recording them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.access import may_see_assessment
from domain.assessments import Assessment
from domain.bank import Bank
from domain.errors import Archived, NotCompleted, NotFound, NotShareable, ValidationError
from domain.model import ActivityEvent, AssessmentStatus, EventCategory, ReportType, User
from domain.ports import Clock, ReportRenderer, ReportStore, ShareTokens, UnitOfWork
from domain.reports import ReportInputs, build_report, report_file_name
from domain.results import ReportRecord
from domain.services.assessments import changeable, reachable
from domain.services.branding import with_logo
from domain.text import text_problem

SHARE_DAYS = range(1, 91)
SHARE_TOKEN_LENGTHS = range(20, 101)  # what is looked up; a token made here has 43 characters


def report_key(assessment_id: UUID, report_id: UUID) -> str:
    """Where a report's file is stored: made of ids only, never of anything a user typed."""
    return f"reports/{assessment_id}/{report_id}.pdf"


def share_token_hash(token: str) -> str:
    """What is stored of a share token: its SHA-256. The token itself is 32 bytes no one
    can work out without the service's secret (`ShareTokens`), so a plain hash is enough
    to make the stored value useless for opening the report."""
    return hashlib.sha256(token.encode()).hexdigest()


def could_be_share_token(token: str) -> bool:
    """Whether `token` is worth looking up: 20-100 characters of text the service accepts
    (`domain.text`). Anything else opens nothing, exactly like an unknown token."""
    return len(token) in SHARE_TOKEN_LENGTHS and text_problem(token) is None


async def shared_assessment(
    uow: UnitOfWork, token: str, *, at: datetime, count_view: bool = True, lock: bool = False
) -> tuple[ReportRecord, Assessment] | None:
    """The client report shared under `token` and its assessment (locked with `lock`), the
    report's view counted unless `count_view` is false; None when the token is unknown,
    revoked or expired, or its assessment deleted. Inside the caller's unit of work."""
    if not could_be_share_token(token):
        return None
    report = await uow.reports.shared(share_token_hash(token), at=at, count_view=count_view)
    assessment = await uow.assessments.get(report.assessment_id, lock=lock) if report else None
    if report is None or assessment is None:
        return None
    return report, assessment


def _event(
    actor: User | UUID | None, report: ReportRecord, kind: str, description: str
) -> ActivityEvent:
    return ActivityEvent(
        event_type=f"report.{kind}",
        category=EventCategory.REPORT,
        description=description,
        user_id=actor.id if isinstance(actor, User) else actor,
        metadata={
            "report_id": str(report.id),
            "assessment_id": str(report.assessment_id),
            "report_type": report.report_type.value,
        },
    )


async def _reachable_report(
    uow: UnitOfWork, actor: User, report_id: UUID
) -> tuple[ReportRecord, Assessment]:
    report = await uow.reports.get(report_id)
    assessment = await uow.assessments.get(report.assessment_id) if report else None
    if report is None or assessment is None or not may_see_assessment(actor, assessment):
        raise NotFound("no such report")
    return report, assessment


async def changeable_report(
    uow: UnitOfWork, actor: User, report_id: UUID
) -> tuple[ReportRecord, Assessment]:
    """The report and its assessment, both locked, if the actor may see them and the
    assessment is not archived. The assessment is locked first, as everything else that
    locks both does (rendering, erasure), and an archiving waits for it."""
    found = await uow.reports.get(report_id)
    assessment = await uow.assessments.get(found.assessment_id, lock=True) if found else None
    if found is None or assessment is None or not may_see_assessment(actor, assessment):
        raise NotFound("no such report")
    if assessment.archived:
        raise Archived
    report = await uow.reports.get(report_id, lock=True)
    if report is None:  # erased meanwhile
        raise NotFound("no such report")
    return report, assessment


async def generate_reports(
    *,
    uow: UnitOfWork,
    clock: Clock,
    bank: Bank,
    store: ReportStore,
    renderer: ReportRenderer,
    actor: User,
    assessment_id: UUID,
    types: Sequence[ReportType],
) -> list[ReportRecord]:
    """New reports of a completed assessment, one per type asked for (in that order). Earlier
    reports stay: generating again adds to the history."""
    wanted = list(dict.fromkeys(types))
    if not wanted:
        raise ValidationError("types", "ask for at least one report type")
    async with uow:
        assessment = await reachable(uow, actor, assessment_id)
        if assessment.archived:
            raise Archived
        if assessment.status is not AssessmentStatus.COMPLETED:
            raise NotCompleted
        answers = await uow.responses.answers(assessment_id)
        phases, disc = await uow.reports.results(assessment_id)
        consultant = await uow.users.get(assessment.consultant_id)
        branding, links = await uow.reports.branding(assessment.consultant_id)
    if phases is None or consultant is None:  # completion stores both with the status
        raise NotCompleted
    branding = await with_logo(store, branding)
    await store.check_writable()  # before the render: it takes seconds, the check does not
    now = clock.now()
    inputs = ReportInputs(
        assessment=assessment,
        answers=answers,
        phases=phases,
        disc=disc,
        consultant=consultant,
        bank=bank,
        on=now.date(),
        branding=branding,
        scheduler_links=links,
    )
    rendered = await asyncio.gather(
        *(renderer.render(build_report(inputs, kind)) for kind in wanted)
    )
    files = [(uuid4(), kind, pdf) for kind, pdf in zip(wanted, rendered, strict=True)]
    keys = [report_key(assessment_id, report_id) for report_id, _, _ in files]
    stored: list[str] = []
    settled = False  # committed, or a commit was attempted: its outcome may be unknown
    try:
        async with uow:
            # The assessment may have been deleted or archived while the files were
            # rendered; locked, it stays as it is until the reports are recorded (an erasure
            # waits, then sees them).
            await changeable(uow, actor, assessment_id)
            await uow.reports.storing_files()
            for key, (_, _, pdf) in zip(keys, files, strict=True):
                stored.append(key)  # a write that fails halfway may leave some of it
                await store.put(key, pdf.content)
            records = []
            for key, (report_id, kind, pdf) in zip(keys, files, strict=True):
                record = await uow.reports.add(
                    report_id=report_id,
                    assessment_id=assessment_id,
                    report_type=kind,
                    key=key,
                    file_size_bytes=len(pdf.content),
                    page_count=pdf.page_count,
                    generated_by=actor.id,
                )
                await uow.activity.record(
                    _event(actor, record, "generated", f"{kind.value} report generated")
                )
                records.append(record)
            settled = True
            await uow.commit()
    finally:
        if stored and not settled:  # no row names these files: remove them now
            with contextlib.suppress(Exception):  # else the sweep will; the cause matters
                await store.delete(stored)
    return records


@dataclass(frozen=True, slots=True)
class Swept:
    checked: int  # files looked at
    removed: int  # of which no report named


async def sweep_report_files(
    *, uow: UnitOfWork, store: ReportStore, progress: Callable[[Swept], None] | None = None
) -> Swept:
    """Removes every stored file that no report names: what a render stored before its
    process died, or what outlived the deletion of its rows. A page of the store's listing
    at a time, each judged and removed while no report's files are being stored; `progress`
    hears the running totals after each page."""
    checked = removed = 0
    async for keys in store.key_pages():
        async with uow:
            await uow.reports.sweeping_files()
            named = await uow.reports.recorded(keys)
            orphans = [key for key in keys if key not in named]
            await store.delete(orphans)
            await uow.commit()  # ends the lock; the sweep writes no row
        checked, removed = checked + len(keys), removed + len(orphans)
        if progress is not None:
            progress(Swept(checked, removed))
    return Swept(checked, removed)


@dataclass(frozen=True, slots=True)
class Shared:
    report: ReportRecord
    token: str  # shown once; only its hash is stored


async def share_report(
    *,
    uow: UnitOfWork,
    clock: Clock,
    tokens: ShareTokens,
    actor: User,
    report_id: UUID,
    expires_in_days: int,
) -> Shared:
    """A public link to a client report, valid for 1-90 days. Sharing again replaces the
    link: the earlier one stops working."""
    check_share_days(expires_in_days)
    async with uow:
        report, _ = await changeable_report(uow, actor, report_id)
        shared = await new_share(uow, tokens, actor, report, clock.now(), expires_in_days)
        await uow.commit()
    return shared


def check_share_days(days: int) -> None:
    if days not in SHARE_DAYS:
        raise ValidationError("expiresInDays", f"a link lasts from 1 to 90 days, not {days}")


async def new_share(
    uow: UnitOfWork,
    tokens: ShareTokens,
    actor: User,
    report: ReportRecord,
    now: datetime,
    days: int,
) -> Shared:
    """Gives the (locked) client report a new link, in the caller's transaction."""
    if report.report_type is not ReportType.CLIENT:
        raise NotShareable
    expires_at = now + timedelta(days=days)
    token = tokens.token(report.id, expires_at)
    report = await uow.reports.share(
        report.id, token_hash=share_token_hash(token), expires_at=expires_at
    )
    await uow.activity.record(
        _event(actor, report, "shared", f"client report shared for {days} days")
    )
    return Shared(report, token)


async def expire_report_shares(*, uow: UnitOfWork, clock: Clock) -> int:
    """Ends the links that have expired (they already open nothing), so that no token of
    theirs stays stored; returns how many."""
    async with uow:
        ended = await uow.reports.end_expired_shares(at=clock.now())
        await uow.commit()
    return ended


async def revoke_report_share(*, uow: UnitOfWork, actor: User, report_id: UUID) -> ReportRecord:
    """Ends the public link at once. Revoking a report that is not shared changes nothing."""
    async with uow:
        report, _ = await changeable_report(uow, actor, report_id)
        if report.is_shared:
            report = await uow.reports.revoke(report_id)
            await uow.activity.record(_event(actor, report, "share_revoked", "share link revoked"))
            await uow.commit()
    return report


@dataclass(frozen=True, slots=True)
class ReportFile:
    report: ReportRecord
    file_name: str
    content: bytes


async def _file(store: ReportStore, report: ReportRecord, assessment: Assessment) -> ReportFile:
    content = await store.get(report.file_url)
    if content is None:
        raise NotFound("the report's file is missing")
    name = report_file_name(
        assessment.client_business_name, report.report_type, report.created_at.date()
    )
    return ReportFile(report, name, content)


async def download_report(
    *, uow: UnitOfWork, store: ReportStore, actor: User, report_id: UUID
) -> ReportFile:
    """The file of a report the actor may see, with an activity row for the download (only
    once the file was found)."""
    async with uow:
        report, assessment = await _reachable_report(uow, actor, report_id)
        file = await _file(store, report, assessment)
        await uow.activity.record(_event(actor, report, "downloaded", "report downloaded"))
        await uow.commit()
    return file


async def open_shared_report(
    *, uow: UnitOfWork, clock: Clock, store: ReportStore, token: str
) -> ReportFile:
    """The client report shared under `token`, counting the view once the file is found;
    NotFound when the token is unknown, revoked or expired."""
    async with uow:
        found = await shared_assessment(uow, token, at=clock.now())
        if found is None:
            raise NotFound("no such shared report")
        report, assessment = found
        file = await _file(store, report, assessment)
        await uow.activity.record(_event(None, report, "viewed", "shared report viewed"))
        await uow.commit()
    return file
