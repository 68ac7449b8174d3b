"""What a remote worker gets to reach Redis, and when it loses it (cluster/redis_acl.py has the rules).

State in SQL, on the worker's row: `redis_password_sha256` says the worker was issued a Redis user of its own (and
lets the master create it again); `redis_user` says such a user may exist in Redis now, so an offline worker's is
deleted, by the sweep if need be (again after a failure). Revoking the worker's token or its deregistration
forgets both; the offline sweep deletes the user but keeps the password's hash, and the next heartbeat (which needs
a valid token) creates the user again.

A Redis without ACLs (before 6.0), or a master credential that may not manage them, leaves workers with the
master's own URLs, as before: the master warns at start (`report_mode`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from loguru import logger
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlmodel import col, update

from flowml.cluster.celery_app import node_name
from flowml.cluster.redis_acl import AclUnsupported, RedisAcl, UnackedKeys, WorkerScope, broker_db, worker_url
from flowml.cluster.signing import worker_event_key
from flowml.core.settings import Settings, redis_target
from flowml.db.tables import Worker
from flowml.services.context import AppContext

FALLBACK_WARNING = (
    "workers receive the master's own Redis URLs, password included (see CLUSTER_SETUP.md, Security): any join "
    "token then gives the whole Redis"
)


@dataclass(frozen=True)
class WorkerCredentials:
    """The URLs and keys one worker receives at registration."""

    broker_url: str
    result_backend: str | None
    events_url: str | None
    redis_user: str | None  # None: the URLs carry the master's own credential
    event_key: str
    broker_transport_options: dict[str, str] = field(default_factory=dict)


async def issue(ctx: AppContext, worker: Worker) -> WorkerCredentials:
    """A fresh Redis user and password for a registering worker; the master's URLs when Redis has no ACLs."""
    settings = ctx.settings
    assert settings.CELERY_BROKER_URL is not None  # registration refuses a master without a broker
    if redis_target("", settings.CELERY_BROKER_URL) is None:  # another broker: no users of ours to make
        return _credentials(ctx, worker, None, None)
    password = secrets.token_hex(32)
    digest = hashlib.sha256(password.encode()).hexdigest()
    scope = _scope(settings, worker)
    try:
        async with _acl(settings) as acl:
            await acl.put_user(scope, digest)
    except AclUnsupported as exc:
        logger.warning("worker {}: Redis cannot hold a user of its own ({}); {}", worker.name, exc, FALLBACK_WARNING)
        await _set_user(ctx, worker.id, user=None, digest=None)
        return _credentials(ctx, worker, None, None)
    except (RedisConnectionError, RedisTimeoutError) as exc:  # its Celery retries until the heartbeat creates it
        logger.warning("worker {}: Redis unreachable ({}); its Redis user follows at a heartbeat", worker.name, exc)
    await _set_user(ctx, worker.id, user=scope.username, digest=digest)
    return _credentials(ctx, worker, scope.username, password)


async def restore(ctx: AppContext, worker: Worker) -> None:
    """At a heartbeat: create the worker's user again if Redis lost it (a restart) or the sweep removed it."""
    if worker.redis_password_sha256 is None:
        return
    try:
        async with _acl(ctx.settings) as acl:
            created = await acl.ensure_user(_scope(ctx.settings, worker), worker.redis_password_sha256)
    except (AclUnsupported, RedisError) as exc:
        logger.debug("worker {}: cannot check its Redis user now: {}", worker.name, exc)
        return
    if created:
        logger.info("worker {}: its Redis user was missing and is created again", worker.name)
    if worker.redis_user is None:
        await _set_user(ctx, worker.id, user=_scope(ctx.settings, worker).username, digest=worker.redis_password_sha256)


async def withdraw(ctx: AppContext, workers: list[Worker], *, forget: bool) -> None:
    """Delete these workers' Redis users (closing their connections). `forget`: the password is dead for good
    (token revoked, worker deregistered); else (offline sweep) a heartbeat may bring the user back."""
    for worker in workers:
        digest = None if forget else worker.redis_password_sha256
        if worker.redis_user is not None:
            try:
                async with _acl(ctx.settings) as acl:
                    await acl.delete_user(worker.id)
            except (AclUnsupported, RedisError) as exc:
                # redis_user stays set, so the offline sweep tries again each round until Redis answers.
                logger.warning("worker {}: could not delete its Redis user yet ({}); retrying", worker.name, exc)
                await _set_user(ctx, worker.id, user=worker.redis_user, digest=digest)
                continue
        elif digest == worker.redis_password_sha256:
            continue  # nothing in Redis, nothing to forget
        await _set_user(ctx, worker.id, user=None, digest=digest)


async def report_mode(ctx: AppContext) -> None:
    """Say at start whether workers get Redis users of their own, and warn when they cannot."""
    if not ctx.settings.CELERY_BROKER_URL:
        return
    try:
        async with _acl(ctx.settings) as acl:
            await acl.probe()
    except AclUnsupported as exc:
        logger.warning("Redis cannot hold per-worker users ({}): {}", exc, FALLBACK_WARNING)
    except RedisError as exc:
        logger.warning("could not check Redis for ACL support ({}); registration tries again", exc)
    else:
        logger.info("each remote worker gets a Redis user of its own (ACL), deleted when its token is revoked")


def _credentials(ctx: AppContext, worker: Worker, user: str | None, password: str | None) -> WorkerCredentials:
    settings = ctx.settings
    assert settings.CELERY_BROKER_URL is not None

    def own(url: str | None) -> str | None:
        return url if url is None or user is None or password is None else worker_url(url, user, password)

    broker = own(settings.CELERY_BROKER_URL)
    assert broker is not None
    return WorkerCredentials(
        broker_url=broker,
        result_backend=own(settings.result_backend),
        events_url=own(settings.REDIS_URL),
        redis_user=user,
        event_key=worker_event_key(ctx.signing_key, worker.id, worker.name),
        broker_transport_options=UnackedKeys.of(worker.id).transport_options(),
    )


def _scope(settings: Settings, worker: Worker) -> WorkerScope:
    assert settings.CELERY_BROKER_URL is not None
    return WorkerScope(
        worker_id=worker.id,
        queues=tuple(worker.queues),
        node_name=node_name(worker.name, worker.hostname),
        broker_db=broker_db(settings.CELERY_BROKER_URL),
    )


@asynccontextmanager
async def _acl(settings: Settings) -> AsyncIterator[RedisAcl]:
    acl = RedisAcl(_redis_urls(settings))
    try:
        yield acl
    finally:
        await acl.close()


def _redis_urls(settings: Settings) -> Iterator[str]:
    """The master's Redis URLs (an AMQP broker has no ACL users of ours), each with the admin credential."""
    for url in (settings.CELERY_BROKER_URL, settings.result_backend, settings.REDIS_URL):
        if url and redis_target("", url) is not None:
            yield url


async def _set_user(ctx: AppContext, worker_id: str, *, user: str | None, digest: str | None) -> None:
    async with ctx.sessions() as session:
        await session.exec(
            update(Worker).where(col(Worker.id) == worker_id).values(redis_user=user, redis_password_sha256=digest)
        )
        await session.commit()
