"""The expected failure of a command: shown to the operator as one line, no traceback."""

from __future__ import annotations


class Failure(Exception):
    """An expected failure; the message is complete and fit to show as it is."""
