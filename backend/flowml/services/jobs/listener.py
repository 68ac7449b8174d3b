"""Persists what the search loop does (trials, progress) and publishes it as events."""

from __future__ import annotations

import math
import time
from pathlib import Path

from loguru import logger
from sqlmodel import select

from flowml.db.tables import Job, Trial, TrialPublic, TrialState
from flowml.db.types import utcnow
from flowml.engine.metrics import MetricSpec, better
from flowml.engine.search import TrialTicket
from flowml.engine.types import TrialResult, TrialStatus
from flowml.events.schemas import EventType, TrainingProgressData
from flowml.services.context import AppContext
from flowml.services.jobs.paths import cancel_file
from flowml.services.jobs.views import trial_view

# Time-only progress updates are throttled; trial results are always sent.
PROGRESS_INTERVAL_SECONDS = 2.0


class JobListener:
    def __init__(self, ctx: AppContext, job_id: str, metric: MetricSpec) -> None:
        self.ctx = ctx
        self.job_id = job_id
        self.metric = metric
        self.cancel_file = cancel_file(ctx, job_id)
        self._last_progress = 0.0
        self._pending_trial: TrialPublic | None = None

    def cancelled(self) -> bool:
        return Path(self.cancel_file).exists()

    async def trial_started(self, ticket: TrialTicket) -> None:
        spec = ticket.spec
        logger.info("trial {} started: {} {}", spec.trial_number, spec.algorithm, spec.params)
        async with self.ctx.sessions() as session:
            session.add(
                Trial(
                    job_id=self.job_id,
                    trial_number=spec.trial_number,
                    algorithm=spec.algorithm,
                    params=spec.params,
                    optuna_params=ticket.optuna_params,
                    optuna_distributions=ticket.distributions,
                    status=TrialState.RUNNING,
                    validation=spec.validation,
                )
            )
            await session.commit()

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        score = result.score if result.score is not None and math.isfinite(result.score) else None
        if result.status == TrialStatus.COMPLETED:
            logger.info("trial {} {}: {} = {:.5f}", result.trial_number, result.algorithm, result.metric, score)
        else:
            logger.warning("trial {} {} {}: {}", result.trial_number, result.algorithm, result.status, result.error)
        async with self.ctx.sessions() as session:
            trial = (
                await session.exec(
                    select(Trial).where(Trial.job_id == self.job_id, Trial.trial_number == result.trial_number)
                )
            ).one()
            if trial.status != "running":
                return  # a duplicate delivery of a result already recorded: counted once (ARCHITECTURE.md §3)
            trial.status = TrialState(result.status)
            trial.score = score
            trial.score_std = result.score_std
            trial.fold_scores = [s for s in result.fold_scores if math.isfinite(s)]
            trial.other_metrics = {k: v for k, v in result.other_metrics.items() if math.isfinite(v)}
            trial.cluster_sizes = list(result.cluster_sizes)
            trial.fit_time = result.fit_time
            trial.predict_time_per_row = result.predict_time_per_row
            trial.worker = result.worker
            trial.error = result.error
            trial.finished_at = utcnow()
            session.add(trial)
            job = await session.get(Job, self.job_id)
            assert job is not None
            job.n_trials += 1
            if score is not None and (job.best_score is None or better(self.metric, score, job.best_score)):
                job.best_score, job.best_algorithm = score, result.algorithm
            session.add(job)
            await session.commit()
            await session.refresh(trial)
        self._pending_trial = trial_view(trial)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        trial, self._pending_trial = self._pending_trial, None
        now = time.monotonic()
        if trial is None and now - self._last_progress < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_progress = now
        async with self.ctx.sessions() as session:
            job = await session.get(Job, self.job_id)
            assert job is not None
            job.progress, job.stage, job.message = round(progress, 1), stage, message[:1000]
            session.add(job)
            await session.commit()
            data = TrainingProgressData.of(job, trial)
        await self.ctx.events.emit(EventType.TRAINING_PROGRESS, self.job_id, data)
