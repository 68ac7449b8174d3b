"""Runs one job from queued to a final state: prepare the data, search, fit the final model, store it.

Every exit path leaves the job in a final state (completed, failed, cancelled) except a server shutdown, which
leaves it `running` with an expired lease so the next start resumes it (see manager.recover).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from loguru import logger
from sqlmodel import col, or_, select, update

from flowml.core.errors import FlowMLError
from flowml.core.validation import validation_folds
from flowml.db.tables import Dataset, Job, JobStatus, Trial, TrialState
from flowml.db.types import new_id, utcnow
from flowml.engine.features import load_frame
from flowml.engine.metrics import get_metric
from flowml.engine.run import FileControl, PreparedData, RunCancelled, RunPorts, RunRequest, prepare_data, run_training
from flowml.engine.search import PriorTrial
from flowml.engine.types import FeaturePlan, ProblemType, TrialStatus
from flowml.events.schemas import EventType, JobData, TrainingProgressData, job_finished
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.jobs.listener import JobListener
from flowml.services.jobs.packaging import JobStorage, record_model, trial_result
from flowml.services.jobs.paths import cancel_file, oof_dir, stop_file
from flowml.services.jobs.views import job_view
from flowml.services.logs import job_log_sink

LEASE_SECONDS = 30.0
TICK_SECONDS = 5.0
# A resumed job whose budget ran out while the server was down still gets this long to finish.
MIN_RESUME_SECONDS = 20.0


class JobCancelled(Exception):
    """The search stopped because the user cancelled."""


async def run_job(ctx: AppContext, job_id: str, *, resume: bool = False) -> None:
    with job_log_sink(ctx.settings, job_id), logger.contextualize(job_id=job_id):
        job = await _start(ctx, job_id, resume=resume)
        if job is None:
            return
        ticker = asyncio.create_task(_tick(ctx, job))
        try:
            model_id = await _train(ctx, job)
        except BaseException as exc:
            if cancel_file(ctx, job_id).exists():  # whatever broke off the work, the user asked for it
                await _finish(ctx, job_id, JobStatus.CANCELLED, message="cancelled by user")
            elif isinstance(exc, asyncio.CancelledError):
                raise  # server shutdown: keep the job running in SQL so the next start resumes it
            elif isinstance(exc, FlowMLError):
                await _finish(ctx, job_id, JobStatus.FAILED, message="failed", error=exc.message)
            elif isinstance(exc, Exception):
                logger.exception("job failed")
                await _finish(ctx, job_id, JobStatus.FAILED, message="failed", error=f"{type(exc).__name__}: {exc}")
            else:
                raise
        else:
            await _finish(ctx, job_id, JobStatus.COMPLETED, message="done", model_id=model_id)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            cancel_file(ctx, job_id).unlink(missing_ok=True)
            stop_file(ctx, job_id).unlink(missing_ok=True)


async def claim_lease(ctx: AppContext, job_id: str, seconds: float = LEASE_SECONDS) -> bool:
    """Take the job's lease atomically: exactly one orchestrator process drives a job (ARCHITECTURE.md §3)."""
    now = utcnow()
    async with ctx.sessions() as session:
        result = await session.exec(
            update(Job)
            .where(
                col(Job.id) == job_id,
                or_(
                    col(Job.lease_owner).is_(None),
                    col(Job.lease_owner) == ctx.instance_id,
                    col(Job.lease_expires_at) < now,
                ),
            )
            .values(lease_owner=ctx.instance_id, lease_expires_at=now + timedelta(seconds=seconds))
        )
        await session.commit()
    return bool(result.rowcount)


async def _start(ctx: AppContext, job_id: str, *, resume: bool) -> Job | None:
    if not await claim_lease(ctx, job_id):
        logger.info("job {} is driven by another process", job_id)
        return None
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        if job is None or JobStatus(job.status).is_final:
            return None
        now = utcnow()
        if resume and job.started_at is not None:
            last_alive = job.heartbeat_at or job.started_at
            spent = max(0.0, (last_alive - job.started_at).total_seconds())
            remaining = max(job.time_budget * 60 - spent, MIN_RESUME_SECONDS)
            job.deadline = now + timedelta(seconds=remaining)
            job.message = "resumed after a server restart"
            await _interrupt_running_trials(session, job_id)
        else:
            job.started_at = now
            job.deadline = now + timedelta(seconds=job.time_budget * 60)
            job.message = "preparing data"
        job.status, job.stage = JobStatus.RUNNING, "preparing"
        job.heartbeat_at = now
        session.add(job)
        await session.commit()
        await session.refresh(job)
    logger.info("job {} {} (deadline {})", job_id, "resumed" if resume else "started", job.deadline)
    await ctx.events.emit(EventType.TRAINING_STARTED, job_id, JobData(job=job_view(job)))
    return job


async def _interrupt_running_trials(session: Any, job_id: str) -> None:
    trials = (await session.exec(select(Trial).where(Trial.job_id == job_id, Trial.status == "running"))).all()
    for trial in trials:
        trial.status, trial.error, trial.finished_at = TrialState.FAILED, "interrupted by a server restart", utcnow()
        session.add(trial)


async def _tick(ctx: AppContext, job: Job) -> None:
    """Renew the lease and send time-based progress while trials run."""
    assert job.deadline is not None and job.started_at is not None
    total = (job.deadline - job.started_at).total_seconds()
    while True:
        await asyncio.sleep(TICK_SECONDS)
        async with ctx.sessions() as session:
            row = await session.get(Job, job.id)
            if row is None:
                return
            row.heartbeat_at = utcnow()
            row.lease_expires_at = row.heartbeat_at + timedelta(seconds=LEASE_SECONDS)
            if row.stage == "searching":
                elapsed = (utcnow() - job.started_at).total_seconds()
                row.progress = round(max(row.progress, min(95.0, 100 * elapsed / max(total, 1e-6))), 1)
            session.add(row)
            await session.commit()
            data = TrainingProgressData.of(row)
        await ctx.events.emit(EventType.TRAINING_PROGRESS, job.id, data)


async def _train(ctx: AppContext, job: Job) -> str:
    """The job's run (engine/run.py) with the server's ports: SQL and events, the artifact store, cancel and stop
    files, the process's executor, and the trials recorded before a restart."""
    assert job.deadline is not None and job.started_at is not None
    async with ctx.sessions() as session:
        dataset = await session.get(Dataset, job.dataset_id)
    if dataset is None:
        raise FlowMLError("the job's dataset was deleted")
    path = await local_parquet(ctx, dataset)
    problem = ProblemType(job.problem_type)
    prepared = await asyncio.to_thread(_prepare, path, job, dataset, problem)
    for note in prepared.notes:
        logger.info("target: {}", note)
    # Decided once here and recorded, so every page reports the validation the trials really used.
    job.validation = prepared.validation.value
    job.validation_folds = validation_folds(prepared.validation.value, prepared.n_folds)
    await _save_plan(ctx, job, prepared.plan)
    assert ctx.executor is not None, "this process has no executor to run trials"
    model_id = new_id()
    storage = JobStorage(ctx, job.id, model_id)
    request = RunRequest(
        job_id=job.id,
        dataset_path=str(path),
        dataset_sha256=dataset.sha256,
        problem=problem,
        plan=prepared.plan,
        n_rows=prepared.n_rows,
        metric=job.metric,
        algorithms=job.algorithms,
        preprocessors=job.preprocessors,
        n_folds=job.n_folds,
        folds_used=prepared.n_folds,
        seed=job.seed,
        started_at=job.started_at.timestamp(),
        deadline=job.deadline.timestamp(),
        validation=prepared.validation,
        max_trials=job.max_trials,
        max_trials_per_algorithm=job.max_trials_per_algorithm,
        deterministic=job.reproducible,
        priority=job.priority,
        model_id=model_id,
    )
    ports = RunPorts(
        executor=ctx.executor,
        storage=storage,
        events=JobListener(ctx, job.id, get_metric(job.metric, problem)),
        control=FileControl(cancel_path=str(cancel_file(ctx, job.id)), stop_path=str(stop_file(ctx, job.id))),
        prior=await _prior_trials(ctx, job.id),
    )
    try:
        outcome = await run_training(request, ports)
        await record_model(ctx, model_id, job, outcome.final, outcome.cv_score)
    except RunCancelled:
        raise JobCancelled() from None
    finally:
        storage.discard()
    return model_id


def _prepare(path: Path, job: Job, dataset: Dataset, problem: ProblemType) -> PreparedData:
    """The run's view of the table (engine/run.py prepare_data), from the stored Parquet and the upload's kinds."""
    frame: pd.DataFrame = load_frame(str(path))
    kinds = {c["name"]: c["kind"] for c in dataset.columns}
    return prepare_data(
        frame, job.target_column, problem, kinds, job.n_folds, job.time_budget * 60, reference=job.reference_column
    )


async def _save_plan(ctx: AppContext, job: Job, plan: FeaturePlan) -> None:
    async with ctx.sessions() as session:
        row = await session.get(Job, job.id)
        assert row is not None
        row.feature_plan = plan.to_dict()
        row.validation, row.validation_folds = job.validation, job.validation_folds
        row.stage = "searching"
        session.add(row)
        await session.commit()
    for column, reason in plan.dropped.items():
        logger.info("column {} not used: {}", column, reason)


async def _prior_trials(ctx: AppContext, job_id: str) -> list[PriorTrial]:
    async with ctx.sessions() as session:
        rows = (await session.exec(select(Trial).where(Trial.job_id == job_id).order_by(col(Trial.trial_number)))).all()
    directory = oof_dir(ctx, job_id)
    return [_prior(row, directory) for row in rows]


def _prior(row: Trial, oof_dir: Path) -> PriorTrial:
    completed = row.status == TrialStatus.COMPLETED and row.score is not None
    result = None
    if completed:
        result = trial_result(row)
        oof = oof_dir / f"{row.trial_number}.npy"
        result.oof_path = str(oof) if oof.exists() else None
    return PriorTrial(
        optuna_params=row.optuna_params,
        distributions=row.optuna_distributions,
        value=row.score if completed else None,
        result=result,
    )


async def _finish(
    ctx: AppContext,
    job_id: str,
    status: JobStatus,
    *,
    message: str,
    error: str | None = None,
    model_id: str | None = None,
) -> None:
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        job.status, job.message, job.error, job.finished_at = status, message, error, utcnow()
        job.stage = "done"
        job.lease_owner, job.lease_expires_at = None, None
        # Out-of-fold predictions serve only this job's ensemble; a resumed job still needs them, a final one not.
        await asyncio.to_thread(shutil.rmtree, oof_dir(ctx, job_id), True)
        if status is JobStatus.COMPLETED:
            job.progress, job.model_id = 100.0, model_id
        session.add(job)
        await session.commit()
        await session.refresh(job)
    if error:
        logger.error("job {} failed: {}", job_id, error)
    else:
        logger.info("job {} {}", job_id, status.value)
    event, data = job_finished(job_view(job), model_id=model_id, error=error)
    await ctx.events.emit(event, job_id, data)
