"""Events across processes through Redis: pub/sub for live delivery, a capped stream per job for short-term replay.

Delivery only (ARCHITECTURE.md §2 and §7): the durable copy of every event an API process emits is the job_events
table. So a publish that fails is logged and dropped, never raised into the emitter, and a subscription that loses
Redis retries for ever, then asks its subscriber to catch up from SQL. The streams serve processes that do not share
the SQL database.

Keys, for the default prefix `flowml:events`: the pub/sub channel `flowml:events`, the streams
`flowml:events:job:<job_id>` and, for events without a job (worker events), `flowml:events:system`. Remote workers
publish on a channel of their own, `flowml:events:workers`, the only one their Redis users may publish to
(cluster/redis_acl.py): what arrives there is signed, and the bus passes on only what its `worker_events` check
accepts (cluster/signing.py). What arrives on the master's channel comes from the master's own processes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import redis
import redis.asyncio as aioredis
from loguru import logger
from pydantic import ValidationError
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from flowml.events.bus import ReconnectFn
from flowml.events.schemas import Event

DEFAULT_PREFIX = "flowml:events"
# Per stream. A 4-hour job at one tick per 5 s emits about 3,000 events; SQL holds them all anyway.
STREAM_MAXLEN = 10_000
STREAM_FIELD = "event"
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 5.0
# One read waits at most this long, so a closed subscription stops promptly.
POLL_SECONDS = 1.0
# Keepalive PINGs on an idle subscription, so a dead connection is noticed even when nothing is published.
HEALTH_CHECK_SECONDS = 10
CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 5.0
# A publish retries a dropped connection once, quickly; in an outage the emitter must not wait long.
PUBLISH_RETRIES = 1

# Turns a message from the worker channel into the event it carries, or None to drop it (cluster/signing.py).
WorkerEventCheck = Callable[[str], Event | None]


@dataclass(frozen=True)
class EventKeys:
    """Where events live in Redis; tests use their own prefix so they never touch a real deployment's keys."""

    prefix: str = DEFAULT_PREFIX

    @property
    def channel(self) -> str:
        return self.prefix

    @property
    def worker_channel(self) -> str:
        return f"{self.prefix}:workers"

    def stream(self, job_id: str | None) -> str:
        return f"{self.prefix}:job:{job_id}" if job_id is not None else f"{self.prefix}:system"


class StreamEntry(NamedTuple):
    stream_id: str
    event: Event


def parse_event(raw: str | bytes) -> Event | None:
    """An event from Redis, or None (logged) when the message is not one: any process can write to Redis."""
    try:
        return Event.model_validate_json(raw)
    except ValidationError as exc:
        first_error = exc.errors(include_url=False, include_input=False)[:1]
        logger.warning("skipping a malformed event from Redis: {}", first_error)
        return None


def _connection_options(retries: int) -> dict[str, Any]:
    backoff = ExponentialBackoff(cap=0.2, base=0.05) if retries else NoBackoff()
    return {
        "decode_responses": True,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": COMMAND_TIMEOUT_SECONDS,
        "socket_keepalive": True,
        "health_check_interval": HEALTH_CHECK_SECONDS,
        "retry": Retry(backoff, retries),
    }


class RedisBus:
    """The EventBus for several processes. Safe to share within one event loop; `close` when done. Without
    `worker_events`, nothing workers publish is delivered."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        stream_maxlen: int = STREAM_MAXLEN,
        worker_events: WorkerEventCheck | None = None,
    ) -> None:
        self.keys = EventKeys(prefix)
        self._url = url
        self._worker_events = worker_events
        self._stream_maxlen = stream_maxlen
        self._client: aioredis.Redis = aioredis.Redis.from_url(url, **_connection_options(PUBLISH_RETRIES))
        self._failing = False
        # The first durable event that could not be published in the current outage: where catch-ups start.
        self._first_dropped: int | None = None
        # Subscriptions to catch up when publishing works again (see publish), and their catch-ups under way.
        self._subscriptions: set[RedisSubscription] = set()
        self._catching_up: set[asyncio.Task[None]] = set()

    async def publish(self, event: Event) -> None:
        """PUBLISH for live subscribers and XADD to the event's capped stream, in one round trip."""
        payload = event.model_dump_json()
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.publish(self.keys.channel, payload)
                pipe.xadd(
                    self.keys.stream(event.job_id),
                    {STREAM_FIELD: payload},
                    maxlen=self._stream_maxlen,
                    approximate=True,
                )
                await pipe.execute()
        except RedisError as exc:
            self._publish_failed(exc)
            if event.durable and self._first_dropped is None:
                self._first_dropped = event.id
            return
        if self._failing:
            self._failing = False
            logger.info("event bus: Redis is back, publishing again")
            first_dropped, self._first_dropped = self._first_dropped, None
            if first_dropped is not None:
                self._catch_up_subscriptions(first_dropped - 1)

    def _catch_up_subscriptions(self, since: int) -> None:
        """The events this process failed to publish are in SQL only. A subscription that came back before this
        publisher noticed the outage (its connection looked alive until the next publish) has already caught up,
        without them; so each one catches up again now, from the first event dropped. Clients drop what they already
        have by id."""
        for subscription in list(self._subscriptions):
            if subscription.closed:
                self._subscriptions.discard(subscription)
                continue
            task = asyncio.create_task(subscription.catch_up(since), name="event-bus-catch-up")
            self._catching_up.add(task)
            task.add_done_callback(self._catching_up.discard)

    def _publish_failed(self, exc: RedisError) -> None:
        # Warn once per outage rather than once per event; the SQL copy of each event is kept regardless.
        if not self._failing:
            logger.warning("event bus: Redis publish failed ({}); live copies are dropped until it is back", exc)
        self._failing = True

    def subscribe(self, on_reconnect: ReconnectFn | None = None) -> RedisSubscription:
        subscription = RedisSubscription(self._url, self.keys, on_reconnect, self._worker_events)
        if on_reconnect is not None:
            self._subscriptions.add(subscription)
        return subscription

    async def read_stream_entries(self, job_id: str | None, since_stream_id: str = "0") -> list[StreamEntry]:
        """Entries of one job's stream (or the system stream) after `since_stream_id`, oldest first, with their
        stream ids so a reader can resume. Raises RedisError when Redis is unreachable: there is no answer."""
        # RESP2 reply: [[key, [(stream_id, {field: value}), ...]]], or empty; redis-py types it loosely.
        reply: Any = await self._client.xread({self.keys.stream(job_id): since_stream_id})
        entries: list[StreamEntry] = []
        for _key, rows in reply or []:
            for stream_id, fields in rows:
                event = parse_event(fields.get(STREAM_FIELD, ""))
                if event is not None:
                    entries.append(StreamEntry(stream_id, event))
        return entries

    async def read_stream(self, job_id: str | None, since_stream_id: str = "0") -> list[Event]:
        return [entry.event for entry in await self.read_stream_entries(job_id, since_stream_id)]

    async def close(self) -> None:
        for task in list(self._catching_up):
            task.cancel()
        await self._client.aclose()


class RedisSubscription:
    """Live events from the channel. Iterating never ends and never raises while open: a lost connection is
    retried with backoff (0.5 s doubling to 5 s), then `on_reconnect` runs so the subscriber can catch up."""

    def __init__(
        self,
        url: str,
        keys: EventKeys,
        on_reconnect: ReconnectFn | None,
        worker_events: WorkerEventCheck | None = None,
    ) -> None:
        self._url = url
        self._keys = keys
        self._on_reconnect = on_reconnect
        self._worker_events = worker_events
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[Event]:
        delay = RETRY_FIRST_SECONDS
        lost = False
        while not self._closed:
            # A fresh client per attempt with no retries of its own: redis-py would otherwise reconnect silently,
            # and the subscriber would never learn that messages were lost in between.
            client = aioredis.Redis.from_url(self._url, **_connection_options(retries=0))
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                channels = [self._keys.channel]
                if self._worker_events is not None:
                    channels.append(self._keys.worker_channel)
                await pubsub.subscribe(*channels)
                if lost:
                    logger.info("event bus: subscribed to Redis again")
                    await self.catch_up()
                lost, delay = False, RETRY_FIRST_SECONDS
                async for event in self._messages(pubsub):
                    yield event
            except RedisError as exc:
                # Warn when the connection goes; the retries of a long outage are only worth a debug line each.
                level = "DEBUG" if lost else "WARNING"
                logger.log(level, "event bus: Redis subscription lost ({}); retrying in {:.1f} s", exc, delay)
                lost = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
            finally:
                await _close_quietly(pubsub, client)

    async def _messages(self, pubsub: aioredis.client.PubSub) -> AsyncIterator[Event]:
        while not self._closed:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS)
            if message is None or message.get("type") != "message":
                continue
            if message.get("channel") == self._keys.worker_channel and self._worker_events is not None:
                event = self._worker_events(message["data"])
            else:
                event = parse_event(message["data"])
            if event is not None:
                yield event

    @property
    def closed(self) -> bool:
        return self._closed

    async def catch_up(self, since: int | None = None) -> None:
        """Run the subscriber's catch-up: after this subscription reconnects (from where the subscriber was), or
        when the bus's publisher works again (from just before the first event it dropped)."""
        if self._on_reconnect is None:
            return
        try:
            await self._on_reconnect(since)
        except Exception:
            # The catch-up is best effort (the database may be down too); live delivery must go on regardless.
            logger.exception("event bus: catching up after a Redis outage failed")

    def close(self) -> None:
        self._closed = True


async def _close_quietly(pubsub: aioredis.client.PubSub, client: aioredis.Redis) -> None:
    # Closing a connection that is already dead may fail again; it is being thrown away either way.
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()
    with contextlib.suppress(RedisError, OSError):
        await client.aclose()


def publish_event_sync(
    redis_url: str, event: Event, *, prefix: str = DEFAULT_PREFIX, stream_maxlen: int = STREAM_MAXLEN
) -> bool:
    """Publish on the master's channel from a process without an event loop (workers use
    publish_worker_event_sync). Like RedisBus.publish it never raises for a Redis failure; returns whether Redis
    took the event."""
    keys = EventKeys(prefix)
    payload = event.model_dump_json()
    try:
        pipe = _sync_client(redis_url).pipeline(transaction=False)
        pipe.publish(keys.channel, payload)
        pipe.xadd(keys.stream(event.job_id), {STREAM_FIELD: payload}, maxlen=stream_maxlen, approximate=True)
        pipe.execute()
    except RedisError as exc:
        logger.warning("event bus: Redis publish failed ({}); the live copy is dropped", exc)
        return False
    return True


def publish_worker_event_sync(redis_url: str, signed_event: str, *, prefix: str = DEFAULT_PREFIX) -> bool:
    """What a worker publishes (a SignedWorkerEvent's JSON): on the worker channel only, and to no stream, since a
    worker's Redis user may write neither the master's channel nor the job streams. Never raises for Redis."""
    try:
        _sync_client(redis_url).publish(EventKeys(prefix).worker_channel, signed_event)
    except RedisError as exc:
        logger.warning("event bus: Redis publish failed ({}); the live copy is dropped", exc)
        return False
    return True


@lru_cache(maxsize=8)
def _sync_client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL per process, so progress ticks do not reconnect every time.
    redis-py resets the pool in a forked child, so Celery's prefork workers can share this cache safely."""
    return redis.Redis.from_url(url, **_connection_options(PUBLISH_RETRIES))
