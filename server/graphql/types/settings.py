"""The consultant's branding: the ConsultantSettings type (`User.settings`) with its email
templates, the `Upload` scalar, and the mutations that change the settings, upload and
remove the logo, and render a sample client report in the current branding (the templates'
own mutations are in `email_template_mutations`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import strawberry
from graphql import GraphQLError, ValueNode
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from domain import branding
from domain.branding import LOGO_MAX_BYTES, logo_path, own_template
from domain.email_templates import DEFAULTS, VARIABLES, EmailKind
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
    serialize=_no_output,
    parse_value=_file,
    parse_literal=_no_literal,
)


@strawberry.type
class EmailTemplate:
    kind: str
    subject: str
    body: str
    variables: list[str]
    is_default: bool

    @classmethod
    def of(cls, settings: branding.ConsultantSettings, kind: EmailKind) -> EmailTemplate:
        own = own_template(settings, kind)
        template = own or DEFAULTS[kind]
        return cls(
            kind=kind.value,
            subject=template.subject,
            body=template.body,
            variables=list(VARIABLES[kind]),
            is_default=own is None,
        )


@strawberry.type
class ConsultantSettings:
    company_name: str | None
    brand_color: str | None
    logo_url: str | None
    email_signature: str | None
    updated_at: datetime | None
    email_templates: list[EmailTemplate]

    @classmethod
    def of(cls, settings: branding.ConsultantSettings) -> ConsultantSettings:
        return cls(
            company_name=settings.company_name,
            brand_color=settings.brand_color,
            logo_url=logo_path(settings.logo_key) if settings.logo_key else None,
            email_signature=settings.email_signature,
            updated_at=settings.updated_at,
            email_templates=[EmailTemplate.of(settings, kind) for kind in EmailKind],
        )


@strawberry.input
class UpdateSettingsInput:
    company_name: str | None = strawberry.field(default=strawberry.UNSET)
    brand_color: str | None = strawberry.field(default=strawberry.UNSET)
    email_signature: str | None = strawberry.field(default=strawberry.UNSET)


@strawberry.type
class SettingsPayload:
    settings: ConsultantSettings | None
    user_errors: list[UserError]

    @classmethod
    def done(cls, settings: branding.ConsultantSettings) -> SettingsPayload:
        return cls(settings=ConsultantSettings.of(settings), user_errors=[])

    @classmethod
    def failed(cls, error: DomainError) -> SettingsPayload:
        return cls(settings=None, user_errors=[UserError.of(error)])


@strawberry.type
class ReportPreviewPayload:
    download_url: str | None
    user_errors: list[UserError]


@strawberry.type
class SettingsMutations:
    @mutation(permission_classes=[SignedIn])
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

    @mutation(permission_classes=[SignedIn])
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

    @mutation(permission_classes=[SignedIn])
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

    @mutation(permission_classes=[SignedIn])
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
