"""The cluster at a glance: mode, broker, database, event bus, each queue's consumers and backlog, the local pool."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from flowml.api.auth import CurrentUser
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import signed_in
from flowml.cluster.executor import ClusterExecutor
from flowml.cluster.queues import ALL_QUEUES, plugin_queue
from flowml.engine.plugins import plugin_report
from flowml.services import users
from flowml.services.cluster_status import cluster_status

router = APIRouter(prefix="/api/cluster", tags=["cluster"], responses=signed_in())


class _FromService(BaseModel):
    # The service answers with dataclasses; their attributes are read as the fields.
    model_config = ConfigDict(from_attributes=True)


class BrokerInfo(_FromService):
    url: str | None = Field(
        description="CELERY_BROKER_URL with its password replaced by ***; null without one, and for members "
        "(it names the broker's host)"
    )
    status: str = Field(
        description='"ok" when the broker answered, "error: <why>" when it did not (within about 2 s), '
        'or "not configured" in embedded mode. Members see errors without the why (it may name hosts)'
    )


class DatabaseInfo(_FromService):
    kind: Literal["sqlite", "postgresql"] = Field(description="Which database DATABASE_URL points at")
    status: str = Field(
        description='"ok", or "error: <why>" when the worker registry could not be read (members: without the why)'
    )


class QueueInfo(_FromService):
    name: str = Field(description="The Celery queue: cpu, gpu, gpu.vram6/8/12/24, llm or priority")
    consumers: int | None = Field(
        description="Live remote workers consuming it (heartbeat within WORKER_TTL_SECONDS); "
        "null when the database could not be read"
    )
    slots: int | None = Field(description="Their summed concurrency: trials the queue's consumers run at once")
    backlog: int | None = Field(
        description="Trials waiting in the broker for a consumer (all priority levels); "
        "null when the broker is not configured or could not be read"
    )


class WorkerCountsInfo(_FromService):
    online: int | None = Field(description="Remote workers (flowml worker) with a heartbeat within the TTL")
    offline: int | None = Field(description="Remote workers that left or stopped sending heartbeats")


class LocalPoolInfo(_FromService):
    processes: int = Field(description="Processes of the master's own pool (LOCAL_WORKERS); 0 in an API-only process")
    trials_on_master: bool = Field(
        description="Whether the master's pool runs trials while remote workers are live (TRIALS_ON_MASTER; always "
        "true in embedded mode). It runs every final fit regardless, and every trial when no worker is live"
    )


class DispatchInfo(BaseModel):
    samples: int = Field(description="Remote trials measured (the most recent ones, at most 1000)")
    p50_ms: float | None = Field(description="Median milliseconds from sending a trial to a worker starting it")
    p99_ms: float | None = Field(description="99th percentile of the same")
    pickup_seconds: list[float] = Field(description="Each measured trial's pickup time, oldest first")


class ClusterInfo(_FromService):
    # dispatch is always in the answer (null in embedded mode), so the schema marks it required.
    model_config = ConfigDict(from_attributes=True, json_schema_serialization_defaults_required=True)

    mode: Literal["embedded", "cluster"] = Field(description="cluster when CELERY_BROKER_URL is set")
    broker: BrokerInfo
    database: DatabaseInfo
    event_bus: Literal["in-process", "redis"] = Field(
        description="How events reach WebSockets: redis when REDIS_URL is set (several API processes share them)"
    )
    queues: list[QueueInfo] = Field(description="Every queue FlowML routes to, in routing order")
    workers: WorkerCountsInfo
    local_pool: LocalPoolInfo
    dispatch: DispatchInfo | None = Field(
        default=None, description="Pickup latency of trials sent to workers by this process; null in embedded mode"
    )


@router.get("", response_model=ClusterInfo)
async def get_cluster(ctx: CtxDep, user: CurrentUser) -> ClusterInfo:
    """Where trials can run now and how many wait: the first thing to check when a worker seems unused. Members
    see it without the broker's address and error details."""
    # The queues of this server's plugins too: their trials wait there for a worker with the same version.
    plugins = [plugin_queue(package, version) for package, version in plugin_report().packages().items()]
    info = ClusterInfo.model_validate(await cluster_status(ctx, [*ALL_QUEUES, *plugins], admin=users.is_admin(user)))
    if isinstance(ctx.executor, ClusterExecutor):
        info.dispatch = _dispatch(list(ctx.executor.dispatch.pickup_seconds))
    return info


def _dispatch(seconds: list[float]) -> DispatchInfo:
    ordered = sorted(seconds)

    def quantile(q: float) -> float | None:
        return 1000 * ordered[round(q * (len(ordered) - 1))] if ordered else None

    return DispatchInfo(samples=len(seconds), p50_ms=quantile(0.5), p99_ms=quantile(0.99), pickup_seconds=seconds)
