"""The mail transports that need no server: the console's (development) and production's
while mail is off, and the MIME message every transport sends."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.outbox import DeliveryFailed, EmailMessage, EmailStatus, MessageKind
from server.mail import (
    MAIL_OFF,
    ConsoleTransport,
    MailOff,
    SmtpTransport,
    mime_message,
    transport_for,
)

LINK = "https://rise.example.com/reset-password?token=abc"


def _message(*, html: str | None = None, reply_to: str | None = None) -> EmailMessage:
    return EmailMessage(
        id=UUID(int=1), kind=MessageKind.PASSWORD_RESET, to="ann@example.com",
        subject="Reset", status=EmailStatus.QUEUED, attempts=0, last_error=None, sent_at=None,
        created_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC), text=f"open {LINK}\n",
        html=html, reply_to=reply_to,
    )  # fmt: skip


async def test_the_console_logs_the_whole_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="rise.mail")
    await ConsoleTransport().send(_message())
    [record] = caplog.records
    assert record.name == "rise.mail"
    assert "ann@example.com" in record.getMessage()
    assert LINK in record.getMessage()


async def test_mail_off_fails_each_message_for_good_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="rise.mail")
    with pytest.raises(DeliveryFailed, match="mail is off") as failure:
        await MailOff().send(_message())
    assert failure.value.lasting
    assert caplog.records == []


def test_the_transport_follows_the_settings() -> None:
    assert isinstance(transport_for(None, "a@b.example", production=False), ConsoleTransport)
    assert isinstance(transport_for(None, "a@b.example", production=True), MailOff)
    smtp = transport_for("smtps://u:p%40ss@mail.example.com", "a@b.example", production=True)
    assert isinstance(smtp, SmtpTransport)
    assert smtp.describe() == "mail.example.com:465 (TLS)"
    assert "p@ss" not in smtp.describe()
    plain = SmtpTransport("smtp://relay.internal:25", "a@b.example")
    assert plain.describe() == "relay.internal:25 (plain)"
    assert SmtpTransport("smtp://u:p@mail.example.com", "a").describe().endswith(":587 (STARTTLS)")
    assert MAIL_OFF.startswith("mail is off")


def test_the_mime_message_has_a_text_part_and_the_html_as_its_alternative() -> None:
    plain = mime_message(_message(), "RISE <rise@rise.example>")
    assert plain.get_content_type() == "text/plain"
    assert plain["Message-ID"] == f"<{UUID(int=1)}@rise.example>"
    assert plain["Date"] == "Tue, 01 Dec 2026 09:30:00 +0000"
    assert plain["Reply-To"] is None
    both = mime_message(_message(html="<p>open</p>", reply_to="jane@firm.example"), "r@x.example")
    assert both.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in both.iter_parts()] == ["text/plain", "text/html"]
    assert both["Reply-To"] == "jane@firm.example"
