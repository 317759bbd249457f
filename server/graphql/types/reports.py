"""Reports: the Report type, and the mutations that generate the PDFs of a completed
assessment, share a client report by a public link and revoke the link."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

import strawberry

from domain import model
from domain.access import may_see_user
from domain.errors import DomainError
from domain.model import ReportType
from domain.results import ReportRecord
from domain.services import reports as service
from server.graphql.context import Info
from server.graphql.fields import field, mutation
from server.graphql.ids import id_or_missing, to_global_id
from server.graphql.loaders import now_or_later
from server.graphql.permissions import SignedIn
from server.graphql.types.common import Node, UserError
from server.reports_http import shared_path
from server.tokens import DownloadGrant, sign_download

if TYPE_CHECKING:
    from server.graphql.types.users import User

UserType = Annotated["User", strawberry.lazy("server.graphql.types.users")]


@strawberry.type
class Report(Node):
    id: strawberry.ID
    report_type: ReportType
    file_size_bytes: int | None
    page_count: int | None
    share_url: str | None
    share_expires_at: datetime | None
    view_count: int
    created_at: datetime
    raw_id: strawberry.Private[UUID]
    generated_by_id: strawberry.Private[UUID]
    shared_flag: strawberry.Private[bool]

    @classmethod
    def of(cls, record: ReportRecord, *, share_token: str | None = None) -> Report:
        """`share_token` is known only to the shareReport call that made it: the database
        keeps its hash alone, so later reads of a shared report have no shareUrl."""
        return cls(
            id=to_global_id("Report", record.id),
            report_type=record.report_type,
            file_size_bytes=record.file_size_bytes,
            page_count=record.page_count,
            shared_flag=record.is_shared,
            share_url=shared_path(share_token) if share_token and record.is_shared else None,
            share_expires_at=record.share_expires_at,
            view_count=record.view_count,
            created_at=record.created_at,
            raw_id=record.id,
            generated_by_id=record.generated_by,
        )

    @strawberry.field
    def is_shared(self, info: Info) -> bool:
        """True while the public link works: shared, not revoked, not yet expired."""
        expires = self.share_expires_at
        return self.shared_flag and expires is not None and expires > info.context.clock.now()

    @field(permission_classes=[SignedIn])
    def download_url(self, info: Info) -> str:
        """The file's path, signed for the viewer and their login for five minutes; the same
        path without the query works with the viewer's bearer token."""
        context = info.context
        viewer = context.require_viewer()
        session = context.claims.session_id if context.claims else None
        params = sign_download(
            secret=context.services.secret,
            report_id=self.raw_id,
            grant=DownloadGrant(viewer.id, session),
            now=context.clock.now(),
        )
        return f"/reports/{self.id}/download?{urlencode(params)}"

    @field(graphql_type=UserType | None, permission_classes=[SignedIn])
    def generated_by(self, info: Info) -> Any:
        """Who generated it: shown to that person and to admins; null for anyone else (an
        admin's account is not a consultant's to see)."""
        from server.graphql.types.users import User

        if not may_see_user(info.context.require_viewer(), self.generated_by_id):
            return None

        def found(user: model.User | None) -> User | None:
            return User.of(user) if user else None

        return now_or_later(info.context.loaders.users, self.generated_by_id, found)


@strawberry.input
class GenerateReportsInput:
    assessment_id: strawberry.ID
    types: list[ReportType] = strawberry.field(
        default_factory=lambda: [ReportType.CONSULTANT, ReportType.CLIENT]
    )


@strawberry.input
class ShareReportInput:
    report_id: strawberry.ID
    expires_in_days: int | None = 14


@strawberry.type
class ReportsPayload:
    reports: list[Report]
    user_errors: list[UserError]


@strawberry.type
class ReportPayload:
    report: Report | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError) -> ReportPayload:
        return cls(report=None, user_errors=[UserError.of(error, id_field="reportId")])


@strawberry.type
class ReportMutations:
    @mutation(permission_classes=[SignedIn])
    async def generate_reports(self, info: Info, input: GenerateReportsInput) -> ReportsPayload:
        context = info.context
        actor = context.require_viewer()
        await context.limit("generate_reports", account=str(actor.id))
        try:
            records = await service.generate_reports(
                uow=context.uow(),
                clock=context.clock,
                bank=context.bank,
                store=context.services.reports.store,
                renderer=context.services.reports.renderer,
                actor=actor,
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                types=[ReportType(kind) for kind in input.types],
            )
        except DomainError as error:
            return ReportsPayload(
                reports=[], user_errors=[UserError.of(error, id_field="assessmentId")]
            )
        return ReportsPayload(reports=[Report.of(r) for r in records], user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def share_report(self, info: Info, input: ShareReportInput) -> ReportPayload:
        context = info.context
        days = 14 if input.expires_in_days is None else input.expires_in_days
        try:
            shared = await service.share_report(
                uow=context.uow(),
                clock=context.clock,
                tokens=context.services.share_tokens,
                actor=context.require_viewer(),
                report_id=id_or_missing(input.report_id, "Report"),
                expires_in_days=days,
            )
        except DomainError as error:
            return ReportPayload.failed(error)
        return ReportPayload(
            report=Report.of(shared.report, share_token=shared.token), user_errors=[]
        )

    @mutation(permission_classes=[SignedIn])
    async def revoke_report_share(self, info: Info, report_id: strawberry.ID) -> ReportPayload:
        context = info.context
        try:
            record = await service.revoke_report_share(
                uow=context.uow(),
                actor=context.require_viewer(),
                report_id=id_or_missing(report_id, "Report"),
            )
        except DomainError as error:
            return ReportPayload.failed(error)
        return ReportPayload(report=Report.of(record), user_errors=[])
