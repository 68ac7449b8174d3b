"""Storage fixtures: a real S3-protocol server (moto) on loopback for the session, and one store per test.

Nothing is mocked: the S3 store talks HTTP to the server exactly as it would to MinIO or AWS.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from flowml.storage import ArtifactStore, LocalArtifactStore, S3ArtifactStore

LARGE_FILE_BYTES = 20 * 1024 * 1024 + 123  # over the multipart threshold, and not a whole number of parts

S3Factory = Callable[..., S3ArtifactStore]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def make_s3_store(s3_endpoint: str) -> S3Factory:
    """Build an S3ArtifactStore on the test server; defaults to a fresh, not yet created bucket."""

    def make(bucket: str | None = None, *, prefix: str = "", endpoint_url: str | None = None) -> S3ArtifactStore:
        return S3ArtifactStore(
            bucket or f"flowml-test-{uuid.uuid4().hex[:12]}",
            endpoint_url=endpoint_url or s3_endpoint,
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            prefix=prefix,
        )

    return make


@pytest.fixture
def s3_store(make_s3_store: S3Factory) -> Iterator[S3ArtifactStore]:
    """A store in its own bucket, under a prefix so the prefix mapping is exercised by every contract test."""
    store = make_s3_store(prefix="tenant/")
    store.ensure_bucket()
    yield store
    for key in store.list():  # the server keeps objects in memory for the whole session
        store.delete(key)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(tmp_path / "artifacts")


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> ArtifactStore:
    """Every ArtifactStore implementation, in turn; the S3 server starts only when an S3 test runs."""
    fixture_name = {"local": "local_store", "s3": "s3_store"}[request.param]
    result: ArtifactStore = request.getfixturevalue(fixture_name)
    return result


@pytest.fixture(scope="session")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A ~20 MB file of random bytes and its SHA-256, written in chunks."""
    path = tmp_path_factory.mktemp("large") / "large.bin"
    digest = hashlib.sha256()
    remaining = LARGE_FILE_BYTES
    with path.open("wb") as handle:
        while remaining:
            chunk = os.urandom(min(remaining, 1024 * 1024))
            digest.update(chunk)
            handle.write(chunk)
            remaining -= len(chunk)
    return path, digest.hexdigest()
