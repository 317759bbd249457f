"""The report files over plain HTTP (API.md "HTTP surface").

``GET /reports/{id}/download`` answers the PDF to its owner or an admin, signed in by bearer
token or holding a download link signed for them (``Report.downloadUrl``, five minutes).
``GET /shared/{token}`` answers a shared client report to anyone holding the link while it
is live, counting the view. Both answer 404 for anything else, exactly as for a report that
does not exist. ``GET /previews/client-report`` answers the viewer's sample client report
(``previewClientReport``), by the link it signed for five minutes or a bearer token.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import quote
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import NotFound
from domain.model import User
from domain.ports import RenderedReport, ReportStore
from domain.reports import ReportDocument
from domain.services import reports as service
from domain.services.branding import preview_key
from persistence.connections import ConnectionScope
from persistence.queries import signed_in_user
from persistence.unit_of_work import SqlUnitOfWork
from server.graphql.ids import BadId, expect_id
from server.lifeline import end_with_parent
from server.tokens import Claims, bearer_claims, verify_download, verify_preview

if TYPE_CHECKING:
    from server.pdf import RenderedPdf
    from server.services import Services


class PdfRenderer:
    """The domain's `ReportRenderer`: xhtml2pdf in a pool of worker processes, one per core.

    Rendering is CPU-bound Python, and xhtml2pdf serialises conversions within a process, so
    threads would neither render in parallel nor leave the event loop alone: requests would
    wait for the GIL behind every render. Worker processes render side by side, at most one
    per core; further renders wait their turn in the pool's queue, and the server's own
    process stays free for other requests. The pool starts with the first render.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fresh interpreter, not a fork of a process running threads and a loop
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def render(self, document: ReportDocument) -> RenderedReport:
        with _new_workers_ignore_ctrl_c():  # a submit may spawn a worker
            submitted = self._executor().submit(_render_in_worker, document)
        pdf = await asyncio.wrap_future(submitted)
        return RenderedReport(content=pdf.content, page_count=pdf.page_count)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextmanager
def _new_workers_ignore_ctrl_c() -> Iterator[None]:
    """Spawns within it start with SIGINT ignored, inherited through exec.

    A worker's own set-up (`_start_worker`) runs only once the fresh interpreter has imported
    this module, and a Ctrl-C before that would kill it with a traceback. The server ignores
    SIGINT meanwhile, which is the length of a fork and exec when the pool grows and a
    moment otherwise. Outside the main thread (tests) signal handlers cannot be changed, nor
    can a handler installed outside Python be put back, and the worker's set-up alone has
    to do.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _render_in_worker(document: ReportDocument) -> RenderedPdf:
    """A render worker's job. xhtml2pdf and ReportLab are imported here, in the worker, with
    its first render: the server's own processes never load them, which takes a second or
    so off every start of each."""
    from server.pdf import render_pdf_sync

    return render_pdf_sync(document)


def _start_worker(server_pid: int) -> None:
    """Each render worker's start.

    Ctrl-C and SIGTERM reach the whole process group, and the server stops its workers
    itself, so while the server lives a worker ignores both rather than each printing a
    traceback. A worker must not outlive its server, though (`server.lifeline`): it ends
    with it, and once orphaned it no longer ignores SIGTERM.
    """
    global _server_pid
    _server_pid = server_pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate_if_orphaned)
    end_with_parent(server_pid)


_server_pid = 0  # in a worker, the pid of the server that started it


def _terminate_if_orphaned(signum: int, frame: FrameType | None) -> None:
    if os.getppid() != _server_pid:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


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
                uow=SqlUnitOfWork(scope, services.bank),
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
                uow=SqlUnitOfWork(services.database.scope(), services.bank),
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
