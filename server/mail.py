"""Mail delivery. In development the `ConsoleMailer` writes each message to the log (logger
`rise.mail`), so a developer can copy a password-reset link from the console."""

from __future__ import annotations

import logging

log = logging.getLogger("rise.mail")


class ConsoleMailer:
    """The domain's Mailer port, delivering to the log instead of a mail server."""

    async def send(self, to: str, subject: str, body: str) -> None:
        log.info("mail to %s\nSubject: %s\n\n%s", to, subject, body)
