"""The installed version of the service, as its package metadata records it."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def service_version() -> str:
    try:
        return version("financial-rise")
    except PackageNotFoundError:
        return "unknown"
