"""`rise serve`: claim the port, bring the database up to date, serve until a signal.

With `--workers N` (N > 1) the process that claimed the port and prepared the database
becomes a supervisor: uvicorn starts N worker processes that share the listening socket,
and replaces one that dies. Each worker builds the app from the same settings, with
DATABASE_URL naming the database the supervisor prepared, embedded or not; the embedded
cluster lives as long as the supervisor. What the workers must share goes through the
database (or Redis, for the rate-limit windows when RISE_REDIS_URL is set), never through a
process's memory, so the default is a worker per core.

uvicorn believes X-Forwarded-For and X-Forwarded-Proto only from the peers named in
RISE_TRUSTED_PROXIES (none by default, where uvicorn's own default is 127.0.0.1): otherwise
anyone on the machine, or behind a proxy that passes the header on, could pick the client
address that the rate limits count and the audit log records.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from persistence.database import normalize_url, provide_database
from server.app import create_app
from server.failure import Failure
from server.graphql.explorer import explorer_html, explorer_policy
from server.lifeline import end_with_parent
from server.logs import configure_logging
from server.mail import MAIL_OFF, SmtpTransport
from server.migrate import prepare_database
from server.settings import Settings, SettingsError, load_settings

log = logging.getLogger("rise")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
LISTEN_BACKLOG = 2048  # uvicorn's default


WORKER_HEALTHCHECK_SECONDS = 60


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    log.info("Financial RISE starting (%s)", settings.env)
    announce_mail(settings)
    # Claim the port first: if it is taken, say so before starting or migrating anything.
    listener = listen(host, port)
    try:
        if settings.graphiql_enabled:
            # Built here first, so that a damaged or outdated GraphiQL stops the start in one
            # line before the database is touched, not each worker process in a loop.
            explorer_policy(explorer_html())
        with provide_database(settings.database_url, settings.data_dir) as location:
            log.info("database: %s", location.describe())
            prepare_database(location.url, keys=settings.keyring())
            options: dict[str, Any] = {
                "host": host,
                "port": port,
                "log_config": None,
                "lifespan": "on",
                "server_header": False,
                "proxy_headers": bool(settings.trusted_proxies),
                "forwarded_allow_ips": list(settings.trusted_proxies),
            }
            if workers == 1:
                config = uvicorn.Config(create_app(settings, location.url), **options)
                log.info("serving on http://%s:%d (GraphQL at /graphql)", host, port)
                run_until_signalled(uvicorn.Server(config), listener)
            else:
                # The workers are spawned: they read their settings as this process did.
                os.environ["DATABASE_URL"] = location.url
                os.environ["RISE_WORKERS"] = str(workers)
                config = uvicorn.Config(
                    f"{__name__}:worker_app",
                    factory=True,
                    workers=workers,
                    # A worker answers the supervisor's health check only once it has
                    # imported the service and opened its pool: on a busy machine that takes
                    # longer than uvicorn's 5 s, and a worker killed for it restarts in a loop.
                    timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                    **options,
                )
                log.info(
                    "serving on http://%s:%d (GraphQL at /graphql) with %d worker processes",
                    host,
                    port,
                    workers,
                )
                Multiprocess(config, sockets=[listener]).run()
    finally:
        listener.close()
        log.info("Financial RISE stopped")


def announce_mail(settings: Settings) -> None:
    if settings.smtp is not None:
        log.info("mail: %s", SmtpTransport(settings.smtp, settings.mail_from).describe())
    elif settings.is_production:
        log.warning(MAIL_OFF)
    else:
        log.info("mail: written to this log (development; set RISE_SMTP_URL to send it)")


def worker_app() -> Starlette:
    """The app of one worker process of `rise serve --workers N`, which ends with the
    supervisor however that ends (`server.lifeline`)."""
    supervisor = multiprocessing.parent_process()
    if supervisor is not None and supervisor.pid is not None:
        end_with_parent(supervisor.pid)
    settings = load_settings()
    configure_logging(settings.log_level)
    if settings.database_url is None:  # the supervisor always sets it
        raise SettingsError("a worker needs DATABASE_URL")
    return create_app(settings, normalize_url(settings.database_url), processes=settings.workers)


def run_until_signalled(server: uvicorn.Server, listener: socket.socket) -> None:
    """Serves until SIGINT or SIGTERM, then returns after uvicorn's graceful shutdown.

    uvicorn re-raises the signal it caught once it has shut down, so that the handler it
    found in place runs. That handler is this no-op: what follows the return (closing the
    database) is the rest of our own shutdown, and a second Ctrl-C must not turn it into a
    traceback.
    """
    previous = {sig: signal.signal(sig, already_stopping) for sig in STOP_SIGNALS}
    try:
        server.run(sockets=[listener])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def already_stopping(signum: int, frame: FrameType | None) -> None:
    return None


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left as 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only
    # on connections whose socket says TCP. With it on, a response written in two parts
    # (headers, then body) waits for the client's delayed ACK: 40 ms on every keep-alive
    # request after the first.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        # Listening now, not just bound: a second `rise serve` on this port fails here.
        listener.listen(LISTEN_BACKLOG)
    except OSError as exc:
        listener.close()
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return listener
