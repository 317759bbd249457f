"""`rise users create` at a terminal: the password prompt, its policy check and confirmation."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.builders import unique_email
from tests.database import query
from tests.integration.cli import REPO, environment

pytestmark = pytest.mark.slow


class Terminal:
    """`rise` on a pseudo-terminal, so getpass prompts as it would for a person."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes `rise` with the pty as its controlling terminal
            os.chdir(REPO)
            os.execve(sys.executable, [sys.executable, "-m", "server.cli", *args], env)
        self.pid, self.fd, self.screen = pid, fd, ""
        self.seen = 0  # how far `expect` has read the screen

    def expect(self, text: str, timeout: float = 60) -> None:
        """Waits for `text` after whatever the previous `expect` matched."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[self.seen :]:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                pytest.fail(f"never saw {text!r}; screen:\n{self.screen}")
            try:
                self.screen += os.read(self.fd, 4096).decode()
            except OSError:  # the child closed the terminal
                pytest.fail(f"never saw {text!r}; screen:\n{self.screen}")
        self.seen = self.screen.index(text, self.seen) + len(text)

    def type(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def exit_code(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_prompt_rejects_a_weak_password_then_a_mismatch_then_accepts(
    tmp_path: Path, database_url: str
) -> None:
    email = unique_email()
    terminal = Terminal(
        ["users", "create", "--email", email, "--role", "consultant",
         "--first-name", "Ada", "--last-name", "Lovelace"],
        environment(tmp_path, DATABASE_URL=database_url),
    )  # fmt: skip
    terminal.expect("Password: ")
    terminal.type("weak")
    terminal.expect("password must be at least 12 characters long")
    terminal.expect("Password: ")
    terminal.type("Ledger-Balance-42")
    terminal.expect("Repeat password: ")
    terminal.type("Ledger-Balance-43")
    terminal.expect("the passwords do not match")
    terminal.expect("Password: ")
    terminal.type("Ledger-Balance-42")
    terminal.expect("Repeat password: ")
    terminal.type("Ledger-Balance-42")
    terminal.expect(f"created consultant {email}")
    assert terminal.exit_code() == 0
    assert "Ledger-Balance-42" not in terminal.screen  # never echoed

    [(stored,)] = query(database_url, "SELECT password_hash FROM users WHERE email = :e", e=email)
    assert stored.startswith("$argon2id$")


def _prompting(tmp_path: Path, database_url: str) -> Terminal:
    terminal = Terminal(
        ["users", "create", "--email", unique_email(), "--role", "consultant",
         "--first-name", "Ada", "--last-name", "Lovelace"],
        environment(tmp_path, DATABASE_URL=database_url),
    )  # fmt: skip
    terminal.expect("Password: ")
    return terminal


def test_ctrl_d_at_the_prompt_is_one_line(tmp_path: Path, database_url: str) -> None:
    terminal = _prompting(tmp_path, database_url)
    os.write(terminal.fd, b"\x04")  # Ctrl-D on an empty line: end of input
    terminal.expect("rise: error: no password given")
    assert terminal.exit_code() == 1
    assert "Traceback" not in terminal.screen


def test_sigterm_at_the_prompt_exits_as_terminated(tmp_path: Path, database_url: str) -> None:
    terminal = _prompting(tmp_path, database_url)
    os.kill(terminal.pid, signal.SIGTERM)
    terminal.expect("rise: terminated")
    assert terminal.exit_code() == 128 + signal.SIGTERM
