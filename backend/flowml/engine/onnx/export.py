"""Export a fitted model to ONNX and check it against the native pipeline on sample rows.

Parity tolerance (on at most `max_rows` rows of `sample`):
- classifiers: max |p_onnx - p_native| over every probability <= 1e-4, and every predicted label agrees except on
  rows whose two best native probabilities are within 2e-4 of each other (a tie float32 may break either way);
- regressors: max |y_onnx - y_native| <= 1e-4 * scale, scale = the standard deviation of the sample's target when
  it is present (else of the native predictions; 1.0 if that is 0 too);
- clustering models: the cluster ids agree on at least 99% of the rows (the graph's float32 preprocessing may move a
  row lying on the boundary of two clusters; an assignment error would disagree on far more), and a probabilistic
  model's memberships are within 1e-4 as a classifier's probabilities. Metric "labels" (no max_abs_diff) when the
  model has no memberships.
The graph computes in float32 (as scikit-learn's trees do; text features in float64), so linear and neural models
differ by ~1e-7 relative; a regression output is float32 too, so a target whose mean is over ~1e3 times its
standard deviation can miss the tolerance (the export then says so and is not served).

`export_onnx` never raises for a model: a part without a converter, a converter error or an ONNX Runtime error
comes back as `supported=False` with the reason; a graph that runs but misses the tolerance as `supported=True`,
`parity["passed"] = False`. Serve the graph only when `OnnxExport.usable`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowml.engine.onnx._graph import ExportableModel, UnsupportedModelError, build_graph
from flowml.engine.onnx.runtime import OnnxPredictor
from flowml.engine.types import ProblemType

PROBABILITY_TOLERANCE = 1e-4
CLUSTER_LABEL_AGREEMENT = 0.99
REGRESSION_RELATIVE_TOLERANCE = 1e-4
MAX_PARITY_ROWS = 1000
_MAX_REASON_CHARS = 500


@dataclass(frozen=True)
class OnnxExport:
    """The result of `export_onnx`. `onnx_bytes` is None whenever `supported` is False.

    `parity`: metric ("probabilities", "predictions" or "labels"), rows, max_abs_diff, tolerance (both None for
    "labels"), label_agreement (None for regression), passed, export_seconds; empty when the graph could not be
    built or run.
    """

    onnx_bytes: bytes | None
    supported: bool
    reason: str | None
    parity: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """The graph exists and matched the native model: safe to serve instead of it."""
        return self.supported and self.onnx_bytes is not None and bool(self.parity.get("passed"))

    def card_entry(self) -> dict[str, Any]:
        """JSON-ready summary for the model card (without the bytes)."""
        return {"supported": self.supported, "usable": self.usable, "reason": self.reason, "parity": self.parity}


def export_onnx(model: ExportableModel, sample: pd.DataFrame, *, max_rows: int = MAX_PARITY_ROWS) -> OnnxExport:
    """`model` (a FlowMLModel or an ensemble of them) as one ONNX graph, checked on `sample`'s first rows.

    `sample`: raw rows as the model's `prepare` accepts them (extra columns such as the target are ignored; the
    target, if present, sets the regression tolerance's scale).
    """
    started = time.perf_counter()
    try:
        onnx_bytes = build_graph(model).SerializeToString()
    except UnsupportedModelError as exc:
        return OnnxExport(None, False, _short(str(exc)))
    except Exception as exc:  # a converter that exists but fails on this model: report, never fail the caller
        return OnnxExport(None, False, _short(f"conversion failed: {type(exc).__name__}: {exc}"))
    try:
        parity = check_parity(model, OnnxPredictor(onnx_bytes), sample.iloc[:max_rows])
    except Exception as exc:
        return OnnxExport(None, False, _short(f"ONNX Runtime failed: {type(exc).__name__}: {exc}"))
    parity["export_seconds"] = round(time.perf_counter() - started, 3)
    minimum = CLUSTER_LABEL_AGREEMENT if model.problem_type is ProblemType.CLUSTERING else 1.0
    reason = None if parity["passed"] else _parity_reason(parity, minimum)
    return OnnxExport(onnx_bytes, True, reason, parity)


def check_parity(model: ExportableModel, predictor: OnnxPredictor, rows: pd.DataFrame) -> dict[str, Any]:
    """Native vs ONNX outputs on `rows` (all of them), judged by the tolerances in the module docstring."""
    X, _ = model.prepare(rows)
    onnx_labels, onnx_proba = predictor.run_prepared(X)
    native_labels = np.asarray(model.predict(rows))
    if model.problem_type is ProblemType.CLUSTERING:
        return _cluster_parity(model, rows, native_labels, onnx_labels, onnx_proba)
    if model.problem_type.is_classification:
        native_proba = np.asarray(model.predict_proba(rows), dtype=np.float64)
        diff = _max_abs_diff(native_proba, onnx_proba)
        agree = native_labels == onnx_labels
        tied = _top_two_margin(native_proba) <= 2 * PROBABILITY_TOLERANCE
        passed = diff is not None and diff <= PROBABILITY_TOLERANCE and bool((agree | tied).all())
        return _parity("probabilities", len(rows), diff, PROBABILITY_TOLERANCE, _rate(agree), passed)
    tolerance = REGRESSION_RELATIVE_TOLERANCE * _target_scale(rows, model.plan.target, native_labels)
    diff = _max_abs_diff(native_labels.astype(np.float64), onnx_labels)
    passed = diff is not None and diff <= tolerance
    return _parity("predictions", len(rows), diff, tolerance, None, passed)


def _cluster_parity(
    model: ExportableModel,
    rows: pd.DataFrame,
    native_labels: np.ndarray,
    onnx_labels: np.ndarray,
    onnx_proba: np.ndarray | None,
) -> dict[str, Any]:
    """Cluster ids agree on CLUSTER_LABEL_AGREEMENT of the rows; memberships (when either side has them) within
    PROBABILITY_TOLERANCE, and present on both sides."""
    agreement = _rate(native_labels == onnx_labels) if native_labels.shape == onnx_labels.shape else 0.0
    labels_agree = agreement is not None and agreement >= CLUSTER_LABEL_AGREEMENT
    native = model.predict_proba(rows)
    if native is None and onnx_proba is None:
        return _parity("labels", len(rows), None, None, agreement, labels_agree)
    diff = _max_abs_diff(np.asarray(native, dtype=np.float64), onnx_proba) if native is not None else None
    passed = labels_agree and diff is not None and diff <= PROBABILITY_TOLERANCE
    return _parity("probabilities", len(rows), diff, PROBABILITY_TOLERANCE, agreement, passed)


def _parity(
    metric: str, rows: int, diff: float | None, tolerance: float | None, agreement: float | None, passed: bool
) -> dict[str, Any]:
    return {
        "metric": metric,
        "rows": rows,
        "max_abs_diff": diff,
        "tolerance": tolerance,
        "label_agreement": agreement,
        "passed": bool(passed and rows > 0),
    }


def _max_abs_diff(native: np.ndarray, onnx: np.ndarray | None) -> float | None:
    """None when the shapes differ or a value is not finite (JSON has no NaN); 0.0 for no rows."""
    if onnx is None or native.shape != onnx.shape:
        return None
    if native.size == 0:
        return 0.0
    diff = float(np.max(np.abs(native - onnx)))
    return diff if np.isfinite(diff) else None


def _top_two_margin(proba: np.ndarray) -> np.ndarray:
    if proba.shape[1] < 2:
        return np.full(len(proba), np.inf)
    top = np.sort(proba, axis=1)
    return np.asarray(top[:, -1] - top[:, -2])


def _rate(agree: np.ndarray) -> float | None:
    return float(agree.mean()) if agree.size else None


def _target_scale(rows: pd.DataFrame, target: str | None, predictions: np.ndarray) -> float:
    values = predictions
    if target is not None and target in rows.columns:
        observed = pd.to_numeric(rows[target], errors="coerce").dropna().to_numpy(dtype=np.float64)
        if observed.size > 1:
            values = observed
    scale = float(np.std(values)) if values.size > 1 else 0.0
    return scale if np.isfinite(scale) and scale > 0 else 1.0


def _parity_reason(parity: dict[str, Any], min_agreement: float) -> str:
    """Why the check failed. `min_agreement`: the share of labels that must agree (1.0 but for ties, or
    CLUSTER_LABEL_AGREEMENT); a lower agreement is named, with the required share when it is not 1."""
    if parity["rows"] == 0:
        return "parity not checked: the sample has no rows"
    diff, tolerance = parity["max_abs_diff"], parity["tolerance"]
    problems = []
    if parity["metric"] != "labels":  # "labels": no values to compare, the agreement is the whole check
        if diff is None:
            problems.append(f"ONNX {parity['metric']} differ in shape from the native ones or are not finite")
        elif diff > tolerance:
            problems.append(f"max |{parity['metric']} difference| {diff:.3g} > {tolerance:.3g}")
    agreement = parity["label_agreement"]
    if agreement is not None and agreement < min_agreement:
        needed = f" (at least {min_agreement:.0%} needed)" if min_agreement < 1.0 else ""
        problems.append(f"labels agree on {agreement:.2%} of rows{needed}")
    return f"parity failed on {parity['rows']} rows: {'; '.join(problems)}"


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 3] + "..."
