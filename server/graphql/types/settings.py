"""The consultant's branding: the ConsultantSettings type (`User.settings`), the `Upload`
scalar, and the mutations that change the settings, upload and remove the logo, and render
a sample client report in the current branding."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import strawberry
from graphql import GraphQLError, ValueNode
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from domain import branding
from domain.branding import LOGO_MAX_BYTES, logo_path
from domain.errors import DomainError
from domain.services import branding as service
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.permissions import SignedIn
from server.graphql.types.common import UserError
from server.reports_http import PREVIEW_PATH
from server.tokens import DownloadGrant, sign_preview


def _file(value: object) -> UploadFile:
    if isinstance(value, UploadFile):
        return value
    raise ValueError(
        "send the file as a part of a multipart/form-data request (the GraphQL multipart"
        " request spec), mapped to this variable"
    )


def _no_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> UploadFile:
    raise GraphQLError("a file cannot be written into the document: pass it as a variable")


def _no_output(value: object) -> None:
    raise TypeError("Upload is an input type only")


UPLOAD_SCALAR = strawberry.scalar(
    name="Upload",
    description=(
        "A file sent with the GraphQL multipart request spec: a multipart/form-data POST with"
        " an `operations` field (the operation, this variable null), a `map` field naming the"
        " variable each file part fills, and the file parts. Input only."
    ),
    serialize=_no_output,
    parse_value=_file,
    parse_literal=_no_literal,
)


@strawberry.type(
    description="A consultant's branding and email settings: the user's own, or any user's"
    " for administrators. Every field is null until set; unset, reports use the default"
    " Financial RISE brand."
)
class ConsultantSettings:
    company_name: str | None = strawberry.field(
        description="The firm's name on reports (1-200 characters); null: Financial RISE."
    )
    brand_color: str | None = strawberry.field(
        description='The brand colour, "#RRGGBB" in capitals; null means the default brand.'
        " Reports darken a pale colour where text needs it, so they stay readable."
    )
    logo_url: str | None = strawberry.field(
        description="Path on this server of the stored, re-encoded logo (PNG or JPEG, at most"
        " 800 px wide), such as /logos/<random>.png; public, and a new path for every"
        " upload. Null when there is none."
    )
    email_signature: str | None = strawberry.field(
        description="Text closing the consultant's emails (at most 2,000 characters)."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the settings last changed; null when they never were."
    )

    @classmethod
    def of(cls, settings: branding.ConsultantSettings) -> ConsultantSettings:
        return cls(
            company_name=settings.company_name,
            brand_color=settings.brand_color,
            logo_url=logo_path(settings.logo_key) if settings.logo_key else None,
            email_signature=settings.email_signature,
            updated_at=settings.updated_at,
        )


@strawberry.input(
    description="The settings to change: a field left out stays as it is, a null clears it."
)
class UpdateSettingsInput:
    company_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="1-200 characters; null clears it."
    )
    brand_color: str | None = strawberry.field(
        default=strawberry.UNSET,
        description='"#RRGGBB" in hexadecimal digits (either case); null: the default brand.',
    )
    email_signature: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="At most 2,000 characters, line breaks allowed; blank or null clears it.",
    )


@strawberry.type(description="The settings after a change, or why it was refused.")
class SettingsPayload:
    settings: ConsultantSettings | None
    user_errors: list[UserError]

    @classmethod
    def done(cls, settings: branding.ConsultantSettings) -> SettingsPayload:
        return cls(settings=ConsultantSettings.of(settings), user_errors=[])

    @classmethod
    def failed(cls, error: DomainError) -> SettingsPayload:
        return cls(settings=None, user_errors=[UserError.of(error)])


@strawberry.type(description="A link to the sample client report just rendered.")
class ReportPreviewPayload:
    download_url: str | None = strawberry.field(
        description="The sample PDF's path, signed for the viewer for five minutes."
    )
    user_errors: list[UserError]


@strawberry.type
class SettingsMutations:
    @mutation(
        permission_classes=[SignedIn],
        description="Changes the viewer's company name, brand colour or email signature.",
    )
    async def update_settings(self, info: Info, input: UpdateSettingsInput) -> SettingsPayload:
        context = info.context
        changes = {
            name: getattr(input, name)
            for name in branding.SETTINGS_FIELDS
            if getattr(input, name) is not strawberry.UNSET
        }
        try:
            updated = await service.update_settings(
                uow=context.uow(), actor=context.require_viewer(), changes=changes
            )
        except DomainError as error:
            return SettingsPayload.failed(error)
        return SettingsPayload.done(updated)

    @mutation(
        permission_classes=[SignedIn],
        description="Makes the file the viewer's logo, replacing the previous one: a PNG or"
        " JPEG (by its content) of at most 2 MiB and at least 200 × 75 pixels, at most 16"
        " megapixels. It is decoded and encoded again without metadata, at most 800 pixels"
        " wide. Send it with the GraphQL multipart request spec.",
    )
    async def upload_logo(self, info: Info, file: Upload) -> SettingsPayload:
        context = info.context
        upload = _file(file)
        content = await upload.read(LOGO_MAX_BYTES + 1)  # one byte more tells it is too big
        try:
            updated = await service.upload_logo(
                uow=context.uow(),
                store=context.services.reports.store,
                images=context.services.images,
                actor=context.require_viewer(),
                content=content,
            )
        except DomainError as error:
            return SettingsPayload.failed(error)
        return SettingsPayload.done(updated)

    @mutation(permission_classes=[SignedIn], description="Removes the viewer's logo.")
    async def remove_logo(self, info: Info) -> SettingsPayload:
        context = info.context
        try:
            updated = await service.remove_logo(
                uow=context.uow(),
                store=context.services.reports.store,
                actor=context.require_viewer(),
            )
        except DomainError as error:
            return SettingsPayload.failed(error)
        return SettingsPayload.done(updated)

    @mutation(
        permission_classes=[SignedIn],
        description="Renders a client report of a made-up client in the viewer's current"
        " branding and booking links, and links to it. No assessment or report is made."
        " Rate limited together with generateReports.",
    )
    async def preview_client_report(self, info: Info) -> ReportPreviewPayload:
        context = info.context
        actor = context.require_viewer()
        await context.limit("generate_reports", account=str(actor.id))
        try:
            await service.preview_client_report(
                uow=context.uow(),
                clock=context.clock,
                bank=context.bank,
                store=context.services.reports.store,
                renderer=context.services.reports.renderer,
                actor=actor,
            )
        except DomainError as error:
            return ReportPreviewPayload(download_url=None, user_errors=[UserError.of(error)])
        session = context.claims.session_id if context.claims else None
        params = sign_preview(
            secret=context.services.secret,
            grant=DownloadGrant(actor.id, session),
            now=context.clock.now(),
        )
        return ReportPreviewPayload(
            download_url=f"{PREVIEW_PATH}?{urlencode(params)}", user_errors=[]
        )
