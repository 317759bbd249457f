"""Log set-up: one readable line per event on standard error, shared by uvicorn."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's access log repeats what a reverse proxy already records, and its lines would
    # carry query strings (a GET's GraphQL variables, signed download links) and share tokens.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(_alembic_chatter)
    # The job queue logs every job's start and end; rise.jobs says what the jobs did.
    if level != "DEBUG":
        logging.getLogger("procrastinate").setLevel(logging.WARNING)


def _alembic_chatter(record: logging.LogRecord) -> bool:
    """Keeps alembic's "Running upgrade ..." progress lines, drops its set-up remarks."""
    return not record.getMessage().startswith(("Context impl", "Will assume"))
