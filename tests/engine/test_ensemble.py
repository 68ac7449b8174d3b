"""Greedy ensemble selection and the ensemble model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowml.engine.ensemble import EnsembleModel, select_ensemble, without_member
from flowml.engine.metrics import get_metric
from flowml.engine.types import ProblemType, TrialResult


def _result(number: int, score: float, oof: np.ndarray, directory: Path, algorithm: str | None = None) -> TrialResult:
    path = directory / f"{number}.npy"
    np.save(path, oof.astype(np.float32), allow_pickle=False)
    return TrialResult(
        job_id="j",
        trial_number=number,
        algorithm=algorithm or f"algo{number}",
        params={},
        status="completed",
        metric="r2",
        score=score,
        oof_path=str(path),
    )


def test_two_independent_noisy_models_average_better(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=500)
    a = y + rng.normal(scale=0.5, size=500)
    b = y + rng.normal(scale=0.5, size=500)
    bad = rng.normal(size=500)
    results = [
        _result(0, 0.8, a[:, None], tmp_path),
        _result(1, 0.8, b[:, None], tmp_path),
        _result(2, 0.0, bad[:, None], tmp_path),
    ]
    plan = select_ensemble(results, y, ProblemType.REGRESSION, get_metric("r2", ProblemType.REGRESSION))
    assert plan is not None
    weights = {m.trial_number: w for m, w in zip(plan.members, plan.weights, strict=True)}
    assert weights[0] > 0.3 and weights[1] > 0.3 and weights.get(2, 0.0) < 0.15  # the useless model gets little
    assert plan.score > plan.best_single_score
    assert sum(plan.weights) == pytest.approx(1.0)


def test_no_ensemble_when_one_model_dominates(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=400)
    perfect = np.stack([1 - y, y], axis=1).astype(float) * 0.98 + 0.01
    noise = rng.dirichlet([1, 1], size=400)
    results = [_result(0, 1.0, perfect, tmp_path), _result(1, 0.5, noise, tmp_path)]
    metric = get_metric("log_loss", ProblemType.BINARY)
    assert select_ensemble(results, y, ProblemType.BINARY, metric) is None


def test_candidates_include_other_algorithms_than_the_best_ones(tmp_path: Path) -> None:
    """Twenty-five near-copies of one algorithm outscore a different model alone, but not blended with it."""
    rng = np.random.default_rng(2)
    y = rng.normal(size=500)
    shared = y + rng.normal(scale=0.5, size=500)  # the copies make the same errors
    copies = [
        _result(i, 0.80, (shared + rng.normal(scale=0.01, size=500))[:, None], tmp_path, "ridge") for i in range(25)
    ]
    other = _result(99, 0.75, (y + rng.normal(scale=0.55, size=500))[:, None], tmp_path, "forest")
    plan = select_ensemble([*copies, other], y, ProblemType.REGRESSION, get_metric("r2", ProblemType.REGRESSION))
    assert plan is not None
    assert {m.algorithm for m in plan.members} == {"ridge", "forest"}
    assert plan.score > plan.best_single_score


def test_holdout_rows_only_are_scored(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(size=300)
    a = np.full(300, np.nan)
    b = np.full(300, np.nan)
    rows = np.arange(240, 300)  # a 20% holdout
    a[rows] = y[rows] + rng.normal(scale=0.4, size=60)
    b[rows] = y[rows] + rng.normal(scale=0.4, size=60)
    results = [_result(0, 0.8, a[:, None], tmp_path), _result(1, 0.8, b[:, None], tmp_path)]
    plan = select_ensemble(results, y, ProblemType.REGRESSION, get_metric("r2", ProblemType.REGRESSION))
    assert plan is not None and plan.rows_scored == 60


class _Constant:
    """A stand-in member whose predictions are fixed, to check the weighted average exactly."""

    def __init__(self, proba: list[float]) -> None:
        self.proba = np.asarray(proba)

    def predict_proba_prepared(self, X: pd.DataFrame) -> np.ndarray:
        return np.tile(self.proba, (len(X), 1))


def test_ensemble_model_averages_probabilities() -> None:
    from flowml.engine.model import FlowMLModel
    from flowml.engine.types import FeaturePlan

    plan = FeaturePlan(target="y", column_kinds={"x": "numeric"})
    members = []
    for proba in ([0.9, 0.1], [0.1, 0.9], [0.3, 0.7]):
        model = FlowMLModel(plan, ProblemType.BINARY, None, ["no", "yes"], {})  # type: ignore[arg-type]
        model.predict_proba_prepared = _Constant(proba).predict_proba_prepared  # type: ignore[method-assign]
        members.append(model)
    ensemble = EnsembleModel(members, [1.0, 1.0, 2.0])
    X = pd.DataFrame({"x": [1.0, 2.0]})
    proba = ensemble.predict_proba_prepared(X)
    assert proba is not None
    np.testing.assert_allclose(proba[0], [0.4, 0.6])
    assert list(ensemble.predict_prepared(X)) == ["yes", "yes"]


def test_a_member_can_be_left_out_while_the_blend_still_wins(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=600)
    noisy = [y + rng.normal(scale=0.5, size=600) for _ in range(3)]
    results = [_result(i, 0.8, p[:, None], tmp_path) for i, p in enumerate(noisy)]
    metric = get_metric("r2", ProblemType.REGRESSION)
    plan = select_ensemble(results, y, ProblemType.REGRESSION, metric)
    assert plan is not None and len(plan.members) == 3
    smaller = without_member(plan, 2, y, ProblemType.REGRESSION, metric)
    assert smaller is not None
    assert [m.trial_number for m in smaller.members] == [0, 1]
    assert sum(smaller.weights) == pytest.approx(1.0)
    assert plan.best_single_score < smaller.score < plan.score  # two averaged models: better than one, not three
    assert without_member(smaller, 1, y, ProblemType.REGRESSION, metric) is None  # one member is no ensemble
