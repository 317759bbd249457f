"""Reports, and what a report reads besides the assessment: the stored results and the
consultant's branding and booking links (Core statements on the unit of work's connection)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update

from domain.model import ReportType
from domain.reports import Branding, SchedulerLink
from domain.results import ReportRecord, StoredDiscProfile, StoredPhaseResult
from persistence.connections import Connection
from persistence.models import (
    AssessmentRow,
    ConsultantSettingsRow,
    ReportRow,
)
from persistence.queries import (
    REPORT_COLUMNS,
    any_of,
    disc_profiles_by_assessment,
    id_array,
    phase_results_by_assessment,
    report_record,
    scheduler_links_by_consultant,
)
from persistence.statements import execute, fetch, first, one

# A transaction-scoped advisory lock between storing report files and sweeping them: held
# shared while a report's files are stored and recorded, exclusively while a sweep decides
# which files no report names and removes them.
FILES_LOCK = 0x52495346  # "RISF"
_STORING = "SELECT pg_advisory_xact_lock_shared(%(key)s)"
_SWEEPING = "SELECT pg_advisory_xact_lock(%(key)s)"


class SqlReportRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(
        self,
        *,
        report_id: UUID,
        assessment_id: UUID,
        report_type: ReportType,
        key: str,
        file_size_bytes: int,
        page_count: int,
        generated_by: UUID,
    ) -> ReportRecord:
        statement = (
            insert(ReportRow)
            .values(
                id=report_id,
                assessment_id=assessment_id,
                report_type=report_type.value,
                file_url=key,
                file_size_bytes=file_size_bytes,
                page_count=page_count,
                generated_by=generated_by,
            )
            .returning(*REPORT_COLUMNS)
        )
        return report_record(await one(self._connection, statement))

    async def get(self, report_id: UUID, *, lock: bool = False) -> ReportRecord | None:
        query = select(*REPORT_COLUMNS).where(ReportRow.id == report_id)
        if lock:
            query = query.with_for_update()
        row = await first(self._connection, query)
        return report_record(row) if row else None

    async def share(
        self, report_id: UUID, *, token_hash: str, expires_at: datetime
    ) -> ReportRecord:
        return await self._set(
            report_id, is_shared=True, share_token=token_hash, share_expires_at=expires_at
        )

    async def revoke(self, report_id: UUID) -> ReportRecord:
        return await self._set(report_id, is_shared=False, share_token=None, share_expires_at=None)

    async def end_expired_shares(self, *, at: datetime) -> int:
        statement = (
            update(ReportRow)
            .where(ReportRow.is_shared.is_(True), ReportRow.share_expires_at <= at)
            .values(is_shared=False, share_token=None, share_expires_at=None, updated_at=at)
            .returning(ReportRow.id)
        )
        return len(await fetch(self._connection, statement))

    async def _set(self, report_id: UUID, **values: object) -> ReportRecord:
        statement = (
            update(ReportRow)
            .where(ReportRow.id == report_id)
            .values(**values, updated_at=func.now())
            .returning(*REPORT_COLUMNS)
        )
        row = await first(self._connection, statement)
        if row is None:
            raise LookupError(f"no report {report_id}")
        return report_record(row)

    async def shared(
        self, token_hash: str, *, at: datetime, count_view: bool = True
    ) -> ReportRecord | None:
        """The client report shared under this token, still within its expiry, counting the
        view unless `count_view` is false (the client's view of their checklist reads the
        share without opening the PDF); None for an unknown, revoked or expired token (and
        never a consultant report, nor one of a deleted assessment)."""
        live = (
            ReportRow.share_token == token_hash,
            ReportRow.is_shared.is_(True),
            ReportRow.share_expires_at > at,
            ReportRow.report_type == ReportType.CLIENT.value,
            ReportRow.assessment_id.in_(
                select(AssessmentRow.id).where(AssessmentRow.deleted_at.is_(None))
            ),
        )
        statement = (
            update(ReportRow)
            .where(*live)
            .values(view_count=ReportRow.view_count + 1)
            .returning(*REPORT_COLUMNS)
            if count_view
            else select(*REPORT_COLUMNS).where(*live)
        )
        row = await first(self._connection, statement)
        return report_record(row) if row else None

    async def keys_of(self, assessment_ids: Sequence[UUID]) -> list[str]:
        """The storage keys of every report of these assessments."""
        query = select(ReportRow.file_url).where(any_of(ReportRow.assessment_id))
        rows = await fetch(self._connection, query, {"ids": id_array(assessment_ids)})
        return [row.file_url for row in rows]

    async def storing_files(self) -> None:
        await execute(self._connection, _STORING, {"key": FILES_LOCK})

    async def sweeping_files(self) -> None:
        await execute(self._connection, _SWEEPING, {"key": FILES_LOCK})

    async def recorded(self, keys: Sequence[str]) -> set[str]:
        """Found by the report ids the keys end in (`report_key`), so by primary key."""
        ids = []
        for key in keys:
            with contextlib.suppress(ValueError):
                ids.append(UUID(key.rsplit("/", 1)[-1].removesuffix(".pdf")))
        if not ids:
            return set()
        query = select(ReportRow.file_url).where(any_of(ReportRow.id))
        rows = await fetch(self._connection, query, {"ids": id_array(ids)})
        return {row.file_url for row in rows} & set(keys)

    async def results(
        self, assessment_id: UUID
    ) -> tuple[StoredPhaseResult | None, StoredDiscProfile | None]:
        phases = await phase_results_by_assessment(self._connection, [assessment_id])
        discs = await disc_profiles_by_assessment(self._connection, [assessment_id])
        return phases.get(assessment_id), discs.get(assessment_id)

    async def branding(
        self, consultant_id: UUID
    ) -> tuple[Branding | None, tuple[SchedulerLink, ...]]:
        """The consultant's settings, if any, and live booking links (active or not: the
        report chooses) in display order."""
        query = select(
            ConsultantSettingsRow.company_name,
            ConsultantSettingsRow.brand_color,
            ConsultantSettingsRow.logo_url,
        )
        settings = await first(
            self._connection, query.where(ConsultantSettingsRow.consultant_id == consultant_id)
        )
        branding = None
        if settings is not None and (
            settings.company_name or settings.brand_color or settings.logo_url
        ):
            branding = Branding(
                company_name=settings.company_name or "",
                brand_color=settings.brand_color or "",
                logo_key=settings.logo_url,
            )
        found = await scheduler_links_by_consultant(self._connection, [consultant_id])
        links = tuple(record.link for record in found.get(consultant_id, []))
        return branding, links
