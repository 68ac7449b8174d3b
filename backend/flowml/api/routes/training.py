"""Training jobs: start, list, get, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, status

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, JobDep, ManagerDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables import JobPublic, JobsPublic, JobStatus
from flowml.services import users
from flowml.services.jobs import service as jobs
from flowml.services.jobs.requests import TrainingRequest

router = APIRouter(
    prefix="/api/training", tags=["training"], dependencies=[Depends(current_user)], responses=signed_in()
)


@router.post(
    "/start",
    status_code=status.HTTP_201_CREATED,
    response_model=JobPublic,
    responses=error_responses(400, 404, 413, 422, 503, notes={404: "The dataset id names nothing"}),
)
async def start_training(ctx: CtxDep, manager: ManagerDep, user: CurrentUser, request: TrainingRequest) -> Any:
    job = await jobs.create_job(ctx, request, owner=user)
    return await manager.submit(job.id)


@router.get("/jobs", response_model=JobsPublic, responses=error_responses(422))
async def list_jobs(ctx: CtxDep, user: CurrentUser, status: JobStatus | None = None) -> Any:
    items = await jobs.list_jobs(ctx, status, users.owner_filter(user))
    return {"items": items, "count": len(items)}


@router.get("/jobs/{job_id}", response_model=JobPublic, responses=error_responses(404))
async def get_job(job: JobDep) -> Any:
    return job


@router.post(
    "/jobs/{job_id}/stop",
    response_model=JobPublic,
    responses=error_responses(404, 409, notes={409: "The job is not running, or no trial has finished yet"}),
)
async def stop_job(ctx: CtxDep, job: JobDep) -> Any:
    """Stop searching now and finish with the best model found so far (the job still completes)."""
    return await jobs.request_stop(ctx, job.id)


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobPublic,
    responses=error_responses(404, 409, notes={409: "The job already finished"}),
)
async def cancel_job(manager: ManagerDep, job: JobDep) -> Any:
    return await manager.cancel(job.id)
