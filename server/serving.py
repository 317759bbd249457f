"""`rise serve`: claim the port, bring the database up to date, serve until a signal."""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType

import uvicorn

from persistence.database import provide_database
from server.app import create_app
from server.failure import Failure
from server.migrate import prepare_database
from server.settings import Settings

log = logging.getLogger("rise")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
LISTEN_BACKLOG = 2048  # uvicorn's default


def serve(settings: Settings, host: str, port: int) -> None:
    log.info("Financial RISE starting (%s)", settings.env)
    # Claim the port first: if it is taken, say so before starting or migrating anything.
    listener = listen(host, port)
    try:
        with provide_database(settings.database_url, settings.data_dir) as location:
            log.info("database: %s", location.describe())
            prepare_database(location.url)
            config = uvicorn.Config(
                create_app(settings, location.url),
                host=host,
                port=port,
                log_config=None,
                lifespan="on",
                server_header=False,
            )
            log.info("serving on http://%s:%d (GraphQL at /graphql)", host, port)
            run_until_signalled(uvicorn.Server(config), listener)
    finally:
        listener.close()
        log.info("Financial RISE stopped")


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
