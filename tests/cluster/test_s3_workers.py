"""Workers read datasets straight from the bucket when the master stores them in S3 (STORAGE_MODE=s3).

A real S3-protocol server (moto) on loopback, a master process in S3 mode and a worker process: the worker gets a
presigned URL from the master, downloads the Parquet from the bucket without any S3 credentials of its own, and
falls back to the master when the bucket does not give it the object.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from flowml.cluster.signing import CAPABILITY_HEADER
from flowml.cluster.worker_runtime import TransferError, WorkerRuntime, fetch_dataset
from tests.cluster.procs import running_cluster, wait_for
from tests.cluster.test_cluster_e2e import start_job, trials, upload, wait_final

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(600)]

BUCKET = "flowml-cluster"
PREFIX = "tenant"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    _client(endpoint).create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()


def _client(endpoint: str):  # type: ignore[no-untyped-def]  # boto3's client type comes from stubs we do not load here
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    )


def test_workers_read_datasets_from_the_bucket(
    s3_endpoint: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s3_env = {
        "STORAGE_MODE": "s3",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY": "k",
        "S3_SECRET_KEY": "s",
        "S3_PREFIX": PREFIX,
    }
    with running_cluster(tmp_path, redis_db=10, **s3_env) as cluster:
        worker = cluster.start_worker("s3-worker")
        dataset_id = upload(cluster, "iris.csv")
        sha = httpx.get(f"{cluster.url}/api/datasets/{dataset_id}", headers=cluster.headers, timeout=10).json()[
            "sha256"
        ]
        token = cluster.token
        assert token is not None

        # The master hands out a presigned URL, and only to a worker with a token and a trial that uses the dataset.
        source = httpx.get(f"{cluster.url}/api/workers/datasets/{sha}/source", timeout=10)
        assert source.status_code == 401
        capability = cluster.trial_capability("job-1", 0, sha)
        headers = {"Authorization": f"Bearer {token}", CAPABILITY_HEADER: capability}
        source = httpx.get(f"{cluster.url}/api/workers/datasets/{sha}/source", headers=headers, timeout=10)
        assert source.status_code == 200, source.text
        assert source.json()["url"].startswith(s3_endpoint) and source.json()["expires_in"] > 0
        missing = {**headers, CAPABILITY_HEADER: cluster.trial_capability("job-1", 0, "0" * 64)}
        source = httpx.get(f"{cluster.url}/api/workers/datasets/{'0' * 64}/source", headers=missing, timeout=10)
        assert source.status_code == 404

        job_id = start_job(cluster, dataset_id, "target", 0.3)
        final = wait_final(cluster, job_id, 120)
        assert final["status"] == "completed", final
        assert any(t["worker"] == "s3-worker" and t["status"] == "completed" for t in trials(cluster, job_id))
        wait_for(lambda: f"dataset {sha[:12]} read from the object store" in worker.tail(400), 10, worker.tail())
        assert "read from the master" not in worker.tail(400)

        # A worker the bucket does not serve (the object expired, or the bucket is out of its reach) still gets the
        # dataset, from the master's copy, checked by hash.
        _client(s3_endpoint).delete_object(Bucket=BUCKET, Key=f"{PREFIX}/datasets/{sha}.parquet")
        runtime = WorkerRuntime(cluster.url, token, "in-test", tmp_path / "cache", None)
        with caplog.at_level(logging.INFO, logger="flowml.cluster.worker_runtime"):
            path = fetch_dataset(runtime, sha, capability)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        assert "cannot read it from the object store" in caplog.text
        assert f"dataset {sha[:12]} read from the master" in caplog.text

        # A revoked or wrong token gets nothing from either place.
        stranger = WorkerRuntime(cluster.url, "not-a-token", "stranger", tmp_path / "stranger", None)
        with pytest.raises(TransferError, match="refused"):
            fetch_dataset(stranger, sha, capability)
