"""Report file stores (the domain's `ReportStore` port).

`LocalReportStore` keeps files under ``<RISE_DATA_DIR>/reports`` by default. Keys are made
by the service from ids (``reports/<assessment id>/<report id>.pdf``); a key of any other
shape is refused, so that no key can reach outside the store's directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KEY_PATTERN = re.compile(rf"reports/{_UUID}/{_UUID}\.pdf")


class BadKey(ValueError):
    """A storage key of a shape the service never makes."""


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise BadKey(f"not a report key: {key!r}")
    return key


class LocalReportStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, content: bytes) -> None:
        await asyncio.to_thread(self._put, self.path(key), content)

    @staticmethod
    def _put(path: Path, content: bytes) -> None:
        # Written beside its final name and renamed: a reader never sees half a file.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._get, self.path(key))

    @staticmethod
    def _get(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    async def delete(self, keys: Sequence[str]) -> None:
        paths = [self.path(key) for key in keys]
        await asyncio.to_thread(self._delete, paths)

    @staticmethod
    def _delete(paths: Sequence[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # not empty: other reports remain
                path.parent.rmdir()  # the assessment's directory, once empty
