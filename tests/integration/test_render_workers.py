"""The PDF workers of a real `rise serve`, and with `--workers N` the server's worker
processes: they end with the server however it ends, killed outright or stopped by a
terminal's Ctrl-C, and say nothing on the way."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from server.settings import available_cores
from tests.integration.served import Consultant, living, serve

pytestmark = pytest.mark.slow

GONE_WITHIN_SECONDS = 5


def _family(pid: int, workers: int = 1) -> list[psutil.Process]:
    """The server's descendants: its worker processes when it has more than one, the render
    workers (children of the process that rendered) and multiprocessing's helpers."""
    family = psutil.Process(pid).children(recursive=True)
    spawned = {p.pid: p for p in family if "spawn_main" in " ".join(p.cmdline())}
    renderers = {pid} if workers == 1 else {w for w, p in spawned.items() if p.ppid() == pid}
    assert len(renderers) == workers
    assert any(p.ppid() in renderers for p in spawned.values()), "no render worker started"
    return family


def _spawned_children(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children() if "spawn_main" in " ".join(p.cmdline())]


@pytest.mark.parametrize("workers", [1, 2])
def test_render_workers_start_with_the_server_sharing_the_cores(
    tmp_path: Path, empty_database: str, workers: int
) -> None:
    """No render asked for: each serving process starts its share of the cores' render
    workers by itself, so the first report does not wait for them."""
    server = serve(tmp_path, empty_database, RISE_WORKERS=str(workers))
    try:
        top = psutil.Process(server.process.pid)
        each = math.ceil(available_cores() / workers)
        deadline = time.monotonic() + 60
        while True:
            serving = [top] if workers == 1 else _spawned_children(top)
            counts = [len(_spawned_children(p)) for p in serving]
            if (len(serving), counts) == (workers, [each] * workers):
                break
            assert time.monotonic() < deadline, f"render workers per process: {counts}"
            time.sleep(0.2)
    finally:
        server.stop()


def _wait_gone(processes: list[psutil.Process]) -> list[psutil.Process]:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while (alive := living(processes)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_worker_dies_with_a_killed_server(
    tmp_path: Path, empty_database: str, workers: str
) -> None:
    server = serve(tmp_path, empty_database, RISE_WORKERS=workers)
    family: list[psutil.Process] = []
    try:
        consultant = Consultant(server, empty_database)
        consultant.generate(consultant.completed_assessment())
        family = _family(server.process.pid, int(workers))
        server.process.kill()
        server.process.wait(timeout=10)
        alive = _wait_gone(family)
        assert alive == [], f"outlived the server: {[(p.pid, p.cmdline()) for p in alive]}"
    finally:
        for process in living(family):  # only what this test started
            process.kill()
        server.stop()  # they hold its output open: killed first


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_to_the_whole_group_stops_server_and_workers_quietly(
    tmp_path: Path, empty_database: str, how: signal.Signals
) -> None:
    """A terminal's Ctrl-C (or a service manager's SIGTERM) reaches every process of the
    group: the workers leave the stopping to the server, which ends them and exits 0."""
    server = serve(tmp_path, empty_database, own_group=True)
    family: list[psutil.Process] = []
    try:
        consultant = Consultant(server, empty_database)
        consultant.generate(consultant.completed_assessment())
        family = _family(server.process.pid)
        os.killpg(server.process.pid, how)
        server.process.wait(timeout=60)
        alive = _wait_gone(family)
    finally:
        for process in living(family):
            process.kill()
        log = server.stop()  # collects the output; signals only a server still running
    assert server.process.returncode == 0, log
    assert alive == []
    assert "Financial RISE stopped" in log
    assert "Traceback" not in log
