"""`rise serve` as an operator runs it: migrate, serve, answer probes, stop on SIGTERM, and
on the embedded database find the same data after a restart."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.engine import make_url

from persistence import schema
from tests.builders import free_port, unique_email
from tests.integration.cli import REPO, Result, environment, rise

pytestmark = pytest.mark.slow

READY_WITHIN_SECONDS = 60


class Server:
    def __init__(
        self,
        env: dict[str, str],
        *options: str,
        log_level: str = "INFO",
        own_group: bool = False,
    ) -> None:
        """`own_group`: in a process group of its own, as a terminal's foreground job is,
        so that the test can signal the whole group as Ctrl-C does."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = env | {"RISE_LOG_LEVEL": log_level}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), *options],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_group,
        )
        self.log = ""
        # Read as it comes, so a test can wait for a line while the server runs.
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout as output:  # closed once the server (and its workers) left
            for line in output:
                self._lines.append(line)

    def output(self) -> str:
        """What the server has written so far."""
        return "".join(self._lines)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The first line of the output that contains `text`, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in list(self._lines) if text in line), None)
            if found is not None:
                return found
            time.sleep(0.1)
        pytest.fail(f"no {text!r} in the output within {timeout} s:\n{self.output()}")

    def wait_ready(self) -> float:
        started = time.monotonic()
        while time.monotonic() - started < READY_WITHIN_SECONDS:
            if self.process.poll() is not None:
                pytest.fail(f"rise serve exited early:\n{self.stop()}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"not ready within {READY_WITHIN_SECONDS} s:\n{self.stop()}")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> str:
        if self.process.poll() is None:
            self.process.send_signal(how)
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        self.log = self.output()
        return self.log


def _create_user(env: dict[str, str], email: str) -> Result:
    return rise(
        "users", "create", "--email", email, "--role", "consultant",
        "--first-name", "Ada", "--last-name", "Lovelace",
        env=env | {"RISE_PASSWORD": "Ledger-Balance-42"},
    )  # fmt: skip


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_serve_migrates_answers_probes_and_stops_cleanly(
    tmp_path: Path, empty_database: str, how: signal.Signals
) -> None:
    server = Server(environment(tmp_path, DATABASE_URL=empty_database))
    try:
        server.wait_ready()
        assert httpx.get(f"{server.base}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{server.base}/readyz").json() == {
            "status": "ready",
            "database": "ok",
            "storage": "ok",
            "rateLimits": "ok",
            "mail": "ok",
        }
        answer = httpx.post(f"{server.base}/graphql", json={"query": "{ serviceVersion }"})
        assert answer.status_code == 200
        assert answer.json()["data"]["serviceVersion"]
    finally:
        log = server.stop(how)
    assert server.process.returncode == 0, log
    assert f"database: PostgreSQL: {make_url(empty_database).database} on " in log
    assert f"database schema upgraded from empty to {schema.head_revision()}" in log
    assert "Financial RISE stopped" in log
    assert "Traceback" not in log


def test_embedded_database_is_shared_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "rise-data"
    env = environment(data_dir)
    email = unique_email()

    first = Server(env)
    try:
        first.wait_ready()
        # A second `rise` process joins the running cluster.
        created = _create_user(env, email)
        assert created.code == 0, created.stderr
        assert (data_dir / "postgres" / "postmaster.pid").exists()
    finally:
        log = first.stop()
    assert first.process.returncode == 0, log
    assert "database: embedded PostgreSQL" in log
    assert not (data_dir / "postgres" / "postmaster.pid").exists(), "left the server running"

    second = Server(env)
    try:
        second.wait_ready()
        again = _create_user(env, email)
        assert again.error_lines == [
            f"rise: error: an account with the email {email} already exists"
        ]
    finally:
        log = second.stop()
    assert second.process.returncode == 0, log
    assert f"database schema is up to date (revision {schema.head_revision()})" in log


def _workers(server: Server) -> list[psutil.Process]:
    """The worker processes uvicorn spawned for the server."""
    children = psutil.Process(server.process.pid).children()
    return [c for c in children if "spawn_main" in " ".join(c.cmdline())]


def _answers(server: Server) -> None:
    for _ in range(20):
        answer = httpx.post(f"{server.base}/graphql", json={"query": "{ serviceVersion }"})
        assert answer.json()["data"]["serviceVersion"]


@pytest.mark.parametrize("database", ["external", "embedded"])
def test_serve_with_workers_shares_the_port_and_replaces_a_dead_worker(
    tmp_path: Path, empty_database: str, database: str
) -> None:
    given = {"DATABASE_URL": empty_database} if database == "external" else {}
    server = Server(environment(tmp_path / "data", **given), "--workers", "2")
    try:
        server.wait_ready()
        workers = _workers(server)
        assert len(workers) == 2
        _answers(server)
        workers[0].kill()
        workers[0].wait(timeout=10)
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline and len(_workers(server)) < 2:
            time.sleep(0.2)
        assert len(_workers(server)) == 2, "the dead worker was not replaced"
        server.wait_ready()
        _answers(server)
    finally:
        log = server.stop(signal.SIGINT)
    assert server.process.returncode == 0, log
    assert "with 2 worker processes" in log
    assert "Financial RISE stopped" in log
    assert all(not w.is_running() for w in workers)
