"""The report stores: a directory, and an S3-compatible bucket (moto's S3 server over HTTP,
reached by boto3 exactly as a real endpoint would be)."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3
import pytest

from server.storage import BadKey, LocalReportStore, S3ReportStore
from tests.s3 import BUCKET, s3_endpoint, s3_store

__all__ = ["s3_endpoint"]  # the fixture, used by name


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> LocalReportStore | S3ReportStore:
    if request.param == "local":
        return LocalReportStore(tmp_path)
    endpoint: str = request.getfixturevalue("s3_endpoint")
    return s3_store(endpoint)


def key() -> str:
    return f"reports/{uuid.uuid4()}/{uuid.uuid4()}.pdf"


async def test_put_get_and_delete(store: LocalReportStore | S3ReportStore) -> None:
    first, second, never = key(), key(), key()
    await store.put(first, b"%PDF-1.4 first")
    await store.put(second, b"%PDF-1.4 second")
    await store.put(first, b"%PDF-1.4 replaced")
    assert await store.get(first) == b"%PDF-1.4 replaced"
    assert await store.get(never) is None
    await store.delete([first, never])  # a missing file is skipped
    assert await store.get(first) is None
    assert await store.get(second) == b"%PDF-1.4 second"
    await store.delete([])


@pytest.mark.parametrize(
    "bad",
    [
        "../secrets.json",
        "reports/../../etc/passwd",
        "/etc/passwd",
        "reports/x/y.pdf",
        f"reports/{uuid.uuid4()}/{uuid.uuid4()}.pdf/../../a",
        f"reports/{uuid.uuid4()}/Ann's report.pdf",
    ],
)
async def test_only_keys_of_the_services_shape(
    store: LocalReportStore | S3ReportStore, bad: str
) -> None:
    """Writing under any other key is refused; reading or deleting one finds no file, so a
    stray file_url in the database can neither reach outside the store nor stop a clean-up."""
    with pytest.raises(BadKey):
        await store.put(bad, b"x")
    assert await store.get(bad) is None
    good = key()
    await store.put(good, b"%PDF")
    await store.delete([bad, good])
    assert await store.get(good) is None


async def test_local_files_stay_inside_the_directory(tmp_path: Path) -> None:
    store = LocalReportStore(tmp_path)
    name = key()
    await store.put(name, b"%PDF")
    assert (tmp_path / name).read_bytes() == b"%PDF"
    await store.delete([name])
    assert not (tmp_path / name).parent.exists()  # the assessment's emptied directory too
    assert (tmp_path / "reports").is_dir()


async def test_objects_carry_the_prefix_and_the_pdf_type(s3_endpoint: str) -> None:
    store = s3_store(s3_endpoint, prefix="tenant-a/")
    name = key()
    await store.put(name, b"%PDF-1.4")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    )
    head = client.head_object(Bucket=BUCKET, Key=f"tenant-a/{name}")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == len(b"%PDF-1.4")
    assert await s3_store(s3_endpoint).get(name) is None  # another prefix sees nothing
