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
from flowml.engine.evaluation import attach_evaluation, evaluated_members
from flowml.engine.executor import run_final_with_fallback
from flowml.engine.final_choice import FinalChoice
from flowml.engine.types import FeaturePlan, FinalResult, FinalSpec, ProblemType
from flowml.services.context import AppContext
from flowml.services.jobs.paths import cancel_file, oof_dir
from flowml.services.jobs.views import trial_view
from flowml.services.model_names import default_model_name


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
            leaderboard=await leaderboard_of(ctx, job.id),
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
            validation=job.validation,
        )
        result.card = {**result.card, **delivery_facts(job, choice, result.card)}
        await store_package(ctx, model_id, workdir)
        await record_model(ctx, model_id, job, result, spec.cv_score)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return model_id


def delivery_facts(job: Job, choice: FinalChoice, card: dict[str, Any]) -> dict[str, Any]:
    """What the card adds for the dashboard: the validation the search used, the model's default name, and which
    trials it is made of (the leaderboard marks them; the final fit may have dropped planned members, so the card's
    members, matched back to trials, are the truth)."""
    try:
        members = evaluated_members(choice.best.trial_number, choice.ensemble, card)
    except ValueError as exc:  # a member the plan does not know: say what is known rather than guess numbers
        logger.warning("delivered members not matched to trials: {}", exc)
        members = []
    algorithms = {int(e["trial_number"]): str(e["algorithm"]) for e in choice.ensemble}
    algorithms.setdefault(choice.best.trial_number, choice.best.algorithm)
    ensemble = card.get("algorithm") == "ensemble"
    return {
        **_naming_facts(job, card),
        "delivered": {
            "kind": "ensemble" if ensemble else "trial",
            "members": [
                {"trial_number": number, "algorithm": algorithms.get(number, ""), "weight": weight}
                for number, weight in members
            ],
        },
    }


def _naming_facts(job: Job, card: dict[str, Any]) -> dict[str, Any]:
    """What every model's card records for the dashboard: the validation its score comes from (the job's) and the
    name it goes by until the analyst names it."""
    algorithm = str(card.get("algorithm", ""))
    members = card.get("params", {}).get("members", []) if algorithm == "ensemble" else []
    return {
        "validation": {"method": job.validation, "folds": job.validation_folds},
        "default_name": default_model_name(algorithm, len(members), job.target_column),
    }


async def leaderboard_of(ctx: AppContext, job_id: str) -> list[dict[str, Any]]:
    async with ctx.sessions() as session:
        rows = (await session.exec(select(Trial).where(Trial.job_id == job_id, Trial.status == "completed"))).all()
    return [trial_view(t).model_dump(mode="json") for t in rows]


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
    card = dict(result.card)
    size = await asyncio.to_thread(lambda: Path(result.model_path).stat().st_size)
    async with ctx.sessions() as session:
        session.add(
            TrainedModel(
                id=model_id,
                job_id=job.id,
                owner_id=job.owner_id,
                project_id=job.project_id,  # a project's job makes a model in that project
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
                trial_number=trial_number,
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
