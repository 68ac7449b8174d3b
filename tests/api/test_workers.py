"""The worker registry: join tokens, register/heartbeat/deregister, the TTL sweep, and the 0002 migration."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from flowml.api.app import create_app
from flowml.db.migrate import alembic_config
from flowml.db.tables import Job, Trial
from flowml.services import workers
from flowml.services.context import AppContext
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client

pytestmark = pytest.mark.db

# Nothing listens there: registration needs no Redis (a worker's own Redis user follows at a heartbeat once Redis
# answers), and no ACL user is left behind in a shared Redis. tests/cluster/test_worker_acl.py tests the users.
BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def running_app(data_dir: Path, **overrides: Any) -> Iterator[TestClient]:
    """An app without the local pool (these tests train nothing) on its own SQLite file or PostgreSQL database."""
    url, dbname = make_test_database_url(data_dir)
    try:
        with signed_in_client(create_app(make_settings(data_dir, url, **overrides), with_pool=False)) as client:
            yield client
    finally:
        drop_test_database(dbname)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with running_app(tmp_path_factory.mktemp("flowml"), CELERY_BROKER_URL=BROKER) as test_client:
        yield test_client


def new_token(client: TestClient, name: str = "test") -> str:
    response = client.post("/api/workers/tokens", json={"name": name})
    assert response.status_code == 201, response.text
    secret: str = response.json()["token"]
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def register(client: TestClient, secret: str, **body: Any) -> Any:
    payload = {
        "name": f"w-{uuid.uuid4().hex[:8]}",
        "hostname": "gpu-box",
        "capabilities": {"cpu_logical": 8, "gpus": [{"name": "RTX 4090", "vram_gb": 24}]},
        "queues": ["cpu", "gpu", "gpu.vram24"],
        "concurrency": 2,
        "version": "0.1.0",
        **body,
    }
    return client.post("/api/workers/register", json=payload, headers=bearer(secret))


def registered(client: TestClient, secret: str, **body: Any) -> str:
    response = register(client, secret, **body)
    assert response.status_code == 200, response.text
    worker_id: str = response.json()["worker_id"]
    return worker_id


def heartbeat(client: TestClient, secret: str, worker_id: str) -> Any:
    body = {"worker_id": worker_id, "current_trials": [], "ram_available_gb": 12.5}
    return client.post("/api/workers/heartbeat", json=body, headers=bearer(secret))


def listed(client: TestClient, worker_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [w for w in client.get("/api/workers").json() if w["id"] == worker_id]
    assert len(found) == 1
    return found[0]


def worker_events(client: TestClient, type_: str, worker_id: str, count: int = 1) -> list[dict[str, Any]]:
    """Replay the event log over /ws?since=0 until `count` events of this type name the worker.

    Replay sends the whole log at once and the hub's first heartbeat comes 15 s later, so reaching a heartbeat
    means the events are not there.
    """
    found: list[dict[str, Any]] = []
    with client.websocket_connect("/ws?since=0") as socket:
        while len(found) < count:
            event = socket.receive_json()
            assert event["type"] != "heartbeat", f"only {len(found)} {type_} event(s) for worker {worker_id}"
            if event["type"] == type_ and event["data"]["worker"]["id"] == worker_id:
                found.append(event)
    return found


def poll(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)


def test_register_returns_broker_settings_and_lists_the_worker(client: TestClient) -> None:
    secret = new_token(client)
    response = register(client, secret, name="gpu-box-1")
    assert response.status_code == 200, response.text
    body = response.json()
    user = body["redis_user"]
    assert user == f"flowml-worker-{body['worker_id']}" and body["result_backend"] == body["broker_url"]
    assert body["broker_url"].startswith(f"redis://{user}:") and body["broker_url"].endswith("@127.0.0.1:1/0")
    assert body["ttl_seconds"] == 60 and body["heartbeat_seconds"] == 20
    assert body["visibility_timeout"] > 240 * 60  # outlasts the longest job

    worker = listed(client, body["worker_id"])
    assert worker["status"] == "online" and worker["kind"] == "remote"
    assert worker["queues"] == ["cpu", "gpu", "gpu.vram24"] and worker["concurrency"] == 2
    assert worker["capabilities"]["gpus"][0]["vram_gb"] == 24 and worker["current_trials"] == []
    assert 0 <= worker["heartbeat_age_seconds"] < 30

    event = worker_events(client, "worker_connected", body["worker_id"])[0]
    assert event["data"]["worker"]["name"] == "gpu-box-1" and event["job_id"] is None


def test_heartbeat_keeps_the_worker_online(client: TestClient) -> None:
    secret = new_token(client)
    worker_id = registered(client, secret)
    response = heartbeat(client, secret, worker_id)
    assert response.status_code == 200, response.text
    assert response.json() == {**response.json(), "status": "ok", "worker_id": worker_id}
    worker = listed(client, worker_id)
    assert worker["status"] == "online" and worker["ram_available_gb"] == 12.5


def test_registering_again_keeps_the_id_and_updates_the_row(client: TestClient) -> None:
    secret = new_token(client)
    first = registered(client, secret, name="restarts")
    second = registered(client, secret, name="restarts", queues=["cpu"], concurrency=4, version="0.2.0")
    assert second == first
    worker = listed(client, first)
    assert worker["queues"] == ["cpu"] and worker["concurrency"] == 4 and worker["version"] == "0.2.0"
    assert len(worker_events(client, "worker_connected", first, count=2)) == 2


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "missing join token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing join token"),
        (bearer("fmw_not-a-real-token"), "unknown join token"),
    ],
)
def test_register_without_a_valid_token_is_401(client: TestClient, headers: dict[str, str], words: str) -> None:
    body = {"name": "intruder", "hostname": "h", "queues": ["cpu"]}
    # An empty header replaces the signed-in admin's key the client sends: this is a worker, not a user.
    response = client.post("/api/workers/register", json=body, headers={"Authorization": "", **headers})
    assert response.status_code == 401
    assert words in response.json()["detail"]


def test_a_revoked_token_is_refused_and_its_workers_go_offline(client: TestClient) -> None:
    secret = new_token(client, name="to-revoke")
    worker_id = registered(client, secret)
    token_id = next(t["id"] for t in client.get("/api/workers/tokens").json() if t["name"] == "to-revoke")

    revoked = client.delete(f"/api/workers/tokens/{token_id}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None

    refused = heartbeat(client, secret, worker_id)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    again = register(client, secret)
    assert again.status_code == 401 and "revoked" in again.json()["detail"]
    assert listed(client, worker_id)["status"] == "offline"
    assert worker_events(client, "worker_disconnected", worker_id)[0]["data"]["reason"] == "join token revoked"


def test_token_listing_never_shows_secrets_and_create_prints_the_command(client: TestClient) -> None:
    created = client.post("/api/workers/tokens", json={"name": "rack-2"}).json()
    assert created["token"].startswith("fmw_") and len(created["token"]) > 40
    assert created["command"] == f"flowml worker --master http://testserver --token {created['token']}"
    tokens = client.get("/api/workers/tokens").json()
    assert any(t["id"] == created["id"] for t in tokens)
    assert all(set(t) == {"id", "name", "created_at", "revoked_at", "last_used_at"} for t in tokens)
    assert client.delete(f"/api/workers/tokens/{'0' * 32}").status_code == 404


def test_heartbeat_from_an_unknown_worker_is_404(client: TestClient) -> None:
    response = heartbeat(client, new_token(client), "0" * 32)
    assert response.status_code == 404
    assert response.json()["detail"] == "unknown worker; register again"


def test_heartbeat_with_another_token_is_401(client: TestClient) -> None:
    worker_id = registered(client, new_token(client))
    response = heartbeat(client, new_token(client), worker_id)
    assert response.status_code == 401 and "another join token" in response.json()["detail"]


TAKEN = "is in use by a live worker registered with another join token; start this worker with another --name"


def test_a_live_workers_name_cannot_be_taken_with_another_token(client: TestClient) -> None:
    owner, impostor = new_token(client), new_token(client)
    name = f"taken-{uuid.uuid4().hex[:6]}"
    worker_id = registered(client, owner, name=name)

    refused = register(client, impostor, name=name, hostname="elsewhere")
    assert refused.status_code == 409 and f"the name '{name}' {TAKEN}" in refused.json()["detail"]
    assert heartbeat(client, owner, worker_id).status_code == 200  # the real worker keeps its row
    assert listed(client, worker_id)["hostname"] == "gpu-box"
    assert registered(client, owner, name=name) == worker_id  # the same token again is a restart

    # Once that worker is offline, the name is free for another token (a machine that changed hands).
    client.post("/api/workers/deregister", json={"worker_id": worker_id}, headers=bearer(owner))
    assert registered(client, impostor, name=name) == worker_id


def test_a_name_held_by_a_revoked_token_is_free(client: TestClient) -> None:
    old, new = new_token(client, name="old-machine"), new_token(client)
    name = f"moved-{uuid.uuid4().hex[:6]}"
    worker_id = registered(client, old, name=name)
    token_id = next(t["id"] for t in client.get("/api/workers/tokens").json() if t["name"] == "old-machine")
    assert client.delete(f"/api/workers/tokens/{token_id}").status_code == 200
    assert registered(client, new, name=name) == worker_id


def test_a_name_is_free_once_its_worker_misses_the_ttl(tmp_path: Path) -> None:
    with running_app(tmp_path, CELERY_BROKER_URL=BROKER, WORKER_TTL_SECONDS=1) as client:
        owner, other = new_token(client), new_token(client)
        worker_id = registered(client, owner, name="silent")
        assert register(client, other, name="silent").status_code == 409
        time.sleep(1.5)  # no heartbeat within WORKER_TTL_SECONDS: offline, whether or not the sweep ran yet
        assert registered(client, other, name="silent") == worker_id


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"queues": ["cpu", "gpu.vram99"]}, "unknown queue(s) gpu.vram99; known queues: cpu, gpu"),
        ({"queues": []}, "queues"),
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": 257}, "concurrency"),
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "   "}, "worker name must be 1 to 255 characters"),
    ],
)
def test_bad_registrations_are_422_with_a_message(client: TestClient, body: dict[str, Any], words: str) -> None:
    response = register(client, new_token(client), **body)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])


def test_deregister_takes_the_worker_offline_at_once(client: TestClient) -> None:
    secret = new_token(client)
    worker_id = registered(client, secret)
    response = client.post("/api/workers/deregister", json={"worker_id": worker_id}, headers=bearer(secret))
    assert response.status_code == 200 and response.json() == {"worker_id": worker_id, "status": "offline"}
    assert listed(client, worker_id)["status"] == "offline"
    assert worker_events(client, "worker_disconnected", worker_id)[0]["data"]["reason"] == "deregistered"


def test_live_queues_sum_concurrency_and_running_trials_are_listed(client: TestClient) -> None:
    secret = new_token(client)
    name = f"cap-{uuid.uuid4().hex[:6]}"
    worker_id = registered(client, secret, name=name, queues=["llm"], concurrency=3)
    registered(client, secret, queues=["llm", "priority"], concurrency=2)
    ctx: AppContext = client.app.state.ctx

    queues = client.portal.call(workers.live_queues, ctx)
    assert queues["llm"] == 5 and queues["priority"] == 2
    assert worker_id in {w.id for w in client.portal.call(workers.live_workers, ctx)}

    trial_id = client.portal.call(_insert_running_trial, ctx, name)
    running = listed(client, worker_id)["current_trials"]
    assert [t["id"] for t in running] == [trial_id] and running[0]["algorithm"] == "lightgbm"


async def _insert_running_trial(ctx: AppContext, worker_name: str) -> str:
    job = Job(name="j", dataset_id="d" * 32, target_column="y", problem_type="binary", metric="roc_auc", time_budget=1)
    trial = Trial(job_id=job.id, trial_number=0, algorithm="lightgbm", worker=worker_name)
    async with ctx.sessions() as session:
        session.add(job)
        await session.commit()
        session.add(trial)
        await session.commit()
    return trial.id


def test_a_master_without_a_broker_refuses_registration(tmp_path: Path) -> None:
    with running_app(tmp_path) as client:
        response = register(client, new_token(client))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "this master runs without a broker; set CELERY_BROKER_URL (for example redis://host:6379/0) and restart it"
    )


def test_a_silent_worker_goes_offline_after_the_ttl_and_comes_back(tmp_path: Path) -> None:
    with running_app(tmp_path, CELERY_BROKER_URL=BROKER, WORKER_TTL_SECONDS=1) as client:
        secret = new_token(client)
        worker_id = registered(client, secret)
        poll(lambda: listed(client, worker_id)["status"] == "offline", timeout=15, what="the sweep marks it offline")
        disconnected = worker_events(client, "worker_disconnected", worker_id)[0]
        assert disconnected["data"]["reason"] == "no heartbeat for 1 s"

        assert heartbeat(client, secret, worker_id).status_code == 200
        assert len(worker_events(client, "worker_connected", worker_id, count=2)) == 2


def test_migration_0002_upgrades_a_0001_database(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    try:
        row, tokens = asyncio.run(_upgrade_from_0001_with_a_worker(url))
    finally:
        drop_test_database(dbname)
    assert (row.name, row.concurrency, row.token_id, row.version, tokens) == ("local", 1, None, None, 0)
    assert "cpu" in str(row.queues)


async def _upgrade_from_0001_with_a_worker(url: str) -> tuple[Any, int]:
    """A database left at 0001 with a worker in it, then upgraded to head: the row and the join token count."""
    engine = create_async_engine(url)
    try:
        await _migrate(engine, "0001")
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO workers (id, name, hostname, status, kind, capabilities, queues, registered_at,"
                    " last_heartbeat) VALUES ('w1', 'local', 'box', 'online', 'local', '{}', '[\"cpu\"]',"
                    " '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')"
                )
            )
        await _migrate(engine, "head")
        async with engine.connect() as connection:
            query = "SELECT name, queues, concurrency, token_id, version FROM workers"
            row = (await connection.execute(sa.text(query))).one()
            tokens = (await connection.execute(sa.text("SELECT count(*) FROM join_tokens"))).scalar_one()
        return row, tokens
    finally:
        await engine.dispose()


async def _migrate(engine: AsyncEngine, revision: str) -> None:
    """Alembic on the test's own connection, as flowml.db.migrate.upgrade does, but to a chosen revision."""

    def run(connection: object) -> None:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
