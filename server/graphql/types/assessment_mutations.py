"""Assessment mutations: each translates its input, calls one use case, and turns expected
failures into user errors (API.md "Errors")."""

from __future__ import annotations

import strawberry

from domain.errors import (
    AlreadyCompleted,
    DomainError,
    Incomplete,
    NotCompleted,
    NotFound,
    NotShareable,
    ValidationError,
)
from domain.model import Answer
from domain.services import assessments as service
from server.graphql.context import Context
from server.graphql.ids import BadId, expect_id, id_or_missing
from server.graphql.types.assessments import Assessment, Response, assessment_type, response_type
from server.graphql.types.common import OkPayload, UserError

# Domain field names, as the API's inputs spell them.
INPUT_NAMES = {
    "client_name": "clientName",
    "client_business_name": "clientBusinessName",
    "client_email": "clientEmail",
    "confidence_before": "confidenceBefore",
    "confidence_after": "confidenceAfter",
    "value": "value",
    "values": "values",
    "rating": "rating",
    "not_applicable": "notApplicable",
    "notes": "consultantNotes",
    "question_id": "questionId",
}


@strawberry.input
class CreateAssessmentInput:
    client_name: str
    client_business_name: str
    client_email: str
    confidence_before: int | None = None


@strawberry.input
class UpdateAssessmentInput:
    id: strawberry.ID
    client_name: str | None = None
    client_business_name: str | None = None
    client_email: str | None = None
    confidence_before: int | None = None
    confidence_after: int | None = None


@strawberry.input
class ResponseInput:
    question_id: strawberry.ID
    value: str | None = None
    values: list[str] | None = None
    rating: int | None = None
    not_applicable: bool | None = False
    consultant_notes: str | None = None


@strawberry.input
class SaveResponsesInput:
    assessment_id: strawberry.ID
    responses: list[ResponseInput]


@strawberry.type
class AssessmentPayload:
    assessment: Assessment | None
    user_errors: list[UserError]


@strawberry.type
class SaveResponsesPayload:
    assessment: Assessment | None
    responses: list[Response]
    user_errors: list[UserError]


def user_error(error: DomainError, *, id_field: str = "id") -> UserError:
    if isinstance(error, ValidationError):
        return UserError(
            field=[INPUT_NAMES.get(error.field, error.field)],
            message=error.message,
            code="VALIDATION",
        )
    if isinstance(error, NotFound):
        return UserError(field=[id_field], message=error.message, code="NOT_FOUND")
    if isinstance(error, Incomplete):
        return UserError(field=None, message=error.message, code="INCOMPLETE")
    if isinstance(error, AlreadyCompleted):
        return UserError(field=None, message=error.message, code="ALREADY_COMPLETED")
    if isinstance(error, NotCompleted):
        return UserError(field=None, message=error.message, code="NOT_COMPLETED")
    if isinstance(error, NotShareable):
        return UserError(field=[id_field], message=error.message, code="NOT_SHAREABLE")
    return UserError(field=None, message=error.message, code="CONFLICT")


def _failed(error: DomainError, id_field: str = "id") -> AssessmentPayload:
    return AssessmentPayload(assessment=None, user_errors=[user_error(error, id_field=id_field)])


async def create_assessment(
    info: strawberry.Info[Context, None], input: CreateAssessmentInput
) -> AssessmentPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        created = await service.create_assessment(
            uow=context.uow(),
            actor=actor,
            client_name=input.client_name,
            client_business_name=input.client_business_name,
            client_email=input.client_email,
            confidence_before=input.confidence_before,
        )
    except DomainError as error:
        return _failed(error)
    return AssessmentPayload(assessment=assessment_type(created), user_errors=[])


async def update_assessment(
    info: strawberry.Info[Context, None], input: UpdateAssessmentInput
) -> AssessmentPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        updated = await service.update_assessment(
            uow=context.uow(),
            actor=actor,
            assessment_id=id_or_missing(input.id, "Assessment"),
            client_name=input.client_name,
            client_business_name=input.client_business_name,
            client_email=input.client_email,
            confidence_before=input.confidence_before,
            confidence_after=input.confidence_after,
        )
    except DomainError as error:
        return _failed(error)
    return AssessmentPayload(assessment=assessment_type(updated), user_errors=[])


async def delete_assessment(info: strawberry.Info[Context, None], id: strawberry.ID) -> OkPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        await service.delete_assessment(
            uow=context.uow(),
            clock=context.clock,
            actor=actor,
            assessment_id=id_or_missing(id, "Assessment"),
        )
    except DomainError as error:
        return OkPayload(ok=False, user_errors=[user_error(error)])
    return OkPayload(ok=True, user_errors=[])


async def archive_assessment(
    info: strawberry.Info[Context, None], id: strawberry.ID
) -> AssessmentPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        archived = await service.archive_assessment(
            uow=context.uow(),
            clock=context.clock,
            actor=actor,
            assessment_id=id_or_missing(id, "Assessment"),
        )
    except DomainError as error:
        return _failed(error)
    return AssessmentPayload(assessment=assessment_type(archived), user_errors=[])


async def complete_assessment(
    info: strawberry.Info[Context, None], id: strawberry.ID
) -> AssessmentPayload:
    context = info.context
    actor = await context.require_viewer()
    try:
        completed = await service.complete_assessment(
            uow=context.uow(),
            clock=context.clock,
            bank=context.bank,
            actor=actor,
            assessment_id=id_or_missing(id, "Assessment"),
        )
    except DomainError as error:
        return _failed(error)
    return AssessmentPayload(assessment=assessment_type(completed), user_errors=[])


async def save_responses(
    info: strawberry.Info[Context, None], input: SaveResponsesInput
) -> SaveResponsesPayload:
    """SCORING §1 and §5 through the autosave path: valid items saved together, the others
    reported with their position, as ["responses", "<index>", "<field>"]."""
    context = info.context
    actor = await context.require_viewer()
    keys = {str(q.id): q.key for q in context.bank.questions}
    answers: list[Answer] = []
    positions: list[int] = []
    errors: list[UserError] = []
    for index, item in enumerate(input.responses):
        key = _question_key(item.question_id, keys)
        if key is None:
            errors.append(
                UserError(
                    field=["responses", str(index), "questionId"],
                    message="no such question",
                    code="VALIDATION",
                )
            )
            continue
        answers.append(
            Answer(
                question_key=key,
                value=item.value,
                values=tuple(item.values or ()),
                rating=item.rating,
                not_applicable=bool(item.not_applicable),
                notes=item.consultant_notes,
            )
        )
        positions.append(index)
    try:
        outcome = await service.save_responses(
            uow=context.uow(),
            clock=context.clock,
            bank=context.bank,
            actor=actor,
            assessment_id=id_or_missing(input.assessment_id, "Assessment"),
            answers=answers,
        )
    except DomainError as error:
        failure = user_error(error, id_field="assessmentId")
        return SaveResponsesPayload(assessment=None, responses=[], user_errors=[*errors, failure])
    for item_error in outcome.errors:
        errors.append(
            UserError(
                field=[
                    "responses",
                    str(positions[item_error.index]),
                    INPUT_NAMES.get(item_error.field, item_error.field),
                ],
                message=item_error.message,
                code="VALIDATION",
            )
        )
    errors.sort(key=lambda e: int((e.field or ["", "0"])[1]))
    return SaveResponsesPayload(
        assessment=assessment_type(outcome.assessment),
        responses=[response_type(r) for r in outcome.saved],
        user_errors=errors,
    )


def _question_key(value: str, keys: dict[str, str]) -> str | None:
    try:
        return keys.get(str(expect_id(value, "Question")))
    except BadId:
        return None
