"""The background jobs on the real queue, each test on a database of its own so that no other
worker takes its jobs: mail against real SMTP servers (tests.smtp) with STARTTLS and
credentials, refused credentials, a server that is down (retried, then FAILED), a message
delivered once however often it is asked for, a message that survives a `kill -9` between
its commit and its delivery; and the periodic housekeeping."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from domain.outbox import Draft, EmailMessage, EmailStatus, MessageKind
from domain.services.email_delivery import deliver_message
from persistence import schema
from persistence.connections import Database
from persistence.unit_of_work import SqlUnitOfWork
from server.clock import SystemClock
from server.jobs import Jobs, JobServices, worker_running
from server.mail import SmtpTransport
from server.storage import LocalReportStore
from tests.builders import free_port, unique_email
from tests.database import execute, query
from tests.integration.cli import environment
from tests.integration.test_serve import Server, _create_user
from tests.keys import suite_keyring
from tests.smtp import MailServer, mail_server, text_of

pytestmark = pytest.mark.slow

SENDER = "Financial RISE <rise@rise.example>"
FIRST_PAUSE = timedelta(seconds=0.3)


@pytest.fixture
def queue_database(empty_database: str) -> str:
    schema.upgrade(empty_database)
    return empty_database


@pytest.fixture
async def database(queue_database: str) -> AsyncIterator[Database]:
    async with Database(queue_database, statement_timeout_ms=10_000) as opened:
        yield opened


@pytest.fixture
def starttls(tmp_path: Path) -> Iterator[MailServer]:
    with mail_server(starttls=True, directory=tmp_path) as server:
        yield server


def _message(to: str, *, html: str | None = None) -> EmailMessage:
    return EmailMessage(
        id=UUID(int=7), kind=MessageKind.REPORT_READY, to=to, subject="Your report",
        status=EmailStatus.QUEUED, attempts=0,
        last_error=None, sent_at=None, created_at=datetime.now(UTC), text="Plain words\n",
        html=html,
    )  # fmt: skip


async def _queue(database: Database, to: str) -> UUID:
    uow = SqlUnitOfWork(database.scope(), suite_keyring())
    async with uow:
        draft = Draft(kind=MessageKind.PASSWORD_CHANGED, to=to, subject="Changed", text="Hi\n")
        message = await uow.emails.add(draft, at=datetime.now(UTC))
        await uow.commit()
    return message.id


def _row(url: str, message_id: UUID) -> tuple[str, int, str | None]:
    [(status, attempts, error)] = query(
        url, "SELECT status, attempts, last_error FROM email_messages WHERE id = :i", i=message_id
    )
    return status, attempts, error


async def _until(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("not within the time")
        await asyncio.sleep(0.1)


def _services(database: Database, transport: SmtpTransport, tmp_path: Path) -> JobServices:
    return JobServices(
        database=database, keys=suite_keyring(), transport=transport, clock=SystemClock(),
        store=LocalReportStore(tmp_path / "files"), first_pause=FIRST_PAUSE,
        purge_after=timedelta(days=30),
    )  # fmt: skip


# -- the transport ---------------------------------------------------------------------------


async def test_starttls_with_credentials_delivers_both_parts(starttls: MailServer) -> None:
    transport = SmtpTransport(starttls.url(), SENDER, ca_file=starttls.ca_file)
    to = unique_email()
    await transport.send(_message(to, html="<p>Rich words</p>"))
    [received] = starttls.for_address(to)
    assert received["From"] == SENDER
    assert received["Message-ID"] == f"<{UUID(int=7)}@rise.example>"
    assert text_of(received) == "Plain words\n"
    assert received.get_body(preferencelist=("html",)) is not None
    assert transport.describe() == f"127.0.0.1:{starttls.port} (STARTTLS)"


async def test_refused_credentials_fail_for_good(
    starttls: MailServer, database: Database, queue_database: str
) -> None:
    url = starttls.url(password="wrong-password")
    transport = SmtpTransport(url, SENDER, ca_file=starttls.ca_file)
    with pytest.raises(Exception, match="authentication refused: 535") as failure:
        await transport.send(_message(unique_email()))
    assert failure.value.lasting is True  # type: ignore[attr-defined]
    message_id = await _queue(database, unique_email())
    outcome = await deliver_message(
        uow=SqlUnitOfWork(database.scope(), suite_keyring()), transport=transport,
        clock=SystemClock(), message_id=message_id, first_pause=FIRST_PAUSE,
    )  # fmt: skip
    assert outcome is not None
    assert outcome.retry_at is None  # no second try with the same credentials
    status, attempts, error = _row(queue_database, message_id)
    assert (status, attempts) == ("failed", 1)
    assert error is not None
    assert error.startswith("authentication refused: 535")
    assert starttls.received == []


async def test_a_certificate_no_one_vouches_for_is_not_trusted(starttls: MailServer) -> None:
    transport = SmtpTransport(starttls.url(), SENDER)  # no CA file: the system's authorities
    with pytest.raises(Exception, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        await transport.send(_message(unique_email()))
    assert starttls.received == []


async def test_credentials_never_go_over_a_plain_connection() -> None:
    with mail_server() as plain:  # offers no STARTTLS
        url = f"smtp://user:secret@127.0.0.1:{plain.port}"
        with pytest.raises(Exception, match="STARTTLS") as failure:
            await SmtpTransport(url, SENDER).send(_message(unique_email()))
        assert failure.value.lasting is True  # type: ignore[attr-defined]
        assert plain.received == []


# -- through the queue -----------------------------------------------------------------------


async def test_a_server_that_is_down_is_tried_three_times_then_failed(
    database: Database, queue_database: str, tmp_path: Path
) -> None:
    down = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", SENDER)  # nothing listens there
    jobs = Jobs(queue_database, statement_timeout_ms=10_000)
    async with jobs.opened(), worker_running(jobs, _services(database, down, tmp_path)):
        message_id = await _queue(database, unique_email())
        await jobs.deliver([message_id])
        await _until(lambda: _row(queue_database, message_id)[0] != "queued")
    status, attempts, error = _row(queue_database, message_id)
    assert (status, attempts) == ("failed", 3)
    assert error is not None
    assert "127.0.0.1" in error
    [(times,)] = query(
        queue_database,
        "SELECT updated_at - created_at FROM email_messages WHERE id = :i",
        i=message_id,
    )
    assert times >= FIRST_PAUSE * 3  # a pause after the first try, twice as long after the second


async def test_a_message_is_sent_once_however_often_it_is_asked_for(
    database: Database, queue_database: str, tmp_path: Path
) -> None:
    with mail_server() as server:
        transport = SmtpTransport(server.url(), SENDER)
        jobs = Jobs(queue_database, statement_timeout_ms=10_000)
        async with jobs.opened(), worker_running(jobs, _services(database, transport, tmp_path)):
            to = unique_email()
            message_id = await _queue(database, to)
            await asyncio.gather(*(jobs.deliver([message_id]) for _ in range(5)))
            await server.wait_for(to)
            await _until(lambda: _row(queue_database, message_id)[0] == "sent")
            await jobs.deliver([message_id])  # asked again after it was sent
            await jobs.relay(_services(database, transport, tmp_path))
            await asyncio.sleep(2.5)  # past the worker's poll
        assert len(server.for_address(to)) == 1
        assert _row(queue_database, message_id) == ("sent", 1, None)


async def test_the_relay_sends_what_was_committed_but_never_asked_for(
    database: Database, queue_database: str, tmp_path: Path
) -> None:
    """A process that ended between its commit and its request for delivery."""
    with mail_server() as server:
        to = unique_email()
        message_id = await _queue(database, to)  # and no jobs.deliver
        transport = SmtpTransport(server.url(), SENDER)
        jobs = Jobs(queue_database, statement_timeout_ms=10_000)
        async with jobs.opened(), worker_running(jobs, _services(database, transport, tmp_path)):
            await server.wait_for(to)
        assert _row(queue_database, message_id)[0] == "sent"


# -- housekeeping ----------------------------------------------------------------------------


async def test_the_housekeeping_jobs_run_on_their_schedule(
    database: Database, queue_database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    jobs = Jobs(queue_database, statement_timeout_ms=10_000)
    schedule = {
        task.name: periodic.cron for periodic in jobs.app.periodic_registry.periodic_tasks.values()
        for task in [periodic.task]
    }  # fmt: skip
    assert schedule == {
        "relay_outbox": "* * * * *",  # every minute
        "relay_exports": "* * * * *",
        "retry_stalled_jobs": "* * * * *",
        "purge_deleted_assessments": "17 3 * * *",  # daily
        "sweep_report_files": "47 3 * * *",  # daily
        "expire_share_links": "5 * * * *",  # hourly
    }
    caplog.set_level(logging.INFO, logger="rise.jobs")
    transport = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", SENDER)
    async with jobs.opened(), worker_running(jobs, _services(database, transport, tmp_path)):
        for name in ("purge_deleted_assessments", "sweep_report_files", "expire_share_links"):
            await jobs.app.configure_task(name).defer_async(timestamp=int(time.time()))
        await _until(lambda: "swept 0 orphan report file(s) of 0" in caplog.text)
        await _until(lambda: "purged 0 deleted assessment(s), 0 file(s)" in caplog.text)
        await _until(lambda: _queue_is_empty(queue_database))
    assert "Traceback" not in caplog.text


def _queue_is_empty(url: str) -> bool:
    """Every job ran (the worker deletes them) and none failed."""
    rows = query(url, "SELECT task_name, status FROM procrastinate.procrastinate_jobs")
    assert all(status != "failed" for _, status in rows), rows
    periodic = ("relay_outbox", "relay_exports", "retry_stalled_jobs")
    return not [r for r in rows if r[0] not in periodic]


# -- rise worker -----------------------------------------------------------------------------


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_rise_worker_delivers_on_its_own_and_stops_on_a_signal(
    tmp_path: Path, queue_database: str, how: signal.Signals
) -> None:
    with mail_server() as server:
        to = unique_email()
        execute(
            queue_database,
            "INSERT INTO email_messages (kind, recipient, subject, text_body)"
            " VALUES ('PASSWORD_CHANGED', :to, 'Changed', 'Your password was changed.')",
            to=to,
        )
        env = environment(tmp_path, DATABASE_URL=queue_database, RISE_SMTP_URL=server.url())
        worker = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "worker"],
            env=env | {"RISE_LOG_LEVEL": "INFO"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not server.for_address(to) and time.monotonic() < deadline:
                time.sleep(0.1)
            worker.send_signal(how)
            output, _ = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        assert len(server.for_address(to)) == 1, output
        assert worker.returncode == 0, output
        assert f"mail: 127.0.0.1:{server.port} (plain)" in output
        assert "worker stopped" in output
        assert "Traceback" not in output


# -- a real kill -----------------------------------------------------------------------------


def test_a_kill_between_commit_and_send_delivers_once_after_restart(
    tmp_path: Path, queue_database: str
) -> None:
    with mail_server() as server:
        env = environment(
            tmp_path, DATABASE_URL=queue_database, RISE_RUN_JOBS="true",
            RISE_SMTP_URL=server.url(),
        )  # fmt: skip
        email = unique_email()
        assert _create_user(env, email).code == 0
        held = server.hold()  # the mail server takes the message but never answers its DATA
        first = Server(env, "--workers", "1")
        try:
            first.wait_ready()
            asked = httpx.post(
                f"{first.base}/graphql",
                json={"query": f'mutation {{ requestPasswordReset(email: "{email}") {{ ok }} }}'},
            )
            assert asked.json() == {"data": {"requestPasswordReset": {"ok": True}}}
            assert server.handler.started.wait(20), first.output()
            os.kill(first.process.pid, signal.SIGKILL)  # mid-send: committed, not delivered
            first.process.wait(timeout=20)
        finally:
            first.stop()
        held.clear()
        time.sleep(0.5)
        assert server.for_address(email) == []  # the killed send was never acknowledged
        [(status,)] = query(
            queue_database, "SELECT status FROM email_messages WHERE recipient = :e", e=email
        )
        assert status == "queued"

        second = Server(env, "--workers", "1")
        try:
            second.wait_ready()
            deadline = time.monotonic() + 20
            while not server.for_address(email) and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(3)  # room for a second delivery, which must not come
        finally:
            second.stop()
        [message] = server.for_address(email)
        assert "reset-password?token=" in text_of(message)
        [(status, attempts)] = query(
            queue_database,
            "SELECT status, attempts FROM email_messages WHERE recipient = :e",
            e=email,
        )
        assert (status, attempts) == ("sent", 1)
