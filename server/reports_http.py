"""The report files over plain HTTP (API.md "HTTP surface").

``GET /reports/{id}/download`` answers the PDF to its owner or an admin, signed in by bearer
token or holding a download link signed for them (``Report.downloadUrl``, five minutes).
``GET /shared/{token}`` answers a shared client report to anyone holding the link while it
is live, counting the view. Both answer 404 for anything else, exactly as for a report that
does not exist. ``GET /previews/client-report`` answers the viewer's sample client report
(``previewClientReport``), by the link it signed for five minutes or a bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import NotFound
from domain.model import User
from domain.ports import ReportStore
from domain.services import reports as service
from domain.services.branding import preview_key
from persistence.connections import ConnectionScope
from persistence.queries import signed_in_user
from persistence.unit_of_work import SqlUnitOfWork
from server.graphql.ids import BadId, expect_id
from server.render_pool import PdfRenderer
from server.tokens import Claims, bearer_claims, verify_download, verify_preview

if TYPE_CHECKING:
    from server.services import Services


@dataclass(frozen=True)
class ReportServices:
    store: ReportStore
    renderer: PdfRenderer


PREVIEW_PATH = "/previews/client-report"
SHARED_PATH = "/shared/{token}"
PREVIEW_FILE_NAME = "Financial-RISE-sample-client-report.pdf"


def shared_path(token: str) -> str:
    """The path at which a shared client report opens to anyone holding its token."""
    return SHARED_PATH.format(token=quote(token, safe=""))


def _not_found() -> JSONResponse:
    return JSONResponse({"error": "not found"}, status_code=404)


def _pdf(content: bytes, file_name: str, disposition: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "content-disposition": f'{disposition}; filename="{file_name}"',
            "cache-control": "private, no-store",
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
        },
    )


def report_routes() -> list[Route]:
    """The routes; they use the service's parts from `app.state.services`."""

    async def actor(
        services: Services, scope: ConnectionScope, request: Request, report_id: UUID
    ) -> User | None:
        """The bearer token's user, or the user a download link was signed for."""
        if "signature" in request.query_params:
            grant = verify_download(
                secret=services.secret,
                report_id=report_id,
                params=request.query_params,
                now=services.clock.now(),
            )
            # the account, and the login the link was made in, must still be live
            claims = Claims(grant.user_id, grant.session_id) if grant else None
        else:
            header = request.headers.get("authorization", "")
            claims = bearer_claims(header, secret=services.secret, now=services.clock.now())
        if claims is None:
            return None
        async with scope.reading() as connection:
            return await signed_in_user(connection, claims.user_id, claims.session_id)

    async def download(request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            report_id = expect_id(request.path_params["report_id"], "Report")
        except BadId:
            return _not_found()
        scope = services.database.scope()
        try:
            user = await actor(services, scope, request, report_id)
            if user is None:
                return JSONResponse(
                    {"error": "sign in, or use a fresh download link"},
                    status_code=401,
                    headers={"www-authenticate": "Bearer"},
                )
            file = await service.download_report(
                uow=SqlUnitOfWork(scope, services.keys, services.bank),
                store=services.reports.store,
                actor=user,
                report_id=report_id,
            )
        except NotFound:
            return _not_found()
        finally:
            await scope.close()
        return _pdf(file.content, file.file_name, "attachment")

    async def preview(request: Request) -> Response:
        """The viewer's sample client report (`previewClientReport`): by the signed link it
        gave, or with a bearer token."""
        services: Services = request.app.state.services
        now = services.clock.now()
        if "signature" in request.query_params:
            grant = verify_preview(secret=services.secret, params=request.query_params, now=now)
            claims = Claims(grant.user_id, grant.session_id) if grant else None
        else:
            header = request.headers.get("authorization", "")
            claims = bearer_claims(header, secret=services.secret, now=now)
        user = None
        if claims is not None:
            scope = services.database.scope()
            try:
                async with scope.reading() as connection:
                    user = await signed_in_user(connection, claims.user_id, claims.session_id)
            finally:
                await scope.close()
        if user is None:
            return JSONResponse(
                {"error": "sign in, or use a fresh preview link"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        content = await services.reports.store.get(preview_key(user.id))
        if content is None:
            return _not_found()
        return _pdf(content, PREVIEW_FILE_NAME, "inline")

    async def shared(request: Request) -> Response:
        services: Services = request.app.state.services
        token = request.path_params["token"]
        if not service.could_be_share_token(token):
            return _not_found()
        try:
            file = await service.open_shared_report(
                uow=SqlUnitOfWork(services.database.scope(), services.keys, services.bank),
                clock=services.clock,
                store=services.reports.store,
                token=token,
            )
        except NotFound:
            return _not_found()
        return _pdf(file.content, file.file_name, "inline")

    return [
        Route("/reports/{report_id}/download", download, methods=["GET"]),
        Route(SHARED_PATH, shared, methods=["GET"]),
        Route(PREVIEW_PATH, preview, methods=["GET"]),
    ]
