"""Which processes use the embedded cluster: a small JSON registry guarded by an flock.

Each handle registers one entry (pid, process start marker, handle id). A process counts as
alive while a process with that pid and that start marker exists, so a recycled pid or a
process killed without leaving never keeps the server up. On Linux the start marker is the
process's start time in clock ticks since boot, which no change of the wall clock moves.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import psutil

log = logging.getLogger(__name__)

_PROC = Path("/proc")


class Entry(TypedDict):
    pid: int
    started: float
    handle: str


def new_entry() -> Entry:
    started = start_marker(os.getpid())
    if started is None:  # our own process always exists
        raise RuntimeError("cannot read this process's start time")
    return {"pid": os.getpid(), "started": started, "handle": uuid.uuid4().hex}


def start_marker(pid: int) -> float | None:
    """When `pid` started, or None if no live (non-zombie) process has that pid."""
    if (_PROC / "self" / "stat").exists():
        try:
            text = (_PROC / str(pid) / "stat").read_text()
        except OSError:
            return None
        # Fields after the command name, which sits in parentheses and may contain spaces.
        fields = text.rsplit(")", 1)[1].split()
        state, start_ticks = fields[0], fields[19]
        return None if state == "Z" else float(start_ticks)
    try:  # no /proc (macOS): wall-clock start time, rounded against jitter
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return round(process.create_time(), 1)
    except psutil.Error:
        return None


def is_alive(entry: Entry) -> bool:
    return start_marker(entry["pid"]) == entry["started"]


def _parse(raw: object) -> Entry | None:
    """An entry as written by `new_entry`, or None for anything else in the file."""
    if not isinstance(raw, dict):
        return None
    try:
        return {
            "pid": int(raw["pid"]),
            "started": float(raw["started"]),
            "handle": str(raw["handle"]),
        }
    except (KeyError, TypeError, ValueError):
        return None


class Registry:
    def __init__(self, data_dir: Path) -> None:
        self._lock_path = data_dir / "postgres.lock"
        self._path = data_dir / "postgres.users.json"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive for the duration: starting, joining, leaving and stopping take turns."""
        with open(self._lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info(
                    "waiting for another rise process to finish starting or stopping PostgreSQL"
                )
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def live(self) -> list[Entry]:
        """The registered entries whose processes still run (call with the lock held)."""
        try:
            entries = json.loads(self._path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return []
        if not isinstance(entries, list):
            return []
        return [entry for entry in map(_parse, entries) if entry and is_alive(entry)]

    def write(self, entries: list[Entry]) -> None:
        scratch = self._path.with_suffix(".tmp")
        scratch.write_text(json.dumps(entries))
        scratch.replace(self._path)
