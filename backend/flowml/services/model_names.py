"""Friendly names for models: the algorithm's label as the Train form shows it, and what the model predicts."""

from __future__ import annotations

from flowml.engine.algorithms import default_registry


def algorithm_label(name: str) -> str:
    """The label GET /api/algorithms gives `name`; the name itself for one no longer registered."""
    algorithm = default_registry().algorithms.get(name)
    return algorithm.label if algorithm is not None else name


def default_model_name(algorithm: str, n_members: int, target: str) -> str:
    """'Ensemble of 3 · Attrition' or 'Random forest · delivery_minutes': what a model is called until the analyst
    names it (TrainedModelPublic.display_name)."""
    what = f"Ensemble of {n_members}" if algorithm == "ensemble" else algorithm_label(algorithm)
    return f"{what} · {target}"
