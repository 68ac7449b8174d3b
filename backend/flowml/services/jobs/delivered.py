"""The model a job delivered, as the leaderboard and the best-score curve show it.

One rule for "best model" everywhere: the job's delivered model (jobs.model_id) with the job's score
(jobs.best_score: the best trial's, or the ensemble's out-of-fold score on the same folds when an ensemble was
delivered; services/jobs/packaging.py writes both). The banner, the leaderboard's trophy and the curve's last point
all read it from here, never recompute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from flowml.db.tables import Job, TrainedModel, Trial
from flowml.services.model_names import algorithm_label


class DeliveredMember(BaseModel):
    trial_number: int | None = Field(description="The trial whose settings this member refits; null when unknown")
    algorithm: str
    weight: float = Field(description="Share of the blend, 0-1; 1 for a single model")


class DeliveredModel(BaseModel):
    """The model the job delivered, placed among its trials."""

    kind: Literal["ensemble", "trial"]
    model_id: str
    name: str = Field(description="The model's display name")
    algorithm: str = Field(description="'ensemble' or the trial's algorithm")
    label: str = Field(description="In words: 'Ensemble of 3' or the algorithm's label")
    score: float | None = Field(description="The job's best_score: the same number the job's banner shows")
    metric: str
    trial_number: int | None = Field(description="kind 'trial': the trial it refits; null for an ensemble")
    members: list[DeliveredMember]
    rank: int | None = Field(description="Its place among the scored trials by `score` (1 = best)")
    fit_time: float = Field(description="Seconds to fit it once (the members' fold fits added up)")
    other_metrics: dict[str, float] = Field(
        default_factory=dict,
        description="Every other metric, measured like a trial's: the trial's own, or the ensemble's blend per fold "
        "(empty for ensembles from before it was recorded)",
    )
    finished_at: datetime = Field(description="When the final model was stored")


def delivered_model(
    job: Job, model: TrainedModel | None, trials: Sequence[Trial], greater_is_better: bool
) -> DeliveredModel | None:
    """None while the job has no model (running, failed, cancelled)."""
    if model is None or job.model_id != model.id:
        return None
    card: dict[str, Any] = model.card if isinstance(model.card, dict) else {}
    ensemble = model.algorithm == "ensemble"
    members = _members(card, model, trials)
    by_number = {t.trial_number: t for t in trials}
    trial_number = None if ensemble else next((m.trial_number for m in members), None)
    score = job.best_score
    scored = [t.score for t in trials if t.status == "completed" and t.score is not None]
    rank = None
    if score is not None:
        better = sum(1 for s in scored if (s > score if greater_is_better else s < score))
        rank = better + 1
    fit_time = sum(by_number[m.trial_number].fit_time for m in members if m.trial_number in by_number)
    return DeliveredModel(
        kind="ensemble" if ensemble else "trial",
        model_id=model.id,
        name=model.name or str(card.get("default_name") or f"{model.algorithm} · {model.target}"),
        algorithm=model.algorithm,
        label=f"Ensemble of {len(members)}" if ensemble else algorithm_label(model.algorithm),
        score=score,
        metric=job.metric,
        trial_number=trial_number,
        members=members,
        rank=rank,
        fit_time=fit_time,
        other_metrics=_other_metrics(card, by_number.get(trial_number) if trial_number is not None else None),
        finished_at=model.created_at,
    )


def _other_metrics(card: dict[str, Any], trial: Trial | None) -> dict[str, float]:
    if trial is not None:
        return dict(trial.other_metrics)
    recorded = card.get("ensemble_metrics")
    if not isinstance(recorded, dict):
        return {}
    return {str(k): float(v) for k, v in recorded.items() if isinstance(v, int | float)}


def _members(card: dict[str, Any], model: TrainedModel, trials: Sequence[Trial]) -> list[DeliveredMember]:
    """From the card's `delivered` entry (jobs since it is recorded); older models: the card's ensemble members
    without trial numbers, or the single trial whose settings the model has."""
    delivered = card.get("delivered")
    if isinstance(delivered, dict) and isinstance(delivered.get("members"), list) and delivered["members"]:
        return [DeliveredMember.model_validate(m) for m in delivered["members"]]
    params = card.get("params") if isinstance(card.get("params"), dict) else {}
    assert isinstance(params, dict)
    if model.algorithm == "ensemble":
        return [
            DeliveredMember(trial_number=None, algorithm=str(m.get("algorithm", "")), weight=float(m.get("weight", 0)))
            for m in params.get("members", [])
            if isinstance(m, dict)
        ]
    same = next((t for t in trials if t.algorithm == model.algorithm and t.params == params), None)
    return [DeliveredMember(trial_number=same.trial_number if same else None, algorithm=model.algorithm, weight=1.0)]
