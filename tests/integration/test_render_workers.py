"""The PDF workers of a real `rise serve`: they end with the server however it ends, killed
outright or stopped by a terminal's Ctrl-C, and say nothing on the way."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from tests.integration.served import Consultant, living, serve

pytestmark = pytest.mark.slow

GONE_WITHIN_SECONDS = 5


def _family(pid: int) -> list[psutil.Process]:
    """The server's descendants: its render workers (and multiprocessing's helper)."""
    family = psutil.Process(pid).children(recursive=True)
    workers = [p for p in family if "spawn_main" in " ".join(p.cmdline())]
    assert workers, "no render worker was started"
    return family


def _wait_gone(processes: list[psutil.Process]) -> list[psutil.Process]:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while (alive := living(processes)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def test_render_workers_die_with_a_killed_server(tmp_path: Path, empty_database: str) -> None:
    server = serve(tmp_path, empty_database)
    family: list[psutil.Process] = []
    try:
        consultant = Consultant(server, empty_database)
        consultant.generate(consultant.completed_assessment())
        family = _family(server.process.pid)
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
