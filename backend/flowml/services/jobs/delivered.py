"""The model a job delivered, as the leaderboard and the best-score curve show it.

One rule for "best model" everywhere: the job's delivered model (jobs.model_id) with the job's score
(jobs.best_score: the best trial's, or the ensemble's out-of-fold score on the same folds when an ensemble was
delivered; services/jobs/packaging.py writes both). The banner, the leaderboard's trophy and the curve's last point
all read it from here, never recompute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from flowml.core.model_card import ModelCard
from flowml.db.tables import Job, TrainedModel, Trial
from flowml.engine.metrics import MetricSpec, better
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
    job: Job, model: TrainedModel | None, trials: Sequence[Trial], metric: MetricSpec
) -> DeliveredModel | None:
    """None while the job has no model (running, failed, cancelled)."""
    if model is None or job.model_id != model.id:
        return None
    card = ModelCard.from_dict(model.card)
    ensemble = model.algorithm == "ensemble"
    members = _members(card, model, trials)
    by_number = {t.trial_number: t for t in trials}
    trial_number = None if ensemble else next((m.trial_number for m in members), None)
    score = job.best_score
    scored = [t.score for t in trials if t.status == "completed" and t.score is not None]
    rank = None
    if score is not None:
        rank = sum(1 for s in scored if better(metric, s, score)) + 1
    fit_time = sum(by_number[m.trial_number].fit_time for m in members if m.trial_number in by_number)
    return DeliveredModel(
        kind="ensemble" if ensemble else "trial",
        model_id=model.id,
        name=model.name or card.default_name or f"{model.algorithm} · {model.target or 'clusters'}",
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


def _other_metrics(card: ModelCard, trial: Trial | None) -> dict[str, float]:
    if trial is not None:
        return dict(trial.other_metrics)
    return dict(card.ensemble_metrics or {})


def _members(card: ModelCard, model: TrainedModel, trials: Sequence[Trial]) -> list[DeliveredMember]:
    """From the card's `delivered` entry (jobs since it is recorded); older models: the card's ensemble members
    without trial numbers, or the single trial whose settings the model has."""
    if card.delivered is not None and card.delivered.members:
        return [DeliveredMember.model_validate(m.to_dict()) for m in card.delivered.members]
    if model.algorithm == "ensemble":
        return [
            DeliveredMember(trial_number=None, algorithm=str(m.get("algorithm", "")), weight=float(m.get("weight", 0)))
            for m in card.ensemble_members
        ]
    same = next((t for t in trials if t.algorithm == model.algorithm and t.params == card.params), None)
    return [DeliveredMember(trial_number=same.trial_number if same else None, algorithm=model.algorithm, weight=1.0)]
