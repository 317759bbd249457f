"""Assessment mutations: each translates its input, calls one use case, and turns expected
failures into user errors (API.md "Errors")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from domain.bank import Bank
from domain.errors import DomainError
from domain.model import Answer, Section
from domain.services import assessments as service
from server.graphql.context import Info
from server.graphql.errors import input_name, user_error_code
from server.graphql.fields import mutation
from server.graphql.ids import BadId, expect_id, id_or_missing
from server.graphql.permissions import SignedIn
from server.graphql.types.assessments import Assessment, Response
from server.graphql.types.common import OkPayload, UserError
from server.graphql.types.questions import question_views


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


def _read_responses(
    cls: type[SaveResponsesInput], value: Mapping[str, Any], context: Any
) -> SaveResponsesInput:
    """The autosave's input, built straight from the values graphql-core has checked (and
    given their defaults): strawberry's generic conversion costs a quarter of a save."""
    return cls(
        assessment_id=value["assessmentId"],
        responses=[
            ResponseInput(
                question_id=item["questionId"],
                value=item.get("value"),
                values=item.get("values"),
                rating=item.get("rating"),
                not_applicable=item.get("notApplicable"),
                consultant_notes=item.get("consultantNotes"),
            )
            for item in value["responses"]
        ],
    )


# Strawberry's hook for an input type that builds its own values.
SaveResponsesInput.__strawberry_definition__.from_input = _read_responses  # type: ignore[attr-defined]


@strawberry.input
class MarkSectionNotApplicableInput:
    assessment_id: strawberry.ID
    section: Section


@strawberry.type
class AssessmentPayload:
    assessment: Assessment | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError) -> AssessmentPayload:
        return cls(assessment=None, user_errors=[UserError.of(error)])


@strawberry.type
class SaveResponsesPayload:
    assessment: Assessment | None
    responses: list[Response]
    user_errors: list[UserError]


def _item_error(position: int, field: str, message: str, code: str = "VALIDATION") -> UserError:
    return UserError(
        field=["responses", str(position), input_name(field)], message=message, code=code
    )


def _saved(
    info: Info, outcome: service.SaveOutcome, errors: list[UserError]
) -> SaveResponsesPayload:
    views = question_views(info.context.bank, info.context.viewer)
    return SaveResponsesPayload(
        assessment=Assessment.of(outcome.assessment),
        responses=[Response.of(r, views) for r in outcome.saved],
        user_errors=errors,
    )


def _question_key(bank: Bank, question_id: str) -> str | None:
    """The key of the question an id names in a form other than the one handed out (such
    as padded), or None."""
    try:
        question = bank.by_id.get(expect_id(question_id, "Question"))
    except BadId:
        return None
    return question.key if question else None


@strawberry.type
class AssessmentMutations:
    @mutation(permission_classes=[SignedIn])
    async def create_assessment(
        self, info: Info, input: CreateAssessmentInput
    ) -> AssessmentPayload:
        context = info.context
        try:
            created = await service.create_assessment(
                uow=context.uow(),
                actor=context.require_viewer(),
                client_name=input.client_name,
                client_business_name=input.client_business_name,
                client_email=input.client_email,
                confidence_before=input.confidence_before,
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(created), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def update_assessment(
        self, info: Info, input: UpdateAssessmentInput
    ) -> AssessmentPayload:
        context = info.context
        try:
            updated = await service.update_assessment(
                uow=context.uow(),
                actor=context.require_viewer(),
                assessment_id=id_or_missing(input.id, "Assessment"),
                client_name=input.client_name,
                client_business_name=input.client_business_name,
                client_email=input.client_email,
                confidence_before=input.confidence_before,
                confidence_after=input.confidence_after,
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(updated), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def delete_assessment(self, info: Info, id: strawberry.ID) -> OkPayload:
        """A soft delete."""
        context = info.context
        try:
            await service.delete_assessment(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                assessment_id=id_or_missing(id, "Assessment"),
            )
        except DomainError as error:
            return OkPayload(ok=False, user_errors=[UserError.of(error)])
        return OkPayload(ok=True, user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def archive_assessment(self, info: Info, id: strawberry.ID) -> AssessmentPayload:
        context = info.context
        try:
            archived = await service.archive_assessment(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                assessment_id=id_or_missing(id, "Assessment"),
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(archived), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def unarchive_assessment(self, info: Info, id: strawberry.ID) -> AssessmentPayload:
        context = info.context
        try:
            restored = await service.unarchive_assessment(
                uow=context.uow(),
                actor=context.require_viewer(),
                assessment_id=id_or_missing(id, "Assessment"),
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(restored), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def complete_assessment(self, info: Info, id: strawberry.ID) -> AssessmentPayload:
        """Validates, scores (SCORING §2-5) and locks the answers."""
        context = info.context
        try:
            completed = await service.complete_assessment(
                uow=context.uow(),
                clock=context.clock,
                bank=context.bank,
                actor=context.require_viewer(),
                assessment_id=id_or_missing(id, "Assessment"),
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(completed), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def recalculate_assessment(self, info: Info, id: strawberry.ID) -> AssessmentPayload:
        """Scores a completed assessment again with the bank in force."""
        context = info.context
        try:
            recalculated = await service.recalculate_assessment(
                uow=context.uow(),
                clock=context.clock,
                bank=context.bank,
                actor=context.require_viewer(),
                assessment_id=id_or_missing(id, "Assessment"),
            )
        except DomainError as error:
            return AssessmentPayload.failed(error)
        return AssessmentPayload(assessment=Assessment.of(recalculated), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def save_responses(self, info: Info, input: SaveResponsesInput) -> SaveResponsesPayload:
        """SCORING §1 and §5 through the autosave path: valid items saved together, the
        others reported with their position, as ["responses", "<index>", "<field>"]."""
        context = info.context
        keys = question_views(context.bank, context.viewer).keys
        answers: list[Answer] = []
        positions: list[int] = []
        errors: list[UserError] = []
        for index, item in enumerate(input.responses):
            key = keys.get(item.question_id) or _question_key(context.bank, item.question_id)
            if key is None:
                errors.append(_item_error(index, "question_id", "no such question"))
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
                actor=context.require_viewer(),
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                answers=answers,
            )
        except DomainError as error:
            failure = UserError.of(error, id_field="assessmentId")
            return SaveResponsesPayload(
                assessment=None, responses=[], user_errors=[*errors, failure]
            )
        errors += [
            _item_error(positions[e.index], e.field, e.message, user_error_code(e.kind))
            for e in outcome.errors
        ]
        errors.sort(key=lambda e: int((e.field or ["", "0"])[1]))
        return _saved(info, outcome, errors)

    @mutation(permission_classes=[SignedIn])
    async def mark_section_not_applicable(
        self, info: Info, input: MarkSectionNotApplicableInput
    ) -> SaveResponsesPayload:
        """SCORING §1 N/A for a whole section through the autosave path; the visible questions
        of the section that cannot be N/A come back by position, as ["section", "<index>"]."""
        context = info.context
        try:
            outcome = await service.mark_section_not_applicable(
                uow=context.uow(),
                clock=context.clock,
                bank=context.bank,
                actor=context.require_viewer(),
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                section=Section(input.section),
            )
        except DomainError as error:
            failure = UserError.of(error, id_field="assessmentId")
            return SaveResponsesPayload(assessment=None, responses=[], user_errors=[failure])
        refused = [
            UserError(field=["section", str(e.index)], message=e.message, code="VALIDATION")
            for e in outcome.errors
        ]
        return _saved(info, outcome, refused)
