"""A real SMTP server for the tests (aiosmtpd), on a free port of 127.0.0.1, in a thread of
its own: plain, or requiring STARTTLS with a certificate from a test authority (trustme),
with or without credentials, and told to refuse some recipients or to hang up.

`received` holds what it accepted, parsed; `wait_for` waits until a message for an address
has arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "rise-mailer", "mail-secret-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class _Handler:
    refuse: set[str] = field(default_factory=set)
    hold: threading.Event | None = None  # while set, a message's DATA waits for it to clear
    received: list[EmailMessage] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no mailbox here by that name"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.started.set()
        while self.hold is not None and self.hold.is_set():
            await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "421 4.3.0 the client went away"  # never acknowledged: not received
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 2.0.0 accepted"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (USER, PASSWORD)
    return AuthResult(success=ok, handled=False)  # the server answers 535 itself


class MailServer:
    def __init__(
        self,
        *,
        starttls: bool = False,
        directory: Path | None = None,
        password: str = PASSWORD,
    ) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self.ca_file: Path | None = None
        self._password = password
        options: dict[str, Any] = {}
        if starttls:
            assert directory is not None, "STARTTLS needs a directory for the test CA"
            authority = trustme.CA()
            certificate = authority.issue_cert("127.0.0.1", "localhost")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(context)
            self.ca_file = directory / "smtp-test-ca.pem"
            authority.cert_pem.write_to_path(str(self.ca_file))
            options = {
                "tls_context": context,
                "require_starttls": True,
                "auth_required": True,
                "auth_require_tls": True,
                "authenticator": _authenticate,
            }
        self.starttls = starttls
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def url(self, *, password: str | None = None) -> str:
        if self.starttls:
            return f"smtp://{USER}:{password or self._password}@127.0.0.1:{self.port}"
        return f"smtp://127.0.0.1:{self.port}"

    def hold(self) -> threading.Event:
        """From now on each message waits at DATA, unacknowledged, until the event is
        cleared; `handler.started` is set once one does."""
        self.handler.hold = threading.Event()
        self.handler.hold.set()
        return self.handler.hold

    def refuse(self, address: str) -> None:
        self.handler.refuse.add(address)

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def for_address(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if address in str(message["To"])]

    async def wait_for(
        self, address: str, count: int = 1, timeout: float = 15.0
    ) -> list[EmailMessage]:
        """The messages for `address`, once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        while len(found := self.for_address(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) for {address} did not arrive: {found}")
            await asyncio.sleep(0.05)
        return found


@contextlib.contextmanager
def mail_server(**options: Any) -> Iterator[MailServer]:
    server = MailServer(**options).start()
    try:
        yield server
    finally:
        server.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no plain-text part"
    content: str = part.get_content()
    return content.replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("html",))
    return None if part is None else str(part.get_content()).replace("\r\n", "\n")
