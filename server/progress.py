"""Progress lines of the long commands, on standard error, at most one a second."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, every: float = 1.0) -> None:
        self._every, self._shown = every, 0.0

    def __call__(self, line: str, *, last: bool = False) -> None:
        """Shows `line` if a second has passed since the last one shown, or if `last`."""
        if last or time.monotonic() - self._shown >= self._every:
            self._shown = time.monotonic()
            print(f"  {line}", file=sys.stderr, flush=True)
