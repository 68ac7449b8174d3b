"""Remote workers: join with a token, heartbeat, leave; list workers; manage join tokens."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from flowml.api.auth import AdminUser, CurrentUser
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses
from flowml.db.tables import JoinToken, JoinTokenPublic, Trial
from flowml.db.types import RESPONSE_CONFIG
from flowml.services import worker_credentials, worker_views, workers
from flowml.services.worker_views import WorkerView
from flowml.services.workers import MAX_CONCURRENCY, MAX_NAME_LENGTH

router = APIRouter(prefix="/api/workers", tags=["workers"])

_bearer = HTTPBearer(
    auto_error=False, scheme_name="JoinToken", description="A join token, as printed by `flowml token create`"
)


async def _join_token(
    ctx: CtxDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> JoinToken:
    return await workers.verify_token(ctx, credentials.credentials if credentials else None)


TokenDep = Annotated[JoinToken, Depends(_join_token)]


class RegisterRequest(BaseModel):
    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description="The worker's name, unique among workers; registering again under it keeps the worker's id",
    )
    hostname: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, description="The machine's host name")
    capabilities: dict[str, Any] = Field(
        default_factory=dict, description="What the capability probe found: CPUs, RAM, GPUs and their VRAM, ..."
    )
    queues: list[str] = Field(
        min_length=1,
        description=f"Queues it consumes, among: {', '.join(sorted(workers.KNOWN_QUEUES))}, and one "
        "plugin:<distribution>@<version> per plugin distribution it loaded",
    )
    concurrency: int = Field(default=1, ge=1, le=MAX_CONCURRENCY, description="Trials it runs at once")
    version: str | None = Field(default=None, max_length=64, description="The worker's flowml version")


class BrokerSettings(BaseModel):
    broker_url: str = Field(description="Celery broker URL the worker consumes from")
    result_backend: str | None = Field(description="Celery result backend (defaults to the broker)")
    visibility_timeout: int = Field(description="Redis visibility timeout in seconds; set alike on every worker")
    heartbeat_seconds: float = Field(description="How often to call /api/workers/heartbeat")
    ttl_seconds: int = Field(description="A worker silent for this long is marked offline")
    events_url: str | None = Field(
        default=None, description="Redis URL for live events (REDIS_URL): the worker announces trials it starts"
    )


class RegisterResponse(BrokerSettings):
    model_config = RESPONSE_CONFIG

    worker_id: str = Field(description="Send it with every heartbeat")
    redis_user: str | None = Field(
        description="The worker's own Redis user, named in the URLs above; null: this master's Redis has no ACLs, "
        "and the URLs carry the master's own credential"
    )
    broker_transport_options: dict[str, str] = Field(
        description="kombu keys of this worker's own (its unacknowledged messages); add them to the broker options"
    )
    event_key: str = Field(description="Signs the events the worker publishes to Redis (HMAC-SHA256, hex)")


class HeartbeatRequest(BaseModel):
    worker_id: str = Field(description="The id /api/workers/register returned")
    current_trials: list[dict[str, Any]] | None = Field(default=None, description="Trials the worker is running")
    ram_available_gb: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Free memory on the worker"
    )


class HeartbeatResponse(BaseModel):
    model_config = RESPONSE_CONFIG

    status: Literal["ok"] = "ok"
    worker_id: str
    heartbeat_seconds: float = Field(description="How often to call /api/workers/heartbeat")
    ttl_seconds: int = Field(description="A worker silent for this long is marked offline")


class DeregisterRequest(BaseModel):
    worker_id: str = Field(description="The id /api/workers/register returned")


class DeregisterResponse(BaseModel):
    model_config = RESPONSE_CONFIG

    worker_id: str
    status: Literal["offline"] = "offline"


class RunningTrial(BaseModel):
    id: str
    job_id: str
    trial_number: int
    algorithm: str
    started_at: datetime


class WorkerStatus(BaseModel):
    """A worker as the caller may see it: admins see every field; members see null for `hostname`, only the
    hardware in `capabilities` and only their own jobs' trials (services/worker_views.py)."""

    id: str
    name: str
    hostname: str | None = Field(description="The machine's host name; null for members (admins only)")
    kind: Literal["local", "remote"] = Field(description="local (the master's own pool) or remote")
    status: Literal["online", "offline"] = Field(
        description="online only while the worker has sent a heartbeat within WORKER_TTL_SECONDS"
    )
    capabilities: dict[str, Any] = Field(
        description="What the worker's probe found. Members see only the hardware and libraries "
        f"({', '.join(worker_views.MEMBER_CAPABILITIES)}): no host name, addresses or OS"
    )
    queues: list[str]
    concurrency: int = Field(description="Trials it runs at once")
    version: str | None = Field(description="The worker's flowml version")
    registered_at: datetime
    last_heartbeat: datetime
    heartbeat_age_seconds: float = Field(description="Seconds since the last heartbeat")
    ram_available_gb: float | None = Field(description="Free memory in the last heartbeat")
    current_trials: list[RunningTrial] = Field(
        description="Running trials assigned to this worker; members see only their own jobs' trials"
    )


class TokenCreateRequest(BaseModel):
    name: str = Field(default="default", min_length=1, max_length=MAX_NAME_LENGTH, description="What it is for")


class TokenCreated(JoinTokenPublic):
    token: str = Field(description="The secret: shown this once, only its SHA-256 is stored")
    command: str = Field(description="The command to run on a worker machine")


@router.post(
    "/register",
    response_model=RegisterResponse,
    responses=error_responses(
        400,
        401,
        409,
        413,
        422,
        notes={
            409: "The master has no CELERY_BROKER_URL, or the name is taken by the master's own pool or by a live "
            "worker registered with another join token"
        },
    ),
)
async def register(ctx: CtxDep, token: TokenDep, body: RegisterRequest) -> Any:
    """Join this master: returns the broker settings the worker consumes with, with a Redis user of its own."""
    worker = await workers.register_worker(
        ctx,
        token,
        name=body.name,
        hostname=body.hostname,
        capabilities=body.capabilities,
        queues=body.queues,
        concurrency=body.concurrency,
        version=body.version,
    )
    credentials = await worker_credentials.issue(ctx, worker)
    return {"worker_id": worker.id, **workers.broker_settings(ctx.settings), **asdict(credentials)}


@router.post(
    "/heartbeat",
    response_model=HeartbeatResponse,
    responses=error_responses(400, 401, 404, 413, 422, notes={404: "Unknown worker: register again"}),
)
async def heartbeat(ctx: CtxDep, token: TokenDep, body: HeartbeatRequest) -> Any:
    """Report in; 404 means the master does not know this worker and it must register again."""
    worker = await workers.heartbeat(
        ctx, token, body.worker_id, current_trials=body.current_trials, ram_available_gb=body.ram_available_gb
    )
    settings = ctx.settings
    return {
        "worker_id": worker.id,
        "heartbeat_seconds": settings.heartbeat_seconds,
        "ttl_seconds": settings.WORKER_TTL_SECONDS,
    }


@router.post(
    "/deregister",
    response_model=DeregisterResponse,
    responses=error_responses(400, 401, 404, 413, 422, notes={404: "Unknown worker"}),
)
async def deregister(ctx: CtxDep, token: TokenDep, body: DeregisterRequest) -> Any:
    """Leave cleanly: the worker shows offline at once instead of after WORKER_TTL_SECONDS."""
    worker = await workers.deregister(ctx, token, body.worker_id)
    return {"worker_id": worker.id}


@router.get("", response_model=list[WorkerStatus], responses=error_responses(401))
async def list_workers(ctx: CtxDep, user: CurrentUser) -> Any:
    """Every signed-in user may see where trials can run; where the machines are and what other members are
    training is for admins, who also are the only ones to change the cluster."""
    return [_worker_status(view) for view in await worker_views.workers_for(ctx, user)]


# Join tokens: admins only. The routes above authenticate workers by their join token instead of a user.


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenCreated,
    responses=error_responses(400, 401, 403, 413, 422),
)
async def create_token(ctx: CtxDep, _admin: AdminUser, request: Request, body: TokenCreateRequest) -> Any:
    token, secret = await workers.create_token(ctx, body.name)
    command = workers.worker_command(str(request.base_url), secret)
    return {**token.model_dump(), "token": secret, "command": command}


@router.get("/tokens", response_model=list[JoinTokenPublic], responses=error_responses(401, 403))
async def list_tokens(ctx: CtxDep, _admin: AdminUser) -> Any:
    return await workers.list_tokens(ctx)


@router.delete("/tokens/{token_id}", response_model=JoinTokenPublic, responses=error_responses(401, 403, 404))
async def revoke_token(ctx: CtxDep, _admin: AdminUser, token_id: str) -> Any:
    """Revoke a token: its workers are refused at their next heartbeat and shown offline now."""
    return await workers.revoke_token(ctx, token_id)


def _worker_status(view: WorkerView) -> WorkerStatus:
    state = view.state
    report = state.worker.last_report or {}
    return WorkerStatus(
        **state.worker.model_dump(include=set(WorkerStatus.model_fields) - {"status", "hostname", "capabilities"}),
        hostname=view.hostname,
        capabilities=view.capabilities,
        status="online" if state.live else "offline",
        heartbeat_age_seconds=round(state.heartbeat_age_seconds, 3),
        ram_available_gb=report.get("ram_available_gb"),
        current_trials=[_running_trial(trial) for trial in view.current_trials],
    )


def _running_trial(trial: Trial) -> RunningTrial:
    return RunningTrial.model_validate(trial, from_attributes=True)
