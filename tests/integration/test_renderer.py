"""The server's renderer: a pool of worker processes, at most `workers` renders at once."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import time

import psutil
import pypdf

from domain.model import DiscType
from domain.reports import client_report
from server.render_pool import PdfRenderer
from tests.integration.cli import REPO
from tests.integration.served import living
from tests.unit.test_reports import STORY_BY_STYLE, report_inputs, story_sheet


async def test_renders_in_worker_processes_no_more_than_asked_for() -> None:
    renderer = PdfRenderer(workers=2)
    documents = [
        client_report(report_inputs(story_sheet(STORY_BY_STYLE[style]), business_name=f"Shop {i}"))
        for i, style in enumerate(DiscType)
    ]
    try:
        rendered = await asyncio.gather(*(renderer.render(d) for d in documents))
        pool = renderer._executor()
        workers = set(pool._processes)  # the pool's own record of its worker processes
    finally:
        renderer.close()
    assert os.getpid() not in workers
    assert 1 <= len(workers) <= 2
    for index, pdf in enumerate(rendered):
        reader = pypdf.PdfReader(io.BytesIO(pdf.content))
        assert len(reader.pages) == pdf.page_count
        assert f"Shop {index}" in reader.pages[0].extract_text()


_RENDERS_ONE = """
import asyncio, sys
from domain.model import DiscType
from domain.reports import client_report
from server.render_pool import PdfRenderer
from tests.unit.test_reports import STORY_BY_STYLE, report_inputs, story_sheet

async def main():
    renderer = PdfRenderer(workers=1)
    renderer.start()
    try:
        document = client_report(report_inputs(story_sheet(STORY_BY_STYLE[DiscType.S])))
        rendered = await renderer.render(document)
    finally:
        renderer.close()
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("xhtml2pdf", "reportlab"))
    print(rendered.page_count, loaded)

asyncio.run(main())
"""


def test_the_server_process_never_loads_xhtml2pdf() -> None:
    """The workers render; the process that asks them (a server) loads neither xhtml2pdf nor
    ReportLab, neither to start them nor to read what they answer."""
    done = subprocess.run(
        [sys.executable, "-c", _RENDERS_ONE], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    pages, loaded = done.stdout.split(maxsplit=1)
    assert int(pages) >= 1
    assert loaded.strip() == "[]"


def test_one_worker_per_core_by_default() -> None:
    assert PdfRenderer().workers == (os.cpu_count() or 1)


async def test_workers_shrug_off_ctrl_c_meant_for_the_server() -> None:
    """A terminal's Ctrl-C reaches every process of the group; the server stops its workers
    itself, so a worker must neither die nor print a traceback on it."""
    renderer = PdfRenderer(workers=1)
    document = client_report(report_inputs(story_sheet(STORY_BY_STYLE[DiscType.C])))
    try:
        await renderer.render(document)
        [worker] = renderer._executor()._processes
        os.kill(worker, signal.SIGINT)
        os.kill(worker, signal.SIGTERM)
        await asyncio.sleep(0.2)
        again = await renderer.render(document)
        assert set(renderer._executor()._processes) == {worker}
    finally:
        renderer.close()
    assert again.content.startswith(b"%PDF")


async def test_a_worker_ignores_ctrl_c_from_its_first_instant() -> None:
    """Ctrl-C can come while a worker is still starting, before its own set-up has run: it
    is ignored from the moment the process exists."""
    renderer = PdfRenderer(workers=1)
    document = client_report(report_inputs(story_sheet(STORY_BY_STYLE[DiscType.I])))
    try:
        rendering = asyncio.ensure_future(renderer.render(document))
        await asyncio.sleep(0)  # the render is submitted, and its worker spawned
        [worker] = renderer._executor()._processes
        os.kill(worker, signal.SIGINT)  # long before the worker has imported anything
        rendered = await rendering
        assert set(renderer._executor()._processes) == {worker}
    finally:
        renderer.close()
    assert rendered.content.startswith(b"%PDF")


# A worker started by an intermediate process (its "server"), which the test then kills.
# The worker has the kernel's help switched off: what is left is the portable fallback.
_WORKER = """
import os, sys, time
import server.lifeline as lifeline
import server.render_pool as workers
lifeline.kernel_kills_with_parent = lambda: False
if sys.argv[1] == "unwatched":
    lifeline._watch = lambda parent_pid: None
workers._start_worker(os.getppid())
print("ready", os.getpid(), flush=True)
time.sleep(120)
"""
_SERVER = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
time.sleep(120)
"""


def _orphaned_worker(mode: str) -> psutil.Process:
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, _WORKER, mode],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    with server.stdout:
        line = server.stdout.readline()
    assert line.startswith("ready"), line
    worker = psutil.Process(int(line.split()[1]))
    server.kill()
    server.wait()
    return worker


def _ended_within(worker: psutil.Process, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while living([worker]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not living([worker])


def test_without_the_kernels_help_a_worker_notices_its_server_is_gone() -> None:
    worker = _orphaned_worker("watched")
    try:
        assert _ended_within(worker, 3)
    finally:
        if living([worker]):
            worker.kill()


def test_an_orphaned_worker_no_longer_ignores_sigterm() -> None:
    worker = _orphaned_worker("unwatched")
    try:
        worker.send_signal(signal.SIGINT)  # still ignored: only SIGTERM asks it to end
        assert not _ended_within(worker, 0.5)
        worker.send_signal(signal.SIGTERM)
        assert _ended_within(worker, 3)
    finally:
        if living([worker]):
            worker.kill()
