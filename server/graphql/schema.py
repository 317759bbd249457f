"""The GraphQL schema served at /graphql and exported to schema.graphql: the aggregates'
queries and mutations put together, `node(id:)`, and how operations run (documents parsed
and validated once with API.md's limits, plain data completed on the fast path)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLError, OperationDefinitionNode, parse
from strawberry.file_uploads import Upload
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from domain.access import may_see_audit_trail, may_see_user
from server.graphql.context import Context, Info
from server.graphql.descriptions import describe
from server.graphql.documents import MAX_BATCH, MAX_TOKENS, Documents
from server.graphql.errors import NotFoundError
from server.graphql.execution import FastPathExecutionContext
from server.graphql.fields import field
from server.graphql.ids import BadId, from_global_id
from server.graphql.permissions import SignedIn
from server.graphql.types.activity import ActivityLog, ActivityQueries
from server.graphql.types.assessment_mutations import AssessmentMutations
from server.graphql.types.assessments import (
    Assessment,
    AssessmentQueries,
    Response,
    reachable_assessment,
)
from server.graphql.types.auth import AuthMutations
from server.graphql.types.checklist_mutations import ChecklistMutations
from server.graphql.types.checklists import ChecklistItem
from server.graphql.types.client_view import ClientViewMutations, ClientViewQueries
from server.graphql.types.common import Node
from server.graphql.types.data_exports import DataExportMutations, DataExportQueries
from server.graphql.types.email_template_mutations import EmailTemplateMutations
from server.graphql.types.emails import EmailMessage, EmailMutations
from server.graphql.types.erasure import ErasureMutations
from server.graphql.types.questions import Question, QuestionQueries, question_views
from server.graphql.types.reports import Report, ReportMutations
from server.graphql.types.scheduler_links import (
    SchedulerLink,
    SchedulerLinkMutations,
    reachable_link,
)
from server.graphql.types.settings import UPLOAD_SCALAR, SettingsMutations
from server.graphql.types.stats import StatsQueries
from server.graphql.types.users import User, UserMutations, UserQueries
from server.version import service_version


async def _owned(context: Context, assessment_id: UUID) -> bool:
    return await reachable_assessment(context, assessment_id) is not None


async def _assessment(context: Context, key: UUID) -> Node | None:
    found = await reachable_assessment(context, key)
    return Assessment.of(found) if found else None


async def _question(context: Context, key: UUID) -> Node | None:
    question = context.bank.by_id.get(key)
    return question_views(context.bank, context.viewer)[question.key] if question else None


async def _user(context: Context, key: UUID) -> Node | None:
    viewer = context.require_viewer()
    user = await context.loaders.users.load(key) if may_see_user(viewer, key) else None
    return User.of(user) if user else None


async def _response(context: Context, key: UUID) -> Node | None:
    found = await context.loaders.one_response.load(key)
    if found is None or not await _owned(context, found[0]):
        return None
    return Response.of(found[1], question_views(context.bank, context.viewer))


async def _report(context: Context, key: UUID) -> Node | None:
    report = await context.loaders.one_report.load(key)
    return Report.of(report) if report and await _owned(context, report.assessment_id) else None


async def _checklist_item(context: Context, key: UUID) -> Node | None:
    item = await context.loaders.one_checklist_item.load(key)
    return ChecklistItem.of(item) if item and await _owned(context, item.assessment_id) else None


async def _email_message(context: Context, key: UUID) -> Node | None:
    message = await context.loaders.one_email.load(key)
    if message is None or message.assessment_id is None:
        return None
    return EmailMessage.of(message) if await _owned(context, message.assessment_id) else None


async def _scheduler_link(context: Context, key: UUID) -> Node | None:
    return await reachable_link(context, key)


async def _activity(context: Context, key: UUID) -> Node | None:
    if not may_see_audit_trail(context.require_viewer()):
        return None
    record = await context.loaders.one_activity.load(key)
    return ActivityLog.of(record) if record else None


# How node(id:) finds each type; anything the viewer may not see is None, like a missing one.
NODES: dict[str, Callable[[Context, UUID], Awaitable[Node | None]]] = {
    "Assessment": _assessment,
    "Question": _question,
    "User": _user,
    "Response": _response,
    "Report": _report,
    "ChecklistItem": _checklist_item,
    "EmailMessage": _email_message,
    "ActivityLog": _activity,
    "SchedulerLink": _scheduler_link,
}


@strawberry.type
class Query(
    AssessmentQueries,
    StatsQueries,
    QuestionQueries,
    UserQueries,
    ActivityQueries,
    ClientViewQueries,
    DataExportQueries,
):
    @strawberry.field
    def service_version(self) -> str:
        return service_version()

    @field(permission_classes=[SignedIn])
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        try:
            kind, key = from_global_id(id)
        except BadId:
            raise NotFoundError("object") from None
        find = NODES.get(kind)
        found = await find(info.context, key) if find else None
        if found is None:
            raise NotFoundError("object")
        return found


@strawberry.type
class Mutation(
    AuthMutations,
    AssessmentMutations,
    ReportMutations,
    SettingsMutations,
    EmailTemplateMutations,
    EmailMutations,
    UserMutations,
    SchedulerLinkMutations,
    ClientViewMutations,
    ChecklistMutations,
    ErasureMutations,
    DataExportMutations,
):
    pass


class ChosenOperation(ExecutionContext):
    """Strawberry's execution context with the operation `Documents` chose: strawberry would
    take the first one of the document when no operationName is given."""

    chosen: OperationDefinitionNode | GraphQLError | None = None  # None: not parsed yet

    @property
    def operation_name(self) -> str | None:
        chosen = self.chosen
        if isinstance(chosen, OperationDefinitionNode):
            return chosen.name.value if chosen.name else None
        return super().operation_name

    @property
    def operation_type(self) -> OperationType:
        chosen = self.chosen
        if isinstance(chosen, OperationDefinitionNode):
            return OPERATION_TYPES[chosen.operation.value]
        if isinstance(chosen, GraphQLError):
            # The request fails with its pre-execution errors right after strawberry checks
            # the type against the method's; a query passes that check whatever the method.
            return OperationType.QUERY
        return super().operation_type


OPERATION_TYPES = {kind.value: kind for kind in OperationType}


class RiseSchema(strawberry.Schema):
    """A strawberry schema that parses, validates and chooses the operation through
    `Documents`, and reads the viewer once an operation is about to run.

    It sets the document, the operation and their errors on each operation's execution
    context as strawberry creates it (an internal hook of the pinned strawberry): strawberry
    then neither parses nor validates again. A document that does not parse is left to
    strawberry, which reports the syntax error as usual. This costs no extension hooks on
    the way of every operation.

    Once built, its types, fields, arguments and enum values get their descriptions from
    the catalogue in `server.graphql.descriptions`.
    """

    def __init__(self, *args: Any, documents: Documents, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        describe(self._schema)
        self.documents = documents

    def _create_execution_context(
        self,
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionContext:
        context = ChosenOperation(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
        )
        if not query:
            return context
        context.parse_options["max_tokens"] = MAX_TOKENS
        document = self.documents.parsed(query)
        if document is None:
            try:
                document = parse(query, max_tokens=MAX_TOKENS)
            except GraphQLError:
                return context  # strawberry parses it again and reports the error
            self.documents.keep(query, document)
        context.graphql_document = document
        errors = self.documents.errors(self._schema, query, document, variable_values or {})
        chosen = self.documents.operation(query, document, operation_name)
        if isinstance(chosen, GraphQLError) and not errors:
            errors = [chosen]
        context.chosen = chosen
        context.pre_execution_errors = list(errors)
        return context

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logs nothing: strawberry's default logs every error at ERROR with its traceback
        and the document's text. Each error is logged once, as it is formatted for the
        client (`server.graphql.errors.format_error`), by what kind of error it is."""

    async def _execute_operation(self, execution_context: ExecutionContext, *args: Any) -> Any:
        # Only valid operations get here, and failures become the operation's errors.
        if isinstance(execution_context.context, Context):
            await execution_context.context.identify()
        return await super()._execute_operation(execution_context, *args)


def build_schema(*, production: bool = False, introspection: bool = True) -> strawberry.Schema:
    """The schema with API.md's limits on (see `server.graphql.documents`), completing plain
    data on the fast path (`server.graphql.execution`). In production, no field suggestions
    in error messages, and no introspection unless it is enabled."""
    return RiseSchema(
        query=Query,
        mutation=Mutation,
        types=[
            Question,
            Assessment,
            User,
            Response,
            Report,
            ChecklistItem,
            ActivityLog,
            SchedulerLink,
        ],
        documents=Documents(introspection=introspection),
        execution_context_class=FastPathExecutionContext,
        config=StrawberryConfig(
            sort_schema=True,
            disable_field_suggestions=production,
            batching_config={"max_operations": MAX_BATCH},
            scalar_map={Upload: UPLOAD_SCALAR},
        ),
    )


schema = build_schema()


def export_sdl() -> str:
    """The schema in SDL, as checked in at schema.graphql."""
    return schema.as_str().rstrip("\n") + "\n"
