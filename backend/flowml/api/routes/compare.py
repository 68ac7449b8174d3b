"""Compare models side by side: one request for what the compare page shows (metrics with their directions,
curves, importances, speed, size), refused with a clear message when the models predict different things."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.api.routes.results import RegressionEvaluation, RocCurve
from flowml.core.errors import InvalidInputError
from flowml.db.tables import TrainedModelPublic
from flowml.db.types import ProblemTypeValue
from flowml.services import compare as service

router = APIRouter(prefix="/api/results", tags=["results"], dependencies=[Depends(current_user)], responses=signed_in())


class CompareMetric(BaseModel):
    name: str
    label: str
    greater_is_better: bool = Field(description="The direction that marks the best model in this metric's row")


class ComparedModel(BaseModel):
    id: str
    display_name: str
    algorithm: str
    job_id: str
    trial_number: int | None = Field(description="The leaderboard trial this model keeps; null for a job's model")
    kind: Literal["ensemble", "trial"]
    trials: list[int] = Field(description="The job's trials it is built from (an ensemble's members)")
    metrics: dict[str, float] = Field(
        description="The job's metric (cv_score) and, for a model of one trial, every other metric that trial scored"
    )
    validation_label: str
    fit_time: float | None = Field(description="Seconds to fit once (one fold; summed over an ensemble's members)")
    predict_time_per_row: float | None = Field(description="Seconds to predict one row (summed over members)")
    size_bytes: int
    created_at: datetime
    feature_importance: dict[str, float] = Field(description="Signed: a negative value means shuffling it helped")
    roc: list[RocCurve] = Field(description="Classification: held-out ROC curves (binary: the positive class)")
    regression: RegressionEvaluation | None = Field(description="Regression: held-out predicted vs actual")
    evaluation_source: str | None = Field(description="Where the curves come from, in plain words")
    evaluation_missing: str | None = Field(description="Why this model has no curves, when it has none")


class Comparison(BaseModel):
    problem_type: ProblemTypeValue
    target: str | None = Field(description="The target every model predicts; null for clustering models")
    metrics: list[CompareMetric] = Field(description="One row per metric any model has, in the engine's order")
    models: list[ComparedModel]


@router.get("/compare", response_model=Comparison, responses=error_responses(404, 409, 422, 503))
async def compare_models(
    ctx: CtxDep,
    user: CurrentUser,
    models: str | None = Query(default=None, max_length=400, description="Model ids, comma-separated (2 to 8)"),
    jobs: str | None = Query(default=None, max_length=400, description="Job ids: their delivered models"),
) -> Any:
    if (models is None) == (jobs is None):
        raise InvalidInputError("give either models=<id,id,...> or jobs=<id,id,...> to compare")
    if models is not None:
        ids = service.parse_ids(models, "model")
    else:
        ids = await service.models_of_jobs(ctx, user, service.parse_ids(jobs or "", "job"))
    compared = await service.compare(ctx, user, ids)
    first = compared[0].model
    return Comparison(
        problem_type=first.problem_type,
        target=first.target,
        metrics=[CompareMetric(**column) for column in service.metric_columns(first.problem_type, compared)],
        models=[_view(item) for item in compared],
    )


def _view(item: service.Compared) -> ComparedModel:
    model = item.model
    public = TrainedModelPublic.model_validate(model, from_attributes=True)
    fit_time, predict_time = service.speed(item.trials)
    evaluation = item.evaluation or {}
    classification = evaluation.get("classification") or {}
    regression = evaluation.get("regression")
    return ComparedModel(
        id=model.id,
        display_name=public.display_name,
        algorithm=model.algorithm,
        job_id=model.job_id,
        trial_number=model.trial_number,
        kind="ensemble" if model.algorithm == "ensemble" else "trial",
        trials=[t.trial_number for t in item.trials],
        metrics=item.metrics,
        validation_label=public.validation_label,
        fit_time=fit_time,
        predict_time_per_row=predict_time,
        size_bytes=model.size_bytes,
        created_at=model.created_at,
        feature_importance=model.feature_importance,
        roc=[RocCurve.model_validate(curve) for curve in classification.get("roc", [])],
        regression=RegressionEvaluation.model_validate(regression) if regression else None,
        evaluation_source=evaluation.get("source"),
        evaluation_missing=item.evaluation_missing,
    )
