"""The PDF render workers: the domain's `ReportRenderer` as a pool of worker processes.

A worker is a fresh interpreter (spawned, not forked) that imports this module, to run its
jobs, and `server.pdf` with xhtml2pdf and ReportLab. So this module imports only what a
worker needs: never the GraphQL layer or the database, which would add seconds to the start
of every worker.
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
from types import FrameType

from domain.ports import RenderedReport
from domain.reports import ReportDocument
from server.lifeline import end_with_parent


class PdfRenderer:
    """The domain's `ReportRenderer`: xhtml2pdf in a pool of worker processes, one per core.

    Rendering is CPU-bound Python, and xhtml2pdf serialises conversions within a process, so
    threads would neither render in parallel nor leave the event loop alone: requests would
    wait for the GIL behind every render. Worker processes render side by side, at most one
    per core; further renders wait their turn in the pool's queue, and the server's own
    process stays free for other requests.

    A worker takes a second or two to start (more on a busy machine), most of it loading
    xhtml2pdf, so the server starts them all with itself (`start`); otherwise the pool
    starts with the first render.
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

    def start(self) -> None:
        """Starts every worker, each loading the renderer, so that the first reports cost no
        more than any other. Returns at once: the workers start in the background, and a
        render asked for meanwhile waits for the first of them to be ready."""
        with _new_workers_ignore_ctrl_c():
            pool = self._executor()
            for _ in range(self.workers):  # each submit finds no idle worker, and spawns one
                pool.submit(_ready)

    async def render(self, document: ReportDocument) -> RenderedReport:
        with _new_workers_ignore_ctrl_c():  # a submit may spawn a worker
            submitted = self._executor().submit(_render_in_worker, document)
        return await asyncio.wrap_future(submitted)

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


def _render_in_worker(document: ReportDocument) -> RenderedReport:
    """A render worker's job. Its answer is of the domain's own type: unpickling one of
    `server.pdf`'s would import xhtml2pdf into the server, for seconds, with the GIL held."""
    from server.pdf import render_pdf_sync

    pdf = render_pdf_sync(document)
    return RenderedReport(content=pdf.content, page_count=pdf.page_count)


def _ready() -> None:
    """The job that makes the pool start a worker (`PdfRenderer.start`): nothing to do once
    the worker has started."""


def _start_worker(server_pid: int) -> None:
    """Each render worker's start.

    Ctrl-C and SIGTERM reach the whole process group, and the server stops its workers
    itself, so while the server lives a worker ignores both rather than each printing a
    traceback. A worker must not outlive its server, though (`server.lifeline`): it ends
    with it, and once orphaned it no longer ignores SIGTERM.

    Then it loads xhtml2pdf and ReportLab, here in the worker: the server's own processes
    never import them, which keeps a second or so off every start of each.
    """
    global _server_pid
    _server_pid = server_pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate_if_orphaned)
    end_with_parent(server_pid)
    import server.pdf  # noqa: F401


_server_pid = 0  # in a worker, the pid of the server that started it


def _terminate_if_orphaned(signum: int, frame: FrameType | None) -> None:
    if os.getppid() != _server_pid:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
