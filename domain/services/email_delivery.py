"""Delivering one queued message, and finding the messages that wait for delivery.

The message stays locked while the transport talks to the mail server, and its outcome is
committed once the server has answered: a second delivery of the same message (a job run
again, or found again in the outbox) finds it taken or no longer queued, and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.outbox import MAX_ATTEMPTS, DeliveryFailed, EmailStatus, retry_pause
from domain.ports import Clock, MailTransport, UnitOfWork

RELAY_BATCH = 500


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one delivery came to; `retry_at` when the message waits for another try."""

    status: EmailStatus
    error: str | None = None
    retry_at: datetime | None = None


async def deliver_message(
    *,
    uow: UnitOfWork,
    transport: MailTransport,
    clock: Clock,
    message_id: UUID,
    first_pause: timedelta,
) -> Delivery | None:
    """Sends the message if it is queued and due; None when there was nothing to do."""
    async with uow:
        message = await uow.emails.claim(message_id, at=clock.now())
        if message is None:
            return None
        try:
            await transport.send(message)
        except DeliveryFailed as failure:
            attempts = message.attempts + 1
            now = clock.now()
            retry_at = None
            if not failure.lasting and attempts < MAX_ATTEMPTS:
                retry_at = now + retry_pause(attempts, first_pause)
            await uow.emails.record_failure(message_id, str(failure), at=now, retry_at=retry_at)
            await uow.commit()
            status = EmailStatus.QUEUED if retry_at else EmailStatus.FAILED
            return Delivery(status, str(failure), retry_at)
        await uow.emails.record_sent(message_id, at=clock.now())
        await uow.commit()
    return Delivery(EmailStatus.SENT)


async def waiting_messages(*, uow: UnitOfWork, clock: Clock) -> list[UUID]:
    """Queued messages that are due (the oldest first, at most `RELAY_BATCH`)."""
    async with uow:
        return await uow.emails.due(at=clock.now(), limit=RELAY_BATCH)
