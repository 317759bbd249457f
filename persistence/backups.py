"""Encrypted backups of the whole database (`rise db backup`, `rise db restore`): pg_dump's
custom format, streamed through persistence/sealed_stream.py, and back through pg_restore
into an empty database in one transaction. The PostgreSQL client programs are the embedded
ones of the server's major version: a newer pg_dump writes settings an older server
refuses on restore (PostgreSQL 17's `transaction_timeout`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url

from persistence.database import one_connection
from persistence.embedded_os import binaries_directory
from persistence.sealed_stream import StreamError, open_stream, seal_stream
from persistence.sealing import Keyring


class BackupError(Exception):
    """A backup or restore that could not be made; nothing was restored."""


def backup(
    url: str, keys: Keyring, sink: IO[bytes], progress: Callable[[int], None] | None = None
) -> int:
    """Writes the database at `url` to `sink`, encrypted; returns the dump's size."""
    dump = _client("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges")
    assert dump.stdout is not None
    try:
        size = seal_stream(keys, dump.stdout, sink, progress)
    finally:
        dump.stdout.close()
        problem = _finish(dump)
    if problem:
        raise BackupError(f"pg_dump failed: {problem}")
    return size


def restore(
    url: str, keys: Keyring, source: IO[bytes], progress: Callable[[int], None] | None = None
) -> int:
    """Restores an encrypted backup into the empty database at `url`, all or nothing."""
    tables = _tables(url)
    if tables:
        raise BackupError(
            f"the database holds {tables} table(s); restore into an empty database"
            " (a new one, or `rise db downgrade base` first)"
        )
    loading = _client(
        "pg_restore", url, "--no-owner", "--no-privileges", "--single-transaction",
        "--exit-on-error", stdin=subprocess.PIPE, dbname=True,
    )  # fmt: skip
    assert loading.stdin is not None
    try:
        size = open_stream(keys, source, loading.stdin, progress)
    except (StreamError, BrokenPipeError) as exc:
        loading.kill()  # the transaction is rolled back: nothing is restored
        _finish(loading)
        if isinstance(exc, BrokenPipeError):
            raise BackupError("pg_restore stopped reading the backup") from None
        raise BackupError(str(exc)) from None
    loading.stdin.close()
    problem = _finish(loading)
    if problem:
        raise BackupError(f"pg_restore failed, nothing was restored: {problem}")
    return size


def client_programs(url: str) -> Path:
    """The directory of pg_dump and pg_restore of the server's major version: the embedded
    distribution's, the Debian package's, or those on PATH."""
    with one_connection(url) as connection:
        major = int(connection.scalar(text("SHOW server_version_num")) or 0) // 10000
    on_path = shutil.which("pg_dump")
    candidates = [
        binaries_directory(),
        Path(f"/usr/lib/postgresql/{major}/bin"),
        *([Path(on_path).parent] if on_path else []),
    ]
    for directory in candidates:
        if _major(directory / "pg_dump") == major and (directory / "pg_restore").exists():
            return directory
    raise BackupError(
        f"no pg_dump and pg_restore of PostgreSQL {major}, the server's version, were found;"
        f" install its client programs (Debian: postgresql-client-{major})"
    )


def _major(program: Path) -> int | None:
    if not program.exists():
        return None
    shown = subprocess.run([str(program), "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", shown)
    return int(found.group(1)) if found else None


def _tables(url: str) -> int:
    with one_connection(url) as connection:
        found = connection.scalar(
            text(
                "SELECT count(*) FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        )
        return int(found or 0)


def _client(
    program: str,
    url: str,
    *options: str,
    stdin: int | None = subprocess.DEVNULL,
    dbname: bool = False,
) -> subprocess.Popen[bytes]:
    """A PostgreSQL client program on the database at `url`; the password goes in its
    environment, not on a command line that others may read."""
    parsed = make_url(url)
    password = parsed.password
    target = parsed.set(drivername="postgresql", password=None).render_as_string()
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    where = ["--dbname", target] if dbname else [target]
    return subprocess.Popen(
        [str(client_programs(url) / program), *options, *where],
        stdin=stdin,
        stdout=subprocess.PIPE if not dbname else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _finish(process: subprocess.Popen[bytes]) -> str:
    """Waits for `process`; what went wrong, from its standard error, or "" if it did not."""
    errors = process.stderr.read() if process.stderr is not None else b""
    process.wait(timeout=600)
    if process.returncode == 0:
        return ""
    lines = [line for line in errors.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {process.returncode}"
