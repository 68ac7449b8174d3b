"""The Redis event bus against a real Redis: round trip, malformed input, the capped stream, surviving a Redis
restart (on a private redis-server), and two real API processes sharing events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio as aioredis
from websockets.sync.client import ClientConnection, connect

from flowml.core.settings import Settings
from flowml.events.bus import InProcessBus, Subscription
from flowml.events.factory import create_bus
from flowml.events.hub import ClientQueue, WebSocketHub
from flowml.events.redis_bus import EventKeys, RedisBus, publish_event_sync
from flowml.events.schemas import Event, EventType
from flowml.services.context import AppContext, close_context, create_context
from tests.conftest import api_key_for, bearer, dataset_path, drop_test_database, make_test_database_url
from tests.events.conftest import PrivateRedis, completed_data, free_port, job_data, progress_data

pytestmark = pytest.mark.services


def event(id_: int, type_: EventType = EventType.TRAINING_PROGRESS, job_id: str | None = "a") -> Event:
    return Event(id=id_, type=type_, job_id=job_id, timestamp=datetime.now(UTC), data={"n": id_})


class Collector:
    """Consumes a subscription in the background, so a test can wait for the next event with a timeout without
    cancelling the subscription's iteration."""

    def __init__(self, subscription: Subscription) -> None:
        self.subscription = subscription
        self.queue: asyncio.Queue[Event] = asyncio.Queue()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for item in self.subscription:
            self.queue.put_nowait(item)

    async def next(self, seconds: float = 5.0) -> Event:
        return await asyncio.wait_for(self.queue.get(), seconds)

    async def stop(self) -> None:
        self.subscription.close()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@contextlib.asynccontextmanager
async def collecting(bus: RedisBus, url: str, on_reconnect: asyncio.Event | None = None) -> AsyncIterator[Collector]:
    async def reconnected(_since: int | None) -> None:
        if on_reconnect is not None:
            on_reconnect.set()

    collector = Collector(bus.subscribe(on_reconnect=reconnected))
    try:
        await wait_subscribed(url, bus.keys.channel)
        yield collector
    finally:
        await collector.stop()


async def wait_subscribed(url: str, channel: str, seconds: float = 10.0) -> None:
    """Publishing before the subscription is in place would lose the message (pub/sub keeps nothing)."""
    client = aioredis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            counts = dict(await client.pubsub_numsub(channel))
            if counts.get(channel.encode(), 0) >= 1:
                return
            await asyncio.sleep(0.05)
    finally:
        await client.aclose()
    raise AssertionError(f"nobody subscribed to {channel}")


@pytest.fixture
async def bus(redis_url: str, key_prefix: str) -> AsyncIterator[RedisBus]:
    redis_bus = RedisBus(redis_url, prefix=key_prefix)
    yield redis_bus
    await redis_bus.close()


async def test_round_trip_in_order_with_a_stream_copy_per_job(bus: RedisBus, redis_url: str) -> None:
    sent = [
        event(1, EventType.TRAINING_STARTED),
        Event.transient(EventType.TRAINING_PROGRESS, "a", progress_data()),
        event(2, EventType.WORKER_CONNECTED, job_id=None),
    ]
    async with collecting(bus, redis_url) as collector:
        for item in sent:
            await bus.publish(item)
        assert [await collector.next() for _ in sent] == sent
    assert await bus.read_stream("a") == sent[:2]
    assert await bus.read_stream(None) == sent[2:]  # worker events go to the system stream
    assert await bus.read_stream("no-such-job") == []


async def test_malformed_messages_are_skipped_and_the_hub_keeps_going(bus: RedisBus, redis_url: str) -> None:
    async def no_history(_since: int, _job_id: str | None) -> list[Event]:
        return []

    hub = WebSocketHub(bus, no_history)
    await hub.start()
    raw = aioredis.Redis.from_url(redis_url)
    try:
        await wait_subscribed(redis_url, bus.keys.channel)
        client = await hub.connect(None, since=None)
        for junk in ["not json", '{"id": "x"}', event(1).model_dump_json().replace('"id":1', '"id":-1'), "[]"]:
            await raw.publish(bus.keys.channel, junk)
        progress = Event.transient(EventType.TRAINING_PROGRESS, "a", progress_data())
        for item in (event(7, EventType.TRAINING_STARTED), progress, progress):
            await bus.publish(item)
        got = await drain(client, 3)
        # Non-durable events have no identity: both copies arrive, where a repeated SQL id would be dropped.
        assert [e.id for e in got] == [7, 0, 0]
    finally:
        await raw.aclose()
        await hub.stop()


async def drain(client: ClientQueue, count: int, seconds: float = 5.0) -> list[Event]:
    out: list[Event] = []
    for _ in range(count):
        item = await asyncio.wait_for(client.get(), seconds)
        assert item is not None
        out.append(item)
    return out


async def test_sync_publish_from_a_worker_reaches_async_subscribers(
    bus: RedisBus, redis_url: str, key_prefix: str
) -> None:
    progress = Event.transient(EventType.TRAINING_PROGRESS, "job-1", progress_data(42.0))
    async with collecting(bus, redis_url) as collector:
        # A Celery worker has no event loop: run the plain client in a thread, as it would run there.
        assert await asyncio.to_thread(publish_event_sync, redis_url, progress, prefix=key_prefix)
        assert await collector.next() == progress
    assert await bus.read_stream("job-1") == [progress]


async def test_stream_is_capped_and_reads_after_a_stream_id(redis_url: str, key_prefix: str) -> None:
    maxlen, total = 100, 350
    bus = RedisBus(redis_url, prefix=key_prefix, stream_maxlen=maxlen)
    raw = aioredis.Redis.from_url(redis_url)
    try:
        for i in range(1, total + 1):
            await bus.publish(event(i, job_id="capped"))
        length = await raw.xlen(bus.keys.stream("capped"))
        # Approximate trimming (MAXLEN ~) drops whole internal nodes: never below the cap, but not exactly at it.
        assert maxlen <= length < total
        entries = await bus.read_stream_entries("capped")
        ids = [entry.event.id for entry in entries]
        assert ids == list(range(total - length + 1, total + 1))
        after = await bus.read_stream("capped", since_stream_id=entries[-4].stream_id)
        assert [e.id for e in after] == [total - 2, total - 1, total]
        assert await bus.read_stream("capped", since_stream_id=entries[-1].stream_id) == []
    finally:
        await raw.aclose()
        await bus.close()


async def test_subscription_survives_a_redis_restart(private_redis: PrivateRedis) -> None:
    bus = RedisBus(private_redis.url, prefix="flowml-test")
    reconnected = asyncio.Event()
    try:
        async with collecting(bus, private_redis.url, on_reconnect=reconnected) as collector:
            await bus.publish(event(1))
            assert (await collector.next()).id == 1

            await asyncio.to_thread(private_redis.kill)
            started = time.monotonic()
            await bus.publish(event(2))  # dropped, logged, not raised: SQL holds the durable copy
            assert not await asyncio.to_thread(publish_event_sync, private_redis.url, event(3), prefix="flowml-test")
            assert time.monotonic() - started < 5.0
            await asyncio.sleep(1.0)  # the subscription notices, warns and backs off

            await asyncio.to_thread(private_redis.start)  # same port, empty memory
            await asyncio.wait_for(reconnected.wait(), timeout=15)
            await bus.publish(event(4))
            assert (await collector.next(seconds=10)).id == 4  # 2 and 3 were lost with the old server
            assert not collector.task.done()
    finally:
        await bus.close()


@contextlib.asynccontextmanager
async def hub_on(private_redis: PrivateRedis, tmp_path: Path) -> AsyncIterator[tuple[AppContext, WebSocketHub]]:
    """An app context on the private Redis (REDIS_URL selects the Redis bus) with a started hub, subscribed."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, DATA_DIR=tmp_path / "flowml", ENVIRONMENT="test", REDIS_URL=private_redis.url
    )
    ctx = await create_context(settings, with_pool=False)
    assert isinstance(ctx.bus, RedisBus)
    hub = WebSocketHub(ctx.bus, ctx.events.replay)
    await hub.start()
    try:
        await wait_subscribed(private_redis.url, ctx.bus.keys.channel)
        yield ctx, hub
    finally:
        await hub.stop()
        await close_context(ctx)


async def test_hub_catches_up_from_sql_after_a_redis_outage(private_redis: PrivateRedis, tmp_path: Path) -> None:
    async with hub_on(private_redis, tmp_path) as (ctx, hub):
        client = await hub.connect("job-1", since=None)
        first = await ctx.events.emit(EventType.TRAINING_STARTED, "job-1", job_data("job-1"))
        assert [e.id for e in await drain(client, 1)] == [first.id]

        await asyncio.to_thread(private_redis.kill)
        during = await ctx.events.emit(EventType.TRAINING_COMPLETED, "job-1", completed_data("job-1"))  # SQL only
        await asyncio.to_thread(private_redis.start)
        # Nothing is published after the restart: the completion arrives through the hub's catch-up from SQL.
        assert [e.id for e in await drain(client, 1, seconds=15)] == [during.id]


def test_create_bus_uses_redis_only_when_configured(tmp_path: Path) -> None:
    plain = Settings(_env_file=None, DATA_DIR=tmp_path, ENVIRONMENT="test")  # type: ignore[call-arg]
    assert isinstance(create_bus(plain, "signing-key"), InProcessBus)
    assert EventKeys().stream("j1") == "flowml:events:job:j1"
    assert EventKeys().stream(None) == "flowml:events:system"


# Two API processes --------------------------------------------------------------------------------------------------

TERMINAL = {"training_completed", "training_failed", "training_cancelled"}


class ApiProcess:
    """A real `flowml server` (uvicorn) in its own process."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self._key: str | None = None
        self.log = workdir / f"{name}.log"
        command = [sys.executable, "-m", "flowml.cli", "server", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        """The test admin's API key: both servers share the database, so it works on either."""
        if self._key is None:
            with httpx.Client(base_url=self.http, timeout=30) as client:
                self._key = api_key_for(client)
        return bearer(self._key)

    def wait_healthy(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.http}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.5)
        raise AssertionError(f"server on port {self.port} did not become healthy:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def server_env(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    inherited = {"FLOWML_HOME", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}  # this test's settings only
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    return env | {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOCAL_WORKERS": "1",
        "MAX_CONCURRENT_JOBS": "1",
        "ENVIRONMENT": "test",
    }


def read_until(socket: ClientConnection, done: Callable[[list[dict[str, Any]]], bool], timeout: float) -> list[Any]:
    """Events (heartbeats left out) from a WebSocket until `done` says the list is complete."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not done(events):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out; got {[(e['type'], e.get('job_id')) for e in events]}")
        message = json.loads(socket.recv(timeout=remaining))
        if message["type"] != "heartbeat":
            events.append(message)
    return events


def start_job(server: ApiProcess, dataset_id: str) -> str:
    body = {"dataset_id": dataset_id, "target_column": "target", "time_budget": 0.1, "n_folds": 2}
    response = httpx.post(f"{server.http}/api/training/start", json=body, headers=server.headers, timeout=30)
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    return job_id


@pytest.fixture
def two_servers(tmp_path: Path, redis_url: str) -> Iterator[tuple[ApiProcess, ApiProcess]]:
    """Two API processes sharing one database, one data folder and one Redis, as behind a load balancer."""
    database_url, dbname = make_test_database_url(tmp_path)
    env = server_env(tmp_path / "data", database_url, redis_url)  # not "flowml": cwd is on sys.path
    servers: list[ApiProcess] = []
    try:
        for name in ("a", "b"):  # one after the other: each runs the migrations at start
            servers.append(ApiProcess(name, env, tmp_path))
            servers[-1].wait_healthy()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()
        drop_test_database(dbname)


@pytest.mark.slow
@pytest.mark.db
def test_events_from_one_api_process_reach_websockets_on_another(
    two_servers: tuple[ApiProcess, ApiProcess], redis_url: str
) -> None:
    a, b = two_servers
    with dataset_path("iris.csv").open("rb") as handle:
        uploaded = httpx.post(
            f"{a.http}/api/datasets/upload", files={"file": ("iris.csv", handle)}, headers=a.headers, timeout=60
        )
    assert uploaded.status_code == 201, uploaded.text
    dataset_id = uploaded.json()["id"]
    job_ids: list[str] = []
    try:
        # Connected to B before anything happens, without ?since=: whatever arrives came live through Redis.
        with connect(f"{b.ws}/ws", additional_headers=b.headers) as everything:
            job_ids.append(start_job(a, dataset_id))
            job_ids.append(start_job(a, dataset_id))  # queued behind the first (one job at a time)
            trained, other = job_ids
            assert (
                httpx.post(f"{a.http}/api/training/jobs/{other}/cancel", headers=a.headers, timeout=30).status_code
                == 200
            )
            with connect(f"{b.ws}/ws/jobs/{trained}", additional_headers=b.headers) as one_job:
                mine = read_until(one_job, lambda got: bool(got) and got[-1]["type"] in TERMINAL, timeout=180)
            seen = read_until(
                everything,
                lambda got: (
                    {(trained, "training_completed"), (other, "training_cancelled")}
                    <= {(e.get("job_id"), e["type"]) for e in got}
                ),
                timeout=30,
            )
        assert {e["job_id"] for e in mine} == {trained}, a.log_tail()
        assert mine[-1]["type"] == "training_completed", mine[-1]
        assert (trained, "training_started") in {(e.get("job_id"), e["type"]) for e in seen}
        ours = [e for e in seen if e.get("job_id") in job_ids]  # the shared Redis may carry others' events
        assert all(isinstance(e["id"], int) and e["id"] > 0 for e in ours)  # every one has its SQL id
        streamed = asyncio.run(read_job_stream(redis_url, trained))
        assert streamed[-1].type == EventType.TRAINING_COMPLETED and streamed[-1].id == mine[-1]["id"]
    finally:
        # Only this test's keys: the servers use the default prefix on the shared Redis.
        with redis.Redis.from_url(redis_url) as client:
            client.delete(*[EventKeys().stream(job_id) for job_id in job_ids or ["none"]])


async def read_job_stream(redis_url: str, job_id: str) -> list[Event]:
    """The stream a process without the database would replay from; written by server A."""
    bus = RedisBus(redis_url)
    try:
        return await bus.read_stream(job_id)
    finally:
        await bus.close()


async def test_hub_catches_up_again_when_the_publisher_notices_the_outage_last(
    private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """A publisher whose connection looked alive fails its first publish after a restart the subscription already
    recovered from (and caught up after, without that event): once publishing works again, the hub catches up once
    more, so the event dropped live still reaches the client. Found by test_a_redis_restart_mid_job_loses_nothing."""
    async with hub_on(private_redis, tmp_path) as (ctx, hub):
        client = await hub.connect("job-1", since=None)
        first = await ctx.events.emit(EventType.TRAINING_STARTED, "job-1", job_data("job-1"))
        assert [e.id for e in await drain(client, 1)] == [first.id]

        await asyncio.to_thread(private_redis.kill)
        await asyncio.to_thread(private_redis.start)
        await wait_subscribed(private_redis.url, ctx.bus.keys.channel, seconds=15)  # caught up: nothing missed yet
        # The publisher's connection is to the old server: this publish fails and the event is in SQL only.
        dropped = await ctx.events.emit(EventType.TRAINING_PROGRESS, "job-1", progress_data(50.0))
        later = await ctx.events.emit(EventType.TRAINING_COMPLETED, "job-1", completed_data("job-1"))  # published live
        received = sorted({e.id for e in await drain(client, 2, seconds=15)})
        assert received == [dropped.id, later.id]
