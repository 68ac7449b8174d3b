"""Model cards for tests that insert a model row or a final result without training one.

Every card the engine writes has the fields core/model_card.py requires; a test's card should too, so it looks like
what readers meet in practice. `card_dict(**facts)` is such a card with the test's own facts on top.
"""

from __future__ import annotations

from typing import Any

from flowml.core.model_card import ModelCard

BASE_CARD: dict[str, Any] = {
    "format_version": 1,
    "model_id": None,
    "problem_type": "binary",
    "target": "y",
    "classes": [0, 1],
    "metric": "roc_auc",
    "cv_score": None,
    "algorithm": "random_forest",
    "params": {},
    "input_schema": [{"name": "x", "kind": "numeric", "dtype": "float64", "required": True}],
    "dropped_columns": [],
    "n_rows": 100,
}


def card_dict(**facts: Any) -> dict[str, Any]:
    """A valid card's JSON form with `facts` set on top (checked: a typo in a test's card fails here)."""
    return ModelCard.model_validate({**BASE_CARD, **facts}).to_dict()


def model_card(**facts: Any) -> ModelCard:
    return ModelCard.model_validate(card_dict(**facts))
