"""`rise keys`: the encryption keys of the answers at rest (persistence/sealing.py).

rise keys new --id ID     print a new key entry for RISE_ENCRYPTION_KEYS
rise keys status          the keys in the registry, and how many values each sealed
rise keys rotate          re-encrypt every value with the first key, while the service runs
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from persistence.database import provide_database
from persistence.key_rotation import rotate, values_per_key
from persistence.sealing import new_key_entry
from server.migrate import require_migrated
from server.progress import Progress
from server.settings import Settings

DEFAULT_BATCH = 500


def add_key_commands(commands: Any) -> None:
    keys = commands.add_parser("keys", help="the encryption keys of answers and notes")
    keys.set_defaults(handler=None)
    key_commands = keys.add_subparsers(title="keys commands", metavar="ACTION", required=True)
    new = key_commands.add_parser(
        "new", help="print a new key entry; put it first in RISE_ENCRYPTION_KEYS to seal with it"
    )
    new.add_argument("--id", required=True, help="the key's id: 1-32 letters, digits, - or _")
    new.set_defaults(handler=_new)
    status = key_commands.add_parser("status", help="how many stored values each key sealed")
    status.set_defaults(handler=_status)
    rotate_command = key_commands.add_parser(
        "rotate",
        help="re-encrypt every stored value with the first key (safe while the service runs)",
    )
    rotate_command.add_argument(
        "--batch",
        type=_positive,
        default=DEFAULT_BATCH,
        help=f"rows a batch (default {DEFAULT_BATCH})",
    )
    rotate_command.set_defaults(handler=_rotate)


def _new(settings: Settings, args: argparse.Namespace) -> int:
    print(new_key_entry(args.id))
    return 0


def _status(settings: Settings, args: argparse.Namespace) -> int:
    keys = settings.keyring()
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        counts = values_per_key(location.url)
    print(f"sealing key: {keys.current}; keys given: {', '.join(keys.ids)}")
    for key_id, count in counts.items():
        print(f"  {key_id or '(not encrypted yet)'}: {count} value(s)")
    if not counts:
        print("  no stored values")
    return 0


def _rotate(settings: Settings, args: argparse.Namespace) -> int:
    keys = settings.keyring()
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        show = Progress()

        def progress(done: int, total: int) -> None:
            show(f"{done}/{total} responses", last=done == total)

        print(f"re-encrypting with key {keys.current!r}", file=sys.stderr, flush=True)
        result = rotate(location.url, keys, batch=args.batch, progress=progress)
    print(result.describe(keys))
    return 1 if result.left else 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
