"""Report mutations: generate the PDFs of a completed assessment, share a client report by a
public link, revoke the link."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.model import ReportType
from domain.services import reports as service
from server.graphql.context import Context
from server.graphql.ids import id_or_missing
from server.graphql.types.assessment_mutations import user_error
from server.graphql.types.assessments import Report, report_type
from server.graphql.types.common import UserError

Info = strawberry.Info[Context, None]


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


async def generate_reports(info: Info, input: GenerateReportsInput) -> ReportsPayload:
    context = info.context
    actor = await context.require_viewer()
    context.limit("generate_reports", account=str(actor.id))
    try:
        records = await service.generate_reports(
            uow=context.uow(),
            clock=context.clock,
            bank=context.bank,
            store=context.reports.store,
            renderer=context.reports.renderer,
            actor=actor,
            assessment_id=id_or_missing(input.assessment_id, "Assessment"),
            types=[ReportType(kind) for kind in input.types],
        )
    except DomainError as error:
        return ReportsPayload(reports=[], user_errors=[user_error(error, id_field="assessmentId")])
    return ReportsPayload(reports=[report_type(r) for r in records], user_errors=[])


async def share_report(info: Info, input: ShareReportInput) -> ReportPayload:
    context = info.context
    actor = await context.require_viewer()
    days = 14 if input.expires_in_days is None else input.expires_in_days
    try:
        shared = await service.share_report(
            uow=context.uow(),
            clock=context.clock,
            actor=actor,
            report_id=id_or_missing(input.report_id, "Report"),
            expires_in_days=days,
        )
    except DomainError as error:
        return ReportPayload(report=None, user_errors=[user_error(error, id_field="reportId")])
    return ReportPayload(
        report=report_type(shared.report, share_token=shared.token), user_errors=[]
    )


async def revoke_report_share(info: Info, report_id: strawberry.ID) -> ReportPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        record = await service.revoke_report_share(
            uow=context.uow(), actor=actor, report_id=id_or_missing(report_id, "Report")
        )
    except DomainError as error:
        return ReportPayload(report=None, user_errors=[user_error(error, id_field="reportId")])
    return ReportPayload(report=report_type(record), user_errors=[])
