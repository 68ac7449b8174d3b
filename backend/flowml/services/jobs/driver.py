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
from flowml.db.tables import Dataset, Job, JobStatus, Trial
from flowml.db.types import utcnow
from flowml.engine.algorithms import default_registry
from flowml.engine.features import load_frame, plan_features
from flowml.engine.final_choice import choose_validation, final_choice
from flowml.engine.metrics import get_metric
from flowml.engine.problem import validate_target
from flowml.engine.search import PriorTrial, SearchConfig, SearchLoop
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialStatus
from flowml.events.schemas import EventType
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.jobs.listener import JobListener
from flowml.services.jobs.packaging import finalize
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


async def _claim(ctx: AppContext, job_id: str) -> bool:
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
            .values(lease_owner=ctx.instance_id, lease_expires_at=now + timedelta(seconds=LEASE_SECONDS))
        )
        await session.commit()
    return bool(result.rowcount)


async def _start(ctx: AppContext, job_id: str, *, resume: bool) -> Job | None:
    if not await _claim(ctx, job_id):
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
    await ctx.events.emit(EventType.TRAINING_STARTED, job_id, {"job": job_view(job).model_dump(mode="json")})
    return job


async def _interrupt_running_trials(session: Any, job_id: str) -> None:
    trials = (await session.exec(select(Trial).where(Trial.job_id == job_id, Trial.status == "running"))).all()
    for trial in trials:
        trial.status, trial.error, trial.finished_at = "failed", "interrupted by a server restart", utcnow()
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
            data = {
                "progress": row.progress,
                "stage": row.stage,
                "message": row.message,
                "n_trials": row.n_trials,
                "best_score": row.best_score,
                "best_algorithm": row.best_algorithm,
            }
        await ctx.events.emit(EventType.TRAINING_PROGRESS, job.id, data)


async def _train(ctx: AppContext, job: Job) -> str:
    assert job.deadline is not None and job.started_at is not None
    async with ctx.sessions() as session:
        dataset = await session.get(Dataset, job.dataset_id)
    if dataset is None:
        raise FlowMLError("the job's dataset was deleted")
    path = await local_parquet(ctx, dataset)
    problem = ProblemType(job.problem_type)
    plan, n_rows, folds = await asyncio.to_thread(_plan, path, job, dataset, problem)
    # Decided once here and recorded, so every page reports the validation the trials really used.
    validation = choose_validation(n_rows, len(plan.features), job.time_budget * 60)
    job.validation, job.validation_folds = validation, validation_folds(validation, folds)
    await _save_plan(ctx, job, plan)
    listener = JobListener(ctx, job.id, get_metric(job.metric, problem).greater_is_better)
    await listener.progress(0.0, "searching", f"searching {len(job.algorithms)} algorithms")
    assert ctx.executor is not None, "this process has no executor to run trials"
    config = SearchConfig(
        job_id=job.id,
        dataset_path=str(path),
        problem_type=problem,
        feature_plan=plan,
        metric=job.metric,
        algorithms=job.algorithms,
        n_folds=job.n_folds,
        seed=job.seed,
        started_at=job.started_at.timestamp(),
        deadline=job.deadline.timestamp(),
        n_rows=n_rows,
        max_trials=job.max_trials,
        max_trials_per_algorithm=job.max_trials_per_algorithm,
        cancel_path=str(cancel_file(ctx, job.id)),
        oof_dir=str(oof_dir(ctx, job.id)),
        stop_path=str(stop_file(ctx, job.id)),
        validation=validation,
        dataset_sha256=dataset.sha256,
        priority=job.priority,
        deterministic=job.reproducible,
    )
    loop = SearchLoop(config, default_registry(), ctx.executor, listener)
    loop.restore(await _prior_trials(ctx, job.id))
    outcome = await loop.run()
    if outcome.cancelled or listener.cancelled():
        raise JobCancelled()
    if outcome.best is None:
        raise FlowMLError(outcome.failure_message())
    choice = await asyncio.to_thread(final_choice, config, outcome)
    what = f"an ensemble of {len(choice.ensemble)} models" if choice.ensemble else outcome.best.algorithm
    if choice.note:
        logger.info(choice.note)
    if outcome.stopped:
        logger.info("search stopped early by the user after {} trials", len(outcome.results))
    await listener.progress(96.0, "finalizing", f"fitting {what} on all rows")
    return await finalize(ctx, job, dataset, path, plan, choice)


def _plan(path: Path, job: Job, dataset: Dataset, problem: ProblemType) -> tuple[FeaturePlan, int, int]:
    """The feature plan, the rows with a target, and the folds cross-validation can use (fewer than asked when a
    class is too small; the trials lower them the same way)."""
    frame: pd.DataFrame = load_frame(str(path))
    kinds = {c["name"]: c["kind"] for c in dataset.columns}
    check = validate_target(frame[job.target_column], problem, job.n_folds)
    for note in check.notes:
        logger.info("target: {}", note)
    plan = plan_features(frame, job.target_column, kinds)
    if not plan.column_kinds:
        raise FlowMLError("no usable feature columns remain after dropping ids, constants and empty columns")
    return plan, int(frame[job.target_column].notna().sum()), check.n_folds


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
        result = TrialResult(
            job_id=row.job_id,
            trial_number=row.trial_number,
            algorithm=row.algorithm,
            params=row.params,
            status=row.status,
            metric="",
            score=row.score,
            score_std=row.score_std,
            fold_scores=row.fold_scores,
            other_metrics=row.other_metrics,
            fit_time=row.fit_time,
            predict_time_per_row=row.predict_time_per_row,
            worker=row.worker,
        )
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
    payload: dict[str, Any] = {"job": job_view(job).model_dump(mode="json")}
    event = {
        JobStatus.COMPLETED: EventType.TRAINING_COMPLETED,
        JobStatus.FAILED: EventType.TRAINING_FAILED,
        JobStatus.CANCELLED: EventType.TRAINING_CANCELLED,
    }[status]
    if model_id:
        payload["model_id"] = model_id
    if error:
        payload["error"] = error
        logger.error("job {} failed: {}", job_id, error)
    else:
        logger.info("job {} {}", job_id, status.value)
    await ctx.events.emit(event, job_id, payload)
