"""GET /api/cluster: embedded mode, a real Redis broker with registered workers and waiting trials, and a broker
that cannot be reached, which must be reported as an error within 3 s instead of hanging the endpoint."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.cluster.celery_app import TRIAL_TASK, create_celery
from flowml.cluster.queues import ALL_QUEUES
from flowml.services.cluster_status import redact_url
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, require_service, signed_in_client

pytestmark = pytest.mark.db

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# This module's own Redis database (tests/cluster uses 11 to 13, the event tests 0): flushing it touches nothing else.
REDIS_DB = 14
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
# An address reserved for documentation (RFC 5737): nothing answers, so a connect can only time out or be refused.
UNROUTABLE = "192.0.2.1"


@contextmanager
def running_app(data_dir: Path, *, with_pool: bool = False, **overrides: Any) -> Iterator[TestClient]:
    """An app on its own SQLite file or PostgreSQL database; the broker settings are always given explicitly, so
    a CELERY_BROKER_URL or REDIS_URL in the environment running the tests cannot change the mode."""
    url, dbname = make_test_database_url(data_dir)
    values: dict[str, Any] = {"CELERY_BROKER_URL": None, "REDIS_URL": None, **overrides}
    try:
        with signed_in_client(create_app(make_settings(data_dir, url, **values), with_pool=with_pool)) as client:
            yield client
    finally:
        drop_test_database(dbname)


@pytest.fixture
def broker_db() -> Iterator[redis.Redis]:
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def closed_port() -> int:
    """A port nothing listens on: bound by the OS for us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def cluster(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/cluster")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def queues(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {queue["name"]: queue for queue in body["queues"]}


def database_kind() -> str:
    """The database make_test_database_url gives a test app."""
    return "postgresql" if os.environ.get("FLOWML_TEST_DATABASE_URL") else "sqlite"


def register(client: TestClient, secret: str, name: str, queue_names: list[str], concurrency: int) -> str:
    body = {"name": name, "hostname": name, "queues": queue_names, "concurrency": concurrency}
    response = client.post("/api/workers/register", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.text
    worker_id: str = response.json()["worker_id"]
    return worker_id


def test_embedded_mode_has_no_broker_and_no_consumers(data_dir: Path) -> None:
    with running_app(data_dir, with_pool=True, LOCAL_WORKERS=1) as client:
        body = cluster(client)
        assert body["mode"] == "embedded"
        assert body["broker"] == {"url": None, "status": "not configured"}
        assert body["database"] == {"kind": database_kind(), "status": "ok"}
        assert body["event_bus"] == "in-process"
        assert [queue["name"] for queue in body["queues"]] == list(ALL_QUEUES)
        # The local pool takes trials from the driver, not from a queue: it is no consumer.
        assert all(queue["consumers"] == 0 and queue["slots"] == 0 for queue in body["queues"])
        assert all(queue["backlog"] is None for queue in body["queues"])  # no broker to read
        assert body["workers"] == {"online": 0, "offline": 0}
        assert body["local_pool"] == {"processes": 1, "trials_on_master": True}


@pytest.mark.services
def test_cluster_mode_reports_consumers_slots_and_backlog(data_dir: Path, broker_db: redis.Redis) -> None:
    with running_app(data_dir, CELERY_BROKER_URL=BROKER, REDIS_URL=BROKER, TRIALS_ON_MASTER=False) as client:
        empty = cluster(client)
        assert empty["mode"] == "cluster"
        assert empty["broker"] == {"url": BROKER, "status": "ok"}
        assert empty["event_bus"] == "redis"
        assert all(queue["backlog"] == 0 for queue in empty["queues"])
        assert empty["local_pool"] == {"processes": 0, "trials_on_master": False}  # an API-only process

        response = client.post("/api/workers/tokens", json={"name": "cluster-status"})
        assert response.status_code == 201, response.text
        secret = response.json()["token"]
        register(client, secret, "gpu-box", ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "priority"], 3)
        leaving = register(client, secret, "laptop", ["cpu", "priority"], 2)
        after_join = queues(cluster(client))
        assert after_join["cpu"]["consumers"] == 2 and after_join["cpu"]["slots"] == 5
        assert after_join["gpu.vram8"]["consumers"] == 1 and after_join["gpu.vram8"]["slots"] == 3
        assert after_join["gpu.vram12"]["consumers"] == 0 and after_join["gpu.vram12"]["slots"] == 0

        headers = {"Authorization": f"Bearer {secret}"}
        response = client.post("/api/workers/deregister", json={"worker_id": leaving}, headers=headers)
        assert response.status_code == 200, response.text
        broker_db.lpush("cpu", b'{"waiting": "trial"}')
        body = cluster(client)
        by_name = queues(body)
        assert body["workers"] == {"online": 1, "offline": 1}
        assert by_name["cpu"] == {"name": "cpu", "consumers": 1, "slots": 3, "backlog": 1}
        assert by_name["priority"]["consumers"] == 1
        assert all(queue["backlog"] == 0 for name, queue in by_name.items() if name != "cpu")


@pytest.mark.services
def test_backlog_counts_celery_messages_of_every_priority(data_dir: Path, broker_db: redis.Redis) -> None:
    """Real Celery messages, as the orchestrator sends them: kombu keeps priorities 1 to 9 in sub-lists of the
    queue (`gpu\\x06\\x163`, ...), and the backlog counts them all."""
    app = create_celery(BROKER, BROKER, visibility_timeout=3600)
    for priority in (None, 4, 9):
        app.send_task(TRIAL_TASK, args=[{}], queue="gpu", priority=priority)
    app.close()
    assert broker_db.llen("gpu") == 1  # the other two are in sub-lists, which a plain LLEN misses
    with running_app(data_dir, CELERY_BROKER_URL=BROKER) as client:
        assert queues(cluster(client))["gpu"]["backlog"] == 3


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that completes the TCP handshake (the kernel does, from the listen backlog) and never answers: a
    broker that hangs, which only the read timeout can catch."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def broker_address(where: str) -> Iterator[str]:
    if where == "silent server":
        with silent_server() as address:
            yield address
    else:
        yield f"127.0.0.1:{closed_port()}" if where == "closed port" else f"{UNROUTABLE}:6379"


@pytest.mark.parametrize("where", ["closed port", "unroutable address", "silent server"])
def test_an_unreachable_broker_is_an_error_within_three_seconds(data_dir: Path, where: str) -> None:
    with (
        broker_address(where) as address,
        running_app(data_dir, CELERY_BROKER_URL=f"redis://:s3cret@{address}/0") as client,
    ):
        started = time.monotonic()
        response = client.get("/api/cluster")
        elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert elapsed < 3.0, f"took {elapsed:.1f} s"
    assert "s3cret" not in response.text
    body = response.json()
    assert body["mode"] == "cluster"
    assert body["broker"]["url"] == f"redis://:***@{address}/0"
    assert body["broker"]["status"].startswith("error: "), body["broker"]
    assert all(queue["backlog"] is None and queue["consumers"] == 0 for queue in body["queues"])
    assert body["database"]["status"] == "ok"


def test_redact_url_hides_every_password() -> None:
    assert redact_url("redis://:pw@host:6379/0") == "redis://:***@host:6379/0"
    assert redact_url("rediss://flowml:pw@host:6380/1") == "rediss://flowml:***@host:6380/1"
    assert redact_url("redis://host:6379/0?password=pw&db=2") == "redis://host:6379/0?password=***&db=2"
    assert redact_url("redis://host:6379/0") == "redis://host:6379/0"
    assert redact_url("redis://secret@host:6379/0") == "redis://***@host:6379/0"
