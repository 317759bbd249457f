"""Password hashing with argon2id, run in a worker thread so the event loop never waits."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2PasswordHasher:
    """argon2-cffi's defaults (argon2id, RFC 9106 low-memory profile)."""

    def __init__(self, hasher: _Argon2 | None = None) -> None:
        self._hasher = hasher or _Argon2()
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    async def dummy_verify(self, password: str) -> None:
        """Verifies against a hash of a random secret made with this hasher's parameters, so
        it costs what a real verify costs. The hash is made once, on first use."""
        await asyncio.to_thread(self._dummy_verify, password)

    def _dummy_verify(self, password: str) -> None:
        if self._dummy_hash is None:  # two threads racing here both make a valid hash
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
        self._verify(self._dummy_hash, password)
