"""Health, stats, logs, and the registries a UI lists (algorithms, preprocessors, metrics)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from loguru import logger
from pydantic import BaseModel, Field
from sqlmodel import func, select

from flowml import __version__
from flowml.api.auth import AdminUser, CurrentUser, current_user
from flowml.api.deps import CtxDep, JobDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables import Dataset, Job, JobStatus, TrainedModel, Worker
from flowml.engine.algorithms import default_registry
from flowml.engine.metrics import default_metric, metrics_for
from flowml.engine.preprocessor import PreprocessorInfo, default_preprocessors
from flowml.engine.registry import AlgorithmInfo
from flowml.engine.types import ProblemType
from flowml.services import access
from flowml.services.context import AppContext
from flowml.services.logs import read_job_log, system_log_path, tail

# /health answers everyone (load balancers, `flowml worker` waiting for the master); the rest needs a user.
public = APIRouter(tags=["system"])
router = APIRouter(tags=["system"], dependencies=[Depends(current_user)], responses=signed_in())


class ComponentStatus(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"


class Health(BaseModel):
    """Anyone may ask, so it says only whether each part works; why one does not is in the server's log (admins
    read it at /api/logs), never here: error texts carry host names, paths and URLs."""

    status: Literal["ok", "degraded"] = Field(description="degraded (with HTTP 503) when any check failed")
    database: ComponentStatus
    storage: ComponentStatus
    version: str


class JobCounts(BaseModel):
    total: int
    by_status: dict[JobStatus, int] = Field(description="Jobs per status; statuses without jobs are left out")


class Stats(BaseModel):
    datasets: int
    models: int
    jobs: JobCounts
    workers_online: int = Field(description="Remote workers with a recent heartbeat")


class MetricInfo(BaseModel):
    name: str
    label: str
    tasks: list[ProblemType]
    greater_is_better: bool
    default_for: list[ProblemType] = Field(description="The tasks this metric is the default for")
    lower: float | None = Field(description="The lowest value the metric can take; null when unbounded")
    upper: float | None = Field(description="The highest value the metric can take (1 for AUC); null when unbounded")


class JobLog(BaseModel):
    job_id: str
    lines: list[str] = Field(description="The last lines of the job's log, oldest first")


class SystemLog(BaseModel):
    lines: list[str] = Field(description="The last lines of the server's log, oldest first")


@public.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "A check failed; the body says which"}},
)
async def health(ctx: CtxDep) -> JSONResponse:
    database = await _check("database", _select_one(ctx))
    storage = await _check("storage", asyncio.to_thread(ctx.store.health))
    healthy = all(status is ComponentStatus.OK for status in (database, storage))
    body = Health(status="ok" if healthy else "degraded", database=database, storage=storage, version=__version__)
    # A JSONResponse because the status code depends on the result; response_model documents the body for both.
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if healthy else 503)


async def _select_one(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await session.exec(select(1))


async def _check(component: str, probe: Awaitable[None]) -> ComponentStatus:
    try:
        await probe
    except Exception as exc:  # any failure means unavailable; the reason goes to the log only
        logger.warning("health check: {} unavailable: {}: {}", component, type(exc).__name__, exc)
        return ComponentStatus.UNAVAILABLE
    return ComponentStatus.OK


@router.get("/api/stats", response_model=Stats)
async def stats(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """What the caller sees: their own and their projects' (everyone's for an admin); workers are shared by all."""

    def mine(query: Any, table: Any) -> Any:
        return access.only_visible(query, user, table)

    async with ctx.sessions() as session:
        n_datasets = (await session.exec(mine(select(func.count()).select_from(Dataset), Dataset))).one()
        n_models = (await session.exec(mine(select(func.count()).select_from(TrainedModel), TrainedModel))).one()
        jobs_query = mine(select(Job.status, func.count()), Job).group_by(Job.status)
        by_status = dict((await session.exec(jobs_query)).all())
        online = (await session.exec(select(func.count()).select_from(Worker).where(Worker.status == "online"))).one()
    return {
        "datasets": n_datasets,
        "models": n_models,
        "jobs": {"total": sum(by_status.values()), "by_status": {str(k): v for k, v in by_status.items()}},
        "workers_online": online,
    }


@router.get("/api/algorithms", response_model=list[AlgorithmInfo], responses=error_responses(422))
async def algorithms(task: ProblemType | None = None) -> list[AlgorithmInfo]:
    """Every algorithm (for `task`, when given): its search space and defaults per task, GPU ability and origin."""
    registry = default_registry()
    chosen = registry.for_task(task) if task else list(registry)
    return [a.describe() for a in chosen]


@router.get("/api/preprocessors", response_model=list[PreprocessorInfo])
async def preprocessors() -> list[PreprocessorInfo]:
    """Every preprocessing step a job may name (`preprocessors` of POST /api/training/start), built-in or from a
    plugin: its label, search space, defaults and origin."""
    return [step.describe() for step in default_preprocessors()]


@router.get("/api/metrics", response_model=list[MetricInfo], responses=error_responses(422))
async def metrics(task: ProblemType | None = None) -> list[dict[str, Any]]:
    tasks = [task] if task else list(ProblemType)
    seen: dict[str, dict[str, Any]] = {}
    for t in tasks:
        default = default_metric(t).name
        for metric in metrics_for(t):
            lower, upper = metric.bounds
            bounds = {
                "lower": lower if math.isfinite(lower) else None,
                "upper": upper if math.isfinite(upper) else None,
            }
            entry = seen.setdefault(metric.name, {**metric.describe(), **bounds, "default_for": []})
            if metric.name == default:
                entry["default_for"].append(t.value)
    return list(seen.values())


@router.get(
    "/api/logs/jobs/{job_id}",
    response_model=JobLog,
    responses=error_responses(404, 422, notes={404: "The job id names nothing, or the job has no log yet"}),
)
async def job_log(ctx: CtxDep, job: JobDep, lines: Annotated[int, Query(alias="tail", ge=1, le=5000)] = 200) -> Any:
    return {"job_id": job.id, "lines": await asyncio.to_thread(read_job_log, ctx.settings, job.id, lines)}


@router.get("/api/logs", response_model=SystemLog, responses=error_responses(403, 422))
async def system_log(
    ctx: CtxDep, _admin: AdminUser, lines: Annotated[int, Query(alias="tail", ge=1, le=5000)] = 200
) -> Any:
    return {"lines": await asyncio.to_thread(tail, system_log_path(ctx.settings), lines)}
