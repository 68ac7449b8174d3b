"""What a delivered model's card says about how it was delivered: the validation its score comes from, the name it
goes by until the analyst names it, and which trials it is made of.

One place for these facts, so a package made by `flowml train`, by the server's job and by a kept trial
(services/refits.py) says the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from loguru import logger

from flowml.core.model_card import ModelCard
from flowml.engine.evaluation import evaluated_members
from flowml.engine.preprocessor import step_labels
from flowml.engine.registry import Registry


def algorithm_label(name: str, registry: Registry) -> str:
    """The label GET /api/algorithms gives `name`; the name itself for one no longer registered."""
    algorithm = registry.algorithms.get(name)
    return algorithm.label if algorithm is not None else name


def default_model_name(
    algorithm: str, n_members: int, target: str, registry: Registry, steps: Sequence[str] = ()
) -> str:
    """'Ensemble of 3 · Attrition', 'Random forest · delivery_minutes', or with preprocessors (`steps`, their
    labels) 'Random forest after PCA (principal components) · delivery_minutes'. A clustering model's `target` is
    what it found ('k-means · 4 clusters', see `naming_facts`)."""
    what = f"Ensemble of {n_members}" if algorithm == "ensemble" else algorithm_label(algorithm, registry)
    after = f" after {' + '.join(steps)}" if steps else ""
    return f"{what}{after} · {target}"


def naming_facts(
    card: ModelCard, *, validation: str | None, folds: int | None, target: str | None, registry: Registry
) -> dict[str, Any]:
    """The validation the model's score comes from (`folds`: the fits a score averages, core.validation
    `validation_folds`; None for jobs from before it was recorded, and for clustering, whose score is a validity
    index of one fit on all rows) and the model's default name (`target` None: a clustering model)."""
    subject = target if target is not None else _clusters_found(card)
    return {
        "validation": {"method": validation, "folds": folds},
        "default_name": default_model_name(
            card.algorithm, len(card.ensemble_members), subject, registry, step_labels(card.params)
        ),
    }


def _clusters_found(card: ModelCard) -> str:
    if card.clustering is None:
        return "clusters"
    n = card.clustering.n_clusters
    return f"{n} cluster{'s' if n != 1 else ''}"


def delivery_facts(
    card: ModelCard,
    *,
    best_trial: int,
    best_algorithm: str,
    ensemble: Sequence[Mapping[str, Any]],
    validation: str | None,
    folds: int | None,
    target: str | None,
    registry: Registry,
) -> dict[str, Any]:
    """`naming_facts` plus which trials the model is made of (the leaderboard marks them). The final fit may have
    dropped planned ensemble members, so the card's members, matched back to trials, are the truth."""
    try:
        members = evaluated_members(best_trial, ensemble, card)
    except ValueError as exc:  # a member the plan does not know: say what is known rather than guess numbers
        logger.warning("delivered members not matched to trials: {}", exc)
        members = []
    algorithms = {int(e["trial_number"]): str(e["algorithm"]) for e in ensemble}
    algorithms.setdefault(best_trial, best_algorithm)
    is_ensemble = card.algorithm == "ensemble"
    return {
        **naming_facts(card, validation=validation, folds=folds, target=target, registry=registry),
        "delivered": {
            "kind": "ensemble" if is_ensemble else "trial",
            "members": [
                {"trial_number": number, "algorithm": algorithms.get(number, ""), "weight": weight}
                for number, weight in members
            ],
        },
    }
