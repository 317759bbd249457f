"""Report file stores (the domain's `ReportStore` port).

`LocalReportStore` keeps files under ``<RISE_DATA_DIR>/reports``, the default;
`S3ReportStore` keeps them in an S3-compatible bucket when one is configured. Keys are made
by the service from ids and random digits: ``reports/<assessment id>/<report id>.pdf``,
``logos/<32 hex digits>.png`` (or ``.jpg``), ``previews/<user id>.pdf`` and
``exports/<export id>.zip``; a key of any other shape is refused, so that no key can reach
outside the store's directory.

Both list the report files they hold, a page of keys at a time, for the sweep of files no
report names (`domain.services.reports.sweep_report_files`); a directory also lists the
leftovers of report writes that never finished, which only a sweep removes. Logos and
sample reports and exports are never listed: their rows (or their owner) say when they go.

A store that cannot be used (a directory that is missing, read-only or full, a bucket that
is unreachable, missing or refuses the credentials) raises `StorageUnavailable`, whatever
the operation; `check_writable` finds most of that out cheaply, before a render.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from domain.branding import LOGO_KEY
from server.settings import Settings

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
REPORT_KEY = re.compile(rf"reports/{_UUID}/{_UUID}\.pdf")
# A report's key, a logo's (`domain.branding.new_logo_key`), a sample report's
# (`domain.services.branding.preview_key`) or a data export's (`domain.exports.export_key`);
# only report keys are listed for the sweep.
KEY_PATTERN = re.compile(
    rf"{REPORT_KEY.pattern}|{LOGO_KEY.pattern}|previews/{_UUID}\.pdf|exports/{_UUID}\.zip"
)
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".zip": "application/zip",
}
# What a local write leaves beside its final name until it is renamed (tempfile's names).
PARTIAL_PATTERN = re.compile(rf"reports/{_UUID}/tmp\w+\.part")
PAGE_SIZE = 1000  # keys listed at a time (S3 answers at most 1000 per request)

T = TypeVar("T")


class BadKey(ValueError):
    """A storage key of a shape the service never makes."""


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise BadKey(f"not a storage key: {key!r}")
    return key


def is_key(key: str) -> bool:
    """Reads and deletes treat a key of another shape as naming no file: none was ever
    stored under it. Only writing one is an error."""
    return KEY_PATTERN.fullmatch(key) is not None


def is_report_key(key: str) -> bool:
    return REPORT_KEY.fullmatch(key) is not None


def content_type(key: str) -> str:
    """The media type of the file a key names, by its extension."""
    return CONTENT_TYPES[key[key.rindex(".") :]]


class LocalReportStore:
    """Files under `root` by key: `<root>/reports/<assessment id>/<report id>.pdf`. A write
    goes to a `.part` file beside its final name first; one that never finished (the process
    died) is listed with the keys and removed by `delete` like a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def _run(self, function: Callable[..., T], *args: object) -> T:
        try:
            return await asyncio.to_thread(function, *args)
        except OSError as exc:
            where = exc.filename or self.root
            raise StorageUnavailable(f"{where}: {exc.strerror or exc}") from exc

    async def check_writable(self) -> None:
        await self._run(self._probe, self.root / "reports")

    @staticmethod
    def _probe(directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryFile(dir=directory) as probe:  # nameless where the OS can
            probe.write(b"\0")
            probe.flush()

    async def put(self, key: str, content: bytes) -> None:
        await self._run(self._put, self.path(key), content)

    @staticmethod
    def _put(path: Path, content: bytes) -> None:
        # Written beside its final name and renamed: a reader never sees half a file.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        if not is_key(key):
            return None
        return await self._run(self._get, self.path(key))

    @staticmethod
    def _get(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    async def delete(self, keys: Sequence[str]) -> None:
        paths = [self.root / key for key in keys if is_key(key) or PARTIAL_PATTERN.fullmatch(key)]
        await self._run(self._delete, paths)

    def _delete(self, paths: Sequence[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
            if path.parent.parent == self.root / "reports":
                with contextlib.suppress(OSError):  # not empty: other reports remain
                    path.parent.rmdir()  # the assessment's directory, once empty

    async def key_pages(self) -> AsyncIterator[list[str]]:
        """Every stored key, and every leftover `.part` file, a page at a time."""
        directories = await self._run(self._directories)
        page: list[str] = []
        for start in range(0, len(directories), PAGE_SIZE):
            page += await self._run(self._keys_in, directories[start : start + PAGE_SIZE])
            while len(page) >= PAGE_SIZE:
                yield page[:PAGE_SIZE]
                page = page[PAGE_SIZE:]
        if page:
            yield page

    def _directories(self) -> list[str]:
        """The assessments' directories, by name."""
        try:
            with os.scandir(self.root / "reports") as entries:
                return sorted(entry.name for entry in entries if entry.is_dir())
        except FileNotFoundError:
            return []

    def _keys_in(self, directories: Sequence[str]) -> list[str]:
        keys = []
        for directory in directories:
            try:
                names = sorted(os.listdir(self.root / "reports" / directory))
            except (FileNotFoundError, NotADirectoryError):  # removed meanwhile
                continue
            for name in names:
                key = f"reports/{directory}/{name}"
                if is_report_key(key) or PARTIAL_PATTERN.fullmatch(key):
                    keys.append(key)
        return keys


class S3ReportStore:
    """Report files in an S3-compatible object store (AWS S3, MinIO, Ceph, R2...), through
    boto3 in worker threads. Objects are named `<prefix><key>`."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        prefix: str = "",
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        # boto3 clients are thread-safe: one serves every worker thread.
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=BotoConfig(retries={"mode": "standard", "max_attempts": 3}),
        )

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def _run(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StorageUnavailable(f"s3://{self.bucket}: {reason}") from exc

    async def check_writable(self) -> None:
        """The bucket answers and lets the credentials in (permission to write is not
        asked: only a write would tell)."""
        await self._run(self._client.head_bucket, Bucket=self.bucket)

    async def put(self, key: str, content: bytes) -> None:
        await self._run(
            self._client.put_object,
            Bucket=self.bucket,
            Key=self._name(key),
            Body=content,
            ContentType=content_type(key),
        )

    async def get(self, key: str) -> bytes | None:
        if not is_key(key):
            return None
        return await self._run(self._get, self._name(key))

    def _get(self, name: str) -> bytes | None:
        try:
            found = self._client.get_object(Bucket=self.bucket, Key=name)
        except self._client.exceptions.NoSuchKey:
            return None
        return found["Body"].read()

    async def delete(self, keys: Sequence[str]) -> None:
        names = [self._name(key) for key in keys if is_key(key)]
        await self._run(self._delete, names)

    async def key_pages(self) -> AsyncIterator[list[str]]:
        """Every key stored under the prefix, a page (one listing request) at a time."""
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=f"{self.prefix}reports/",
            PaginationConfig={"PageSize": PAGE_SIZE},
        )
        listing = iter(pages)
        while (page := await self._run(next, listing, None)) is not None:
            keys = [
                item["Key"].removeprefix(self.prefix)
                for item in page.get("Contents", [])
                if "Key" in item
            ]
            if found := [key for key in keys if is_report_key(key)]:
                yield found

    def _delete(self, names: Sequence[str]) -> None:
        failed: list[str] = []
        for start in range(0, len(names), S3_DELETE_BATCH):
            batch = names[start : start + S3_DELETE_BATCH]
            answer = self._client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": name} for name in batch], "Quiet": True},
            )
            failed += [f"{e.get('Key')} ({e.get('Message')})" for e in answer.get("Errors", [])]
        if failed:
            raise StorageError(
                f"{len(failed)} report file(s) not deleted from s3://{self.bucket}: "
                + ", ".join(failed)
            )


S3_DELETE_BATCH = 1000  # the most one DeleteObjects request takes


class StorageError(RuntimeError):
    """The store refused an operation."""


class StorageUnavailable(StorageError):
    """The store cannot be used at all now; the message says where and why (for the log:
    it names paths and buckets)."""


def report_store(settings: Settings) -> LocalReportStore | S3ReportStore:
    """The store the settings name: a bucket when RISE_S3_BUCKET is set, else the data
    directory."""
    if settings.s3_bucket is None:
        return LocalReportStore(settings.data_dir)
    secret = settings.s3_secret_access_key
    return S3ReportStore(
        bucket=settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=secret.get_secret_value() if secret else None,
        prefix=settings.s3_prefix,
    )
