"""Batch prediction on a raw frame, and its table form (the CLI's `flowml predict` output contract).

The table has a `prediction` column and, for classifiers, one `proba_<class>` column per class in the model's
class order, where <class> is the label as text (`proba_0`, `proba_yes`, `proba_True`). A clustering model's table
has a `cluster` column (the cluster id) instead, `cluster_name` when the names are known (from the model card), and
`proba_<id>` membership probabilities when the model is probabilistic (a mixture).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowml.core.errors import InvalidInputError
from flowml.core.model_card import ModelCard
from flowml.engine.features import match_flag_spellings
from flowml.engine.model import FlowMLModel
from flowml.engine.types import ProblemType

PREDICTION_COLUMN = "prediction"
CLUSTER_COLUMN = "cluster"
CLUSTER_NAME_COLUMN = "cluster_name"
PROBA_PREFIX = "proba_"


@dataclass
class PredictionOutput:
    """Predictions as plain Python values (JSON-ready).

    `probabilities` has one dict per row keyed by the class label as text (JSON object keys are text anyway),
    in the model's class order; None for regression. `warnings` tell the user what could not be encoded faithfully.
    For a clustering model (`clustering`), `predictions` are cluster ids, `classes` the ids 0..k-1, `probabilities`
    memberships keyed by the id as text (mixtures only), and `cluster_names` the names from the model card, set by
    a caller that has the card (`card_cluster_names`).
    """

    predictions: list[Any]
    probabilities: list[dict[str, float]] | None
    classes: list[Any] | None
    warnings: list[str] = field(default_factory=list)
    clustering: bool = False
    cluster_names: dict[int, str] | None = None


# Predictions and probabilities from a prepared frame: another engine for the same model (ONNX Runtime).
Runner = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray | None]]


def card_threshold(card: ModelCard) -> float | None:
    """The decision threshold saved in a model card, or None (the most likely class wins)."""
    return card.decision_threshold.value if card.decision_threshold is not None else None


def card_cluster_names(card: ModelCard) -> dict[int, str] | None:
    """Each cluster's name by id, as the model card has them; None for a supervised model or a card without names."""
    if card.clustering is None or not card.clustering.clusters:
        return None
    return {entry.id: entry.name for entry in card.clustering.clusters}


def apply_threshold(proba: np.ndarray, classes: list[Any], threshold: float) -> np.ndarray:
    """The binary rule: the second class where its probability is >= threshold, else the first."""
    if len(classes) != 2 or proba.ndim != 2 or proba.shape[1] != 2:
        raise ValueError("a decision threshold applies to two-class models only")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"a decision threshold must be between 0 and 1, got {threshold}")
    labels = np.asarray(classes)
    return np.asarray(labels[(proba[:, 1] >= threshold).astype(np.int64)])


def predict_frame(
    model: FlowMLModel, df: pd.DataFrame, runner: Runner | None = None, threshold: float | None = None
) -> PredictionOutput:
    """Predict every row of `df`; extra columns are ignored, missing ones are reported and treated as missing.

    The model always validates and prepares the input (and reports unseen values); `runner`, when given, computes
    the predictions from the prepared frame instead of the model's own pipeline. `threshold` (binary models only,
    see `card_threshold`) turns the probabilities into the predicted class, whichever engine computed them."""
    clustering = model.problem_type is ProblemType.CLUSTERING
    if threshold is not None and clustering:
        raise ValueError("a decision threshold applies to two-class models only, not to clustering")
    if len(df) == 0:
        raise InvalidInputError("no rows to predict")
    expected = model.plan.features
    if not any(name in df.columns for name in expected):
        raise InvalidInputError(f"none of the model's input columns are present; expected: {', '.join(expected)}")
    X, warnings = model.prepare(match_flag_spellings(df, model.plan))
    if runner is not None:
        predictions, proba = runner(X)
    else:
        predictions, proba = model.predict_prepared(X), model.predict_proba_prepared(X)
    if threshold is not None:
        if proba is None or model.classes is None:
            raise ValueError("a decision threshold applies to two-class models only")
        predictions = apply_threshold(np.asarray(proba, dtype=np.float64), list(model.classes), threshold)
    probabilities = None
    if proba is not None and model.classes is not None:
        names = [str(c) for c in model.classes]
        probabilities = [dict(zip(names, map(float, row), strict=True)) for row in proba]
    return PredictionOutput(
        predictions=_plain(predictions),
        probabilities=probabilities,
        classes=model.classes,
        warnings=warnings,
        clustering=clustering,
    )


def predictions_table(output: PredictionOutput, keep: pd.DataFrame | None = None) -> pd.DataFrame:
    """`prediction` plus `proba_<class>` per class, one row per input row, in input order; for clustering,
    `cluster` and `cluster_name` (when `output.cluster_names` is set) instead of `prediction`.

    `keep`: input columns passed through first (an id column, so the scored rows join back to their source)."""
    if output.clustering:
        table = pd.DataFrame({CLUSTER_COLUMN: pd.Series(output.predictions, dtype=np.int64)})
        if output.cluster_names is not None:
            names = output.cluster_names
            table[CLUSTER_NAME_COLUMN] = [names.get(int(c), f"cluster {c}") for c in output.predictions]
    else:
        table = pd.DataFrame({PREDICTION_COLUMN: output.predictions})
    if output.probabilities is not None and output.classes is not None:
        for label in output.classes:
            key = str(label)
            table[f"{PROBA_PREFIX}{key}"] = np.fromiter((row[key] for row in output.probabilities), dtype=np.float64)
    if keep is not None and len(keep.columns):
        # A kept column named like an output column would be ambiguous in the file; the output's name wins.
        passed = keep.drop(columns=[c for c in keep.columns if c in table.columns]).reset_index(drop=True)
        table = pd.concat([passed, table], axis=1)
    return table


def _plain(values: np.ndarray) -> list[Any]:
    # ndarray.tolist() turns numpy scalars into Python ones (int, float, str, bool) for JSON.
    return list(np.asarray(values).tolist())
