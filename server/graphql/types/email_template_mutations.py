"""The mutations of a consultant's email templates: save their own wording of a kind of
email, or go back to the built-in one. Both answer with the settings (`emailTemplates`)."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.services import email_templates as service
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.permissions import SignedIn
from server.graphql.types.settings import SettingsPayload


@strawberry.input
class EmailTemplateInput:
    kind: str
    subject: str
    body: str


@strawberry.type
class EmailTemplateMutations:
    @mutation(permission_classes=[SignedIn])
    async def save_email_template(self, info: Info, input: EmailTemplateInput) -> SettingsPayload:
        context = info.context
        try:
            updated = await service.save_email_template(
                uow=context.uow(),
                actor=context.require_viewer(),
                kind=input.kind,
                subject=input.subject,
                body=input.body,
            )
        except DomainError as error:
            return SettingsPayload.failed(error)
        return SettingsPayload.done(updated)

    @mutation(permission_classes=[SignedIn])
    async def reset_email_template(self, info: Info, kind: str) -> SettingsPayload:
        context = info.context
        try:
            updated = await service.reset_email_template(
                uow=context.uow(), actor=context.require_viewer(), kind=kind
            )
        except DomainError as error:
            return SettingsPayload.failed(error)
        return SettingsPayload.done(updated)
