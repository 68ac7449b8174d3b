"""Keep any completed trial of a finished job as its own model: refit it on all rows in the background.

A job delivers one model (often an ensemble); an analyst may prefer a simpler, more explainable configuration from
its leaderboard. The refit is the job's own final step for that trial's algorithm and parameters (engine/final.py:
refit on all rows, ONNX export with its parity check, importance, the package) written and recorded the way the
job's model is (services/jobs/packaging.py), with `trial_number` set on the model row.

The held-out evaluation needs the trial's out-of-fold predictions, which the job removes when it ends: they are
recomputed by running the trial's cross-validation again (same folds, same seed) on the local pool.

Refits in progress, and those that failed, live in this process's memory (they are short and a restart loses
nothing that asking again would not redo); a finished refit is its model row, so asking again after a restart
still answers with the kept model. Asking twice while one runs returns that one.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from loguru import logger
from sqlmodel import col, select

from flowml.core.errors import ConflictError, FlowMLError, NotFoundError
from flowml.core.model_card import EvaluationEntry, ModelCard
from flowml.db.tables import Dataset, Job, JobStatus, TrainedModel, Trial
from flowml.db.types import new_id, utcnow
from flowml.engine.evaluation import attach_evaluation
from flowml.engine.executor import LocalExecutor
from flowml.engine.final_choice import FinalChoice
from flowml.engine.package import add_evaluation
from flowml.engine.trial import one_line_error
from flowml.engine.types import FeaturePlan, FinalSpec, ProblemType, TrialResult, TrialSpec, TrialStatus
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.jobs import packaging
from flowml.services.model_names import algorithm_label

RefitState = Literal["running", "completed", "failed"]

# A refit has no job budget left to respect; it gets time for the refit itself (from the trial's fold fit time) and
# at least this long for the optional steps (ONNX export, importance), which stop at the deadline on their own.
REFIT_MIN_SECONDS = 120.0
REFIT_FIT_FACTOR = 6.0
# Recomputing the out-of-fold predictions costs k fold fits; past this the evaluation is left out (and says so).
EVALUATION_MIN_SECONDS = 60.0
EVALUATION_FIT_FACTOR = 3.0


class RefitUnavailableError(FlowMLError):
    """This process runs no training (an API-only replica): nothing here can refit."""

    status_code = 503


@dataclass
class Refit:
    """One "keep this trial" request. `id` is also the id of the model it creates."""

    id: str
    job_id: str
    trial_number: int
    state: RefitState
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    model_id: str | None = None
    error: str | None = None


def kept(model: TrainedModel, trial_number: int | None = None) -> Refit:
    """A finished refit, as its model row tells it (`trial_number` for the job's own model of that one trial)."""
    number = model.trial_number if trial_number is None else trial_number
    assert number is not None
    return Refit(
        id=model.id,
        job_id=model.job_id,
        trial_number=number,
        state="completed",
        started_at=model.created_at,
        finished_at=model.created_at,
        model_id=model.id,
    )


class RefitManager:
    """Starts refits as background tasks of this process and answers for them."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._refits: dict[tuple[str, int], Refit] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Held from "is there one already?" to "this one is started", so two requests cannot both start a refit.
        self._starting = asyncio.Lock()

    async def keep(self, job: Job, trial_number: int) -> tuple[Refit, bool]:
        """The refit of `job`'s trial: an existing model or running refit, else a new one. Returns it and whether
        it was started by this call. Raises a user error when the trial cannot be kept (the message says why)."""
        async with self._starting:
            existing = await self._existing(job.id, trial_number)
            if existing is not None:
                return existing, False
            trial, dataset = await self._check(job, trial_number)
            refit = Refit(id=new_id(), job_id=job.id, trial_number=trial_number, state="running")
            self._refits[(job.id, trial_number)] = refit
            task = asyncio.create_task(self._run(refit, job, trial, dataset), name=f"refit-{refit.id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return refit, True

    async def status(self, job_id: str, trial_number: int) -> Refit:
        existing = await self._existing(job_id, trial_number)
        if existing is not None:
            return existing
        failed = self._refits.get((job_id, trial_number))
        if failed is not None:
            return failed
        raise NotFoundError(f"trial {trial_number} of job {job_id} has not been kept as a model")

    async def for_job(self, job_id: str) -> list[Refit]:
        """Every refit of the job this process knows of (running, failed) and every kept model, by trial."""
        async with self.ctx.sessions() as session:
            query = select(TrainedModel).where(
                TrainedModel.job_id == job_id, col(TrainedModel.trial_number).is_not(None)
            )
            rows = (await session.exec(query.order_by(col(TrainedModel.created_at)))).all()
        found = {row.trial_number: kept(row) for row in rows}
        delivered = await self._delivered(job_id)
        if delivered is not None:
            found[delivered.trial_number] = delivered
        for (job, number), refit in self._refits.items():
            if job == job_id and number not in found:
                found[number] = refit
        return [found[n] for n in sorted(n for n in found if n is not None)]

    async def shutdown(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _existing(self, job_id: str, trial_number: int) -> Refit | None:
        """The kept model (newest, should there be two), or the refit still running; a failed one is not kept."""
        async with self.ctx.sessions() as session:
            query = select(TrainedModel).where(TrainedModel.job_id == job_id, TrainedModel.trial_number == trial_number)
            model = (await session.exec(query.order_by(col(TrainedModel.created_at).desc()))).first()
        if model is not None:
            return kept(model)
        delivered = await self._delivered(job_id)
        if delivered is not None and delivered.trial_number == trial_number:
            return delivered
        refit = self._refits.get((job_id, trial_number))
        return refit if refit is not None and refit.state == "running" else None

    async def _delivered(self, job_id: str) -> Refit | None:
        """The job's own model when it is one trial refit alone (no ensemble): keeping that trial would only make a
        copy of it, so it answers for that trial."""
        async with self.ctx.sessions() as session:
            job = await session.get(Job, job_id)
            model = await session.get(TrainedModel, job.model_id) if job is not None and job.model_id else None
        delivered = ModelCard.from_dict(model.card).delivered if model is not None else None
        if model is None or delivered is None or delivered.kind != "trial" or len(delivered.members) != 1:
            return None
        return kept(model, delivered.members[0].trial_number)

    async def _check(self, job: Job, trial_number: int) -> tuple[Trial, Dataset]:
        if not JobStatus(job.status).is_final:
            raise ConflictError(
                f"job {job.id} is still {job.status}: keep one of its trials as a model once the job has finished"
            )
        if not job.feature_plan:
            raise ConflictError(f"job {job.id} stopped before it prepared its data, so it has no trial to keep")
        if self.ctx.executor is None or self.ctx.pool is None:
            raise RefitUnavailableError("this server does not run training, so it cannot refit a trial")
        async with self.ctx.sessions() as session:
            query = select(Trial).where(Trial.job_id == job.id, Trial.trial_number == trial_number)
            trial = (await session.exec(query)).first()
            dataset = await session.get(Dataset, job.dataset_id)
        if trial is None:
            raise NotFoundError(f"job {job.id} has no trial {trial_number}")
        if trial.status != TrialStatus.COMPLETED or trial.score is None:
            why = f": {trial.error}" if trial.error else ""
            raise ConflictError(
                f"trial {trial_number} did not complete (it is {trial.status}{why}); only a completed trial with a "
                "score can be kept as a model"
            )
        if dataset is None:
            raise ConflictError(
                f"the dataset job {job.id} trained on was deleted, so trial {trial_number} cannot be refit on it; "
                "upload the table again and train a new job"
            )
        return trial, dataset

    async def _run(self, refit: Refit, job: Job, trial: Trial, dataset: Dataset) -> None:
        try:
            await refit_trial(self.ctx, job, trial, dataset, refit.id)
        except asyncio.CancelledError:
            refit.state, refit.error = "failed", "the server stopped during the refit; ask again to keep this trial"
            raise
        except FlowMLError as exc:
            refit.state, refit.error = "failed", exc.message
        except Exception as exc:  # reported as the refit's state: the request that started it has long returned
            logger.exception("refit of trial {} of job {} failed", trial.trial_number, job.id)
            refit.state, refit.error = "failed", one_line_error(exc)
        else:
            refit.state, refit.model_id = "completed", refit.id
            logger.info("trial {} of job {} kept as model {}", trial.trial_number, job.id, refit.id)
        finally:
            refit.finished_at = utcnow()


async def refit_trial(ctx: AppContext, job: Job, trial: Trial, dataset: Dataset, model_id: str) -> None:
    """Refit, package, store and record the trial as model `model_id`. On any failure nothing is left behind:
    the package's files are removed from the store and no row is written."""
    assert ctx.executor is not None and trial.score is not None
    try:
        path = await local_parquet(ctx, dataset)
    except FlowMLError as exc:
        raise ConflictError(f"the job's dataset can no longer be read, so the trial cannot be refit: {exc}") from exc
    plan = FeaturePlan.from_dict(job.feature_plan or {})
    n_folds = job.validation_folds or job.n_folds
    validation = trial.validation or job.validation or "cv"
    workdir = ctx.settings.cache_dir / "packages" / model_id
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"refit-{model_id}-", dir=ctx.settings.cache_dir))
    stored = False
    try:
        scale = n_folds / max(1, n_folds - 1)
        spec = FinalSpec(
            job_id=job.id,
            dataset_path=str(path),
            dataset_sha256=dataset.sha256,
            problem_type=job.problem_type,
            feature_plan=plan.to_dict(),
            metric=job.metric,
            seed=job.seed,
            output_dir=str(workdir),
            leaderboard=await packaging.leaderboard_of(ctx, job.id),
            model_id=model_id,
            algorithm=trial.algorithm,
            params=trial.params,
            cv_score=trial.score,
            deadline=time.time() + REFIT_MIN_SECONDS + REFIT_FIT_FACTOR * trial.fit_time * scale,
            notes=[f"kept from trial {trial.trial_number} of job {job.id}: refit on all rows with its settings"],
        )
        clustering = ProblemType(job.problem_type) is ProblemType.CLUSTERING
        # Clustering has no held-out predictions to recompute: its report (clusters.json) comes with the refit.
        oof_spec = None if clustering else _oof_spec(job, trial, plan, str(path), scratch, validation)
        # The refit and the held-out predictions are independent: side by side on the pool. If one fails the
        # group cancels the other, which kills its worker process rather than leave it running for nothing.
        try:
            async with asyncio.TaskGroup() as group:
                final = group.create_task(ctx.executor.run_final(spec))
                held_out = group.create_task(_recompute_oof(ctx, oof_spec)) if oof_spec is not None else None
        except ExceptionGroup as failed:  # the first failure is the reason to report, not the group around it
            raise failed.exceptions[0] from None
        result, oof_error = final.result(), held_out.result() if held_out is not None else None
        card = result.card.updated({"trial_number": trial.trial_number})
        # The same facts the job's model carries (validation used, default name, which trial it is), by the same code.
        card = card.updated(packaging.delivery_facts(job, _single_choice(job, trial), card))
        # Named apart from the job's model of the same algorithm, in lists and side by side.
        name = f"{algorithm_label(trial.algorithm)}, trial {trial.trial_number} · {_subject(job, card)}"
        card = card.updated({"default_name": name})
        if clustering:
            result.card = card
            await asyncio.to_thread(add_evaluation, workdir, result.card, None)
        elif oof_error is None:
            recomputed = (
                "held-out evaluation recomputed with the trial's own folds and seed (the search's predictions are "
                "removed when a job ends)"
            )
            card = card.updated({"notes": [*card.notes, recomputed]})
            result.card = await asyncio.to_thread(
                attach_evaluation,
                workdir,
                card,
                dataset_path=path,
                plan=plan,
                task=ProblemType(job.problem_type),
                n_folds=n_folds,
                oof_dir=scratch,
                best_trial=trial.trial_number,
                ensemble=[],
                validation=validation,
            )
        else:  # the package's card says the same as the row: no evaluation, and why
            reason = f"the trial's held-out predictions could not be recomputed: {oof_error}"
            result.card = card.updated({"evaluation": EvaluationEntry(available=False, reason=reason)})
            await asyncio.to_thread(add_evaluation, workdir, result.card, None)
        stored = True
        await packaging.store_package(ctx, model_id, workdir)
        await packaging.record_model(ctx, model_id, job, result, trial.score, trial_number=trial.trial_number)
    except BaseException:
        if stored:  # the row was not written (or failed): a package without a row would never be found again
            with contextlib.suppress(Exception):
                await asyncio.to_thread(ctx.store.delete_prefix, f"models/{model_id}/")
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def _subject(job: Job, card: ModelCard) -> str:
    """What the model is about in its name: the target, or for clustering the clusters it found."""
    if job.target_column is not None:
        return job.target_column
    found = card.clustering.n_clusters if card.clustering is not None else None
    return f"{found} clusters" if found is not None else "clusters"


def _single_choice(job: Job, trial: Trial) -> FinalChoice:
    """The trial as the job's final step would have chosen it alone: no ensemble, no deadline left to plan."""
    best = TrialResult(
        job_id=job.id,
        trial_number=trial.trial_number,
        algorithm=trial.algorithm,
        params=trial.params,
        status=trial.status,
        metric=job.metric,
        score=trial.score,
    )
    return FinalChoice(best=best, ensemble=[], ensemble_score=None, deadline=0.0)


def _oof_spec(job: Job, trial: Trial, plan: FeaturePlan, path: str, scratch: Path, validation: str) -> TrialSpec:
    folds = 1 if validation == "holdout" else job.n_folds
    seconds = EVALUATION_MIN_SECONDS + EVALUATION_FIT_FACTOR * trial.fit_time * folds
    return TrialSpec(
        job_id=job.id,
        trial_number=trial.trial_number,
        dataset_path=path,
        problem_type=job.problem_type,
        feature_plan=plan.to_dict(),
        algorithm=trial.algorithm,
        params=trial.params,
        metric=job.metric,
        n_folds=job.n_folds,
        seed=job.seed,
        deadline=time.time() + seconds,
        oof_dir=str(scratch),
        validation=validation,
    )


async def _recompute_oof(ctx: AppContext, spec: TrialSpec) -> str | None:
    """The trial's out-of-fold predictions written to `spec.oof_dir`; None when they were, else why not. Always on
    this process's pool: a remote worker could not hand them back for a job that has ended."""
    assert ctx.pool is not None
    result = await LocalExecutor(ctx.pool).run_trial(spec)
    if result.status != TrialStatus.COMPLETED or result.oof_path is None:
        return result.error or f"the cross-validation ended {result.status}"
    return None
