"""Running the contenders: `rise serve` (or the bare baseline) as a subprocess on a free port,
ready once /readyz answers 200, stopped with SIGINT; and a small GraphQL client for them.

Every benchmark uses these; none measures anything here.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from persistence.sealing import Keyring, new_key_entry

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / ".rise-bench"  # the bench cluster, secret and report files (git-ignored)
TIMEOUT_SECONDS = 120
PASSWORD = "Bench-Password-2026!"  # 12+ characters, upper, lower, digit, symbol


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kept(name: str, make: Callable[[], str]) -> str:
    """A value both contenders share, made once and kept in `.rise-bench/<name>` (0600), so
    that it stays the same across the bench's processes and runs."""
    path = BENCH_DIR / name
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def bench_secret() -> str:
    """The signing secret, so that tokens stay valid across processes and runs."""
    return _kept("secret_key", lambda: secrets.token_urlsafe(48))


def bench_keys() -> str:
    """The encryption keys (RISE_ENCRYPTION_KEYS) of every bench server, which the
    baselines seal and open answers with too."""
    return _kept("encryption_keys", lambda: new_key_entry("bench1"))


def bench_keyring() -> Keyring:
    return Keyring.parse(bench_keys())


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without DATABASE_URL or RISE_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("RISE_")}
    return env | extra


def rise_env(database_url: str | None, data_dir: Path = BENCH_DIR, **extra: str) -> dict[str, str]:
    """The environment of a bench `rise serve`: quiet logs, the shared secret, no report
    allowance in the way, and one server process (as the single-process baselines it is
    compared with) unless `extra` says otherwise; without `database_url`, the embedded
    cluster under `data_dir`."""
    env = clean_env(
        RISE_DATA_DIR=str(data_dir),
        RISE_LOG_LEVEL="WARNING",
        RISE_SECRET_KEY=bench_secret(),
        RISE_ENCRYPTION_KEYS=bench_keys(),
        RISE_REPORTS_PER_MINUTE="100000",
        **{"RISE_WORKERS": "1"} | extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{base}: the process exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{base} was not ready within {TIMEOUT_SECONDS} s")


_IDLE: dict[str, float] = {}  # each server's quickest /readyz before any load


def _readyz(base: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(f"{base}/readyz", timeout=30)
    return time.perf_counter() - started


def settle(base: str, timeout: float = 10) -> None:
    """Waits until `base` answers /readyz about as fast as it did idle, three times in a
    row, so that work still queued from the previous measurement (requests wrk gave up on)
    does not weigh on the next one; gives up after `timeout` seconds. The first call, made
    before any load, takes the idle reference."""
    if base not in _IDLE:
        _IDLE[base] = min(_readyz(base) for _ in range(5))
    quick = max(0.01, 3 * _IDLE[base])
    deadline, in_a_row = time.monotonic() + timeout, 0
    while in_a_row < 3 and time.monotonic() < deadline:
        in_a_row = in_a_row + 1 if _readyz(base) < quick else 0
        time.sleep(0.02)


@contextlib.contextmanager
def running(command: Sequence[str], env: Mapping[str, str], port: int) -> Iterator[str]:
    """Runs `command` (which listens on `port`) until the block ends; yields its base URL.
    Its standard error goes to a temporary file, shown if it fails to start."""
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="rise-bench-", suffix=".log") as log:
        process = subprocess.Popen(
            list(command), cwd=REPO, env=dict(env), stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            wait_ready(base, process, Path(log.name))
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def serve(database_url: str | None, data_dir: Path = BENCH_DIR, **extra: str) -> Iterator[str]:
    """`rise serve` on `database_url` (None: the embedded cluster under `data_dir`)."""
    port = _free_port()
    command = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1"]
    with running([*command, "--port", str(port)], rise_env(database_url, data_dir, **extra), port):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def serve_bare(conninfo: str) -> Iterator[str]:
    """The bare Starlette baseline (bench/bare.py) on the same database."""
    port = _free_port()
    env = clean_env(BENCH_CONNINFO=conninfo, RISE_SECRET_KEY=bench_secret())
    command = [sys.executable, "-m", "bench.bare", "--port", str(port)]
    with running(command, env, port) as base:
        yield base


class GraphQLError(RuntimeError):
    """The response carried top-level errors, or a mutation answered user errors."""


class Client:
    """GraphQL over HTTP as a consultant's browser sends it, with the bearer token once
    signed in; raises on any error so that a benchmark never times failures."""

    def __init__(self, base: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=120)
        self.token = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        return _data(response.json())

    async def mutate(self, query: str, field: str, **variables: Any) -> dict[str, Any]:
        """Runs a mutation and returns its payload, raising on user errors."""
        return _payload(await self(query, **variables), field)

    async def login(self, email: str, password: str = PASSWORD) -> str:
        payload = await self.mutate(
            "mutation($input: LoginInput!) { login(input: $input) {"
            " accessToken userErrors { code message } } }",
            "login",
            input={"email": email, "password": password},
        )
        self.token = payload["accessToken"]
        return self.token

    async def register(self, email: str, first: str, last: str) -> str:
        payload = await self.mutate(
            "mutation($input: RegisterInput!) { register(input: $input) {"
            " accessToken userErrors { code message } } }",
            "register",
            input={"email": email, "password": PASSWORD, "firstName": first, "lastName": last},
        )
        self.token = payload["accessToken"]
        return self.token

    async def aclose(self) -> None:
        await self.http.aclose()


class TimedClient:
    """Requests timed one after another, on one keep-alive connection of the standard
    library's HTTP client, with the bearer token of a signed-in `Client`: a fraction of a
    millisecond of this process's CPU a request, where httpx takes several, which a latency
    measured here would count as the service's. Raises on any error, as `Client` does."""

    def __init__(self, base: str, token: str) -> None:
        url = httpx.URL(base)
        self._connection = http.client.HTTPConnection(url.host, url.port, timeout=TIMEOUT_SECONDS)
        self.token = token

    def mutate(self, query: str, field: str, **variables: Any) -> float:
        """Runs a mutation, raising on user errors; returns the seconds it took."""
        body = json.dumps({"query": query, "variables": variables})
        started = time.perf_counter()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        self._connection.request("POST", "/graphql", body, headers)
        response = self._connection.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise GraphQLError(f"HTTP {response.status}: {raw[:500]!r}")
        _payload(_data(json.loads(raw)), field)
        return elapsed

    def close(self) -> None:
        self._connection.close()


def _data(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("errors"):
        raise GraphQLError(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


def _payload(data: dict[str, Any], field: str) -> dict[str, Any]:
    payload: dict[str, Any] = data[field]
    if payload.get("userErrors"):
        raise GraphQLError(payload["userErrors"])
    return payload
