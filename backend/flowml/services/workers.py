"""The worker registry on the master: join tokens, registration, heartbeats, and which workers and queues are live.

SQL is the record (ARCHITECTURE.md section 2): a remote worker is live while its row says online and its last
heartbeat is younger than WORKER_TTL_SECONDS, because Celery's `inspect` cannot tell a dead worker from a busy one.
Every function takes a JoinToken already checked by `verify_token`; the API checks it once per request.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from loguru import logger
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from flowml.cluster.queues import ALL_QUEUES, is_plugin_queue
from flowml.core.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from flowml.core.settings import Settings
from flowml.db.tables import JoinToken, Trial, Worker, WorkerKind, WorkerPresence, WorkerPublic
from flowml.db.types import utcnow
from flowml.events.schemas import EventType, WorkerData
from flowml.services import worker_credentials
from flowml.services.context import AppContext
from flowml.services.inputs import is_id, json_storable, storable_text

# The queue names workers may consume: one list, the one the router and the worker CLI use.
KNOWN_QUEUES = frozenset(ALL_QUEUES)
TOKEN_PREFIX = "fmw_"  # so a user (or a secret scanner) recognizes a FlowML worker token on sight
MAX_NAME_LENGTH = 255
MAX_VERSION_LENGTH = 64
MAX_CONCURRENCY = 256
REMOTE, ONLINE, OFFLINE = WorkerKind.REMOTE, WorkerPresence.ONLINE, WorkerPresence.OFFLINE
# Recording every use would cost one write per heartbeat per worker; the dashboard needs minutes, not seconds.
LAST_USED_RESOLUTION = timedelta(seconds=60)

NO_BROKER = "this master runs without a broker; set CELERY_BROKER_URL (for example redis://host:6379/0) and restart it"
UNKNOWN_WORKER = "unknown worker; register again"
MISSING_TOKEN = "missing join token: send `Authorization: Bearer <token>` (create one with `flowml token create`)"
UNKNOWN_TOKEN = "unknown join token: check it was copied whole, or create one with `flowml token create`"


@dataclass(frozen=True)
class WorkerState:
    """A worker as the dashboard sees it: the row, whether it is live now, and the trials it is running."""

    worker: Worker
    live: bool
    heartbeat_age_seconds: float
    current_trials: list[Trial]


# ---------------------------------------------------------------------------------------------------- join tokens


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(ctx: AppContext, name: str) -> tuple[JoinToken, str]:
    """A new join token and its secret. The secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = JoinToken(name=_check_text(name, "token name", MAX_NAME_LENGTH), token_hash=hash_secret(secret))
    async with ctx.sessions() as session:
        session.add(token)
        await session.commit()
        await session.refresh(token)
    return token, secret


async def list_tokens(ctx: AppContext) -> list[JoinToken]:
    async with ctx.sessions() as session:
        return list((await session.exec(select(JoinToken).order_by(col(JoinToken.created_at)))).all())


async def revoke_token(ctx: AppContext, token_id: str) -> JoinToken:
    """Revoke a token (idempotent) and take its workers offline now rather than at the next sweep."""
    async with ctx.sessions() as session:
        token = await session.get(JoinToken, token_id) if is_id(token_id) else None
        if token is None:
            raise NotFoundError(f"join token {token_id} not found")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            session.add(token)
        workers = (await session.exec(select(Worker).where(Worker.token_id == token_id, Worker.status == ONLINE))).all()
        for worker in workers:
            worker.status = OFFLINE
            session.add(worker)
        await session.commit()
        every = (await session.exec(select(Worker).where(Worker.token_id == token_id))).all()
    # Its workers' Redis users go too (their open connections with them), offline ones' included.
    await worker_credentials.withdraw(ctx, list(every), forget=True)
    for worker in workers:
        await _emit(ctx, EventType.WORKER_DISCONNECTED, worker, reason="join token revoked")
    return token


async def verify_token(ctx: AppContext, secret: str | None) -> JoinToken:
    """The live token whose secret this is, or a 401 saying why not.

    Timing-safe by construction: the lookup compares SHA-256 digests, so how long it takes says nothing useful
    about the secret itself.
    """
    if not secret:
        raise AuthenticationError(MISSING_TOKEN)
    async with ctx.sessions() as session:
        token = (await session.exec(select(JoinToken).where(JoinToken.token_hash == hash_secret(secret)))).first()
        if token is None:
            raise AuthenticationError(UNKNOWN_TOKEN)
        if token.revoked_at is not None:
            raise AuthenticationError(
                f"join token '{token.name}' was revoked at {token.revoked_at:%Y-%m-%d %H:%M} UTC; "
                "create a new one with `flowml token create` and restart the worker with it"
            )
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            token.last_used_at = now
            session.add(token)
            await session.commit()
    return token


def worker_command(master_url: str, secret: str) -> str:
    """The exact line a user copies onto a worker machine."""
    return f"flowml worker --master {shlex.quote(master_url.rstrip('/'))} --token {shlex.quote(secret)}"


# ---------------------------------------------------------------------------------------------------- workers


def broker_settings(settings: Settings) -> dict[str, Any]:
    """What every worker needs to start consuming besides its URLs (worker_credentials.issue): the same values the
    master's Celery app uses (ARCHITECTURE.md 5)."""
    if not settings.CELERY_BROKER_URL:
        raise ConflictError(NO_BROKER)
    return {
        "visibility_timeout": settings.visibility_timeout,
        "heartbeat_seconds": settings.heartbeat_seconds,
        "ttl_seconds": settings.WORKER_TTL_SECONDS,
    }


async def register_worker(
    ctx: AppContext,
    token: JoinToken,
    *,
    name: str,
    hostname: str,
    capabilities: dict[str, Any],
    queues: list[str],
    concurrency: int,
    version: str | None,
) -> Worker:
    """Create or refresh the worker's row (by name, so a restarted worker keeps its id) and announce it."""
    broker_settings(ctx.settings)  # a worker that cannot reach a broker would register and then sit idle
    values: dict[str, Any] = {
        "hostname": _check_text(hostname, "hostname", MAX_NAME_LENGTH),
        "capabilities": json_storable(capabilities, "capabilities"),
        "queues": _check_queues(queues),
        "concurrency": _check_concurrency(concurrency),
        "version": _check_text(version, "version", MAX_VERSION_LENGTH) if version is not None else None,
        "token_id": token.id,
    }
    name = _check_text(name, "worker name", MAX_NAME_LENGTH)
    try:
        worker = await _upsert_remote(ctx, name, values)
    except IntegrityError:  # a concurrent registration under this name inserted first: update that row instead
        worker = await _upsert_remote(ctx, name, values)
    await _emit(ctx, EventType.WORKER_CONNECTED, worker)
    return worker


async def heartbeat(
    ctx: AppContext,
    token: JoinToken,
    worker_id: str,
    *,
    current_trials: list[dict[str, Any]] | None,
    ram_available_gb: float | None,
) -> Worker:
    """Record that the worker is alive; one that was marked offline comes back online (and is announced)."""
    async with ctx.sessions() as session:
        worker = await _owned_worker(session, token, worker_id)
        came_back = worker.status != ONLINE
        worker.status, worker.last_heartbeat = ONLINE, utcnow()
        report = {"current_trials": current_trials or [], "ram_available_gb": ram_available_gb}
        worker.last_report = json_storable(report, "heartbeat")
        session.add(worker)
        await session.commit()
        await session.refresh(worker)
    await worker_credentials.restore(ctx, worker)  # after a Redis restart, or back from the offline sweep
    if came_back:
        await _emit(ctx, EventType.WORKER_CONNECTED, worker)
    return worker


async def deregister(ctx: AppContext, token: JoinToken, worker_id: str) -> Worker:
    """A worker shutting down cleanly says so, instead of leaving the master to wait out the TTL."""
    async with ctx.sessions() as session:
        worker = await _owned_worker(session, token, worker_id)
        was_online = worker.status == ONLINE
        worker.status = OFFLINE
        session.add(worker)
        await session.commit()
        await session.refresh(worker)
    await worker_credentials.withdraw(ctx, [worker], forget=True)
    if was_online:
        await _emit(ctx, EventType.WORKER_DISCONNECTED, worker, reason="deregistered")
    return worker


async def sweep_offline(ctx: AppContext) -> list[str]:
    """Mark remote workers silent for longer than the TTL offline; returns their ids.

    Each row flips with a conditional UPDATE, so with several API processes sweeping, or a heartbeat landing
    meanwhile, each disappearance is announced once and a live worker is never marked offline.
    """
    ttl = ctx.settings.WORKER_TTL_SECONDS
    cutoff = utcnow() - timedelta(seconds=ttl)
    stale = (col(Worker.kind) == REMOTE, col(Worker.status) == ONLINE, col(Worker.last_heartbeat) < cutoff)
    gone: list[Worker] = []
    async with ctx.sessions() as session:
        for worker in (await session.exec(select(Worker).where(*stale))).all():
            flipped = await session.exec(
                update(Worker).where(col(Worker.id) == worker.id, *stale).values(status=OFFLINE)
            )
            if flipped.rowcount:
                gone.append(worker)
        await session.commit()
        # The Redis users of offline workers: those just gone, and any whose deletion failed before.
        holding = (col(Worker.status) == OFFLINE, col(Worker.redis_user).is_not(None))
        pending = (await session.exec(select(Worker).where(*holding))).all()
    await worker_credentials.withdraw(ctx, list(pending), forget=False)
    for worker in gone:
        worker.status = OFFLINE
        await _emit(ctx, EventType.WORKER_DISCONNECTED, worker, reason=f"no heartbeat for {ttl} s")
    return [worker.id for worker in gone]


async def sweep_forever(ctx: AppContext) -> None:
    """The API's background sweep, every max(1, TTL / 3) seconds; an error is logged and the next round runs."""
    await worker_credentials.report_mode(ctx)
    while True:
        try:
            await sweep_offline(ctx)
        except Exception:
            logger.exception("worker sweep failed; retrying in {} s", ctx.settings.heartbeat_seconds)
        await asyncio.sleep(ctx.settings.heartbeat_seconds)


def is_live(worker: Worker, now: datetime, ttl_seconds: int) -> bool:
    """Remote workers must have reported within the TTL. The local pool sends no heartbeats: its row is online
    exactly while the API process that owns it runs."""
    if worker.status != ONLINE:
        return False
    return worker.kind != REMOTE or now - worker.last_heartbeat <= timedelta(seconds=ttl_seconds)


async def live_workers(ctx: AppContext) -> list[Worker]:
    now, ttl = utcnow(), ctx.settings.WORKER_TTL_SECONDS
    async with ctx.sessions() as session:
        online = (await session.exec(select(Worker).where(Worker.status == ONLINE).order_by(col(Worker.name)))).all()
    return [worker for worker in online if is_live(worker, now, ttl)]


async def live_queues(ctx: AppContext) -> dict[str, int]:
    """Queue -> trials the live remote workers consuming it can run at once; the job driver routes by this."""
    capacity: dict[str, int] = {}
    for worker in await live_workers(ctx):
        if worker.kind == REMOTE:
            for queue in worker.queues:
                capacity[queue] = capacity.get(queue, 0) + worker.concurrency
    return capacity


async def list_workers(ctx: AppContext) -> list[WorkerState]:
    """Every worker with its live status now and the running trials assigned to it (by worker name)."""
    now, ttl = utcnow(), ctx.settings.WORKER_TTL_SECONDS
    async with ctx.sessions() as session:
        workers = (await session.exec(select(Worker).order_by(col(Worker.kind), col(Worker.name)))).all()
        running = (await session.exec(select(Trial).where(Trial.status == "running"))).all()
    by_worker: dict[str, list[Trial]] = {}
    for trial in running:
        by_worker.setdefault(trial.worker, []).append(trial)
    return [
        WorkerState(
            worker=worker,
            live=is_live(worker, now, ttl),
            heartbeat_age_seconds=max(0.0, (now - worker.last_heartbeat).total_seconds()),
            current_trials=by_worker.get(worker.name, []),
        )
        for worker in workers
    ]


# ---------------------------------------------------------------------------------------------------- helpers


async def _upsert_remote(ctx: AppContext, name: str, values: dict[str, Any]) -> Worker:
    async with ctx.sessions() as session:
        worker = (await session.exec(select(Worker).where(Worker.name == name))).first()
        if worker is None:
            worker = Worker(name=name, kind=REMOTE, **values)
        elif worker.kind != REMOTE:
            raise ConflictError(
                f"the name '{name}' belongs to the master's {worker.kind} worker; start this worker with another --name"
            )
        else:
            await _refuse_takeover(session, worker, values["token_id"], ctx.settings.WORKER_TTL_SECONDS)
            for key, value in values.items():
                setattr(worker, key, value)
        worker.status, worker.last_heartbeat, worker.last_report = ONLINE, utcnow(), None
        session.add(worker)
        await session.commit()
        await session.refresh(worker)
    return worker


async def _refuse_takeover(session: AsyncSession, worker: Worker, token_id: str, ttl_seconds: int) -> None:
    """A live worker keeps its name: registering it with another join token would take over its row, and the real
    worker, refused at its next heartbeat, would shut down. The name is free once that worker is offline (no
    heartbeat within WORKER_TTL_SECONDS) or its token is revoked; the same token registering again is a restart."""
    if worker.token_id == token_id or worker.token_id is None or not is_live(worker, utcnow(), ttl_seconds):
        return
    holder = await session.get(JoinToken, worker.token_id)
    if holder is None or holder.revoked_at is not None:
        return
    raise ConflictError(
        f"the name '{worker.name}' is in use by a live worker registered with another join token; start this "
        f"worker with another --name (the name is free again {ttl_seconds} s after that worker stops)"
    )


async def _owned_worker(session: AsyncSession, token: JoinToken, worker_id: str) -> Worker:
    """The remote worker with this id, registered with this token; 404 tells the worker to register again."""
    worker = await session.get(Worker, worker_id) if is_id(worker_id) else None
    if worker is None or worker.kind != REMOTE:
        raise NotFoundError(UNKNOWN_WORKER)
    if worker.token_id != token.id:
        raise AuthenticationError(
            f"worker '{worker.name}' was registered with another join token; restart it with that token "
            "or register it again with this one"
        )
    return worker


async def _emit(ctx: AppContext, type_: EventType, worker: Worker, *, reason: str | None = None) -> None:
    await ctx.events.emit(type_, None, WorkerData(worker=WorkerPublic.model_validate(worker), reason=reason))


def _check_text(value: str, what: str, max_length: int) -> str:
    value = storable_text(value.strip(), what)
    if not 1 <= len(value) <= max_length:
        raise InvalidInputError(f"{what} must be 1 to {max_length} characters, got {len(value)}")
    return value


def _check_queues(queues: list[str]) -> list[str]:
    if not queues:
        raise InvalidInputError(f"a worker must consume at least one queue; known queues: {_known()}")
    unknown = sorted({queue for queue in queues if queue not in KNOWN_QUEUES and not is_plugin_queue(queue)})
    if unknown:
        raise InvalidInputError(f"unknown queue(s) {', '.join(unknown)}; known queues: {_known()}")
    return list(dict.fromkeys(queues))  # drop repeats, keep the worker's order


def _check_concurrency(concurrency: int) -> int:
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InvalidInputError(f"concurrency must be 1 to {MAX_CONCURRENCY}, got {concurrency}")
    return concurrency


def _known() -> str:
    return ", ".join(sorted(KNOWN_QUEUES)) + ", plugin:<distribution>@<version>"
