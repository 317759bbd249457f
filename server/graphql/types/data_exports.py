"""Data exports in the schema: a viewer asks for their account's export
(`requestAccountExport`) or a client's (`requestClientExport`), follows it in
`dataExports`, and downloads it by its signed `downloadUrl`
(`domain.services.data_exports`, server/exports_http.py)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from uuid import UUID

import strawberry

from domain import exports
from domain.errors import DomainError
from domain.exports import ExportStatus, ExportSubject
from domain.services import data_exports as service
from persistence.export_repositories import exports_by_requester
from server.graphql.context import Info
from server.graphql.fields import field, mutation
from server.graphql.ids import id_or_missing, to_global_id
from server.graphql.permissions import SignedIn
from server.graphql.types.common import UserError
from server.tokens import DownloadGrant, sign_export

strawberry.enum(ExportStatus, name="DataExportStatus")
strawberry.enum(ExportSubject, name="DataExportSubject")


@strawberry.type
class DataExport:
    id: strawberry.ID
    subject: ExportSubject
    client_email: str | None
    status: ExportStatus
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    file_size_bytes: int | None
    error: str | None
    raw: strawberry.Private[exports.DataExport]

    @classmethod
    def of(cls, export: exports.DataExport) -> DataExport:
        return cls(
            id=to_global_id("DataExport", export.id),
            subject=export.subject,
            client_email=export.client_email,
            status=export.status,
            created_at=export.created_at,
            ready_at=export.ready_at,
            expires_at=export.expires_at,
            file_size_bytes=export.file_size_bytes,
            error=export.error,
            raw=export,
        )

    @field(permission_classes=[SignedIn])
    def download_url(self, info: Info) -> str | None:
        """While it is ready and kept: its path, signed for the viewer and their login for
        five minutes (the path without the query works with the bearer token)."""
        context = info.context
        if not self.raw.usable_at(context.clock.now()):
            return None
        viewer = context.require_viewer()
        session = context.claims.session_id if context.claims else None
        params = sign_export(
            secret=context.services.secret,
            export_id=self.raw.id,
            grant=DownloadGrant(viewer.id, session),
            now=context.clock.now(),
        )
        return f"{export_path(self.raw.id)}?{urlencode(params)}"


def export_path(export_id: UUID) -> str:
    return f"/exports/{to_global_id('DataExport', export_id)}/download"


@strawberry.type
class DataExportPayload:
    export: DataExport | None
    user_errors: list[UserError]


@strawberry.input
class RequestClientExportInput:
    email: str
    consultant_id: strawberry.ID | None = None


@strawberry.type
class DataExportQueries:
    @field(permission_classes=[SignedIn])
    async def data_exports(self, info: Info) -> list[DataExport]:
        context = info.context
        async with context.db.reading() as db:
            found = await exports_by_requester(db, context.require_viewer().id)
        return [DataExport.of(export) for export in found]


@strawberry.type
class DataExportMutations:
    @mutation(permission_classes=[SignedIn])
    async def request_account_export(self, info: Info) -> DataExportPayload:
        context = info.context
        export = await service.request_account_export(
            uow=context.uow(), queue=context.services.exports, actor=context.require_viewer()
        )
        return DataExportPayload(export=DataExport.of(export), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def request_client_export(
        self, info: Info, input: RequestClientExportInput
    ) -> DataExportPayload:
        context = info.context
        try:
            consultant = input.consultant_id
            export = await service.request_client_export(
                uow=context.uow(),
                queue=context.services.exports,
                actor=context.require_viewer(),
                email=input.email,
                consultant_id=id_or_missing(consultant, "User") if consultant else None,
            )
        except DomainError as error:
            return DataExportPayload(export=None, user_errors=[UserError.of(error)])
        return DataExportPayload(export=DataExport.of(export), user_errors=[])
