"""A join token is not the whole Redis: per-worker Redis users, signed worker events, capability-gated worker data.

Against a private redis-server with a password (never the shared one: ACL users are server-wide), with the master's
real app: what registration hands a worker, what that credential can and cannot do in Redis, that revoking the
token, deregistering or expiring takes it away (and a heartbeat or a Redis restart brings a live worker's back),
that forged worker events never reach a WebSocket client, and that a token alone fetches no dataset and uploads no
predictions. The last test runs a real Celery worker under its own user through a whole job.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from loguru import logger

from flowml.api.app import create_app
from flowml.cluster.signing import CAPABILITY_HEADER, SignedWorkerEvent, TrialCapability
from flowml.engine.types import Device
from flowml.events.redis_bus import EventKeys, publish_worker_event_sync
from flowml.events.schemas import Event, EventType, TrialRunningData
from flowml.services.context import AppContext
from tests.api.conftest import make_settings, upload
from tests.cluster.procs import cluster_on_private_redis, private_redis, wait_for
from tests.cluster.test_cluster_e2e import EventCollector, start_job, trials, wait_final
from tests.cluster.test_cluster_e2e import upload as upload_to_cluster
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client
from tests.events.conftest import PrivateRedis

pytestmark = [pytest.mark.services, pytest.mark.timeout(300)]

ADMIN_PASSWORD = "acl-test-admin-password"
QUEUES = ["cpu", "priority"]


# ---------------------------------------------------------------------------------------------------- fixtures


def _redis_server(workdir: Path) -> PrivateRedis:
    return private_redis(workdir, password=ADMIN_PASSWORD)


@contextmanager
def _master(data_dir: Path, redis_url: str, **overrides: Any) -> Iterator[TestClient]:
    """The master's API (no local pool: nothing trains here) with this Redis as broker, backend and event bus."""
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(data_dir, url, CELERY_BROKER_URL=redis_url, REDIS_URL=redis_url, **overrides)
    try:
        with signed_in_client(create_app(settings, with_pool=False)) as client:
            yield client
    finally:
        drop_test_database(dbname)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    redis_server = _redis_server(tmp_path_factory.mktemp("redis"))
    yield redis_server
    redis_server.kill()


@pytest.fixture(scope="module")
def master(server: PrivateRedis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _master(tmp_path_factory.mktemp("master"), server.url) as client:
        yield client


@pytest.fixture
def admin(server: PrivateRedis) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(server.url)
    yield client
    client.close()


def _token(client: TestClient) -> tuple[str, str]:
    response = client.post("/api/workers/tokens", json={"name": "acl"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"]), str(response.json()["token"])


def _register(client: TestClient, secret: str, name: str | None = None) -> dict[str, Any]:
    body = {"name": name or f"w-{uuid.uuid4().hex[:8]}", "hostname": "box", "queues": QUEUES, "concurrency": 1}
    response = client.post("/api/workers/register", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.text
    joined: dict[str, Any] = response.json()
    return joined


def _heartbeat(client: TestClient, secret: str, worker_id: str) -> None:
    response = client.post(
        "/api/workers/heartbeat", json={"worker_id": worker_id}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200, response.text


def _as_worker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _can_auth(url: str) -> bool:
    # Deleting a user closes its open connections, so a check that authenticated a moment before the
    # sweep deleted the user sees its PING reset: ask again on a fresh connection, which then gives the answer.
    for attempt in range(3):
        client = _as_worker(url)
        try:
            return bool(client.ping())
        except redis.AuthenticationError:
            return False
        except redis.ConnectionError:
            if attempt == 2:
                raise
            time.sleep(0.2)
        finally:
            client.close()
    raise AssertionError("unreachable")


def _ctx(client: TestClient) -> AppContext:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    return ctx


def _capability(client: TestClient, job_id: str, trial_number: int, sha256: str, seconds: float = 600) -> str:
    """What the master's executor puts into a task's payload (cluster/executor.py)."""
    capability = TrialCapability.for_trial(job_id, trial_number, sha256, time.time() + seconds)
    return capability.issue(_ctx(client).signing_key)


# ---------------------------------------------------------------------------------------------------- Redis users


def test_registration_hands_out_a_redis_user_that_can_do_a_workers_work(master: TestClient, admin: redis.Redis) -> None:
    _, secret = _token(master)
    joined = _register(master, secret)
    for url in (joined["broker_url"], joined["result_backend"], joined["events_url"]):
        assert ADMIN_PASSWORD not in url  # never the master's own credential
    worker_id, user = joined["worker_id"], joined["redis_user"]
    assert user == f"flowml-worker-{worker_id}" and f"{user}:" in joined["broker_url"]
    assert joined["broker_transport_options"]["unacked_key"] == f"unacked:{worker_id}"

    worker = _as_worker(joined["broker_url"])
    try:
        admin.lpush("cpu", "a task")
        assert worker.brpop(["cpu", "priority"], timeout=2) == (b"cpu", b"a task")  # consume its queues
        worker.lpush("cpu", "put back")  # restore what it had taken
        worker.hset(f"unacked:{worker_id}", "tag", "message")  # its messages in flight
        result_key = f"celery-task-meta-{uuid.uuid4()}"
        worker.execute_command("SETEX", result_key, 60, "{}")  # store a result, as Celery does...
        assert worker.get(result_key) == b"{}"  # ...after reading the state before it
        worker.publish(result_key, "{}")
        admin.set("flowml:cancel:job-1", "1")
        assert worker.exists("flowml:cancel:job-1") == 1  # watch the master's cancel flag
        control = worker.pubsub()
        control.psubscribe("/0.celery.pidbox")  # the master's revoke broadcasts
        assert control.get_message(timeout=2) is not None
        control.close()
        assert worker.publish(EventKeys().worker_channel, "{}") == 1  # the master listens there
    finally:
        worker.close()
    denials = [entry for entry in admin.acl_log() if entry.get("username") == user]
    assert denials == []


FORBIDDEN: dict[str, Callable[[redis.Redis, str], object]] = {
    "FLUSHALL": lambda r, _: r.flushall(),
    "CONFIG": lambda r, _: r.config_get("*"),
    "KEYS": lambda r, _: r.keys("*"),
    "SCAN": lambda r, _: r.scan(),
    "ACL": lambda r, _: r.acl_list(),
    "EVAL": lambda r, _: r.eval("return 1", 0),
    "reading its queue without taking": lambda r, _: r.lrange("cpu", 0, -1),
    "deleting its queue": lambda r, _: r.delete("cpu"),
    "a queue it does not consume": lambda r, _: r.brpop(["gpu.vram24"], timeout=1),
    "kombu's shared unacked messages": lambda r, _: r.hgetall("unacked"),
    "another worker's unacked messages": lambda r, other: r.hgetall(f"unacked:{other}"),
    "setting a cancel flag": lambda r, _: r.set("flowml:cancel:job-1", "1"),
    "reading a job's event stream": lambda r, _: r.xrange(EventKeys().stream("job-1")),
    "writing a job's event stream": lambda r, _: r.xadd(EventKeys().stream("job-1"), {"event": "{}"}),
    "publishing on the master's event channel": lambda r, _: r.publish(EventKeys().channel, "{}"),
    "broadcasting remote control to workers": lambda r, _: r.publish("/0.celery.pidbox", "{}"),
    "other keys": lambda r, _: r.get("anything-else"),
}


@pytest.mark.parametrize("action", list(FORBIDDEN))
def test_a_worker_redis_user_cannot_do_anything_else(master: TestClient, action: str) -> None:
    _, secret = _token(master)
    joined, other = _register(master, secret), _register(master, secret)
    worker = _as_worker(joined["broker_url"])
    try:
        with pytest.raises(redis.exceptions.NoPermissionError):
            FORBIDDEN[action](worker, other["worker_id"])
    finally:
        worker.close()


def test_a_worker_cannot_listen_to_other_tasks_results(master: TestClient) -> None:
    _, secret = _token(master)
    worker = _as_worker(_register(master, secret)["broker_url"])
    listener = worker.pubsub()
    try:
        listener.psubscribe("celery-task-meta-*")  # the refusal is the reply, read with the next message
        with pytest.raises(redis.exceptions.NoPermissionError):
            listener.get_message(timeout=2)
    finally:
        listener.close()
        worker.close()


def test_revoking_the_token_shuts_the_worker_out_of_redis(master: TestClient, admin: redis.Redis) -> None:
    token_id, secret = _token(master)
    joined = _register(master, secret)
    worker = _as_worker(joined["broker_url"])
    control = worker.pubsub()
    control.psubscribe("/0.celery.pidbox")  # a long-lived connection, like a consumer's
    assert control.get_message(timeout=2) is not None

    assert master.delete(f"/api/workers/tokens/{token_id}").status_code == 200
    with pytest.raises(redis.ConnectionError):  # its open connection was closed...
        control.get_message(timeout=2)
    assert not _can_auth(joined["broker_url"])  # ...and it cannot connect again
    user = joined["redis_user"]
    assert user.encode() not in admin.acl_users()
    assert not [c for c in admin.client_list() if c["user"] == user]
    control.close()
    worker.close()


def test_deregistering_deletes_the_user_and_registering_again_issues_a_new_password(master: TestClient) -> None:
    _, secret = _token(master)
    first = _register(master, secret, name="comes-and-goes")
    second = _register(master, secret, name="comes-and-goes")  # a restart: same id, new password
    assert second["worker_id"] == first["worker_id"] and second["broker_url"] != first["broker_url"]
    assert not _can_auth(first["broker_url"]) and _can_auth(second["broker_url"])
    response = master.post(
        "/api/workers/deregister",
        json={"worker_id": second["worker_id"]},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.text
    assert not _can_auth(second["broker_url"])


def test_an_expired_worker_loses_its_user_and_a_heartbeat_or_redis_restart_restores_it(tmp_path: Path) -> None:
    server = _redis_server(tmp_path / "redis")
    try:
        # TTL 2 s: the sweep runs every second and takes a worker silent for 2 s offline.
        with _master(tmp_path / "master", server.url, WORKER_TTL_SECONDS=2) as client:
            _, secret = _token(client)
            joined = _register(client, secret)
            assert _can_auth(joined["broker_url"])
            wait_for(lambda: not _can_auth(joined["broker_url"]), 10, "the sweep to delete the user")
            _heartbeat(client, secret, joined["worker_id"])  # the worker was only slow: its token still holds
            assert _can_auth(joined["broker_url"])

            server.kill()
            server.start()  # same port, empty memory: Redis lost its ACL users
            assert not _can_auth(joined["broker_url"])
            _heartbeat(client, secret, joined["worker_id"])
            assert _can_auth(joined["broker_url"])
    finally:
        server.kill()


def test_a_master_that_cannot_manage_users_warns_at_start_and_hands_out_its_own_urls(
    server: PrivateRedis, admin: redis.Redis, tmp_path: Path
) -> None:
    """Today's behaviour, said out loud: a master credential without ACL rights (or a Redis before 7)."""
    rights = {"keys": ["*"], "channels": ["*"], "commands": ["+@all", "-acl"]}
    admin.acl_setuser("no-acl-rights", enabled=True, passwords=["+limited-pw"], **rights)
    limited = f"redis://no-acl-rights:limited-pw@{server.host}:{server.port}/0"
    lines: list[str] = []
    sink = logger.add(lines.append, level="WARNING", format="{message}")
    try:
        with _master(tmp_path, limited) as client:
            wait_for(lambda: any("per-worker" in line for line in lines), 10, "the warning at start")
            joined = _register(client, _token(client)[1])
    finally:
        logger.remove(sink)
        admin.acl_deluser("no-acl-rights")
    assert joined["broker_url"] == limited and joined["redis_user"] is None
    assert any("any join token then gives the whole Redis" in line for line in lines), lines


# ---------------------------------------------------------------------------------------------------- events


def _running(job_id: str, trial_number: int, worker: str) -> Event:
    data = TrialRunningData(trial_number=trial_number, algorithm="lightgbm", worker=worker, device=Device.CPU)
    return Event.transient(EventType.TRIAL_RUNNING, job_id, data)


def test_only_signed_worker_events_for_its_own_trials_reach_websocket_clients(master: TestClient) -> None:
    _, secret = _token(master)
    joined = _register(master, secret, name="announcer")
    worker_id, key, url = joined["worker_id"], joined.get("event_key", ""), joined["events_url"]
    sha = "ab" * 32
    held = _capability(master, "job-held", 1, sha)

    def signed(event: Event, capability: str = held, event_key: str = key, name: str = "announcer") -> str:
        envelope = SignedWorkerEvent.sign(
            event, worker_id=worker_id, worker=name, capability=capability, event_key=event_key
        )
        return envelope.model_dump_json()

    forged = {
        "unsigned": _running("job-held", 1, "announcer").model_dump_json(),
        "signed with another key": signed(_running("job-held", 1, "announcer"), event_key="0" * 64),
        "a job it holds no trial of": signed(_running("job-other", 1, "announcer")),
        "another trial of the job": signed(_running("job-held", 2, "announcer")),
        "an expired capability": signed(
            _running("job-other", 1, "announcer"), capability=_capability(master, "job-other", 1, sha, seconds=-600)
        ),
        "naming another worker": signed(_running("job-held", 1, "someone-else")),
        "claiming another worker's name": signed(_running("job-held", 1, "someone-else"), name="someone-else"),
    }
    with master.websocket_connect("/ws", headers={"Authorization": master.headers["Authorization"]}) as socket:
        worker = _as_worker(url)
        try:  # the master's own channel, whose events are trusted, is out of a worker's reach
            with contextlib.suppress(redis.exceptions.NoPermissionError):
                worker.publish(EventKeys().channel, _running("job-held", 1, "announcer").model_dump_json())
        finally:
            worker.close()
        for payload in forged.values():
            assert publish_worker_event_sync(url, payload)
        genuine = _running("job-held", 1, "announcer")
        assert publish_worker_event_sync(url, signed(genuine))
        # Redis delivers one channel in order: everything forged came before the genuine event, and never arrives.
        received = _next_trial_running(socket)
    assert received["job_id"] == "job-held" and received["data"]["trial_number"] == 1
    assert received["timestamp"] == genuine.model_dump(mode="json")["timestamp"]


def _next_trial_running(socket: Any) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(socket.receive_text())
        if message["type"] == EventType.TRIAL_RUNNING.value:
            return message


# ---------------------------------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def dataset_sha(master: TestClient) -> str:
    response = upload(master, dataset_path("iris.csv"))
    assert response.status_code == 201, response.text
    return str(response.json()["sha256"])


@pytest.mark.parametrize("route", ["/api/workers/datasets/{sha}", "/api/workers/datasets/{sha}/source"])
def test_a_dataset_goes_only_to_a_trial_that_uses_it(master: TestClient, dataset_sha: str, route: str) -> None:
    _, secret = _token(master)
    url = route.format(sha=dataset_sha)
    token = {"Authorization": f"Bearer {secret}"}

    def fetch(capability: str | None) -> httpx.Response:
        return master.get(url, headers={**token, **({CAPABILITY_HEADER: capability} if capability else {})})

    assert fetch(None).status_code == 403  # a token alone is no longer enough
    assert fetch(_capability(master, "job-1", 0, "cd" * 32)).status_code == 403  # another trial's dataset
    assert fetch(_capability(master, "job-1", 0, dataset_sha, seconds=-600)).status_code == 403  # expired
    forged = _capability(master, "job-1", 0, "cd" * 32).split(".")[0] + "." + "0" * 64
    assert fetch(forged).status_code == 403
    good = _capability(master, "job-1", 0, dataset_sha)
    assert fetch(good).status_code == 200
    assert master.get(url, headers={CAPABILITY_HEADER: good}).status_code == 401  # and no capability without a token


def test_predictions_are_taken_only_for_the_trial_a_capability_names(master: TestClient) -> None:
    _, secret = _token(master)
    job_id, other_job = uuid.uuid4().hex, uuid.uuid4().hex
    body = b"\x93NUMPY"

    def put(job: str, trial: int, capability: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {secret}", "X-Content-SHA256": _sha256(body)}
        if capability is not None:
            headers[CAPABILITY_HEADER] = capability
        return master.put(f"/api/workers/oof/{job}/{trial}", content=body, headers=headers)

    sha = "ef" * 32
    assert put(job_id, 3, None).status_code == 403
    assert put(job_id, 3, _capability(master, other_job, 3, sha)).status_code == 403  # another job's slot
    assert put(job_id, 4, _capability(master, job_id, 3, sha)).status_code == 403  # another trial's slot
    # The right capability gets past the check to the job itself, which does not exist here.
    assert put(job_id, 3, _capability(master, job_id, 3, sha)).status_code == 404


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# ---------------------------------------------------------------------------------------------------- end to end


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_real_worker_with_its_own_redis_user_completes_a_job(tmp_path: Path) -> None:
    with cluster_on_private_redis(tmp_path) as (cluster, server):
        cluster.start_worker("acl-worker")
        admin = redis.Redis.from_url(server.url)
        try:
            listed = httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=10).json()
            [row] = [w for w in listed if w["name"] == "acl-worker"]
            user = f"flowml-worker-{row['id']}"
            assert [c for c in admin.client_list() if c["user"] == user]  # Celery connected as the worker's user
            job_id = start_job(cluster, upload_to_cluster(cluster, "iris.csv"), "target", 0.3)
            live = EventCollector(cluster, job_id)
            final = wait_final(cluster, job_id, 120)
            assert final["status"] == "completed", final
            assert any(t["worker"] == "acl-worker" and t["status"] == "completed" for t in trials(cluster, job_id))
            announced = [e["data"]["worker"] for e in live.stop() if e["type"] == "trial_running"]
            assert announced and set(announced) == {"acl-worker"}  # signed announcements got through
            denials = [entry for entry in admin.acl_log() if entry.get("username") == user]
            assert denials == [], denials  # the rules cover everything a real worker did
        finally:
            admin.close()
