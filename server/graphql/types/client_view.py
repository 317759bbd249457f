"""The client's own view through the link of their shared client report: `clientView(token)`
and `completeChecklistItemAsClient`, for anyone holding the token, signed in or not.

What the view reaches is chosen field by field: the business, the consultant's name and
branding, the primary phase, the checklist with its progress, the booking links the client
report offers, and the report itself. Never the communication style, a score of it, or a
consultant's note: tests/api/test_client_view_api.py walks every field reachable from
`clientView` to keep it so. Each relation is one statement, whatever the checklist's size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from uuid import UUID

import strawberry

from domain.errors import DomainError
from domain.model import Phase
from domain.reports import offered_links
from domain.reports.context import full_name
from domain.results import ChecklistItem as DomainChecklistItem
from domain.results import StoredPhaseResult
from domain.services import client_view as service
from domain.services.client_view import OpenedView
from server.graphql.context import Info
from server.graphql.fields import field
from server.graphql.ids import id_or_missing
from server.graphql.loaders import now_or_later
from server.graphql.types.checklists import ChecklistItem, ChecklistItemPayload, ChecklistProgress
from server.graphql.types.scheduler_links import SchedulerLink
from server.graphql.types.settings import ConsultantSettings
from server.reports_http import shared_path

LIMIT = "client_view"  # server.rate_limits.RULES: both calls together, per client address


def _primary(result: StoredPhaseResult | None) -> Phase:
    if result is None:  # a shared client report exists only for a scored assessment
        raise LookupError("the assessment behind the share has no phase result")
    return result.primary


@strawberry.type
class ClientView:
    client_name: str
    business_name: str
    report_url: str
    expires_at: datetime
    assessment_id: strawberry.Private[UUID]
    consultant_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, opened: OpenedView, *, report_url: str) -> ClientView:
        assessment, expires_at = opened.assessment, opened.report.share_expires_at
        if expires_at is None:  # only a live share opens a view
            raise LookupError("the share behind the view has no expiry")
        return cls(
            client_name=assessment.client_name,
            business_name=assessment.client_business_name,
            report_url=report_url,
            expires_at=expires_at,
            assessment_id=assessment.id,
            consultant_id=assessment.consultant_id,
        )

    @field(graphql_type=str)
    async def prepared_by(self, info: Info) -> str:
        """The consultant's company name, or their first and last name without one."""
        loaders = info.context.loaders
        settings, consultant = await asyncio.gather(
            loaders.settings.load(self.consultant_id), loaders.users.load(self.consultant_id)
        )
        if settings is not None and settings.company_name:
            return settings.company_name
        if consultant is None:  # the foreign key makes this impossible
            raise LookupError("the assessment's consultant is missing")
        return full_name(consultant)

    @field(graphql_type=str | None)
    async def brand_color(self, info: Info) -> str | None:
        settings = await info.context.loaders.settings.load(self.consultant_id)
        return ConsultantSettings.of(settings).brand_color if settings else None

    @field(graphql_type=str | None)
    async def logo_url(self, info: Info) -> str | None:
        settings = await info.context.loaders.settings.load(self.consultant_id)
        return ConsultantSettings.of(settings).logo_url if settings else None

    @field(graphql_type=Phase)
    def primary_phase(self, info: Info) -> Phase | Awaitable[Phase]:
        return now_or_later(info.context.loaders.phase_results, self.assessment_id, _primary)

    @field(graphql_type=list[ChecklistItem])
    def checklist(self, info: Info) -> list[ChecklistItem] | Awaitable[list[ChecklistItem]]:
        def made(items: list[DomainChecklistItem]) -> list[ChecklistItem]:
            return [ChecklistItem.of(item) for item in items]

        return now_or_later(info.context.loaders.checklists, self.assessment_id, made)

    @field(graphql_type=ChecklistProgress)
    def checklist_progress(self, info: Info) -> ChecklistProgress | Awaitable[ChecklistProgress]:
        loader = info.context.loaders.checklist_progress
        return now_or_later(loader, self.assessment_id, ChecklistProgress.of)

    @field(graphql_type=list[SchedulerLink])
    async def booking_links(self, info: Info) -> list[SchedulerLink]:
        """The links the client report offers (`domain.reports.offered_links`)."""
        loaders = info.context.loaders
        result, links = await asyncio.gather(
            loaders.phase_results.load(self.assessment_id),
            loaders.scheduler_links.load(self.consultant_id),
        )
        chosen, _ = offered_links(links, _primary(result), lambda record: record.link)
        return [SchedulerLink.of(record) for record in chosen]


@strawberry.type
class ClientViewQueries:
    @strawberry.field
    async def client_view(self, info: Info, token: str) -> ClientView | None:
        context = info.context
        await context.limit(LIMIT)
        opened = await service.open_client_view(
            uow=context.uow(),
            clock=context.clock,
            token=token,
            ip=context.client_ip,
            user_agent=context.user_agent,
        )
        if opened is None:
            return None
        report_url = context.services.public_url + shared_path(token)
        return ClientView.of(opened, report_url=report_url)


@strawberry.type
class ClientViewMutations:
    @strawberry.mutation
    async def complete_checklist_item_as_client(
        self, info: Info, token: str, item_id: strawberry.ID, completed: bool
    ) -> ChecklistItemPayload:
        context = info.context
        await context.limit(LIMIT)
        try:
            item = await service.complete_item_as_client(
                uow=context.uow(),
                clock=context.clock,
                token=token,
                item_id=id_or_missing(item_id, "ChecklistItem"),
                completed=completed,
                ip=context.client_ip,
                user_agent=context.user_agent,
            )
        except DomainError as error:
            return ChecklistItemPayload.failed(error, id_field="itemId")
        return ChecklistItemPayload(item=ChecklistItem.of(item), user_errors=[])
