"""What only the S3 store has: buckets, endpoints, prefixes. All against the real loopback server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flowml.core.errors import NotFoundError, StorageError
from flowml.storage import S3ArtifactStore

S3Factory = Callable[..., S3ArtifactStore]


def test_health_fails_for_missing_bucket(make_s3_store: S3Factory) -> None:
    store = make_s3_store()
    with pytest.raises(StorageError, match=r"bucket '.+' does not exist"):
        store.health()


def test_health_fails_when_nothing_listens(make_s3_store: S3Factory, closed_port: int) -> None:
    store = make_s3_store(endpoint_url=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(StorageError, match="cannot connect") as info:
        store.health()
    assert str(closed_port) in info.value.message


def test_operations_on_missing_bucket_are_storage_errors(make_s3_store: S3Factory, tmp_path: Path) -> None:
    store = make_s3_store()
    source = tmp_path / "f"
    source.write_bytes(b"x")
    for call in (
        lambda: store.put_bytes("k", b"x"),
        lambda: store.put_file("k", source),
        lambda: store.get_bytes("k"),
        lambda: store.list(),
        lambda: store.delete_prefix("k"),
    ):
        with pytest.raises(StorageError, match="does not exist"):
            call()


def test_ensure_bucket_creates_once(make_s3_store: S3Factory) -> None:
    store = make_s3_store()
    store.ensure_bucket()
    store.ensure_bucket()
    store.health()


def test_prefixes_isolate_stores_sharing_a_bucket(make_s3_store: S3Factory) -> None:
    first = make_s3_store(prefix="team-a")
    first.ensure_bucket()
    second = make_s3_store(first.bucket, prefix="team-b/nested/")
    whole = make_s3_store(first.bucket)
    first.put_bytes("k", b"a")
    second.put_bytes("k", b"b")
    assert first.get_bytes("k") == b"a"
    assert second.list() == ["k"]
    assert whole.list() == ["team-a/k", "team-b/nested/k"]
    assert first.delete_prefix("team-b") == 0  # cannot reach outside its own prefix
    with pytest.raises(NotFoundError):
        whole.get_bytes("k")


def test_describe_names_bucket_prefix_and_endpoint(make_s3_store: S3Factory, s3_endpoint: str) -> None:
    store = make_s3_store("artifacts", prefix="/flowml/prod/")
    assert store.describe() == f"s3://artifacts/flowml/prod @ {s3_endpoint}"
    assert make_s3_store("artifacts").describe() == f"s3://artifacts @ {s3_endpoint}"


def test_aws_store_describes_region_without_endpoint() -> None:
    store = S3ArtifactStore("bkt", endpoint_url=None, access_key=None, secret_key=None, region="eu-west-3")
    assert store.describe() == "s3://bkt @ AWS eu-west-3"


@pytest.mark.parametrize("prefix", ["../up", "a//b", "a\\b"])
def test_invalid_store_prefix_is_rejected(make_s3_store: S3Factory, prefix: str) -> None:
    with pytest.raises(ValueError, match="storage key"):
        make_s3_store(prefix=prefix)


def test_empty_bucket_name_is_rejected(make_s3_store: S3Factory) -> None:
    with pytest.raises(ValueError, match="S3_BUCKET"):
        S3ArtifactStore("", endpoint_url=None, access_key=None, secret_key=None, region="us-east-1")


def test_download_url_needs_no_credentials_and_expires(s3_store: S3ArtifactStore) -> None:
    import httpx

    s3_store.put_bytes("datasets/a.parquet", b"payload")
    url = s3_store.download_url("datasets/a.parquet", 60)
    assert url is not None
    assert "tenant/datasets/a.parquet" in url  # the prefix is part of the object name
    response = httpx.get(url, timeout=10)  # no credentials: the signature is in the URL
    assert response.status_code == 200 and response.content == b"payload"
    # The server enforces the expiry (moto does not, AWS and MinIO do); what we control is that it is signed in.
    assert "X-Amz-Expires=60" in url
    with pytest.raises(ValueError, match="expires_seconds"):
        s3_store.download_url("datasets/a.parquet", 0)
    with pytest.raises(ValueError, match="segment"):
        s3_store.download_url("../escape", 60)
