"""The download of a data export: GET /exports/<id>/download, by the signed link that
`DataExport.downloadUrl` gives or with the requester's bearer token."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import NotFound
from domain.services.data_exports import download_export
from persistence.unit_of_work import SqlUnitOfWork
from server.file_links import not_found, private_file, requester, sign_in_first
from server.graphql.ids import BadId, expect_id
from server.services import Services
from server.tokens import DownloadGrant, verify_export


def export_routes() -> list[Route]:
    async def download(request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            export_id = expect_id(request.path_params["export_id"], "DataExport")
        except BadId:
            return not_found()
        scope = services.database.scope()

        def verify(params: Mapping[str, str]) -> DownloadGrant | None:
            return verify_export(
                secret=services.secret, export_id=export_id, params=params, now=services.clock.now()
            )

        try:
            user = await requester(services, scope, request, verify)
            if user is None:
                return sign_in_first("download")
            file = await download_export(
                uow=SqlUnitOfWork(scope, services.keys, services.bank),
                store=services.reports.store,
                clock=services.clock,
                actor=user,
                export_id=export_id,
            )
        except NotFound:
            return not_found()
        finally:
            await scope.close()
        return private_file(file.content, "application/zip", file.file_name, "attachment")

    return [Route("/exports/{export_id}/download", download, methods=["GET"])]
