"""An encrypted stream, for backups: AES-256-GCM in frames of at most 1 MiB, under a key
derived for this one stream from a key of the keyring (persistence/sealing.py).

Layout: the header, `RISEBAK1`, the key id's length (1 byte) and the key id, a 16-byte
salt and an 8-byte nonce prefix; then frames, each a 4-byte big-endian length, a flag (1
for the last frame, else 0) and the ciphertext with its tag. A frame's nonce is the prefix
and the frame's number; its associated data is the header, the number and the flag. A
frame altered, moved or dropped, and a stream cut short, fail to open.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import IO

from cryptography.exceptions import InvalidTag

from persistence.sealing import Keyring, UnreadableValue

MAGIC = b"RISEBAK1"
PURPOSE = b"financial-rise backup"
FRAME = 1 << 20
TAG_BYTES = 16
_LENGTH = struct.Struct(">IB")


class StreamError(Exception):
    """The stream is not a backup, or was altered or cut short, or needs a key not given."""


def seal_stream(
    keys: Keyring,
    source: IO[bytes],
    sink: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Encrypts `source` to `sink` with the sealing key; returns the plain bytes read."""
    key_id = keys.current.encode()
    salt, prefix = os.urandom(16), os.urandom(8)
    header = MAGIC + bytes([len(key_id)]) + key_id + salt + prefix
    cipher = keys.derived(keys.current, salt, PURPOSE)
    sink.write(header)
    total, number = 0, 0
    chunk = _read_full(source, FRAME)
    while True:
        following = _read_full(source, FRAME) if len(chunk) == FRAME else b""
        last = not following
        nonce = prefix + number.to_bytes(4, "big")
        sealed = cipher.encrypt(nonce, chunk, _frame_data(header, number, last))
        sink.write(_LENGTH.pack(len(sealed), 1 if last else 0) + sealed)
        total += len(chunk)
        if progress is not None:
            progress(total)
        if last:
            return total
        chunk, number = following, number + 1


def open_stream(
    keys: Keyring,
    source: IO[bytes],
    sink: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Decrypts `source` to `sink`; returns the plain bytes written. Raises StreamError
    at the first frame that does not open (what came before it has been written)."""
    if _read_full(source, len(MAGIC)) != MAGIC:
        raise StreamError("not a Financial RISE backup")
    length = _read_full(source, 1)
    key_id = _read_full(source, length[0] if length else 0)
    rest = _read_full(source, 24)
    if not length or len(rest) != 24:
        raise StreamError("the backup's header is cut short")
    header = MAGIC + length + key_id + rest
    salt, prefix = rest[:16], rest[16:]
    try:
        cipher = keys.derived(key_id.decode(), salt, PURPOSE)
    except (UnreadableValue, UnicodeDecodeError) as exc:
        raise StreamError(
            f"the backup is encrypted with key {key_id.decode(errors='replace')!r},"
            " which RISE_ENCRYPTION_KEYS does not hold"
        ) from exc
    total, number = 0, 0
    while True:
        framing = _read_full(source, _LENGTH.size)
        if len(framing) != _LENGTH.size:
            raise StreamError("the backup is cut short")
        size, flag = _LENGTH.unpack(framing)
        sealed = _read_full(source, size)
        if len(sealed) != size or size < TAG_BYTES or flag not in (0, 1):
            raise StreamError("the backup is cut short or damaged")
        nonce = prefix + number.to_bytes(4, "big")
        try:
            plain = cipher.decrypt(nonce, sealed, _frame_data(header, number, flag == 1))
        except InvalidTag:
            raise StreamError(
                f"frame {number} of the backup does not open: damaged, or key "
                f"{key_id.decode()!r} is not the key it was made with"
            ) from None
        sink.write(plain)
        total += len(plain)
        if progress is not None:
            progress(total)
        if flag == 1:
            if source.read(1):
                raise StreamError("the backup has data after its last frame")
            return total
        number += 1


def _frame_data(header: bytes, number: int, last: bool) -> bytes:
    return header + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_full(source: IO[bytes], size: int) -> bytes:
    """`size` bytes, or fewer only at the end of the stream (a pipe gives less at a time)."""
    parts, wanted = [], size
    while wanted > 0:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
