"""Redis for the event tests: the shared server (own keys only, never FLUSHALL) and a private one to kill."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import redis.asyncio as aioredis

from flowml.db.tables import Job, JobPublic, JobStatus
from flowml.events.schemas import JobData, TrainingCompletedData, TrainingProgressData
from tests.conftest import in_ci, require_service

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("FLOWML_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)
    parts = urlsplit(url)
    require_service("Redis", parts.hostname or "127.0.0.1", parts.port or 6379)
    return url


@pytest.fixture
async def key_prefix(redis_url: str) -> AsyncIterator[str]:
    """A channel and stream prefix of this test's own; its keys are deleted afterwards, nobody else's."""
    prefix = f"flowml-test:{uuid.uuid4().hex[:12]}"
    yield prefix
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateRedis:
    """A throwaway redis-server on its own port, so a test can kill and restart it without touching the shared
    one. No persistence: a restart starts empty, like a Redis that lost its memory."""

    def __init__(self, binary: str, workdir: Path, host: str = "127.0.0.1", password: str | None = None) -> None:
        self.binary = binary
        self.workdir = workdir
        # Another address than loopback lets processes in other network namespaces reach it; Redis then wants a
        # password (protected mode), as any Redis on a LAN should have.
        self.host = host
        self.password = password
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", self.host, "--save", "", "--appendonly", "no"]
        if self.password:
            command += ["--requirepass", self.password]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        client = redis.Redis(host=self.host, port=self.port, password=self.password, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    binary = shutil.which("redis-server") or shutil.which("/usr/bin/redis-server")
    if binary is None:
        if in_ci():
            pytest.fail("redis-server is not installed; CI must install it")
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(binary, tmp_path)
    await asyncio.to_thread(server.start)
    yield server
    server.kill()


def progress_data(progress: float = 10.0) -> TrainingProgressData:
    """A training_progress payload as the driver sends it between trials."""
    return TrainingProgressData(
        progress=progress, stage="searching", message="searching", n_trials=1, best_score=None, best_algorithm=None
    )


def job_data(job_id: str, status: JobStatus = JobStatus.RUNNING) -> JobData:
    """A payload carrying a job, as training_started and training_cancelled do."""
    job = Job(
        id=job_id,
        name="events",
        dataset_id="d" * 32,
        target_column="y",
        problem_type="binary",
        metric="roc_auc",
        time_budget=1.0,
        status=status,
    )
    return JobData(job=JobPublic.model_validate(job))


def completed_data(job_id: str) -> TrainingCompletedData:
    return TrainingCompletedData(job=job_data(job_id, JobStatus.COMPLETED).job, model_id="m" * 32)
