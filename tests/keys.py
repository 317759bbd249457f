"""The suite's encryption keys. tests/conftest.py puts them in RISE_ENCRYPTION_KEYS, so that
every app, unit of work and `rise` command a test starts seals and opens answers with them,
unless the test gives keys of its own."""

from __future__ import annotations

import base64

from persistence.sealing import Keyring

TEST_KEYS = "test1:" + base64.b64encode(b"financial-rise suite key, 32 B.!").decode()


def suite_keyring() -> Keyring:
    return Keyring.parse(TEST_KEYS)
