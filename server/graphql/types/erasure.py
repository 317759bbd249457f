"""Erasure in the schema: an administrator deletes an account for good (`deleteUser`), a
consultant or an administrator erases a client by email (`eraseClient`), each through
`domain.services.erasure`."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.services.erasure import Erased, erase_client, erase_user
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.ids import id_or_missing
from server.graphql.permissions import Admin, SignedIn
from server.graphql.types.common import UserError


@strawberry.type
class ErasurePayload:
    assessments: int | None
    report_files: int | None
    user_errors: list[UserError]

    @classmethod
    def done(cls, erased: Erased) -> ErasurePayload:
        return cls(assessments=erased.assessments, report_files=erased.files, user_errors=[])

    @classmethod
    def failed(cls, error: DomainError) -> ErasurePayload:
        return cls(assessments=None, report_files=None, user_errors=[UserError.of(error)])


@strawberry.input
class EraseClientInput:
    email: str
    consultant_id: strawberry.ID | None = None


@strawberry.type
class ErasureMutations:
    @mutation(permission_classes=[Admin])
    async def delete_user(self, info: Info, id: strawberry.ID) -> ErasurePayload:
        context = info.context
        try:
            erased = await erase_user(
                uow=context.uow(),
                store=context.services.reports.store,
                user_id=id_or_missing(id, "User"),
                actor=context.require_viewer(),
            )
        except DomainError as error:
            return ErasurePayload.failed(error)
        return ErasurePayload.done(erased)

    @mutation(permission_classes=[SignedIn])
    async def erase_client(self, info: Info, input: EraseClientInput) -> ErasurePayload:
        context = info.context
        try:
            consultant = input.consultant_id
            erased = await erase_client(
                uow=context.uow(),
                store=context.services.reports.store,
                email=input.email,
                actor=context.require_viewer(),
                consultant_id=id_or_missing(consultant, "User") if consultant else None,
            )
        except DomainError as error:
            return ErasurePayload.failed(error)
        return ErasurePayload.done(erased)
