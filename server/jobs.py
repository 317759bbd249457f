"""Background jobs on procrastinate's queue, which lives in PostgreSQL (schema
`procrastinate`, migration 0011): the embedded database by default, and any number of
workers on any number of machines against a shared one.

- `deliver_email` sends one message of the outbox (`domain.services.email_delivery`). A
  failure that may pass defers the next try to the time the message now waits for.
- `relay_outbox`, every minute and when a worker starts, asks for delivery of every queued
  message that is due: one whose request was lost, because the process that committed it
  ended before asking, or a worker died while sending it, is sent this way.
- `retry_stalled_jobs`, every minute, runs again the jobs of a worker that died mid-job.
- `build_export` builds one data export (`domain.services.data_exports`); `relay_exports`,
  every minute, asks again for the ones still pending.
- `purge_deleted_assessments` (daily), `sweep_report_files` (daily) and
  `expire_share_links` (hourly, which also removes expired exports) are the periodic
  housekeeping.

A job for a message or an export carries a queueing lock (`email:<id>`, `export:<id>`):
while one waits, asking again adds nothing. Jobs that ran are deleted from the queue; the
outbox and the exports table keep the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import procrastinate
from procrastinate import JobContext
from procrastinate.exceptions import AlreadyEnqueued
from psycopg_pool import AsyncConnectionPool

from domain.ports import Clock, MailTransport, ReportStore
from domain.services.data_exports import build_export, expire_exports, pending_exports
from domain.services.email_delivery import deliver_message, waiting_messages
from domain.services.erasure import purge_deleted_assessments
from domain.services.reports import expire_report_shares, sweep_report_files
from persistence.connections import RECONNECT_SECONDS, Database
from persistence.database import conninfo
from persistence.sealing import Keyring
from persistence.unit_of_work import SqlUnitOfWork
from server.clock import SystemClock
from server.mail import transport_for
from server.settings import Settings
from server.storage import report_store

log = logging.getLogger("rise.jobs")

QUEUE_SCHEMA = "procrastinate"
QUEUE_POOL_SIZE = 4  # the queue's own connections: fetching jobs, listening, recording them
CONCURRENCY = 4  # jobs a worker runs at once (mail waits on the network, not the processor)
SHUTDOWN_SECONDS = 10.0  # how long a stopping worker lets running jobs finish
# New jobs arrive by LISTEN/NOTIFY at once; a job scheduled for later (a retry) is found by
# a poll this often.
POLL_SECONDS = 1.0
RESTART_SECONDS = 5


@dataclass(frozen=True)
class JobServices:
    """What the jobs work with, built by the process that runs the worker."""

    database: Database
    keys: Keyring
    transport: MailTransport
    clock: Clock
    store: ReportStore
    first_pause: timedelta  # before the second try of a failed delivery
    purge_after: timedelta  # deleted assessments older than this are purged


def job_services(settings: Settings, database: Database, store: ReportStore) -> JobServices:
    return JobServices(
        database=database,
        keys=settings.keyring(),
        transport=transport_for(
            settings.smtp,
            settings.mail_from,
            production=settings.is_production,
            ca_file=settings.smtp_ca_file,
            timeout=settings.smtp_timeout_seconds,
        ),
        clock=SystemClock(),
        store=store,
        first_pause=timedelta(seconds=settings.mail_retry_seconds),
        purge_after=timedelta(days=settings.purge_after_days),
    )


def _services(context: JobContext) -> JobServices:
    services = context.additional_context["services"]
    assert isinstance(services, JobServices)
    return services


def _uow(services: JobServices) -> SqlUnitOfWork:
    return SqlUnitOfWork(services.database.scope(), services.keys)


class Jobs:
    """The queue and its tasks; `deliver` is the domain's EmailDispatch."""

    def __init__(self, database_url: str, *, statement_timeout_ms: int) -> None:
        libpq, options = conninfo(database_url, statement_timeout_ms)
        self._conninfo = libpq
        self._options = f"{options} -c search_path={QUEUE_SCHEMA}"
        self.app = app = procrastinate.App(connector=procrastinate.PsycopgConnector())

        @app.task(name="deliver_email", queue="mail", pass_context=True)
        async def deliver_email(context: JobContext, message_id: str) -> None:
            services = _services(context)
            outcome = await deliver_message(
                uow=_uow(services),
                transport=services.transport,
                clock=services.clock,
                message_id=UUID(message_id),
                first_pause=services.first_pause,
            )
            if outcome is None:
                return
            if outcome.retry_at is not None:
                log.warning("mail %s not sent, trying again later: %s", message_id, outcome.error)
                await self._defer(UUID(message_id), at=outcome.retry_at)
            elif outcome.error is not None:
                log.error("mail %s failed: %s", message_id, outcome.error)

        @app.periodic(cron="* * * * *")
        @app.task(name="relay_outbox", queue="mail", pass_context=True)
        async def relay_outbox(context: JobContext, timestamp: int) -> None:
            await self.relay(_services(context))

        @app.task(name="build_export", queue="exports", pass_context=True)
        async def build_one_export(context: JobContext, export_id: str) -> None:
            services = _services(context)
            built = await build_export(
                uow=_uow(services),
                store=services.store,
                clock=services.clock,
                export_id=UUID(export_id),
            )
            if built is not None:
                log.info("export %s: %s", export_id, built.status.value)

        @app.periodic(cron="* * * * *")
        @app.task(name="relay_exports", queue="exports", pass_context=True)
        async def relay_exports(context: JobContext, timestamp: int) -> None:
            await self.build(await pending_exports(uow=_uow(_services(context))))

        @app.periodic(cron="* * * * *")
        @app.task(name="retry_stalled_jobs")
        async def retry_stalled(timestamp: int) -> None:
            # A job whose worker died (no heartbeat for 30 s) runs again; a delivery that
            # finds its message already sent sends nothing.
            for job in await app.job_manager.get_stalled_jobs():
                await app.job_manager.retry_job(job)
                log.warning("job %s (%s) of a stopped worker runs again", job.id, job.task_name)

        @app.periodic(cron="17 3 * * *")
        @app.task(name="purge_deleted_assessments", pass_context=True)
        async def purge(context: JobContext, timestamp: int) -> None:
            services = _services(context)
            erased = await purge_deleted_assessments(
                uow=_uow(services),
                store=services.store,
                now=services.clock.now(),
                older_than=services.purge_after,
            )
            log.info(
                "purged %d deleted assessment(s), %d file(s)", erased.assessments, erased.files
            )

        @app.periodic(cron="47 3 * * *")
        @app.task(name="sweep_report_files", pass_context=True)
        async def sweep(context: JobContext, timestamp: int) -> None:
            services = _services(context)
            swept = await sweep_report_files(uow=_uow(services), store=services.store)
            log.info("swept %d orphan report file(s) of %d", swept.removed, swept.checked)

        @app.periodic(cron="5 * * * *")
        @app.task(name="expire_share_links", pass_context=True)
        async def expire(context: JobContext, timestamp: int) -> None:
            services = _services(context)
            ended = await expire_report_shares(uow=_uow(services), clock=services.clock)
            if ended:
                log.info("ended %d expired share link(s)", ended)
            removed = await expire_exports(
                uow=_uow(services), store=services.store, clock=services.clock
            )
            if removed:
                log.info("removed %d expired export(s)", removed)

        self._deliver_email = deliver_email
        self._build_export = build_one_export

    async def deliver(self, message_ids: Sequence[UUID]) -> None:
        """Asks for delivery now. A failure to ask is only logged: the relay finds the
        message in the outbox within a minute."""
        for message_id in message_ids:
            try:
                await self._defer(message_id)
            except Exception as exc:  # the message is committed; the relay sends it
                log.warning("could not queue mail %s yet: %s", message_id, exc)

    async def build(self, export_ids: Sequence[UUID]) -> None:
        """Asks for the exports to be built (ExportQueue). A failure to ask is only logged:
        the relay finds a pending export within a minute."""
        for export_id in export_ids:
            try:
                with contextlib.suppress(AlreadyEnqueued):
                    await self._build_export.configure(
                        queueing_lock=f"export:{export_id}"
                    ).defer_async(export_id=str(export_id))
            except Exception as exc:  # the request is committed; the relay builds it
                log.warning("could not queue export %s yet: %s", export_id, exc)

    async def _defer(self, message_id: UUID, *, at: datetime | None = None) -> None:
        options: dict[str, Any] = {"queueing_lock": f"email:{message_id}"}
        if at is not None:
            options["schedule_at"] = at
        with contextlib.suppress(AlreadyEnqueued):
            await self._deliver_email.configure(**options).defer_async(message_id=str(message_id))

    async def relay(self, services: JobServices) -> int:
        due = await waiting_messages(uow=_uow(services), clock=services.clock)
        await self.deliver(due)
        return len(due)

    @contextlib.asynccontextmanager
    async def opened(self) -> AsyncIterator[Jobs]:
        """The queue's own pool, open for the block. Its first connection is made in the
        background: like the service, the queue starts while the database is unreachable."""
        pool = AsyncConnectionPool(
            self._conninfo,
            kwargs={"options": self._options},
            min_size=1,
            max_size=QUEUE_POOL_SIZE,
            open=False,
            check=AsyncConnectionPool.check_connection,
            reconnect_timeout=RECONNECT_SECONDS,
        )
        await pool.open(wait=False)
        try:
            async with self.app.open_async(pool):
                yield self
        finally:
            await pool.close()

    async def work(self, services: JobServices, *, name: str = "rise") -> None:
        """Runs a worker until cancelled, after relaying what waits in the outbox."""
        try:
            await self.relay(services)
        except Exception as exc:  # the periodic relay tries again within a minute
            log.warning("could not relay the outbox at start: %s", exc)
        await self.app.run_worker_async(
            name=name,
            concurrency=CONCURRENCY,
            install_signal_handlers=False,
            additional_context={"services": services},
            delete_jobs="always",
            shutdown_graceful_timeout=SHUTDOWN_SECONDS,
            fetch_job_polling_interval=POLL_SECONDS,
        )


async def _keep_working(jobs: Jobs, services: JobServices) -> None:
    """The worker, started again after a pause whenever it stops on an error (the database
    went away, say), until cancelled."""
    while True:
        try:
            await jobs.work(services)
        except Exception as exc:
            log.warning("the job worker stopped (%s); starting again in %d s", exc, RESTART_SECONDS)
        await asyncio.sleep(RESTART_SECONDS)


@contextlib.asynccontextmanager
async def worker_running(jobs: Jobs, services: JobServices) -> AsyncIterator[None]:
    """A worker in this process for as long as the block runs."""
    task = asyncio.create_task(_keep_working(jobs, services), name="rise-jobs")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def work_alone(settings: Settings, database_url: str) -> None:
    """`rise worker`: the jobs of a deployment whose `rise serve` leaves them
    (RISE_RUN_JOBS=false), until SIGINT or SIGTERM, which let running jobs finish (up to
    `SHUTDOWN_SECONDS`) and return normally."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    for stop in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop, main.cancel)
    try:
        await _work_alone(settings, database_url)
    except asyncio.CancelledError:
        log.info("worker stopped")


async def _work_alone(settings: Settings, database_url: str) -> None:
    async with Database(
        database_url,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        size=CONCURRENCY + 1,
    ) as database:
        jobs = Jobs(database_url, statement_timeout_ms=settings.db_statement_timeout_ms)
        async with jobs.opened():
            log.info("worker running (mail, purges, sweeps); Ctrl-C stops it")
            await _keep_working(jobs, job_services(settings, database, report_store(settings)))
