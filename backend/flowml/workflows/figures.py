"""A Visualization node's output: the chart's data as JSON (points, counts, bars), not an image, so the canvas
draws it in its own theme and a CLI user can read or plot it. Long series are thinned to MAX_POINTS."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import auc, confusion_matrix, precision_recall_curve, roc_curve

from flowml.core.errors import InvalidInputError
from flowml.engine.types import ProblemType
from flowml.workflows.nodes import FittedModel, Table

MAX_POINTS = 200  # per curve
MAX_SAMPLE = 500  # scatter points
MAX_FEATURES = 30  # importance bars


def figure(kind: str, model: FittedModel, test: Table | None, *, seed: int) -> dict[str, Any]:
    """The data of chart `kind` for `model` (on `test` where the chart needs rows)."""
    if kind == "feature_importance":
        return {"kind": kind, **_importance(model)}
    if kind == "learning_curve":
        return {"kind": kind, **_learning_curve(model)}
    if test is None:
        raise InvalidInputError(f"a {kind} chart needs the test input connected")
    problem = model.model.problem_type
    if kind == "cluster_scatter":
        return {"kind": kind, **_cluster_scatter(model, test, seed)}
    if test.target is None:
        raise InvalidInputError(f"a {kind} chart needs the test rows' target")
    truth = test.frame[test.target]
    predicted = model.predict(test.frame)
    if kind in ("residuals", "predicted_vs_actual"):
        if problem is not ProblemType.REGRESSION:
            raise InvalidInputError(f"a {kind} chart is for regression models")
        actual = truth.to_numpy(dtype=np.float64)
        rows = _sample(len(actual), seed)
        if kind == "residuals":
            return {
                "kind": kind,
                "predicted": _floats(predicted[rows]),
                "residual": _floats((actual - predicted)[rows]),
            }
        return {"kind": kind, "actual": _floats(actual[rows]), "predicted": _floats(predicted[rows])}
    if not problem.is_classification or model.model.classes is None:
        raise InvalidInputError(f"a {kind} chart is for classification models")
    classes = list(model.model.classes)
    labels = [str(c) for c in classes]
    if kind == "confusion_matrix":
        index = pd.Index(classes)
        matrix = confusion_matrix(
            index.get_indexer(pd.Index(truth)), index.get_indexer(pd.Index(predicted)), labels=list(range(len(classes)))
        )
        return {"kind": kind, "labels": labels, "matrix": matrix.astype(int).tolist()}
    proba = model.predict_proba(test.frame)
    if proba is None:
        raise InvalidInputError(f"a {kind} chart needs class probabilities")
    # Binary: the positive class's curve; multiclass: one curve per class against the rest.
    shown = [1] if len(classes) == 2 else list(range(len(classes)))
    y = pd.Index(classes).get_indexer(pd.Index(truth))
    curves = [_curve(kind, y == j, proba[:, j], labels[j]) for j in shown]
    return {"kind": kind, "curves": curves}


def _curve(kind: str, positive: np.ndarray, scores: np.ndarray, label: str) -> dict[str, Any]:
    if kind == "roc":
        x, y, _ = roc_curve(positive, scores)
        names = ("fpr", "tpr")
    elif kind == "precision_recall":
        precision, recall, _ = precision_recall_curve(positive, scores)
        x, y = recall[::-1], precision[::-1]  # recall ascending, so the area is a plain integral
        names = ("recall", "precision")
    else:
        raise InvalidInputError(f"unknown chart {kind!r}")
    keep = _thin(len(x))
    return {"class": label, names[0]: _floats(x[keep]), names[1]: _floats(y[keep]), "auc": float(auc(x, y))}


def _importance(model: FittedModel) -> dict[str, Any]:
    estimator = model.model.pipeline[-1]
    values = getattr(estimator, "feature_importances_", None)
    if values is None and (coef := getattr(estimator, "coef_", None)) is not None:
        values = np.abs(np.atleast_2d(coef)).mean(axis=0)
    if values is None:
        card = model.card.feature_importance
        if not card:
            raise InvalidInputError(f"{model.algorithm} reports no feature importance")
        pairs = sorted(card.items(), key=lambda item: -item[1])[:MAX_FEATURES]
        return {"features": [p[0] for p in pairs], "importance": [float(p[1]) for p in pairs]}
    try:
        names = [str(n) for n in model.model.pipeline[:-1].get_feature_names_out()]
    except (AttributeError, ValueError):
        names = []
    if len(names) != len(values):
        names = [f"x{i}" for i in range(len(values))]
    order = np.argsort(-np.asarray(values, dtype=np.float64))[:MAX_FEATURES]
    return {"features": [names[i] for i in order], "importance": _floats(np.asarray(values)[order])}


def _learning_curve(model: FittedModel) -> dict[str, Any]:
    trials = sorted(
        (row for row in model.leaderboard if row.get("score") is not None), key=lambda row: row["trial_number"]
    )
    if not trials:
        raise InvalidInputError("a learning curve needs a search's trials (automl or clustering mode)")
    return {
        "metric": model.card.metric,
        "trial": [int(row["trial_number"]) for row in trials],
        "score": [float(row["score"]) for row in trials],
        "algorithm": [str(row["algorithm"]) for row in trials],
    }


def _cluster_scatter(model: FittedModel, test: Table, seed: int) -> dict[str, Any]:
    if model.model.problem_type is not ProblemType.CLUSTERING:
        raise InvalidInputError("a cluster_scatter chart needs a clustering model")
    frame = test.frame.drop(columns=[test.target]) if test.target is not None else test.frame
    encoded = model.encoded(frame)
    clusters = model.predict(frame)
    points = PCA(n_components=2, random_state=seed).fit_transform(encoded) if encoded.shape[1] > 2 else encoded
    rows = _sample(len(points), seed)
    return {"x": _floats(points[rows, 0]), "y": _floats(points[rows, -1]), "cluster": [int(c) for c in clusters[rows]]}


def _sample(n: int, seed: int) -> np.ndarray:
    if n <= MAX_SAMPLE:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=MAX_SAMPLE, replace=False))


def _thin(n: int) -> np.ndarray:
    return np.arange(n) if n <= MAX_POINTS else np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int))


def _floats(values: Any) -> list[float]:
    return [round(float(v), 6) for v in np.asarray(values, dtype=np.float64)]
