"""The job's artifacts: where its run writes out-of-fold predictions and the package, the package into the
artifact store, the model row in SQL, and the leaderboard and card facts a kept trial's package shares with it."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger
from sqlmodel import col, select

from flowml.core.model_card import ModelCard
from flowml.db.tables import Job, TrainedModel, Trial
from flowml.engine import card_facts
from flowml.engine.algorithms import default_registry
from flowml.engine.final_choice import FinalChoice
from flowml.engine.metrics import get_metric
from flowml.engine.run import leaderboard_rows
from flowml.engine.types import FinalResult, LeaderboardRow, ProblemType, TrialResult, TrialStatus, Validation
from flowml.services.context import AppContext
from flowml.services.jobs.paths import oof_dir


@dataclass(frozen=True)
class JobStorage:
    """The run's ArtifactStorage (engine/run.py) for a job: out-of-fold predictions under the job's folder (a
    resumed job still finds them), the package in a scratch folder, then into the artifact store."""

    ctx: AppContext
    job_id: str
    model_id: str

    def oof_dir(self) -> Path:
        return oof_dir(self.ctx, self.job_id)

    def package_dir(self) -> Path:
        return self.ctx.settings.cache_dir / "packages" / self.model_id

    async def keep(self, package_dir: Path) -> str:
        await store_package(self.ctx, self.model_id, package_dir)
        return f"models/{self.model_id}"

    def discard(self) -> None:
        """Remove the scratch package folder (stored or not)."""
        shutil.rmtree(self.package_dir(), ignore_errors=True)


def delivery_facts(job: Job, choice: FinalChoice, card: ModelCard) -> dict[str, Any]:
    """The card facts every package of the job carries (engine/card_facts.py), for a package made outside the run
    (a kept trial, services/refits.py)."""
    return card_facts.delivery_facts(
        card,
        best_trial=choice.best.trial_number,
        best_algorithm=choice.best.algorithm,
        ensemble=choice.ensemble,
        validation=job.validation,
        folds=job.validation_folds,
        target=job.target_column,
        registry=default_registry(),
    )


def trial_result(row: Trial) -> TrialResult:
    """A recorded trial as the engine's result (its out-of-fold file is not known here)."""
    return TrialResult(
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
        cluster_sizes=row.cluster_sizes,
        fit_time=row.fit_time,
        predict_time_per_row=row.predict_time_per_row,
        worker=row.worker,
    )


async def leaderboard_of(ctx: AppContext, job_id: str) -> list[LeaderboardRow]:
    """The job's leaderboard from its recorded trials, made as the run makes it (engine/run.py leaderboard_rows)."""
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        rows = (await session.exec(select(Trial).where(Trial.job_id == job_id).order_by(col(Trial.trial_number)))).all()
    if job is None:
        return []
    metric = get_metric(job.metric, ProblemType(job.problem_type))
    completed = [trial_result(r) for r in rows if r.status == TrialStatus.COMPLETED]
    return leaderboard_rows(completed, metric, Validation(job.validation) if job.validation else None)


async def store_package(ctx: AppContext, model_id: str, workdir: Path) -> None:
    def upload() -> None:
        for file in sorted(workdir.iterdir()):
            ctx.store.put_file(f"models/{model_id}/{file.name}", file)

    await asyncio.to_thread(upload)


async def record_model(
    ctx: AppContext,
    model_id: str,
    job: Job,
    result: FinalResult,
    cv_score: float,
    *,
    trial_number: int | None = None,
) -> None:
    """The model row; `trial_number` for a leaderboard trial kept as its own model (services/refits.py)."""
    card = result.card
    size = await asyncio.to_thread(lambda: Path(result.model_path).stat().st_size)
    async with ctx.sessions() as session:
        session.add(
            TrainedModel(
                id=model_id,
                job_id=job.id,
                owner_id=job.owner_id,
                project_id=job.project_id,  # a project's job makes a model in that project
                dataset_id=job.dataset_id,
                algorithm=card.algorithm,
                problem_type=job.problem_type,
                target=job.target_column,
                metric=job.metric,
                cv_score=card.cv_score if card.cv_score is not None else cv_score,
                sha256=result.model_sha256,
                size_bytes=size,
                storage_prefix=f"models/{model_id}",
                classes=card.classes,
                feature_importance=result.feature_importance,
                card=card.to_dict(),
                trial_number=trial_number,
            )
        )
        if card.algorithm == "ensemble":
            # The job's headline result is what it delivers: the ensemble, scored out of fold.
            row = await session.get(Job, job.id)
            if row is not None and card.cv_score is not None:
                row.best_algorithm, row.best_score = "ensemble", float(card.cv_score)
                session.add(row)
        await session.commit()
    logger.info(
        "model {} stored ({} bytes of joblib, sha256 {})",
        model_id,
        size,
        result.model_sha256,
    )
