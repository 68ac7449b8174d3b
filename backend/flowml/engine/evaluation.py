"""Held-out evaluation of a trained model: confusion matrix and ROC curves, or predicted-vs-actual and residuals.

Computed from the out-of-fold predictions the search kept for the configuration that became the model (the best
trial's, or the ensemble members' blended with the ensemble's weights): every row was predicted by a model that
never saw it, so the numbers are honest. The final model itself is refit on all rows afterwards and has no
held-out rows left to score, which is why the evaluation describes its configuration's cross-validation.

The functions on arrays are pure; `oof_evaluation` and `attach_evaluation` read the job's files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from loguru import logger
from sklearn.metrics import (
    confusion_matrix,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
    roc_curve,
)

from flowml.core.model_card import EvaluationEntry, ModelCard
from flowml.core.validation import validation_label
from flowml.engine.features import load_frame
from flowml.engine.package import add_evaluation
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.trial import one_line_error
from flowml.engine.types import FeaturePlan, ProblemType

MAX_ROC_POINTS = 101
# A binary model's threshold table: every 0.01 from 0 to 1 (what the dashboard's slider steps through), and the
# gains curve at every 1% of rows.
THRESHOLD_STEPS = 100
GAINS_STEPS = 100
MAX_SCATTER_POINTS = 500
MAX_RESIDUAL_BINS = 30
# The scatter sample is drawn with a fixed seed: the same model always shows the same points.
SAMPLE_SEED = 0
NO_TARGET_REASON = "clustering has no target to evaluate predictions against; the cluster report describes the groups"


def blend(predictions: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted average of out-of-fold predictions (rows x classes, or rows x 1), weights normalized to sum 1:
    what the ensemble model computes for a row, here from predictions made without that row."""
    if not predictions or len(predictions) != len(weights):
        raise ValueError("blend needs predictions with one weight each")
    total = float(sum(weights))
    if not total > 0:
        raise ValueError("blend weights must sum to more than 0")
    out = np.zeros_like(np.asarray(predictions[0], dtype=np.float64))
    for pred, weight in zip(predictions, weights, strict=True):
        out += (weight / total) * np.asarray(pred, dtype=np.float64)
    return out


def predicted_rows(pred: np.ndarray) -> np.ndarray:
    """Rows with a prediction: all of them after k-fold cross-validation, the holdout's ~20% after a holdout."""
    values = pred if pred.ndim == 2 else pred[:, None]
    return np.isfinite(values).all(axis=1)


def thin_curve(fpr: np.ndarray, tpr: np.ndarray, max_points: int = MAX_ROC_POINTS) -> list[dict[str, float]]:
    """At most `max_points` of the curve's own points, evenly spread by index, first (0,0) and last (1,1) kept:
    a chart needs no more, and every point shown is a real operating point (no interpolation)."""
    if max_points < 2:
        raise ValueError("a curve needs at least 2 points")
    n = len(fpr)
    keep = np.arange(n) if n <= max_points else np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(int))
    return [{"fpr": float(fpr[i]), "tpr": float(tpr[i])} for i in keep]


def roc_curves(y: np.ndarray, proba: np.ndarray, labels: Sequence[str]) -> list[dict[str, Any]]:
    """Binary: one curve, for the positive class (the second label, column 1). Multiclass: one-vs-rest per class.
    A class with no rows (or only rows) among those evaluated has no curve: its ROC is undefined."""
    columns = [1] if len(labels) == 2 else list(range(len(labels)))
    curves: list[dict[str, Any]] = []
    for k in columns:
        positive = y == k
        if positive.all() or not positive.any():
            continue
        fpr, tpr, _ = roc_curve(positive, proba[:, k])
        curves.append(
            {
                "label": labels[k],
                "auc": float(roc_auc_score(positive, proba[:, k])),
                "points": thin_curve(fpr, tpr),
            }
        )
    return curves


def classification_evaluation(y: np.ndarray, proba: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """`y`: class codes 0..k-1; `proba`: rows x k. The predicted class is the most likely one, as the model's own
    `predict` does. Confusion matrix rows are the actual class, columns the predicted one, both in `labels` order."""
    if proba.ndim != 2 or proba.shape[1] != len(labels):
        raise ValueError(f"expected probabilities for {len(labels)} classes, got shape {proba.shape}")
    predicted = proba.argmax(axis=1)
    matrix = confusion_matrix(y, predicted, labels=list(range(len(labels))))
    return {
        "labels": list(labels),
        "confusion_matrix": matrix.astype(int).tolist(),
        "roc": roc_curves(y, proba, labels),
        "thresholds": threshold_table(y, proba[:, 1], labels) if len(labels) == 2 else None,
    }


def threshold_table(y: np.ndarray, positive_proba: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """What a binary model would do at each decision threshold t: a row is predicted positive (the second label)
    when its positive-class probability is >= t, the rule predict applies once a threshold is saved.

    `points`: TP/FP/TN/FN at t = 0, 0.01, ..., 1, so every metric (precision, recall, F1, accuracy, cost) at a
    threshold is arithmetic on one row. `gains`: the share of all positives among the `fraction` of rows the model
    ranks most likely positive, at every 1% of rows; rows tied on probability count pro rata (their order is
    arbitrary, so a tie group contributes its average)."""
    if len(labels) != 2:
        raise ValueError(f"a threshold table needs two classes, got {len(labels)}")
    positive = np.asarray(y) == 1
    p = np.asarray(positive_proba, dtype=np.float64)
    if len(p) != len(positive) or len(p) == 0:
        raise ValueError(f"{len(positive)} targets but {len(p)} probabilities")
    thresholds = np.round(np.linspace(0.0, 1.0, THRESHOLD_STEPS + 1), 2)
    # Rows with p >= t, per t: counted from the sorted probabilities instead of one pass per threshold.
    pos_sorted, neg_sorted = np.sort(p[positive]), np.sort(p[~positive])
    tp = len(pos_sorted) - np.searchsorted(pos_sorted, thresholds, side="left")
    fp = len(neg_sorted) - np.searchsorted(neg_sorted, thresholds, side="left")
    n_pos, n_neg = len(pos_sorted), len(neg_sorted)
    points = [
        {
            "threshold": float(t),
            "tp": int(tp[i]),
            "fp": int(fp[i]),
            "tn": int(n_neg - fp[i]),
            "fn": int(n_pos - tp[i]),
        }
        for i, t in enumerate(thresholds)
    ]
    return {
        "positive_label": labels[1],
        "negative_label": labels[0],
        "n_positive": n_pos,
        "n_negative": n_neg,
        "points": points,
        "gains": gains_curve(positive, p),
    }


def gains_curve(positive: np.ndarray, score: np.ndarray, steps: int = GAINS_STEPS) -> list[dict[str, float]]:
    """Cumulative gains: for fraction f of rows taken in order of decreasing score, the share of all positives
    they hold, at f = 0, 1/steps, ..., 1. Lift at f is that share divided by f. No positives: a flat 0 curve."""
    n = len(score)
    n_pos = int(np.sum(positive))
    values, inverse = np.unique(-np.asarray(score, dtype=np.float64), return_inverse=True)  # best score first
    sizes = np.bincount(inverse, minlength=len(values))
    hits = np.bincount(inverse, weights=np.asarray(positive, dtype=np.float64), minlength=len(values))
    ends = np.cumsum(sizes)  # rows taken once each tie group is complete
    starts = ends - sizes
    hits_before = np.cumsum(hits) - hits
    out = []
    for i in range(steps + 1):
        fraction = i / steps
        k = fraction * n
        group = min(int(np.searchsorted(ends, k, side="left")), len(values) - 1)
        taken = hits_before[group] + (k - starts[group]) * hits[group] / sizes[group] if k > 0 else 0.0
        out.append({"fraction": fraction, "captured": float(taken / n_pos) if n_pos else 0.0})
    return out


def sample_indices(n: int, max_points: int = MAX_SCATTER_POINTS, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Sorted row indices: all rows up to `max_points`, else a seeded random sample of that many (deterministic)."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))


def residual_bins(residuals: np.ndarray, max_bins: int = MAX_RESIDUAL_BINS) -> list[dict[str, float | int]]:
    """Histogram of residuals (actual minus predicted) with about sqrt(n) equal-width bins, at most `max_bins`."""
    count = int(min(max_bins, max(1, np.ceil(np.sqrt(len(residuals))))))
    counts, edges = np.histogram(residuals, bins=count)
    return [{"start": float(edges[i]), "end": float(edges[i + 1]), "count": int(counts[i])} for i in range(len(counts))]


def regression_evaluation(actual: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """Errors over all evaluated rows; the scatter shows a deterministic sample of at most MAX_SCATTER_POINTS."""
    actual = np.asarray(actual, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    sample = sample_indices(len(actual))
    return {
        "points": [{"actual": float(actual[i]), "predicted": float(predicted[i])} for i in sample],
        "residual_bins": residual_bins(actual - predicted),
        "rmse": float(np.sqrt(mean_squared_error(actual, predicted))),
        "mae": float(mean_absolute_error(actual, predicted)),
        "r2": float(r2_score(actual, predicted)),
    }


def evaluate_predictions(
    task: ProblemType, y: np.ndarray, pred: np.ndarray, labels: Sequence[str] | None, source: str
) -> dict[str, Any]:
    """The stored evaluation (the API adds the model id). `y`: encoded targets; `pred`: held-out predictions in
    the out-of-fold layout (rows x classes of probabilities, or rows x 1), rows without one already removed."""
    if len(y) != len(pred) or len(y) == 0:
        raise ValueError(f"{len(y)} targets but {len(pred)} predictions")
    classification = regression = None
    if task.is_classification:
        assert labels is not None
        classification = classification_evaluation(np.asarray(y, dtype=np.int64), pred, labels)
    else:
        regression = regression_evaluation(y, pred.reshape(len(pred), -1)[:, 0])
    return {
        "task": task.value,
        "source": source,
        "n_rows": len(y),
        "classification": classification,
        "regression": regression,
    }


def source_sentence(n_evaluated: int, n_rows: int, n_folds: int, n_members: int, validation: str | None = None) -> str:
    """Says, in plain words, where the numbers come from and why they can be trusted. `validation`: what the search
    recorded ("cv" or "holdout"), named in the same words as everywhere else; None (old callers): inferred from
    which rows have a prediction."""
    whose = (
        f"Predictions made during the search by the {n_members} ensemble members, blended with the ensemble's weights,"
        if n_members > 1
        else "Predictions made during the search with the model's settings,"
    )
    holdout = validation == "holdout" if validation is not None else n_evaluated < n_rows
    if holdout:
        how = f"on the {n_evaluated} of {n_rows} rows held out for validation (a {validation_label('holdout', 1)})"
    elif n_evaluated < n_rows:
        how = f"in {validation_label('cv', n_folds)} covering {n_evaluated} of {n_rows} rows"
    else:
        how = f"in {validation_label('cv', n_folds)} covering all {n_rows} rows"
    return (
        f"{whose} {how}: each row was predicted by a model that never saw it in training, so these are honest "
        "held-out results. The final model was then refit on all rows with the same settings."
    )


def evaluated_members(
    best_trial: int, ensemble: Sequence[Mapping[str, Any]], card: ModelCard
) -> list[tuple[int, float]]:
    """(trial number, weight) of each configuration in the delivered model. The final fit may leave ensemble
    members out (time) or fall back to the best model alone, so the card, not the plan, says what was delivered;
    its members are matched back to the plan's trials by algorithm and parameters."""
    if card.algorithm != "ensemble":
        return [(best_trial, 1.0)]
    unused = list(ensemble)
    members: list[tuple[int, float]] = []
    for kept in card.ensemble_members:
        match = next(
            (e for e in unused if e["algorithm"] == kept["algorithm"] and _same(e["params"], kept["params"])), None
        )
        if match is None:
            raise ValueError(f"ensemble member {kept['algorithm']} is not among the planned members")
        unused.remove(match)
        members.append((int(match["trial_number"]), float(kept["weight"])))
    return members


def _same(a: Any, b: Any) -> bool:
    # Parameters may have crossed a JSON boundary (tuples become lists): compare their JSON form.
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def oof_evaluation(
    dataset_path: str | Path,
    plan: FeaturePlan,
    task: ProblemType,
    n_folds: int,
    oof_dir: str | Path,
    members: Sequence[tuple[int, float]],
    validation: str | None = None,
) -> dict[str, Any]:
    """The evaluation of the delivered configuration from the trials' `<trial_number>.npy` files in `oof_dir`
    (the full files, not the row subsets ensemble selection writes beside them on large data)."""
    frame = load_frame(dataset_path)
    target = frame[plan.target]
    check = validate_target(target, task, n_folds)
    y, classes = encode_target(target[check.keep], task)
    predictions = []
    for number, _ in members:
        path = Path(oof_dir) / f"{number}.npy"
        if not path.exists():
            raise FileNotFoundError(f"the out-of-fold predictions of trial {number} were not kept")
        pred = np.load(path, allow_pickle=False)
        if pred.shape[0] != len(y):
            raise ValueError(f"trial {number}'s out-of-fold predictions have {pred.shape[0]} rows, not {len(y)}")
        predictions.append(pred)
    pred = blend(predictions, [w for _, w in members])
    rows = predicted_rows(pred)
    if not rows.any():
        raise ValueError("no row has an out-of-fold prediction")
    labels = [str(c) for c in classes] if classes is not None else None
    source = source_sentence(int(rows.sum()), len(y), check.n_folds, len(members), validation)
    return evaluate_predictions(task, y[rows], pred[rows], labels, source)


def attach_evaluation(
    output_dir: str | Path,
    card: ModelCard,
    *,
    dataset_path: str | Path,
    plan: FeaturePlan,
    task: ProblemType,
    n_folds: int,
    oof_dir: str | Path,
    best_trial: int,
    ensemble: Sequence[Mapping[str, Any]],
    validation: str | None = None,
) -> ModelCard:
    """Write evaluation.json into the package and say in the card whether it exists (and if not, why); returns
    the card. Never raises for the evaluation itself: it is informational, the model is what the job delivers.
    A clustering model has no target to score predictions against: its card says so, and its report
    (clusters.json) describes the clusters instead."""
    evaluation: dict[str, Any] | None = None
    if not task.is_supervised:
        updated = card.updated({"evaluation": EvaluationEntry(available=False, reason=NO_TARGET_REASON)})
        add_evaluation(Path(output_dir), updated, None)
        return updated
    try:
        members = evaluated_members(best_trial, ensemble, card)
        evaluation = oof_evaluation(dataset_path, plan, task, n_folds, oof_dir, members, validation)
        entry = EvaluationEntry(available=True, source=evaluation["source"], n_rows=evaluation["n_rows"])
    except Exception as exc:
        logger.warning("model evaluation skipped: {}", one_line_error(exc))
        entry = EvaluationEntry(available=False, reason=f"the evaluation could not be computed: {one_line_error(exc)}")
    updated = card.updated({"evaluation": entry})
    add_evaluation(Path(output_dir), updated, evaluation)
    return updated
