"""Exports for access requests and for leaving the platform: requested through the API,
built by a job into one ZIP (the JSON document and the report PDFs), downloaded by their
requester while they last, and recorded in the audit trail at each step."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime
from uuid import UUID

from domain.accounts import normalize_email
from domain.errors import NotFound
from domain.exports import (
    DOCUMENT_NAME,
    EXPORT_LIFETIME,
    FORMAT,
    DataExport,
    ExportContents,
    ExportDownload,
    ExportStatus,
    ExportSubject,
    export_key,
)
from domain.model import ActivityEvent, EventCategory, Role, User
from domain.ports import Clock, ExportQueue, ReportStore, UnitOfWork

log = logging.getLogger("rise.exports")


async def request_account_export(*, uow: UnitOfWork, queue: ExportQueue, actor: User) -> DataExport:
    """Everything the service holds about the actor's account and practice."""
    async with uow:
        export = await uow.exports.add(actor.id, ExportSubject.ACCOUNT, None, None)
        await uow.activity.record(_event(actor.id, export, "requested", "export of an account"))
        await uow.commit()
    await queue.build([export.id])
    return export


async def request_client_export(
    *,
    uow: UnitOfWork,
    queue: ExportQueue,
    actor: User,
    email: str,
    consultant_id: UUID | None = None,
) -> DataExport:
    """Everything about one client: a consultant's among their own assessments, an
    administrator's among one consultant's (`consultant_id`) or everyone's."""
    address = normalize_email(email)
    if actor.role is not Role.ADMIN:
        if consultant_id not in (None, actor.id):  # as for any account it may not see
            raise NotFound("no such consultant")
        consultant_id = actor.id
    async with uow:
        if consultant_id is not None and await uow.users.get(consultant_id) is None:
            raise NotFound("no such consultant")
        export = await uow.exports.add(actor.id, ExportSubject.CLIENT, address, consultant_id)
        await uow.activity.record(_event(actor.id, export, "requested", "export of a client"))
        await uow.commit()
    await queue.build([export.id])
    return export


async def build_export(
    *, uow: UnitOfWork, store: ReportStore, clock: Clock, export_id: UUID
) -> DataExport | None:
    """Builds a pending export (once: a built or failed one is left alone)."""
    async with uow:
        export = await uow.exports.get(export_id, lock=True)
        if export is None or export.status is not ExportStatus.PENDING:
            return export
        now = clock.now()
        try:
            contents = await uow.exports.contents(export)
            archive = await _archive(store, contents.document | _header(export, now), contents)
            await store.put(export_key(export.id), archive)
        except Exception as exc:  # kept as a failure the requester sees, not retried
            log.exception("export %s failed", export.id)
            await uow.exports.fail(export.id, f"the export could not be written: {exc}")
        else:
            expires = now + EXPORT_LIFETIME
            await uow.exports.finish(export.id, size=len(archive), at=now, expires_at=expires)
            await uow.activity.record(
                _event(
                    export.requested_by,
                    export,
                    "built",
                    "export built",
                    assessments=contents.assessments,
                    reports=len(contents.files),
                    bytes=len(archive),
                )
            )
        await uow.commit()
    async with uow:
        return await uow.exports.get(export_id)


async def download_export(
    *, uow: UnitOfWork, store: ReportStore, clock: Clock, actor: User, export_id: UUID
) -> ExportDownload:
    """The ZIP of a built export of the actor's, while it lasts."""
    async with uow:
        export = await uow.exports.get(export_id)
        if export is None or export.requested_by != actor.id:
            raise NotFound("no such export")
        if not export.usable_at(clock.now()):
            raise NotFound("the export is not ready, or no longer kept")
        content = await store.get(export_key(export.id))
        if content is None:
            raise NotFound("the export is no longer kept")
        await uow.activity.record(_event(actor.id, export, "downloaded", "export downloaded"))
        await uow.commit()
    day = export.created_at.strftime("%Y-%m-%d")
    return ExportDownload(content, f"financial-rise-{export.subject.value}-export-{day}.zip")


async def pending_exports(*, uow: UnitOfWork) -> list[UUID]:
    async with uow:
        return await uow.exports.pending()


async def expire_exports(*, uow: UnitOfWork, store: ReportStore, clock: Clock) -> int:
    """Removes the exports past their time, with their files."""
    async with uow:
        ids = await uow.exports.expired(clock.now())
        await uow.commit()
    await store.delete([export_key(i) for i in ids])
    return len(ids)


def _header(export: DataExport, now: datetime) -> dict[str, object]:
    subject: dict[str, object] = {"kind": export.subject.value}
    if export.subject is ExportSubject.CLIENT:
        subject |= {
            "email": export.client_email,
            "consultant_id": str(export.consultant_id) if export.consultant_id else None,
        }
    else:
        subject["user_id"] = str(export.requested_by)
    return {"format": FORMAT, "exported_at": now.isoformat(), "subject": subject}


async def _archive(
    store: ReportStore, document: dict[str, object], contents: ExportContents
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        ordered = {k: document[k] for k in ("format", "exported_at", "subject")} | document
        archive.writestr(DOCUMENT_NAME, json.dumps(ordered, indent=2, ensure_ascii=False))
        for file in contents.files:
            content = await store.get(file.key)
            if content is not None:  # a file a crash left missing is named, not shipped
                archive.writestr(file.name, content)
    return buffer.getvalue()


def _event(
    user_id: UUID, export: DataExport, action: str, description: str, **extra: object
) -> ActivityEvent:
    return ActivityEvent(
        event_type=f"data.export_{action}",
        category=EventCategory.ADMIN,
        description=description,
        user_id=user_id,
        metadata={"export_id": str(export.id), "subject": export.subject.value} | extra,
    )
