"""Job use-cases: validate and create a job, list, get, cancel, and read its trials."""

from __future__ import annotations

import asyncio
from pathlib import Path

import polars as pl
from sqlmodel import col, select

from flowml.core.errors import ConflictError, InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, Job, JobKind, JobStatus, Trial, User
from flowml.engine.algorithms import default_registry
from flowml.engine.metrics import default_metric, get_metric
from flowml.engine.preprocessor import default_preprocessors
from flowml.engine.problem import check_target
from flowml.engine.types import ProblemType
from flowml.services import access, history
from flowml.services.context import AppContext
from flowml.services.datasets import get_dataset, local_parquet
from flowml.services.history import ListFilters, check_project_for_work
from flowml.services.inputs import is_id, storable_text
from flowml.services.jobs import limits
from flowml.services.jobs.paths import cancel_file, stop_file
from flowml.services.jobs.requests import TrainingRequest


async def create_job(ctx: AppContext, request: TrainingRequest, owner: User | None = None) -> Job:
    """Validate everything a user can get wrong before anything runs, then record the job as pending.

    With an `owner`, the dataset must be one they may see (another member's is "not found") and train on (a
    project viewer may not), the job is theirs, and their limits apply (limits.py: priority is for admins, a
    member's waiting jobs are capped). A job on a project's dataset belongs to that project, and so will its model.
    """
    limits.check_priority(owner, request.priority)
    if not is_id(request.dataset_id):
        raise NotFoundError(f"dataset {request.dataset_id} not found")
    dataset = await get_dataset(ctx, request.dataset_id)
    project_id = await _project_for(ctx, request, dataset, owner)
    names = [c["name"] for c in dataset.columns]
    for field, column in (("target_column", request.target_column), ("reference_column", request.reference_column)):
        if column is not None and column not in names:
            raise InvalidInputError(
                f"{field}: column {column!r} is not in dataset {dataset.name!r}; columns: {', '.join(names)}"
            )
    budget = request.time_budget if request.time_budget is not None else ctx.settings.DEFAULT_TIME_BUDGET
    if budget > ctx.settings.MAX_TIME_BUDGET:
        raise InvalidInputError(f"time_budget {budget} min is over the maximum of {ctx.settings.MAX_TIME_BUDGET} min")
    problem = await _problem_type(ctx, request, dataset_path=await local_parquet(ctx, dataset))
    metric = get_metric(request.metric, problem).name if request.metric else default_metric(problem).name
    algorithms = default_registry().choose(request.algorithms, problem)
    preprocessors = _preprocessors(request, problem)
    job = Job(
        name=storable_text(request.name, "name") if request.name else _default_name(dataset.name, request),
        dataset_id=dataset.id,
        dataset_sha256=dataset.sha256,
        target_column=request.target_column,
        reference_column=request.reference_column,
        problem_type=problem.value,
        metric=metric,
        time_budget=budget,
        algorithms=algorithms,
        preprocessors=preprocessors,
        n_folds=request.n_folds,
        max_trials=request.max_trials,
        max_trials_per_algorithm=request.max_trials_per_algorithm,
        reproducible=request.reproducible,
        seed=request.seed,
        priority=request.priority,
        message="waiting for a free job slot",
        owner_id=owner.id if owner is not None else None,
        project_id=project_id,
        cloned_from=request.cloned_from,
    )
    async with ctx.sessions() as session:
        if owner is not None:
            await limits.reserve_waiting_place(session, owner, ctx.settings.MAX_QUEUED_JOBS_PER_USER)
        session.add(job)
        await session.commit()
        await session.refresh(job)
    return job


async def _project_for(ctx: AppContext, request: TrainingRequest, dataset: Dataset, owner: User | None) -> str | None:
    """Check the owner may train on the dataset (and see the job cloned), and say which project the job joins."""
    roles: access.Roles = await access.roles_of(ctx, owner) if owner is not None else {}
    if owner is not None:
        access.check_see("dataset", request.dataset_id, owner, dataset.owner_id, dataset.project_id, roles)
        access.check_change("dataset", owner, dataset.owner_id, dataset.project_id, roles)
    if request.cloned_from is not None:
        source = await get_job(ctx, request.cloned_from) if is_id(request.cloned_from) else None
        if source is None or (
            owner is not None and not access.can_see(owner, source.owner_id, source.project_id, roles)
        ):
            raise NotFoundError(f"job {request.cloned_from} not found")
    if dataset.project_id is not None:
        if request.project_id is not None and request.project_id != dataset.project_id:
            raise InvalidInputError(
                "this dataset belongs to a project, so a job trained on it goes into that project; "
                "leave project_id out or send the dataset's project"
            )
        return dataset.project_id
    if request.project_id is not None and owner is not None:
        await check_project_for_work(ctx, owner, request.project_id)
    return request.project_id


async def _problem_type(ctx: AppContext, request: TrainingRequest, *, dataset_path: Path) -> ProblemType:
    if request.target_column is None:  # the request's own check let this through for clustering only
        return ProblemType.CLUSTERING
    column = request.target_column
    target = await asyncio.to_thread(lambda: pl.read_parquet(dataset_path, columns=[column]))
    # The same gate (and so the same messages) as each column's `target.checks` in the dataset stats.
    problem, _ = check_target(target[column].to_pandas(), request.problem_type, request.n_folds)
    return problem


def _preprocessors(request: TrainingRequest, problem: ProblemType) -> list[str]:
    """The chosen steps; clustering takes none: its search has its own PCA, and the steps that select features
    score them against a target it does not have."""
    if problem is ProblemType.CLUSTERING and request.preprocessors:
        raise InvalidInputError(
            "preprocessors are for jobs with a target; clustering searches its own PCA reduction, so leave "
            "preprocessors out"
        )
    return default_preprocessors().choose(request.preprocessors)


def _default_name(dataset: str, request: TrainingRequest) -> str:
    return f"{dataset} -> {request.target_column}" if request.target_column is not None else f"{dataset} -> clusters"


async def get_job(ctx: AppContext, job_id: str) -> Job:
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"job {job_id} not found")
    return job


async def list_jobs(
    ctx: AppContext, user: User, status: JobStatus | None = None, filters: ListFilters | None = None
) -> list[Job]:
    """Newest first; the jobs `user` may see (services/access.py), narrowed by the list filters."""
    filters = filters or ListFilters()
    # A workflow run's searches belong to the run: its job is listed, they are reached from its nodes.
    listed = select(Job).where(col(Job.kind) != JobKind.WORKFLOW_MODEL.value).order_by(col(Job.created_at).desc())
    query = access.only_visible(listed, user, Job)
    if status is not None:
        query = query.where(Job.status == status.value)
    async with ctx.sessions() as session:
        rows = (await session.exec(filters.where(query, Job))).all()
    return [job for job in rows if filters.keep(history.job_texts(job), job.tags)]


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
