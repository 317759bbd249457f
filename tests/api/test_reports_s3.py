"""Reports and logos stored in an S3-compatible bucket when RISE_S3_BUCKET is set: reports
generated into the bucket, downloaded and shared from it; logos uploaded, served, replaced
and removed there."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image
from pydantic import SecretStr

from server.app import create_app
from server.settings import Settings
from tests.api.conftest import SECRET, Api
from tests.api.test_logo_api import UPLOAD as LOGO_UPLOAD
from tests.api.test_logo_api import multipart, png, post_form
from tests.api.test_reports_api import GENERATE, SHARE, _assessment
from tests.s3 import BUCKET, s3_client, s3_endpoint

__all__ = ["s3_endpoint"]  # the fixture, used by name


async def test_reports_live_in_the_bucket(api: Api, s3_endpoint: str, tmp_path: Path) -> None:
    settings = Settings(
        secret_key=SecretStr(SECRET),
        data_dir=tmp_path,
        s3_bucket=BUCKET,
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
        s3_access_key_id="test",
        s3_secret_access_key=SecretStr("test-secret"),
        s3_prefix="rise/",
    )
    app = create_app(settings, api.url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            bucket_api = Api(client, api.url)
            ann = bucket_api.account()
            assessment_id = await _assessment(bucket_api, ann)
            result = await bucket_api(GENERATE, {"id": assessment_id}, as_=ann)
            consultant, client_report = result["data"]["generateReports"]["reports"]

            names = {
                item["Key"]
                for item in s3_client(s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix="rise/")[
                    "Contents"
                ]
            }
            assert len([n for n in names if n.startswith("rise/reports/")]) >= 2
            assert not any((tmp_path / "reports").glob("**/*.pdf"))

            download = await client.get(consultant["downloadUrl"])
            assert download.status_code == 200
            assert download.content.startswith(b"%PDF")
            assert len(download.content) == consultant["fileSizeBytes"]
            shared = await bucket_api(SHARE, {"id": client_report["id"]}, as_=ann)
            link = shared["data"]["shareReport"]["report"]["shareUrl"]
            assert (await client.get(link)).status_code == 200


async def test_logos_live_in_the_bucket(api: Api, s3_endpoint: str, tmp_path: Path) -> None:
    settings = Settings(
        secret_key=SecretStr(SECRET),
        data_dir=tmp_path,
        s3_bucket=BUCKET,
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
        s3_access_key_id="test",
        s3_secret_access_key=SecretStr("test-secret"),
        s3_prefix="brand/",
    )
    app = create_app(settings, api.url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            bucket_api = Api(client, api.url)
            ann = bucket_api.account()
            operation = {"query": LOGO_UPLOAD, "variables": {"file": None}}

            async def upload(content: bytes) -> str:
                body = multipart(operation, {"0": ("logo.png", content, "image/png")})
                response = await post_form(bucket_api, body, ann)
                payload = response.json()["data"]["uploadLogo"]
                assert payload["userErrors"] == []
                url: str = payload["settings"]["logoUrl"]
                return url

            def objects() -> dict[str, str]:
                s3 = s3_client(s3_endpoint)
                listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="brand/logos/")
                return {
                    item["Key"]: s3.head_object(Bucket=BUCKET, Key=item["Key"])["ContentType"]
                    for item in listed.get("Contents", [])
                }

            first = await upload(png())
            assert objects() == {f"brand{first}": "image/png"}
            assert not (tmp_path / "logos").exists()
            served = await client.get(first)
            assert served.status_code == 200
            assert served.headers["content-type"] == "image/png"
            with Image.open(io.BytesIO(served.content)) as image:
                assert image.size == (800, 267)

            second = await upload(png(900, 300))
            assert objects() == {f"brand{second}": "image/png"}  # the first one is gone
            assert (await client.get(first)).status_code == 404

            removed = await bucket_api("mutation { removeLogo { settings { logoUrl } } }", as_=ann)
            assert removed["data"]["removeLogo"]["settings"]["logoUrl"] is None
            assert objects() == {}
