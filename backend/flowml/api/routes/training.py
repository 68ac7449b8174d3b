"""Training jobs: start, list, get, stop, cancel.

The seed's README documented `GET /api/training`, `GET /api/training/{id}` and `POST /api/training/{id}/cancel`;
they stay as aliases of the `/jobs` routes (the same handler under a second path, marked in OpenAPI), so clients
written from it keep working.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, EditableJobDep, JobDep, ManagerDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables import JobPublic, JobsPublic, JobStatus
from flowml.services.history import ListFilters
from flowml.services.jobs import service as jobs
from flowml.services.jobs.requests import TrainingRequest
from flowml.services.jobs.views import job_view

router = APIRouter(
    prefix="/api/training", tags=["training"], dependencies=[Depends(current_user)], responses=signed_in()
)

_VIEWER = "A viewer of the job's project"
SEED_ALIAS = "Seed-compatible alias of `{path}` (the seed's README documented this path); same answer."


class JobStarted(JobPublic):
    job_id: str = Field(description="The seed's name of `id`")


@router.post(
    "/start",
    status_code=status.HTTP_201_CREATED,
    response_model=JobStarted,
    responses=error_responses(
        400,
        403,
        404,
        413,
        422,
        429,
        503,
        notes={
            403: "A member asked for priority: true (admins only)",
            404: "The dataset id names nothing",
            429: "The member already has MAX_QUEUED_JOBS_PER_USER jobs waiting to run",
        },
    ),
)
async def start_training(ctx: CtxDep, manager: ManagerDep, user: CurrentUser, request: TrainingRequest) -> Any:
    """The job as recorded: status `pending` (the seed's answer), then `queued` a moment later, once the manager
    has taken it (GET the job, or follow its events)."""
    job = await jobs.create_job(ctx, request, owner=user)
    await manager.submit(job.id)
    return JobStarted(**job_view(job).model_dump(), job_id=job.id)


@router.get("/jobs", response_model=JobsPublic, responses=error_responses(422))
@router.get(
    "",
    response_model=JobsPublic,
    responses=error_responses(422),
    summary="List Jobs (seed alias)",
    description=SEED_ALIAS.format(path="GET /api/training/jobs"),
)
async def list_jobs(
    ctx: CtxDep,
    user: CurrentUser,
    status: JobStatus | None = None,
    q: Annotated[
        str | None, Query(max_length=255, description="Words to find in name, notes, tags, target or algorithms")
    ] = None,
    tag: Annotated[str | None, Query(max_length=40, description="Only jobs with this tag (ignoring case)")] = None,
    project_id: Annotated[str | None, Query(description='A project id, or "private" for jobs in no project')] = None,
) -> Any:
    """The jobs the caller may see (their own, their projects', everyone's for an admin), newest first."""
    items = await jobs.list_jobs(ctx, user, status, ListFilters(q=q, tag=tag, project_id=project_id))
    return {"items": items, "count": len(items)}


@router.get("/jobs/{job_id}", response_model=JobPublic, responses=error_responses(404))
async def get_job(job: JobDep) -> Any:
    return job


@router.post(
    "/jobs/{job_id}/stop",
    response_model=JobPublic,
    responses=error_responses(
        403,
        404,
        409,
        notes={403: _VIEWER, 409: "The job is not running, or no trial has finished yet"},
    ),
)
async def stop_job(ctx: CtxDep, job: EditableJobDep) -> Any:
    """Stop searching now and finish with the best model found so far (the job still completes)."""
    return await jobs.request_stop(ctx, job.id)


_CANCEL_CONFLICT = {403: "A viewer of the job's project", 409: "The job already finished"}


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobPublic,
    responses=error_responses(403, 404, 409, notes=_CANCEL_CONFLICT),
)
@router.post(
    "/{job_id}/cancel",
    response_model=JobPublic,
    responses=error_responses(403, 404, 409, notes=_CANCEL_CONFLICT),
    summary="Cancel Job (seed alias)",
    description=SEED_ALIAS.format(path="POST /api/training/jobs/{job_id}/cancel"),
)
async def cancel_job(manager: ManagerDep, job: EditableJobDep) -> Any:
    """A queued job is `cancelled` at once; a running one answers `running` with the message `cancelling` and is
    `cancelled` within seconds, when its trials have stopped."""
    return await manager.cancel(job.id)


# Last: `/{job_id}` would otherwise also match `/jobs`.
router.add_api_route(
    "/{job_id}",
    get_job,
    methods=["GET"],
    response_model=JobPublic,
    responses=error_responses(404),
    summary="Get Job (seed alias)",
    description=SEED_ALIAS.format(path="GET /api/training/jobs/{job_id}"),
)
