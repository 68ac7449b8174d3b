"""Models side by side: what the compare page shows, gathered in one place with the rule that makes it meaningful.

Scores of models are comparable only when they predict the same thing the same way: the same target and problem
type. Each model's metrics come from the trial(s) it was built from (the search's held-out scores, the same for
every model of a job): a kept trial or a job's single best model is one trial; an ensemble is scored by its own
out-of-fold cv_score, and its speed is the sum of its members' (each is refit and predicts every row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from flowml.core.errors import ConflictError, InvalidInputError, NotFoundError
from flowml.core.model_card import ModelCard
from flowml.db.tables import Job, TrainedModel, Trial, User
from flowml.engine.metrics import metrics_for
from flowml.engine.types import ProblemType
from flowml.services import access, models
from flowml.services.context import AppContext
from flowml.services.inputs import is_id

MIN_MODELS = 2
MAX_MODELS = 8


@dataclass
class Compared:
    """One model, with the trials it was built from and its evaluation (or why there is none)."""

    model: TrainedModel
    trials: list[Trial]
    evaluation: dict[str, Any] | None = None
    evaluation_missing: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)


def parse_ids(raw: str, kind: str) -> list[str]:
    """'a,b,c' -> ids in order, duplicates dropped; a clear message for too few, too many or malformed ones."""
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(ids) < MIN_MODELS:
        raise InvalidInputError(f"pick at least {MIN_MODELS} {kind}s to compare (got {len(ids)})")
    if len(ids) > MAX_MODELS:
        raise InvalidInputError(f"compare at most {MAX_MODELS} {kind}s at once (got {len(ids)})")
    for value in ids:
        if not is_id(value):
            raise NotFoundError(f"{kind} {value} not found")
    return ids


async def models_of_jobs(ctx: AppContext, user: User, job_ids: list[str]) -> list[str]:
    """The model each job delivered, in the jobs' order; a job without one is a clear 409."""
    roles = await access.roles_of(ctx, user)
    out: list[str] = []
    async with ctx.sessions() as session:
        for job_id in job_ids:
            job = await session.get(Job, job_id)
            if job is None or not access.can_see(user, job.owner_id, job.project_id, roles):
                raise NotFoundError(f"job {job_id} not found")
            if job.model_id is None:
                raise ConflictError(f"job {job_id} has no model to compare (it is {job.status})")
            out.append(job.model_id)
    return out


async def compare(ctx: AppContext, user: User, model_ids: list[str]) -> list[Compared]:
    roles = await access.roles_of(ctx, user)
    found: list[TrainedModel] = []
    for model_id in model_ids:
        try:
            model = await models.get_model(ctx, model_id)
        except NotFoundError:
            raise NotFoundError(f"model {model_id} not found") from None
        access.check_see("model", model_id, user, model.owner_id, model.project_id, roles)
        found.append(model)
    check_comparable(found)
    out: list[Compared] = []
    for model in found:
        item = Compared(model=model, trials=await source_trials(ctx, model))
        item.metrics = model_metrics(model, item.trials)
        try:
            item.evaluation = await models.evaluation(ctx, model.id)
        except NotFoundError as exc:
            item.evaluation_missing = exc.message
        out.append(item)
    return out


def check_comparable(found: list[TrainedModel]) -> None:
    first = found[0]
    for model in found[1:]:
        if (model.target, model.problem_type) != (first.target, first.problem_type):
            raise InvalidInputError(
                f"these models predict different things: {first.id} predicts {first.target} ({first.problem_type}), "
                f"{model.id} predicts {model.target} ({model.problem_type}); compare models of the same target "
                "and problem type"
            )


async def source_trials(ctx: AppContext, model: TrainedModel) -> list[Trial]:
    """The job's trials this model refits: its own (kept trial), the delivered one, or the ensemble's members."""
    async with ctx.sessions() as session:
        query = select(Trial).where(Trial.job_id == model.job_id, Trial.status == "completed")
        trials = list((await session.exec(query.order_by(col(Trial.trial_number)))).all())
    by_number = {t.trial_number: t for t in trials}
    if model.trial_number is not None:
        return [by_number[model.trial_number]] if model.trial_number in by_number else []
    card = ModelCard.from_dict(model.card)
    if card.delivered is not None and card.delivered.members:
        return [by_number[m.trial_number] for m in card.delivered.members if m.trial_number in by_number]
    # Models from before the card named its trials: match the configuration by algorithm and parameters.
    members = card.ensemble_members if model.algorithm == "ensemble" else None
    wanted = members or [{"algorithm": model.algorithm, "params": card.params}]
    out: list[Trial] = []
    for entry in wanted:
        match = next((t for t in trials if _same_config(t, entry) and t not in out), None)
        if match is not None:
            out.append(match)
    return out


def _same_config(trial: Trial, entry: dict[str, Any]) -> bool:
    return trial.algorithm == entry.get("algorithm") and _json(trial.params) == _json(entry.get("params"))


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def model_metrics(model: TrainedModel, trials: list[Trial]) -> dict[str, float]:
    """The job's metric (the model's own cv_score) and every other metric: a model of one trial has the trial's; an
    ensemble has those its card records, measured on the blend the same way (engine/final_choice.py). An ensemble
    from before they were recorded shows only its own score, rather than numbers borrowed from one member."""
    out: dict[str, float] = {}
    if len(trials) == 1 and model.algorithm != "ensemble":
        out.update(trials[0].other_metrics)
    elif model.algorithm == "ensemble":
        out.update(ModelCard.from_dict(model.card).ensemble_metrics or {})
    if model.cv_score is not None:
        out[model.metric] = model.cv_score
    return out


def metric_columns(problem_type: str, compared: list[Compared]) -> list[dict[str, Any]]:
    """Every metric some model has, in the engine's order, with its direction (as GET /api/metrics says)."""
    present = {name for item in compared for name in item.metrics}
    return [
        {"name": m.name, "label": m.label, "greater_is_better": m.greater_is_better}
        for m in metrics_for(ProblemType(problem_type))
        if m.name in present
    ]


def speed(trials: list[Trial]) -> tuple[float | None, float | None]:
    """(fit seconds, predict seconds per row): one fold fit of each trial, summed over an ensemble's members."""
    if not trials:
        return None, None
    return sum(t.fit_time for t in trials), sum(t.predict_time_per_row for t in trials)
