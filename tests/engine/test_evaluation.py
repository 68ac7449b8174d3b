"""Held-out evaluation from out-of-fold predictions, checked against scikit-learn's own metrics."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, mean_absolute_error, mean_squared_error, r2_score, roc_auc_score

from flowml.engine.evaluation import (
    MAX_RESIDUAL_BINS,
    MAX_ROC_POINTS,
    MAX_SCATTER_POINTS,
    attach_evaluation,
    blend,
    classification_evaluation,
    evaluated_members,
    oof_evaluation,
    predicted_rows,
    regression_evaluation,
    residual_bins,
    sample_indices,
    thin_curve,
)
from flowml.engine.types import FeaturePlan, ProblemType
from tests.model_cards import model_card


def _binary(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    p1 = np.clip(0.35 * y + rng.uniform(0, 0.65, size=n), 0, 1)
    return y, np.stack([1 - p1, p1], axis=1)


def _multiclass(n: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    scores = rng.normal(size=(n, k))
    scores[np.arange(n), y] += 1.0
    proba = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return y, proba


def test_binary_matches_sklearn() -> None:
    y, proba = _binary(2000)
    result = classification_evaluation(y, proba, ["no", "yes"])
    assert result["labels"] == ["no", "yes"]
    assert result["confusion_matrix"] == confusion_matrix(y, proba.argmax(axis=1)).tolist()
    (curve,) = result["roc"]  # one curve: the positive class
    assert curve["label"] == "yes"
    assert curve["auc"] == pytest.approx(roc_auc_score(y, proba[:, 1]))
    points = curve["points"]
    assert len(points) <= MAX_ROC_POINTS
    assert points[0] == {"fpr": 0.0, "tpr": 0.0} and points[-1] == {"fpr": 1.0, "tpr": 1.0}
    assert [p["fpr"] for p in points] == sorted(p["fpr"] for p in points)
    assert [p["tpr"] for p in points] == sorted(p["tpr"] for p in points)


def test_multiclass_one_vs_rest_curves_match_sklearn() -> None:
    y, proba = _multiclass(900, 4)
    labels = ["a", "b", "c", "d"]
    result = classification_evaluation(y, proba, labels)
    matrix = np.array(result["confusion_matrix"])
    assert matrix.shape == (4, 4) and matrix.sum() == 900
    # Rows are the actual class: each row sums to that class's count.
    assert matrix.sum(axis=1).tolist() == np.bincount(y, minlength=4).tolist()
    assert matrix.tolist() == confusion_matrix(y, proba.argmax(axis=1), labels=[0, 1, 2, 3]).tolist()
    assert [c["label"] for c in result["roc"]] == labels
    for k, curve in enumerate(result["roc"]):
        assert curve["auc"] == pytest.approx(roc_auc_score(y == k, proba[:, k]))
        assert 2 <= len(curve["points"]) <= MAX_ROC_POINTS
    macro = np.mean([c["auc"] for c in result["roc"]])
    assert macro == pytest.approx(roc_auc_score(y, proba, multi_class="ovr", average="macro"))


def test_class_missing_from_evaluated_rows_has_no_curve_but_keeps_its_matrix_row() -> None:
    y = np.array([0, 1, 0, 1, 0, 1])
    proba = np.array(
        [[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4]]
    )
    result = classification_evaluation(y, proba, ["x", "y", "z"])
    assert [c["label"] for c in result["roc"]] == ["x", "y"]
    assert result["confusion_matrix"][2] == [0, 0, 0]
    assert result["confusion_matrix"][1] == [0, 2, 1]


def test_thin_curve_keeps_ends_and_bounds_points() -> None:
    fpr = np.concatenate([[0.0], np.sort(np.random.default_rng(0).uniform(size=998)), [1.0]])
    tpr = np.sqrt(fpr)
    points = thin_curve(fpr, tpr)
    assert len(points) == MAX_ROC_POINTS
    assert points[0] == {"fpr": 0.0, "tpr": 0.0} and points[-1] == {"fpr": 1.0, "tpr": 1.0}
    short = thin_curve(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.9, 1.0]))
    assert [p["tpr"] for p in short] == [0.0, 0.9, 1.0]


def test_regression_matches_sklearn_and_bounds_its_charts() -> None:
    rng = np.random.default_rng(3)
    actual = rng.normal(50, 10, size=3000)
    predicted = actual + rng.normal(0, 4, size=3000)
    result = regression_evaluation(actual, predicted)
    assert result["rmse"] == pytest.approx(np.sqrt(mean_squared_error(actual, predicted)))
    assert result["mae"] == pytest.approx(mean_absolute_error(actual, predicted))
    assert result["r2"] == pytest.approx(r2_score(actual, predicted))
    assert len(result["points"]) == MAX_SCATTER_POINTS
    pairs = set(zip(actual.tolist(), predicted.tolist(), strict=True))
    assert all((p["actual"], p["predicted"]) in pairs for p in result["points"])
    bins = result["residual_bins"]
    assert len(bins) <= MAX_RESIDUAL_BINS and sum(b["count"] for b in bins) == 3000
    assert all(a["end"] == pytest.approx(b["start"]) for a, b in itertools.pairwise(bins))
    residuals = actual - predicted
    assert bins[0]["start"] == pytest.approx(residuals.min()) and bins[-1]["end"] == pytest.approx(residuals.max())
    assert regression_evaluation(actual, predicted) == result  # the sample is deterministic


def test_sampling_is_deterministic_and_bounded() -> None:
    assert sample_indices(10).tolist() == list(range(10))
    first, second = sample_indices(100_000), sample_indices(100_000)
    assert len(first) == MAX_SCATTER_POINTS and np.array_equal(first, second)
    assert len(np.unique(first)) == MAX_SCATTER_POINTS and np.all(np.diff(first) > 0)
    assert first.max() < 100_000


def test_residual_bins_small_and_constant_inputs() -> None:
    assert len(residual_bins(np.arange(4.0))) == 2  # about sqrt(n) bins
    constant = residual_bins(np.zeros(50))
    assert sum(b["count"] for b in constant) == 50 and len(constant) <= MAX_RESIDUAL_BINS


def test_blend_weights_and_holdout_rows() -> None:
    a = np.array([[0.2, 0.8], [np.nan, np.nan], [0.6, 0.4]])
    b = np.array([[0.6, 0.4], [np.nan, np.nan], [0.2, 0.8]])
    mixed = blend([a, b], [3.0, 1.0])  # weights need not sum to 1
    assert mixed[0].tolist() == pytest.approx([0.3, 0.7])
    assert predicted_rows(mixed).tolist() == [True, False, True]
    with pytest.raises(ValueError, match="one weight each"):
        blend([a], [1.0, 2.0])


def test_members_follow_what_the_final_fit_delivered() -> None:
    planned = [
        {"algorithm": "lightgbm", "params": {"n": 1}, "weight": 0.5, "trial_number": 7},
        {"algorithm": "logistic_regression", "params": {"C": 1.0}, "weight": 0.3, "trial_number": 2},
        {"algorithm": "random_forest", "params": {"d": (1, 2)}, "weight": 0.2, "trial_number": 4},
    ]
    single = model_card(algorithm="lightgbm", params={"n": 1})
    assert evaluated_members(7, planned, single) == [(7, 1.0)]
    # One member left out for time: the rest keep their weights (blend renormalizes). The card's parameters came
    # back through JSON, so the tuple is now a list.
    kept = [
        {"algorithm": "lightgbm", "params": {"n": 1}, "weight": 0.5},
        {"algorithm": "random_forest", "params": {"d": [1, 2]}, "weight": 0.2},
    ]
    ensemble = model_card(algorithm="ensemble", params={"members": kept})
    assert evaluated_members(7, planned, ensemble) == [(7, 0.5), (4, 0.2)]
    stranger = [*kept, {"algorithm": "svm", "params": {}, "weight": 0.1}]
    with pytest.raises(ValueError, match="svm"):
        evaluated_members(7, planned, model_card(algorithm="ensemble", params={"members": stranger}))


def _job_files(tmp_path: Path) -> tuple[Path, FeaturePlan, Path, np.ndarray]:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(size=60), "label": rng.choice(["cat", "dog"], size=60)})
    frame.loc[3, "label"] = None  # dropped rows are not in the out-of-fold arrays either
    data = tmp_path / "data.parquet"
    frame.to_parquet(data)
    plan = FeaturePlan(target="label", column_kinds={"x": "numeric"})
    oof = tmp_path / "oof"
    oof.mkdir()
    p1 = rng.uniform(size=59)
    np.save(oof / "0.npy", np.stack([1 - p1, p1], axis=1).astype(np.float32))
    p2 = rng.uniform(size=59)
    np.save(oof / "1.npy", np.stack([1 - p2, p2], axis=1).astype(np.float32))
    y = (frame["label"].dropna() == "dog").to_numpy().astype(int)
    return data, plan, oof, y


def test_oof_evaluation_reads_the_trials_files(tmp_path: Path) -> None:
    data, plan, oof, y = _job_files(tmp_path)
    single = oof_evaluation(data, plan, ProblemType.BINARY, 3, oof, [(0, 1.0)])
    assert single["n_rows"] == 59 and single["task"] == "binary"
    assert single["classification"]["labels"] == ["cat", "dog"]
    assert "3-fold cross-validation" in single["source"] and "never saw" in single["source"]
    p1 = np.load(oof / "0.npy")[:, 1]
    assert single["classification"]["roc"][0]["auc"] == pytest.approx(roc_auc_score(y, p1))
    both = oof_evaluation(data, plan, ProblemType.BINARY, 3, oof, [(0, 0.5), (1, 0.5)])
    mean = (np.load(oof / "0.npy")[:, 1].astype(float) + np.load(oof / "1.npy")[:, 1]) / 2
    assert both["classification"]["roc"][0]["auc"] == pytest.approx(roc_auc_score(y, mean))
    assert "2 ensemble members" in both["source"]


def test_attach_evaluation_writes_the_file_or_says_why_not(tmp_path: Path) -> None:
    data, plan, oof, _ = _job_files(tmp_path)
    package = tmp_path / "package"
    package.mkdir()
    card = model_card(algorithm="logistic_regression", params={}, model_sha256="abc")

    def attach(output: Path, best_trial: int) -> dict[str, Any]:
        return attach_evaluation(  # the card's JSON form, as the package and clients hold it
            output,
            card,
            dataset_path=data,
            plan=plan,
            task=ProblemType.BINARY,
            n_folds=3,
            oof_dir=oof,
            best_trial=best_trial,
            ensemble=[],
        ).to_dict()

    updated = attach(package, 1)
    assert updated["evaluation"]["available"] is True and updated["evaluation"]["n_rows"] == 59
    assert json.loads((package / "model_card.json").read_text())["evaluation"] == updated["evaluation"]
    assert json.loads((package / "evaluation.json").read_text())["source"] == updated["evaluation"]["source"]

    other = tmp_path / "other"
    other.mkdir()
    missing = attach(other, 9)
    assert missing["evaluation"]["available"] is False and "trial 9" in missing["evaluation"]["reason"]
    assert not (other / "evaluation.json").exists() and (other / "model_card.json").exists()
