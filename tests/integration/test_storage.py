"""The report stores: a directory, and an S3-compatible bucket (moto's S3 server over HTTP,
reached by boto3 exactly as a real endpoint would be)."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3
import pytest

from server import storage
from server.storage import BadKey, LocalReportStore, S3ReportStore
from tests.s3 import BUCKET, s3_client, s3_endpoint, s3_store

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


async def test_logos_and_samples_are_stored_with_their_types_and_never_listed(
    s3_endpoint: str, tmp_path: Path
) -> None:
    """The sweep lists report files only: a logo or a sample report is never an orphan."""
    logo, photo = f"logos/{uuid.uuid4().hex}.png", f"logos/{uuid.uuid4().hex}.jpg"
    sample = f"previews/{uuid.uuid4()}.pdf"
    prefix = f"{uuid.uuid4().hex}/"
    for store in (LocalReportStore(tmp_path), s3_store(s3_endpoint, prefix=prefix)):
        for name, content in ((logo, b"\x89PNG"), (photo, b"\xff\xd8\xff"), (sample, b"%PDF")):
            await store.put(name, content)
            assert await store.get(name) == content
        assert await _listed(store) == []
        await store.delete([logo])
        assert await store.get(logo) is None
        assert await store.get(photo) == b"\xff\xd8\xff"
    client = s3_client(s3_endpoint)
    types = {
        name: client.head_object(Bucket=BUCKET, Key=prefix + name)["ContentType"]
        for name in (photo, sample)
    }
    assert types == {photo: "image/jpeg", sample: "application/pdf"}
    assert (tmp_path / "logos").is_dir()  # kept: other consultants' logos live there too


@pytest.mark.parametrize(
    "bad",
    ["logos/x.png", f"logos/{uuid.uuid4().hex}.svg", f"logos/{uuid.uuid4().hex.upper()}.png",
     f"logos/{uuid.uuid4().hex}.png/../../x", "previews/ann.pdf", f"previews/{uuid.uuid4()}.png"],
)  # fmt: skip
async def test_logo_and_sample_keys_have_one_shape(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BadKey):
        await LocalReportStore(tmp_path).put(bad, b"x")


@pytest.fixture(params=["local", "s3"])
def own_store(request: pytest.FixtureRequest, tmp_path: Path) -> LocalReportStore | S3ReportStore:
    """A store nobody else writes to: a directory, or a prefix of its own in the bucket."""
    if request.param == "local":
        return LocalReportStore(tmp_path)
    endpoint: str = request.getfixturevalue("s3_endpoint")
    return s3_store(endpoint, prefix=f"{uuid.uuid4().hex}/")


async def _listed(store: LocalReportStore | S3ReportStore) -> list[list[str]]:
    return [page async for page in store.key_pages()]


async def test_lists_what_it_holds_a_page_at_a_time(
    own_store: LocalReportStore | S3ReportStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _listed(own_store) == []
    assessment = uuid.uuid4()
    keys = {f"reports/{assessment}/{uuid.uuid4()}.pdf" for _ in range(3)} | {key(), key()}
    for name in keys:
        await own_store.put(name, b"%PDF")
    monkeypatch.setattr(storage, "PAGE_SIZE", 2)
    pages = await _listed(own_store)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert {name for page in pages for name in page} == keys
    await own_store.delete(pages[0])
    assert {name for page in await _listed(own_store) for name in page} == keys - set(pages[0])


async def test_lists_and_removes_a_write_that_never_finished(tmp_path: Path) -> None:
    """A process killed while writing leaves the `.part` file it was writing; only the
    listing finds it, and deleting it by that name removes it."""
    store = LocalReportStore(tmp_path)
    done = key()
    await store.put(done, b"%PDF")
    leftover = tmp_path / done.rsplit("/", 1)[0] / "tmpk1ll3d_x.part"
    leftover.write_bytes(b"%PDF-1.4 half")
    (leftover.parent / "notes.txt").write_text("not the service's")  # not listed, kept
    [page] = await _listed(store)
    partial = f"{done.rsplit('/', 1)[0]}/tmpk1ll3d_x.part"
    assert sorted(page) == sorted([done, partial])
    await store.delete([partial])
    assert not leftover.exists()
    assert await store.get(done) == b"%PDF"
    assert (leftover.parent / "notes.txt").exists()


async def test_the_bucket_lists_only_the_services_keys_under_its_prefix(s3_endpoint: str) -> None:
    prefix = f"{uuid.uuid4().hex}/"
    store = s3_store(s3_endpoint, prefix=prefix)
    name = key()
    await store.put(name, b"%PDF")
    s3_client(s3_endpoint).put_object(Bucket=BUCKET, Key=f"{prefix}reports/index.html", Body=b"x")
    await s3_store(s3_endpoint, prefix=f"{uuid.uuid4().hex}/").put(key(), b"%PDF")
    assert await _listed(store) == [[name]]
