"""An S3-compatible endpoint for tests: moto's S3 server over HTTP on a free port, with an
empty bucket, reached by boto3 exactly as a real endpoint would be."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from server.storage import S3ReportStore
from tests.builders import free_port

BUCKET = "rise-reports"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def s3_store(endpoint: str, prefix: str = "") -> S3ReportStore:
    return S3ReportStore(
        bucket=BUCKET,
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="test",
        secret_access_key="test-secret",
        prefix=prefix,
    )


def s3_client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    )
