"""Mail transports, through the domain's MailTransport port.

- `SmtpTransport` talks to the server of RISE_SMTP_URL with aiosmtplib, on the event loop:
  `smtp://` upgrades with STARTTLS (required when the URL has credentials, so a password
  never crosses the network in clear; offered by the server otherwise), `smtps://` speaks
  TLS from the start. Certificates are verified, against RISE_SMTP_CA_FILE when set.
- `ConsoleTransport` (development without a server) writes each message to the log
  (logger `rise.mail`): the only place a password-reset link is ever printed.
- `MailOff` (production without a server) delivers nothing: each message fails at once,
  with an error that says so, and start-up and /readyz say that mail is off.

Each message leaves with its plain-text part, an HTML alternative when it has one, and a
Message-ID made of its outbox id, so that a receiver can tell a repeat (the one case left:
the server took the message but the service ended before recording it) from a new message.
"""

from __future__ import annotations

import logging
import ssl
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib

from domain.outbox import DeliveryFailed, EmailMessage
from domain.ports import MailTransport

log = logging.getLogger("rise.mail")

MAIL_OFF = "mail is off: RISE_SMTP_URL is not set, so no message is sent"
_PERMANENT = 500  # SMTP replies from 500 up are refusals; 4xx ones ask to try again later


def mime_message(message: EmailMessage, sender: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = message.to
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mime["Message-ID"] = f"<{message.id}@{domain}>"
    mime.set_content(message.text or "")
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime


class SmtpTransport:
    def __init__(
        self, url: str, sender: str, *, ca_file: Path | None = None, timeout: float = 30.0
    ) -> None:
        parts = urlsplit(url)
        self._implicit_tls = parts.scheme == "smtps"
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (465 if self._implicit_tls else 587)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender
        self._timeout = timeout
        self._tls = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def describe(self) -> str:
        """Where mail goes, without the credentials."""
        security = "TLS" if self._implicit_tls else "STARTTLS" if self._username else "plain"
        return f"{self._host}:{self._port} ({security})"

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                mime_message(message, self._sender),
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._implicit_tls,
                # With credentials, STARTTLS or nothing; without, STARTTLS when offered.
                start_tls=None if self._implicit_tls or not self._username else True,
                tls_context=self._tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            raise DeliveryFailed(_answer(refused), lasting=refused.code >= _PERMANENT) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            # Trying the same credentials again cannot help, and might lock the account.
            raise DeliveryFailed(f"authentication refused: {_answer(exc)}", lasting=True) from None
        except aiosmtplib.SMTPNotSupported as exc:
            raise DeliveryFailed(f"{self.describe()}: {exc}", lasting=True) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryFailed(_answer(exc), lasting=exc.code >= _PERMANENT) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            reason = f"{self.describe()}: {str(exc) or type(exc).__name__}"
            # The server lacks what the settings require (STARTTLS, say): trying again cannot
            # help. Otherwise it could not be reached or went away: worth another try.
            lasting = type(exc) is aiosmtplib.SMTPException
            raise DeliveryFailed(reason, lasting=lasting) from None


def _answer(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


class ConsoleTransport:
    """Delivers to the log instead of a mail server (development only)."""

    async def send(self, message: EmailMessage) -> None:
        log.info("mail to %s\nSubject: %s\n\n%s", message.to, message.subject, message.text)


class MailOff:
    """Production's transport while no server is configured."""

    async def send(self, message: EmailMessage) -> None:
        raise DeliveryFailed(MAIL_OFF, lasting=True)


def transport_for(
    smtp_url: str | None,
    sender: str,
    *,
    production: bool,
    ca_file: Path | None = None,
    timeout: float = 30.0,
) -> MailTransport:
    if smtp_url is not None:
        return SmtpTransport(smtp_url, sender, ca_file=ca_file, timeout=timeout)
    return MailOff() if production else ConsoleTransport()
