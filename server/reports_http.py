"""The report files over plain HTTP (API.md "HTTP surface").

``GET /reports/{id}/download`` answers the PDF to its owner or an admin, signed in by bearer
token or holding a download link signed for them (``Report.downloadUrl``, five minutes).
``GET /shared/{token}`` answers a shared client report to anyone holding the link while it
is live, counting the view. Both answer 404 for anything else, exactly as for a report that
does not exist. ``GET /previews/client-report`` answers the viewer's sample client report
(``previewClientReport``), by the link it signed for five minutes or a bearer token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import NotFound
from domain.ports import ReportStore
from domain.services import reports as service
from domain.services.branding import preview_key
from persistence.unit_of_work import SqlUnitOfWork
from server.file_links import not_found, private_file, requester, sign_in_first
from server.graphql.ids import BadId, expect_id
from server.render_pool import PdfRenderer
from server.tokens import DownloadGrant, verify_download, verify_preview

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


def _pdf(content: bytes, file_name: str, disposition: str) -> Response:
    return private_file(content, "application/pdf", file_name, disposition)


def report_routes() -> list[Route]:
    """The routes; they use the service's parts from `app.state.services`."""

    async def download(request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            report_id = expect_id(request.path_params["report_id"], "Report")
        except BadId:
            return not_found()
        scope = services.database.scope()

        def verify(params: Mapping[str, str]) -> DownloadGrant | None:
            return verify_download(
                secret=services.secret,
                report_id=report_id,
                params=params,
                now=services.clock.now(),
            )

        try:
            user = await requester(services, scope, request, verify)
            if user is None:
                return sign_in_first("download")
            file = await service.download_report(
                uow=SqlUnitOfWork(scope, services.keys, services.bank),
                store=services.reports.store,
                actor=user,
                report_id=report_id,
            )
        except NotFound:
            return not_found()
        finally:
            await scope.close()
        return _pdf(file.content, file.file_name, "attachment")

    async def preview(request: Request) -> Response:
        """The viewer's sample client report (`previewClientReport`): by the signed link it
        gave, or with a bearer token."""
        services: Services = request.app.state.services

        def verify(params: Mapping[str, str]) -> DownloadGrant | None:
            return verify_preview(secret=services.secret, params=params, now=services.clock.now())

        scope = services.database.scope()
        try:
            user = await requester(services, scope, request, verify)
        finally:
            await scope.close()
        if user is None:
            return sign_in_first("preview")
        content = await services.reports.store.get(preview_key(user.id))
        if content is None:
            return not_found()
        return _pdf(content, PREVIEW_FILE_NAME, "inline")

    async def shared(request: Request) -> Response:
        services: Services = request.app.state.services
        token = request.path_params["token"]
        if not service.could_be_share_token(token):
            return not_found()
        try:
            file = await service.open_shared_report(
                uow=SqlUnitOfWork(services.database.scope(), services.keys, services.bank),
                clock=services.clock,
                store=services.reports.store,
                token=token,
            )
        except NotFound:
            return not_found()
        return _pdf(file.content, file.file_name, "inline")

    return [
        Route("/reports/{report_id}/download", download, methods=["GET"]),
        Route(SHARED_PATH, shared, methods=["GET"]),
        Route(PREVIEW_PATH, preview, methods=["GET"]),
    ]
