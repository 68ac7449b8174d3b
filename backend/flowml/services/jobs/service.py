"""Job use-cases: validate and create a job, list, get, cancel, and read its trials."""

from __future__ import annotations

import asyncio
from pathlib import Path

import polars as pl
from sqlmodel import col, select

from flowml.core.errors import ConflictError, InvalidInputError, NotFoundError
from flowml.db.tables import Job, JobStatus, Trial, User
from flowml.engine.algorithms import default_registry
from flowml.engine.metrics import default_metric, get_metric
from flowml.engine.problem import resolve_problem_type, validate_target
from flowml.engine.types import ProblemType
from flowml.services.context import AppContext
from flowml.services.datasets import get_dataset, local_parquet
from flowml.services.inputs import is_id, storable_text
from flowml.services.jobs import limits
from flowml.services.jobs.paths import cancel_file, stop_file
from flowml.services.jobs.requests import TrainingRequest
from flowml.services.users import can_see


async def create_job(ctx: AppContext, request: TrainingRequest, owner: User | None = None) -> Job:
    """Validate everything a user can get wrong before anything runs, then record the job as pending.

    With an `owner`, the dataset must be one they may see (another member's is "not found"), the job is theirs, and
    their limits apply (limits.py: priority is for admins, a member's waiting jobs are capped).
    """
    limits.check_priority(owner, request.priority)
    if not is_id(request.dataset_id):
        raise NotFoundError(f"dataset {request.dataset_id} not found")
    dataset = await get_dataset(ctx, request.dataset_id)
    if owner is not None and not can_see(owner, dataset.owner_id):
        raise NotFoundError(f"dataset {request.dataset_id} not found")
    names = [c["name"] for c in dataset.columns]
    if request.target_column not in names:
        raise InvalidInputError(
            f"column {request.target_column!r} is not in dataset {dataset.name!r}; columns: {', '.join(names)}"
        )
    budget = request.time_budget if request.time_budget is not None else ctx.settings.DEFAULT_TIME_BUDGET
    if budget > ctx.settings.MAX_TIME_BUDGET:
        raise InvalidInputError(f"time_budget {budget} min is over the maximum of {ctx.settings.MAX_TIME_BUDGET} min")
    problem = await _problem_type(ctx, request, dataset_path=await local_parquet(ctx, dataset))
    metric = get_metric(request.metric, problem).name if request.metric else default_metric(problem).name
    algorithms = default_registry().choose(request.algorithms, problem)
    job = Job(
        name=storable_text(request.name, "name") if request.name else f"{dataset.name} -> {request.target_column}",
        dataset_id=dataset.id,
        dataset_sha256=dataset.sha256,
        target_column=request.target_column,
        problem_type=problem.value,
        metric=metric,
        time_budget=budget,
        algorithms=algorithms,
        n_folds=request.n_folds,
        max_trials=request.max_trials,
        max_trials_per_algorithm=request.max_trials_per_algorithm,
        reproducible=request.reproducible,
        seed=request.seed,
        priority=request.priority,
        message="waiting for a free job slot",
        owner_id=owner.id if owner is not None else None,
    )
    async with ctx.sessions() as session:
        if owner is not None:
            await limits.reserve_waiting_place(session, owner, ctx.settings.MAX_QUEUED_JOBS_PER_USER)
        session.add(job)
        await session.commit()
        await session.refresh(job)
    return job


async def _problem_type(ctx: AppContext, request: TrainingRequest, *, dataset_path: Path) -> ProblemType:
    target = await asyncio.to_thread(lambda: pl.read_parquet(dataset_path, columns=[request.target_column]))
    series = target[request.target_column].to_pandas()
    if series.notna().sum() == 0:
        raise InvalidInputError(f"target column {request.target_column!r} has no values")
    problem = resolve_problem_type(series, request.problem_type)
    if problem is ProblemType.BINARY and series.nunique() != 2:
        raise InvalidInputError(
            f"binary classification needs exactly 2 classes; {request.target_column!r} has {series.nunique()}"
        )
    validate_target(series, problem, request.n_folds)  # raises with a message naming what is wrong
    return problem


async def get_job(ctx: AppContext, job_id: str) -> Job:
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"job {job_id} not found")
    return job


async def list_jobs(ctx: AppContext, status: JobStatus | None = None, owner_id: str | None = None) -> list[Job]:
    """Newest first; only `owner_id`'s when given (a member's view), everyone's when None (an admin's)."""
    async with ctx.sessions() as session:
        query = select(Job).order_by(col(Job.created_at).desc())
        if status is not None:
            query = query.where(Job.status == status.value)
        if owner_id is not None:
            query = query.where(Job.owner_id == owner_id)
        return list((await session.exec(query)).all())


async def request_cancel(ctx: AppContext, job_id: str) -> Job:
    """Mark the job; the manager stops it (queued: at once; running: within seconds)."""
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"job {job_id} not found")
        if JobStatus(job.status).is_final:
            raise ConflictError(f"job {job_id} already {job.status}; nothing to cancel")
        job.cancel_requested = True
        job.message = "cancelling"
        session.add(job)
        await session.commit()
        await session.refresh(job)
    # The cancel file is what trial processes check between folds (they have no database connection).
    cancel_file(ctx, job_id).touch()
    return job


async def request_stop(ctx: AppContext, job_id: str) -> Job:
    """Ask a running job to stop searching and finish with the best model so far."""
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"job {job_id} not found")
        if job.status != JobStatus.RUNNING:
            raise ConflictError(f"job {job_id} is {job.status}; only a running job can be stopped early")
        if job.best_score is None:
            raise ConflictError("no trial has finished yet, so there is no model to keep; wait, or cancel the job")
        job.message = "stopping: finishing with the best model so far"
        session.add(job)
        await session.commit()
        await session.refresh(job)
    stop_file(ctx, job_id).touch()
    return job


async def list_trials(ctx: AppContext, job_id: str) -> list[Trial]:
    await get_job(ctx, job_id)
    async with ctx.sessions() as session:
        query = select(Trial).where(Trial.job_id == job_id).order_by(col(Trial.trial_number))
        return list((await session.exec(query)).all())
