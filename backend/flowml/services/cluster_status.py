"""The cluster as the master sees it right now: mode, broker, database, event bus, queues, workers, local pool.

Read fresh on every call, from the same sources the job driver routes by: the worker registry in SQL for who is
live (ARCHITECTURE.md section 2: Celery's `inspect` cannot tell a dead worker from a busy one) and the broker
itself for how many trials wait in each queue. A source that cannot be read is reported as an error with its
numbers left null, never as zeros, so the answer is always true and the endpoint always answers.

The queue names come from the caller (the API passes `flowml.cluster.queues.ALL_QUEUES`): `cluster` builds on
`services`, never the other way round (ARCHITECTURE.md section 1).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis
from kombu.transport.redis import PRIORITY_STEPS, Channel
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlmodel import col, func, select

from flowml.db.tables import Worker
from flowml.events.redis_bus import RedisBus
from flowml.services import workers
from flowml.services.context import AppContext

Mode = Literal["embedded", "cluster"]
EventBusKind = Literal["in-process", "redis"]

# An unreachable broker must make this endpoint answer "error: ..." promptly, not hang it: one connect attempt and
# one command, each bounded, no retries (redis-py retries three times by default).
BROKER_SOCKET_TIMEOUT_SECONDS = 1.0
# The socket timeouts do not bound a slow DNS lookup; this bounds the whole broker probe.
BROKER_PROBE_DEADLINE_SECONDS = 2.0
DATABASE_PROBE_DEADLINE_SECONDS = 5.0
NOT_CONFIGURED = "not configured"
REDIS_SCHEMES = ("redis", "rediss")
MAX_ERROR_LENGTH = 300
MEMBER_ERROR = "error: it could not be read (an admin sees why)"


@dataclass(frozen=True)
class BrokerStatus:
    url: str | None  # without its password
    status: str  # "ok", "error: ..." or "not configured"


@dataclass(frozen=True)
class DatabaseStatus:
    kind: str  # the SQLAlchemy dialect: sqlite or postgresql
    status: str  # "ok" or "error: ..."


@dataclass(frozen=True)
class QueueStatus:
    name: str
    consumers: int | None  # live remote workers consuming it; None when the database could not be read
    slots: int | None  # their summed concurrency
    backlog: int | None  # messages waiting in the broker; None when the broker was not read


@dataclass(frozen=True)
class WorkerCounts:
    online: int | None
    offline: int | None


@dataclass(frozen=True)
class LocalPool:
    processes: int
    trials_on_master: bool


@dataclass(frozen=True)
class ClusterStatus:
    mode: Mode
    broker: BrokerStatus
    database: DatabaseStatus
    event_bus: EventBusKind
    queues: list[QueueStatus]
    workers: WorkerCounts
    local_pool: LocalPool


@dataclass(frozen=True)
class _Registry:
    """What SQL says about remote workers: queue -> (consumers, slots), and how many are online and offline."""

    consumers: dict[str, tuple[int, int]]
    online: int
    offline: int


async def cluster_status(ctx: AppContext, queue_names: Sequence[str], *, admin: bool) -> ClusterStatus:
    """The cluster now, with one entry per queue in `queue_names` (in that order); trimmed for members."""
    status = await _cluster_status(ctx, queue_names)
    return status if admin else member_view(status)


def member_view(status: ClusterStatus) -> ClusterStatus:
    """What members see: no broker address and no error details, since both may name hosts (ARCHITECTURE.md 12)."""
    return replace(
        status,
        broker=BrokerStatus(url=None, status=_without_details(status.broker.status)),
        database=replace(status.database, status=_without_details(status.database.status)),
    )


def _without_details(status: str) -> str:
    return MEMBER_ERROR if status.startswith("error") else status


async def _cluster_status(ctx: AppContext, queue_names: Sequence[str]) -> ClusterStatus:
    settings = ctx.settings
    broker_url = settings.CELERY_BROKER_URL
    (database, registry), (broker, backlog) = await asyncio.gather(
        _read_database(ctx), _read_broker(broker_url, queue_names)
    )
    return ClusterStatus(
        mode="cluster" if broker_url else "embedded",
        broker=broker,
        database=database,
        event_bus="redis" if isinstance(ctx.bus, RedisBus) else "in-process",
        queues=[_queue_status(name, registry, backlog) for name in queue_names],
        workers=WorkerCounts(online=None, offline=None)
        if registry is None
        else WorkerCounts(online=registry.online, offline=registry.offline),
        local_pool=LocalPool(
            processes=ctx.pool.size if ctx.pool is not None else 0,
            # Embedded mode has nowhere else to run trials; in a cluster TRIALS_ON_MASTER decides.
            trials_on_master=ctx.pool is not None and (not broker_url or settings.TRIALS_ON_MASTER),
        ),
    )


def _queue_status(name: str, registry: _Registry | None, backlog: dict[str, int] | None) -> QueueStatus:
    consumers, slots = (None, None) if registry is None else registry.consumers.get(name, (0, 0))
    return QueueStatus(name=name, consumers=consumers, slots=slots, backlog=None if backlog is None else backlog[name])


# ---------------------------------------------------------------------------------------------------- database


async def _read_database(ctx: AppContext) -> tuple[DatabaseStatus, _Registry | None]:
    kind = ctx.engine.dialect.name
    try:
        registry = await asyncio.wait_for(_read_registry(ctx), DATABASE_PROBE_DEADLINE_SECONDS)
    except TimeoutError:
        return DatabaseStatus(kind=kind, status=_no_answer(DATABASE_PROBE_DEADLINE_SECONDS)), None
    except Exception as exc:  # reported to the user, who needs the reason more than a 500
        return DatabaseStatus(kind=kind, status=_error(exc)), None
    return DatabaseStatus(kind=kind, status="ok"), registry


async def _read_registry(ctx: AppContext) -> _Registry:
    # The local pool takes trials from the driver directly, never from a broker queue: it is `local_pool`, not a
    # consumer, just as the driver's routing counts only remote workers (services.workers.live_queues).
    live = [worker for worker in await workers.live_workers(ctx) if worker.kind == workers.REMOTE]
    async with ctx.sessions() as session:
        total = (await session.exec(select(func.count()).where(col(Worker.kind) == workers.REMOTE))).one()
    consumers: dict[str, tuple[int, int]] = {}
    for worker in live:
        for queue in worker.queues:
            count, slots = consumers.get(queue, (0, 0))
            consumers[queue] = (count + 1, slots + worker.concurrency)
    # Counted in two reads, so a worker registering in between could make total < online for an instant.
    return _Registry(consumers=consumers, online=len(live), offline=max(0, total - len(live)))


# ---------------------------------------------------------------------------------------------------- broker


async def _read_broker(url: str | None, queue_names: Sequence[str]) -> tuple[BrokerStatus, dict[str, int] | None]:
    if not url:
        return BrokerStatus(url=None, status=NOT_CONFIGURED), None
    shown = redact_url(url)
    scheme = urlsplit(url).scheme
    if scheme not in REDIS_SCHEMES:
        # The cluster's visibility timeout and cancel flags are Redis features (cluster/celery_app.py), so a
        # broker of another kind is a configuration error, not something to report zeros for.
        message = f"error: cannot read a '{scheme}' broker; FlowML's cluster uses Redis (redis:// or rediss://)"
        return BrokerStatus(url=shown, status=message), None
    try:
        backlog = await asyncio.wait_for(redis_backlog(url, queue_names), BROKER_PROBE_DEADLINE_SECONDS)
    except TimeoutError:
        return BrokerStatus(url=shown, status=_no_answer(BROKER_PROBE_DEADLINE_SECONDS)), None
    except Exception as exc:  # redis errors, DNS failures, bad URLs: all say why the broker cannot be read
        return BrokerStatus(url=shown, status=_error(exc)), None
    return BrokerStatus(url=shown, status="ok"), backlog


def priority_keys(queue: str) -> list[str]:
    """The Redis lists kombu keeps one queue in: the queue's own name for priority 0 (Celery's default) and
    `<queue>\\x06\\x16<step>` for each other priority step (kombu.transport.redis.Channel._q_for_pri)."""
    return [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]


async def redis_backlog(url: str, queue_names: Sequence[str]) -> dict[str, int]:
    """Messages waiting in each queue: the summed LLEN of its priority lists, in one round trip.

    Reserved-but-unacknowledged messages are not counted: kombu moves them to its `unacked` hash, and they are
    running (or about to be redelivered), not waiting.
    """
    client = aioredis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_SOCKET_TIMEOUT_SECONDS,
        socket_timeout=BROKER_SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        async with client.pipeline(transaction=False) as pipe:
            for queue in queue_names:
                for key in priority_keys(queue):
                    pipe.llen(key)
            sizes: list[int] = await pipe.execute()
    finally:
        await client.aclose()
    steps = len(PRIORITY_STEPS)
    return {queue: sum(sizes[i * steps : (i + 1) * steps]) for i, queue in enumerate(queue_names)}


def redact_url(url: str) -> str:
    """The URL with any password (in the user part or a `password=` query parameter) replaced by `***`.

    A user part without a colon is masked whole: some clients read `redis://secret@host` as a password.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    userinfo, at, host = netloc.rpartition("@")
    if at:
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if colon else f"***@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(key, "***" if key.lower() == "password" else value) for key, value in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"error: {text}"[:MAX_ERROR_LENGTH]


def _no_answer(seconds: float) -> str:
    return f"error: no answer within {seconds:g} s"
