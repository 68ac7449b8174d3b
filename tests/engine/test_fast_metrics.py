"""The numpy metrics used by ensemble selection agree with scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest

from flowml.engine.fast_metrics import blend_score
from flowml.engine.metrics import get_metric, score
from flowml.engine.types import ProblemType


@pytest.mark.parametrize("metric", ["roc_auc", "log_loss", "accuracy", "f1"])
def test_binary_metrics_match_scikit_learn(metric: str) -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = np.round(np.clip(0.3 * y + 0.7 * rng.random(500), 0, 1), 2)  # rounded: ties in the ranks
    proba = np.stack([1 - p, p], axis=1)
    spec = get_metric(metric, ProblemType.BINARY)
    expected = score(spec, y, proba.argmax(axis=1), proba)
    assert blend_score(spec, y, proba, ProblemType.BINARY) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", ["log_loss", "accuracy"])
def test_multiclass_metrics_match_scikit_learn(metric: str) -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 300)
    proba = rng.dirichlet([1, 1, 1, 1], size=300)
    proba[np.arange(300), y] += 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    spec = get_metric(metric, ProblemType.MULTICLASS)
    expected = score(spec, y, proba.argmax(axis=1), proba)
    assert blend_score(spec, y, proba, ProblemType.MULTICLASS) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", ["r2", "rmse", "mae", "mape"])
def test_regression_metrics_match_scikit_learn(metric: str) -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(10, 3, 400)
    pred = y + rng.normal(0, 1, 400)
    spec = get_metric(metric, ProblemType.REGRESSION)
    expected = score(spec, y, pred, None)
    assert blend_score(spec, y, pred[:, None], ProblemType.REGRESSION) == pytest.approx(expected, abs=1e-10)
