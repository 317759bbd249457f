"""The encrypted stream of backups: frames that open only in order, whole and unaltered."""

from __future__ import annotations

import io
import os

import pytest

from persistence import sealed_stream
from persistence.sealed_stream import StreamError, open_stream, seal_stream
from persistence.sealing import Keyring, new_key_entry

KEYS = Keyring.parse(new_key_entry("b1"))


@pytest.fixture(autouse=True)
def _small_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealed_stream, "FRAME", 64)


def _sealed(data: bytes, keys: Keyring = KEYS) -> bytes:
    sink = io.BytesIO()
    assert seal_stream(keys, io.BytesIO(data), sink) == len(data)
    return sink.getvalue()


def _opened(stream: bytes, keys: Keyring = KEYS) -> bytes:
    sink = io.BytesIO()
    open_stream(keys, io.BytesIO(stream), sink)
    return sink.getvalue()


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_a_stream_opens_to_what_was_sealed(size: int) -> None:
    data = os.urandom(size)
    stream = _sealed(data)
    assert _opened(stream) == data
    if size >= 16:
        assert data not in stream


def test_a_stream_names_its_key_and_opens_after_a_rotation() -> None:
    stream = _sealed(b"dump")
    assert b"b1" in stream[:16]
    later = Keyring.parse(f"{new_key_entry('b2')},{new_key_entry('other')}")
    with pytest.raises(StreamError, match="key 'b1', which RISE_ENCRYPTION_KEYS does not hold"):
        _opened(stream, later)
    impostor = Keyring.parse(new_key_entry("b1"))
    with pytest.raises(StreamError, match=r"frame 0 .* does not open"):
        _opened(stream, impostor)


def test_an_altered_byte_anywhere_after_the_magic_fails() -> None:
    stream = _sealed(os.urandom(200))
    for position in range(len(sealed_stream.MAGIC) + 1, len(stream), 7):
        altered = bytearray(stream)
        altered[position] ^= 0x20
        with pytest.raises(StreamError):
            _opened(bytes(altered))


def test_a_stream_cut_short_or_with_a_frame_dropped_fails() -> None:
    stream = _sealed(os.urandom(200))  # four frames of 64, 64, 64, 8
    header = len(sealed_stream.MAGIC) + 1 + 2 + 24
    frame = 5 + 64 + 16
    for cut in (header - 1, header, header + frame, len(stream) - 1):
        with pytest.raises(StreamError):
            _opened(stream[:cut])
    dropped = stream[:header] + stream[header + frame :]
    with pytest.raises(StreamError, match="frame 0"):  # the second frame is not the first
        _opened(dropped)
    with pytest.raises(StreamError, match="after its last frame"):
        _opened(stream + b"x")


def test_what_is_not_a_backup_is_told() -> None:
    with pytest.raises(StreamError, match="not a Financial RISE backup"):
        _opened(b"PGDMP\x01\x0e")
