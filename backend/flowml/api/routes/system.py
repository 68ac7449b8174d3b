"""Health, stats, logs, and the registries a UI lists (algorithms, metrics)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlmodel import func, select

from flowml import __version__
from flowml.api.deps import CtxDep, JobDep
from flowml.db.tables import Dataset, Job, TrainedModel, Worker
from flowml.engine.algorithms import default_registry
from flowml.engine.metrics import default_metric, metrics_for
from flowml.engine.types import ProblemType
from flowml.services.logs import read_job_log, system_log_path, tail

router = APIRouter(tags=["system"])


@router.get("/health")
async def health(ctx: CtxDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        async with ctx.sessions() as session:
            await session.exec(select(1))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}: {exc}"[:300]
    try:
        await asyncio.to_thread(ctx.store.health)
        checks["storage"] = "ok"
    except Exception as exc:
        checks["storage"] = f"error: {exc}"[:300]
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "degraded", **checks, "version": __version__}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/api/stats")
async def stats(ctx: CtxDep) -> dict[str, Any]:
    async with ctx.sessions() as session:
        n_datasets = (await session.exec(select(func.count()).select_from(Dataset))).one()
        n_models = (await session.exec(select(func.count()).select_from(TrainedModel))).one()
        by_status = dict((await session.exec(select(Job.status, func.count()).group_by(Job.status))).all())
        online = (await session.exec(select(func.count()).select_from(Worker).where(Worker.status == "online"))).one()
    return {
        "datasets": n_datasets,
        "models": n_models,
        "jobs": {"total": sum(by_status.values()), "by_status": {str(k): v for k, v in by_status.items()}},
        "workers_online": online,
    }


@router.get("/api/algorithms")
async def algorithms(task: ProblemType | None = None) -> list[dict[str, Any]]:
    registry = default_registry()
    chosen = registry.for_task(task) if task else list(registry.algorithms.values())
    return [a.describe() for a in chosen]


@router.get("/api/metrics")
async def metrics(task: ProblemType | None = None) -> list[dict[str, Any]]:
    tasks = [task] if task else list(ProblemType)
    seen: dict[str, dict[str, Any]] = {}
    for t in tasks:
        default = default_metric(t).name
        for metric in metrics_for(t):
            entry = seen.setdefault(metric.name, {**metric.describe(), "default_for": []})
            if metric.name == default:
                entry["default_for"].append(t.value)
    return list(seen.values())


@router.get("/api/logs/jobs/{job_id}")
async def job_log(ctx: CtxDep, job: JobDep, lines: Annotated[int, Query(alias="tail", ge=1, le=5000)] = 200) -> Any:
    return {"job_id": job.id, "lines": await asyncio.to_thread(read_job_log, ctx.settings, job.id, lines)}


@router.get("/api/logs")
async def system_log(ctx: CtxDep, lines: Annotated[int, Query(alias="tail", ge=1, le=5000)] = 200) -> Any:
    return {"lines": await asyncio.to_thread(tail, system_log_path(ctx.settings), lines)}
