"""The metric registry: defaults, lookup errors, orientation of every metric, and folds that miss a class."""

from __future__ import annotations

import numpy as np
import pytest

from flowml.core.errors import InvalidInputError
from flowml.engine.clustering.validity import measure
from flowml.engine.metrics import (
    METRICS,
    MetricSpec,
    all_scores,
    default_metric,
    get_metric,
    metrics_for,
    optuna_direction,
    score,
    signed_score,
)
from flowml.engine.types import ProblemType

EXPECTED_NAMES = {
    ProblemType.BINARY: {"roc_auc", "accuracy", "balanced_accuracy", "f1", "log_loss", "precision", "recall"},
    ProblemType.MULTICLASS: {"log_loss", "accuracy", "balanced_accuracy", "f1_macro", "roc_auc_ovr"},
    ProblemType.REGRESSION: {"r2", "rmse", "mae", "mape"},
    ProblemType.CLUSTERING: {"silhouette", "calinski_harabasz", "davies_bouldin"},
}
LOWER_IS_BETTER = {"log_loss", "rmse", "mae", "mape", "davies_bouldin"}
# Metrics that score predictions against a target; clustering's validity indices score rows against their labels.
PREDICTION_METRICS = [m for m in METRICS if m.fn is not None]
CLUSTERING_METRICS = [m for m in METRICS if m.fn is None]


Prediction = tuple[np.ndarray, np.ndarray | None]  # (y_pred, y_proba)


def _good_and_bad(task: ProblemType) -> tuple[np.ndarray, Prediction, Prediction]:
    """y_true plus a near-perfect and a poor (y_pred, y_proba) for the task."""
    rng = np.random.default_rng(0)
    if task is ProblemType.REGRESSION:
        target = rng.uniform(1.0, 10.0, size=60)
        return target, (target + rng.normal(scale=0.05, size=60), None), (target[::-1].copy(), None)
    k = 2 if task is ProblemType.BINARY else 3
    y = np.arange(60) % k
    good = np.full((60, k), 0.1 / (k - 1))
    good[np.arange(60), y] = 0.9
    bad = np.full((60, k), 0.8 / (k - 1))
    bad[np.arange(60), y] = 0.2
    wrong = (y + 1) % k
    return y, (y.copy(), good), (np.where(np.arange(60) % 3 == 0, y, wrong), bad)


def test_registry_lists_the_expected_metrics_per_task() -> None:
    for task, names in EXPECTED_NAMES.items():
        assert {m.name for m in metrics_for(task)} == names
    assert default_metric(ProblemType.BINARY).name == "roc_auc"
    assert default_metric(ProblemType.MULTICLASS).name == "log_loss"
    assert default_metric(ProblemType.REGRESSION).name == "r2"
    assert default_metric(ProblemType.CLUSTERING).name == "silhouette"
    assert {m.name for m in CLUSTERING_METRICS} == EXPECTED_NAMES[ProblemType.CLUSTERING]


@pytest.mark.parametrize("metric", PREDICTION_METRICS, ids=lambda m: m.name)
def test_orientation_good_predictions_beat_poor_ones(metric: MetricSpec) -> None:
    assert metric.greater_is_better is (metric.name not in LOWER_IS_BETTER)
    assert optuna_direction(metric) == ("maximize" if metric.greater_is_better else "minimize")
    for task in metric.tasks:
        y, (good_pred, good_proba), (bad_pred, bad_proba) = _good_and_bad(task)
        good = score(metric, y, good_pred, good_proba)
        bad = score(metric, y, bad_pred, bad_proba)
        assert signed_score(metric, good) > signed_score(metric, bad), (task, good, bad)


@pytest.mark.parametrize("metric", PREDICTION_METRICS, ids=lambda m: m.name)
def test_scores_stay_within_the_metrics_bounds(metric: MetricSpec) -> None:
    """The master refuses a worker's score outside `bounds` (cluster/result_check.py): real scores never are."""
    low, high = metric.bounds
    assert low < high
    for task in metric.tasks:
        y, *predictions = _good_and_bad(task)
        for y_pred, y_proba in predictions:
            assert low <= score(metric, y, y_pred, y_proba) <= high


@pytest.mark.parametrize("metric", CLUSTERING_METRICS, ids=lambda m: m.name)
def test_clustering_indices_prefer_the_true_groups_and_stay_in_bounds(metric: MetricSpec) -> None:
    """Three separated groups labelled as they are score better than the same rows labelled at random, in the
    metric's own orientation and inside its bounds (what the master checks a worker's score against)."""
    rng = np.random.default_rng(0)
    truth = np.arange(300) % 3
    rows = rng.normal(scale=0.5, size=(300, 2)) + np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])[truth]
    with pytest.raises(ValueError, match="scores clusters, not predictions"):
        score(metric, truth, truth)
    assert metric.greater_is_better is (metric.name not in LOWER_IS_BETTER)
    values = [measure(rows, labels, seed=0).value(metric.name) for labels in (truth, rng.permutation(truth))]
    good, bad = (float(v) for v in values if v is not None)
    assert signed_score(metric, good) > signed_score(metric, bad)
    low, high = metric.bounds
    assert all(low <= v <= high for v in (good, bad))


def test_get_metric_names_the_allowed_values() -> None:
    assert get_metric("f1", ProblemType.BINARY).name == "f1"
    with pytest.raises(InvalidInputError, match=r"unknown metric 'auc'.*allowed: roc_auc, log_loss"):
        get_metric("auc", ProblemType.BINARY)
    with pytest.raises(InvalidInputError, match=r"'r2' does not apply to multiclass.*allowed: log_loss"):
        get_metric("r2", ProblemType.MULTICLASS)
    with pytest.raises(InvalidInputError, match="does not apply to regression"):
        get_metric("roc_auc", ProblemType.REGRESSION)


def test_log_loss_survives_a_fold_that_misses_a_class() -> None:
    log_loss = get_metric("log_loss", ProblemType.MULTICLASS)
    y = np.array([0, 1, 0, 1])  # class 2 absent from this fold, but the model knows 3 classes
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.2, 0.7, 0.1]])
    assert score(log_loss, y, proba.argmax(axis=1), proba) == pytest.approx(0.2899, abs=1e-4)


def test_float32_probabilities_are_accepted() -> None:
    proba = np.array([[0.3, 0.3, 0.4], [0.5, 0.25, 0.25], [0.1, 0.8, 0.1]], dtype=np.float32) * np.float32(1.0000001)
    y = np.array([2, 0, 1])
    value = score(get_metric("log_loss", ProblemType.MULTICLASS), y, y, proba)
    assert np.isfinite(value)


def test_score_requires_probabilities_for_auc() -> None:
    with pytest.raises(ValueError, match="needs predicted probabilities"):
        score(get_metric("roc_auc", ProblemType.BINARY), np.array([0, 1]), np.array([0, 1]), None)


def test_all_scores_is_a_cheap_complete_set() -> None:
    y, (pred, proba), _ = _good_and_bad(ProblemType.BINARY)
    assert set(all_scores(ProblemType.BINARY, y, pred, proba)) == EXPECTED_NAMES[ProblemType.BINARY]
    without_proba = all_scores(ProblemType.BINARY, y, pred, None)
    assert set(without_proba) == {"accuracy", "balanced_accuracy", "f1", "precision", "recall"}
    y, (pred, _), _ = _good_and_bad(ProblemType.REGRESSION)
    assert set(all_scores(ProblemType.REGRESSION, y, pred)) == EXPECTED_NAMES[ProblemType.REGRESSION]


def test_all_scores_leaves_out_what_cannot_be_computed() -> None:
    y = np.zeros(4, dtype=int)  # one class only: AUC is undefined, the others still are
    proba = np.tile([0.9, 0.1], (4, 1))
    scores = all_scores(ProblemType.BINARY, y, np.zeros(4, dtype=int), proba)
    assert "roc_auc" not in scores
    assert scores["accuracy"] == 1.0
