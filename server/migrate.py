"""Bringing a database up to date: the migrations, then the question bank."""

from __future__ import annotations

import logging

from domain.bank import load_bank
from persistence import schema as migrations
from persistence.question_bank import load_bank_into

log = logging.getLogger("rise")


def prepare_database(url: str, revision: str = "head") -> None:
    """Migrates to `revision`; at the latest revision, loads the question bank too (an
    older schema may lack the columns it needs)."""
    before = migrations.current_revision(url)
    migrations.upgrade(url, revision)
    after = migrations.current_revision(url)
    if before == after:
        log.info("database schema is up to date (revision %s)", after)
    else:
        log.info("database schema upgraded from %s to %s", before or "empty", after)
    if after == migrations.head_revision():
        bank = load_bank()
        result = load_bank_into(url, bank.questions)
        log.info("question bank %s: %s", bank.version, result.describe())
