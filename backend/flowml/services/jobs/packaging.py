"""The job's last step: the final fit in a worker, the package into the artifact store, the model row in SQL."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from loguru import logger
from sqlmodel import select

from flowml.db.tables import Dataset, Job, TrainedModel, Trial
from flowml.db.types import new_id
from flowml.engine.evaluation import attach_evaluation
from flowml.engine.executor import run_final_with_fallback
from flowml.engine.final_choice import FinalChoice
from flowml.engine.types import FeaturePlan, FinalResult, FinalSpec, ProblemType
from flowml.services.context import AppContext
from flowml.services.jobs.paths import cancel_file, oof_dir
from flowml.services.jobs.views import trial_view


async def finalize(
    ctx: AppContext, job: Job, dataset: Dataset, path: Path, plan: FeaturePlan, choice: FinalChoice
) -> str:
    assert ctx.executor is not None
    model_id = new_id()
    workdir = ctx.settings.cache_dir / "packages" / model_id
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        spec = FinalSpec(
            job_id=job.id,
            dataset_path=str(path),
            dataset_sha256=dataset.sha256,
            problem_type=job.problem_type,
            feature_plan=plan.to_dict(),
            metric=job.metric,
            seed=job.seed,
            output_dir=str(workdir),
            leaderboard=await _leaderboard(ctx, job.id),
            model_id=model_id,
            cancel_path=str(cancel_file(ctx, job.id)),
            **choice.spec_fields(),
        )
        result = await run_final_with_fallback(ctx.executor, spec)
        # Held-out evaluation for the Results page, from the search's out-of-fold predictions (still on disk
        # until the job is final), for the configuration the final fit delivered.
        result.card = await asyncio.to_thread(
            attach_evaluation,
            workdir,
            result.card,
            dataset_path=path,
            plan=plan,
            task=ProblemType(job.problem_type),
            n_folds=job.n_folds,
            oof_dir=oof_dir(ctx, job.id),
            best_trial=choice.best.trial_number,
            ensemble=choice.ensemble,
        )
        await _store_package(ctx, model_id, workdir)
        await _record_model(ctx, model_id, job, result, spec.cv_score)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return model_id


async def _leaderboard(ctx: AppContext, job_id: str) -> list[dict[str, Any]]:
    async with ctx.sessions() as session:
        rows = (await session.exec(select(Trial).where(Trial.job_id == job_id, Trial.status == "completed"))).all()
    return [trial_view(t).model_dump(mode="json") for t in rows]


async def _store_package(ctx: AppContext, model_id: str, workdir: Path) -> None:
    def upload() -> None:
        for file in sorted(workdir.iterdir()):
            ctx.store.put_file(f"models/{model_id}/{file.name}", file)

    await asyncio.to_thread(upload)


async def _record_model(ctx: AppContext, model_id: str, job: Job, result: FinalResult, cv_score: float) -> None:
    card = dict(result.card)
    size = await asyncio.to_thread(lambda: Path(result.model_path).stat().st_size)
    async with ctx.sessions() as session:
        session.add(
            TrainedModel(
                id=model_id,
                job_id=job.id,
                owner_id=job.owner_id,
                dataset_id=job.dataset_id,
                algorithm=card.get("algorithm", ""),
                problem_type=job.problem_type,
                target=job.target_column,
                metric=job.metric,
                cv_score=card.get("cv_score", cv_score),
                sha256=result.model_sha256,
                size_bytes=size,
                storage_prefix=f"models/{model_id}",
                classes=card.get("classes"),
                feature_importance=result.feature_importance,
                card=card,
            )
        )
        if card.get("algorithm") == "ensemble":
            # The job's headline result is what it delivers: the ensemble, scored out of fold.
            row = await session.get(Job, job.id)
            if row is not None and card.get("cv_score") is not None:
                row.best_algorithm, row.best_score = "ensemble", float(card["cv_score"])
                session.add(row)
        await session.commit()
    logger.info(
        "model {} stored ({} bytes of joblib, sha256 {})",
        model_id,
        size,
        result.model_sha256,
    )
