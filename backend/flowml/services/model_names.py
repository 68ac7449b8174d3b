"""Friendly names for models: the algorithm's label as the Train form shows it, and what the model predicts."""

from __future__ import annotations

from flowml.engine import card_facts
from flowml.engine.algorithms import default_registry


def algorithm_label(name: str) -> str:
    """The label GET /api/algorithms gives `name`; the name itself for one no longer registered."""
    return card_facts.algorithm_label(name, default_registry())


def default_model_name(algorithm: str, n_members: int, target: str) -> str:
    """'Ensemble of 3 · Attrition' or 'Random forest · delivery_minutes': what a model is called until the analyst
    names it (TrainedModelPublic.display_name); the rule is the engine's, which names a package the same way."""
    return card_facts.default_model_name(algorithm, n_members, target, default_registry())
