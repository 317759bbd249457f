"""Runs `rise` in a subprocess, as a person at a terminal would, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.keys import TEST_KEYS

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("rise: error:")]


def environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RISE_", "PG")) and k != "DATABASE_URL"
    }
    env["RISE_DATA_DIR"] = str(data_dir)
    env["RISE_LOG_LEVEL"] = "WARNING"
    env["RISE_RUN_JOBS"] = "false"  # as in the tests' own apps (tests/conftest.py)
    env["RISE_ENCRYPTION_KEYS"] = TEST_KEYS  # likewise
    env.update(overrides)
    return env


def rise(*args: str, env: dict[str, str], timeout: float = 120) -> Result:
    completed = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)
