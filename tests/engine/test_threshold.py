"""A binary model's decision threshold: the evaluation's threshold table, predict at a threshold, and the ONNX
graph rewritten to label by it."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from flowml.engine.ensemble import EnsembleModel
from flowml.engine.evaluation import classification_evaluation, gains_curve, threshold_table
from flowml.engine.onnx import THRESHOLD_METADATA, OnnxPredictor, export_onnx, graph_threshold, with_threshold
from flowml.engine.predict import apply_threshold, card_threshold, predict_frame
from flowml.engine.types import ProblemType
from tests.engine.test_onnx import exported, make_frame
from tests.model_cards import model_card


def test_threshold_table_counts_on_a_known_example() -> None:
    # Positives at 0.9, 0.6, 0.3; negatives at 0.7, 0.2, 0.1 (labels: "no" = 0, "yes" = 1).
    y = np.array([1, 1, 1, 0, 0, 0])
    p = np.array([0.9, 0.6, 0.3, 0.7, 0.2, 0.1])
    table = threshold_table(y, p, ["no", "yes"])
    assert (table["positive_label"], table["negative_label"]) == ("yes", "no")
    assert (table["n_positive"], table["n_negative"]) == (3, 3)
    points = {point["threshold"]: point for point in table["points"]}
    assert len(points) == 101 and min(points) == 0.0 and max(points) == 1.0
    assert points[0.0] == {"threshold": 0.0, "tp": 3, "fp": 3, "tn": 0, "fn": 0}
    assert points[0.5] == {"threshold": 0.5, "tp": 2, "fp": 1, "tn": 2, "fn": 1}
    # >= t: a row exactly at the threshold is positive.
    assert points[0.3] == {"threshold": 0.3, "tp": 3, "fp": 1, "tn": 2, "fn": 0}
    assert points[0.31] == {"threshold": 0.31, "tp": 2, "fp": 1, "tn": 2, "fn": 1}
    assert points[0.8] == {"threshold": 0.8, "tp": 1, "fp": 0, "tn": 3, "fn": 2}
    assert points[1.0] == {"threshold": 1.0, "tp": 0, "fp": 0, "tn": 3, "fn": 3}


def test_threshold_table_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1).round(2)  # many ties, some exactly on the grid
    for point in threshold_table(y, p, ["a", "b"])["points"]:
        predicted = p >= point["threshold"]
        assert point["tp"] == int(np.sum(predicted & (y == 1)))
        assert point["fp"] == int(np.sum(predicted & (y == 0)))
        assert point["tn"] == int(np.sum(~predicted & (y == 0)))
        assert point["fn"] == int(np.sum(~predicted & (y == 1)))


def test_gains_curve_known_and_tied() -> None:
    # Ranked: 0.9 (+), 0.7 (-), 0.6 (+), 0.3 (+) -> after 1/4 of rows 1/3 of positives, after 2/4 still 1/3, ...
    gains = gains_curve(np.array([True, False, True, True]), np.array([0.9, 0.7, 0.6, 0.3]), steps=4)
    assert [g["fraction"] for g in gains] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [round(g["captured"], 6) for g in gains] == [0.0, round(1 / 3, 6), round(1 / 3, 6), round(2 / 3, 6), 1.0]
    # All rows tied: the order among them is arbitrary, so the curve is the diagonal (no lift).
    tied = gains_curve(np.array([True, False, True, False]), np.full(4, 0.5), steps=4)
    assert [g["captured"] for g in tied] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert all(g["captured"] == 0.0 for g in gains_curve(np.zeros(3, dtype=bool), np.array([0.1, 0.2, 0.3])))


def test_only_binary_evaluations_carry_a_table() -> None:
    y = np.array([0, 1, 2, 1])
    proba = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    assert classification_evaluation(y, proba, ["a", "b", "c"])["thresholds"] is None
    binary = classification_evaluation(np.array([0, 1]), np.array([[0.6, 0.4], [0.3, 0.7]]), ["no", "yes"])
    assert binary["thresholds"]["n_positive"] == 1
    with pytest.raises(ValueError, match="two classes"):
        threshold_table(y, proba[:, 1], ["a", "b", "c"])


def test_card_threshold_and_apply() -> None:
    assert card_threshold(model_card()) is None
    assert card_threshold(model_card(decision_threshold={"value": 0.37, "chosen_by": "best_f1"})) == 0.37
    proba = np.array([[0.7, 0.3], [0.62, 0.38], [0.2, 0.8]])
    assert apply_threshold(proba, ["No", "Yes"], 0.37).tolist() == ["No", "Yes", "Yes"]
    with pytest.raises(ValueError, match="two-class"):
        apply_threshold(np.array([[0.2, 0.3, 0.5]]), ["a", "b", "c"], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        apply_threshold(proba, ["No", "Yes"], 1.0)


def _borderline_threshold(proba: np.ndarray) -> float:
    """A threshold that flips at least one row the argmax calls negative (a probability below 0.5)."""
    below = np.sort(proba[proba[:, 1] < 0.5, 1])
    assert below.size, "the holdout has no row the model calls negative"
    return float(below[-1]) - 1e-3


@pytest.mark.parametrize("name", ["logistic_regression", "random_forest"])
def test_predict_and_onnx_graph_label_by_the_threshold(name: str) -> None:
    model, export, holdout = exported(name, ProblemType.BINARY)
    assert export.usable and export.onnx_bytes is not None, export.reason
    proba = np.asarray(model.predict_proba(holdout))
    threshold = _borderline_threshold(proba)
    expected = np.where(proba[:, 1] >= threshold, model.classes[1], model.classes[0])
    assert (expected != model.predict(holdout)).any()

    native = predict_frame(model, holdout, threshold=threshold)
    assert native.predictions == expected.tolist()
    predictor = OnnxPredictor(with_threshold(export.onnx_bytes, threshold))
    assert predictor.decision_threshold == pytest.approx(threshold)
    served = predict_frame(model, holdout, runner=predictor.run_prepared, threshold=threshold)
    assert served.predictions == expected.tolist()
    # The graph alone (what a consumer downloads) labels by the threshold too, away from float32 rounding.
    clear = np.abs(proba[:, 1] - threshold) > 1e-5
    graph_labels = predictor.predict(holdout)
    assert (graph_labels[clear] == expected[clear]).all()


def test_rewrite_is_undone_and_replaced_exactly() -> None:
    _model, export, holdout = exported("logistic_regression", ProblemType.BINARY)
    assert export.onnx_bytes is not None
    original = export.onnx_bytes
    once = with_threshold(original, 0.3)
    twice = with_threshold(once, 0.7)
    assert graph_threshold(onnx.load_from_string(twice)) == pytest.approx(0.7)
    assert twice == with_threshold(original, 0.7)
    restored = with_threshold(twice, None)
    assert restored == with_threshold(original, None)
    assert graph_threshold(onnx.load_from_string(restored)) is None
    assert OnnxPredictor(restored).decision_threshold is None
    np.testing.assert_array_equal(OnnxPredictor(restored).predict(holdout), OnnxPredictor(original).predict(holdout))
    props = {p.key for p in onnx.load_from_string(once).metadata_props}
    assert THRESHOLD_METADATA in props


def test_ensemble_graph_labels_by_the_threshold() -> None:
    task = ProblemType.BINARY
    ensemble = EnsembleModel([exported(name, task)[0] for name in ("logistic_regression", "decision_tree")], [0.6, 0.4])
    holdout = make_frame(task, 120, seed=1)

    export = export_onnx(ensemble, holdout)
    assert export.usable and export.onnx_bytes is not None, export.reason
    proba = np.asarray(ensemble.predict_proba(holdout))
    threshold = _borderline_threshold(proba)
    labels = OnnxPredictor(with_threshold(export.onnx_bytes, threshold)).predict(holdout)
    expected = np.where(proba[:, 1] >= threshold, ensemble.classes[1], ensemble.classes[0])
    clear = np.abs(proba[:, 1] - threshold) > 1e-5
    assert (labels[clear] == expected[clear]).all()


def test_multiclass_graph_is_refused() -> None:
    _model, export, _holdout = exported("logistic_regression", ProblemType.MULTICLASS)
    assert export.onnx_bytes is not None
    with pytest.raises(ValueError, match="two-class"):
        with_threshold(export.onnx_bytes, 0.4)
