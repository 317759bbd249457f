"""Mail delivery, through the domain's Mailer port.

There is no mail server transport yet. In development the `ConsoleMailer` writes each
message to the log (logger `rise.mail`), so a developer can copy a password-reset link from
the console: it is the only place a link is ever printed. In production `UndeliveredMail`
takes the message and only records, at WARNING, that a message of its kind (its subject)
could not be sent: never the recipient's message, which holds a token that resets a password.
"""

from __future__ import annotations

import logging

from domain.ports import Mailer

log = logging.getLogger("rise.mail")

NO_TRANSPORT_WARNING = (
    "no mail transport: with RISE_ENV=production mail is not sent (password-reset links "
    "do not reach anyone) and never written to the log"
)


class ConsoleMailer:
    """Delivers to the log instead of a mail server (development only)."""

    async def send(self, to: str, subject: str, body: str) -> None:
        log.info("mail to %s\nSubject: %s\n\n%s", to, subject, body)


class UndeliveredMail:
    """Production's mailer while no transport exists: each message is dropped, and a line
    says which kind was not sent."""

    async def send(self, to: str, subject: str, body: str) -> None:
        log.warning("mail not sent (no mail transport): %s", subject)


def mailer_for(*, production: bool) -> Mailer:
    return UndeliveredMail() if production else ConsoleMailer()
