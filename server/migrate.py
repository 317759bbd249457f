"""Bringing a database up to date: the migrations, the question bank, the encryption keys."""

from __future__ import annotations

import logging

from domain.bank import load_bank
from persistence import schema as migrations
from persistence.key_registry import check_keys
from persistence.question_bank import load_bank_into
from persistence.sealing import Keyring
from server.failure import Failure

log = logging.getLogger("rise")


def prepare_database(url: str, revision: str = "head", keys: Keyring | None = None) -> None:
    """Migrates to `revision`; at the latest revision, loads the question bank too (an
    older schema may lack the columns it needs), and checks `keys` against the keys that
    encrypted the stored answers (persistence/key_registry.py: KeyMismatch if they cannot
    open them)."""
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
        if keys is not None:
            log.info(check_keys(url, keys).describe())


def require_migrated(url: str) -> None:
    """For the commands that use the database without migrating it."""
    current = migrations.current_revision(url)
    if current != migrations.head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise Failure(f"the database schema is {state}; run `rise db upgrade` first")
