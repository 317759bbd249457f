"""`rise db backup` and `rise db restore`: the whole database, encrypted with the sealing
key of RISE_ENCRYPTION_KEYS (persistence/backups.py)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from persistence.backups import BackupError, backup, restore
from persistence.database import provide_database
from server.failure import Failure
from server.progress import Progress
from server.settings import Settings


def add_backup_commands(db_commands: Any) -> None:
    made = db_commands.add_parser(
        "backup", help="write the whole database to FILE, encrypted with the first key"
    )
    made.add_argument("--output", required=True, metavar="FILE", help="`-`: standard output")
    made.set_defaults(handler=_backup)
    back = db_commands.add_parser(
        "restore", help="restore a backup into an empty database, all or nothing"
    )
    back.add_argument("--input", required=True, metavar="FILE", help="`-`: standard input")
    back.set_defaults(handler=_restore)


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    keys = settings.keyring()
    with (
        provide_database(settings.database_url, settings.data_dir) as location,
        _written(args.output) as sink,
    ):
        size = _run(lambda shown: backup(location.url, keys, sink, shown))
    where = "standard output" if args.output == "-" else args.output
    done = f"backed up {_size(size)} to {where}, encrypted with key {keys.current!r}"
    print(done, file=sys.stderr)
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    keys = settings.keyring()
    with (
        provide_database(settings.database_url, settings.data_dir) as location,
        _read(args.input) as source,
    ):
        size = _run(lambda shown: restore(location.url, keys, source, shown))
    print(f"restored {_size(size)}; `rise serve` upgrades it if it is older", file=sys.stderr)
    return 0


def _run(work: Callable[[Callable[[int], None]], int]) -> int:
    show = Progress()
    try:
        return work(lambda done: show(_size(done)))
    except BackupError as exc:
        raise Failure(str(exc)) from None


@contextlib.contextmanager
def _written(name: str) -> Iterator[BinaryIO]:
    """Standard output, or a file that appears (mode 0600) only once it is complete."""
    if name == "-":
        yield sys.stdout.buffer
        return
    target = Path(name)
    descriptor, scratch = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent or ".")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(scratch, target)
    except BaseException:
        os.unlink(scratch)
        raise


@contextlib.contextmanager
def _read(name: str) -> Iterator[BinaryIO]:
    if name == "-":
        yield sys.stdin.buffer
        return
    with open(name, "rb") as handle:
        yield handle


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count} bytes"
