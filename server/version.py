"""The installed version of the service, as its package metadata records it."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def service_version() -> str:
    """Read once: the metadata lookup costs more than the request that asks for it."""
    try:
        return version("financial-rise")
    except PackageNotFoundError:
        return "unknown"
