"""The master's check of a worker's trial report: an honest report passes, every kind of forgery is refused."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from typing import Any

import numpy as np
import pytest

from flowml.cluster.result_check import (
    OofLayout,
    OofLayouts,
    RejectedReport,
    accept_report,
    check_oof,
    oof_layout,
    stored_oof_path,
)
from flowml.cluster.trial_report import TrialReport
from flowml.engine.features import plan_features
from flowml.engine.trial import run_trial
from flowml.engine.types import ProblemType, TrialSpec, TrialStatus
from tests.engine.test_pipeline import SYNTHETIC_KINDS, local_registry, synthetic_frame, write_parquet

N_ROWS, N_CLASSES, N_FOLDS = 240, 3, 3


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> TrialSpec:
    root = tmp_path_factory.mktemp("result-check")
    frame = synthetic_frame(ProblemType.MULTICLASS, N_ROWS)
    path = write_parquet(frame, root / "data.parquet")
    return TrialSpec(
        job_id="job-1",
        trial_number=4,
        dataset_path=str(path),
        problem_type=ProblemType.MULTICLASS.value,
        feature_plan=plan_features(frame, "target", SYNTHETIC_KINDS).to_dict(),
        algorithm="local_forest",
        params={"n_estimators": 10},
        metric="accuracy",
        n_folds=N_FOLDS,
        seed=5,
        deadline=time.time() + 600,
        oof_dir=str(root / "oof"),  # the trial writes `4.npy` here: where the master keeps a worker's upload
    )


@pytest.fixture(scope="module")
def honest(spec: TrialSpec) -> dict[str, Any]:
    """What an honest worker returns for `spec`: a real trial's report, its predictions stored by the master."""
    result = run_trial(spec, local_registry())
    assert result.status == TrialStatus.COMPLETED, result.error
    stored = stored_oof_path(spec)
    assert stored is not None and result.oof_path == str(stored)
    sha256 = hashlib.sha256(stored.read_bytes()).hexdigest()
    return TrialReport.of(result, "alpha", sha256).model_dump(mode="json")


def accept(spec: TrialSpec, payload: object, elapsed: float = 60.0) -> Any:
    return accept_report(spec, json.loads(json.dumps(payload)), elapsed, OofLayouts())


def test_an_honest_report_is_accepted_with_its_checked_predictions(spec: TrialSpec, honest: dict[str, Any]) -> None:
    result = accept(spec, honest)
    assert result.status == TrialStatus.COMPLETED and result.error is None
    assert (result.algorithm, result.params) == (spec.algorithm, spec.params)
    assert result.oof_path == str(stored_oof_path(spec))
    assert 0 <= (result.score or -1) <= 1 and len(result.fold_scores) == N_FOLDS and result.worker == "alpha"


def forged(honest: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(honest)
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"score": 1e9, "fold_scores": [1e9] * N_FOLDS}, "accuracy 1e+09 is outside the metric's range [0, 1]"),
        ({"score": float("nan")}, "score: Input should be a finite number"),
        ({"fold_scores": [0.5, float("inf"), 0.5]}, "fold_scores.1: Input should be a finite number"),
        ({"score": "0.99"}, "score: Input should be a valid number"),
        ({"status": "won"}, "status: Input should be 'completed', 'failed', 'timeout' or 'cancelled'"),
        ({"algorithm": "local_linear"}, "it ran algorithm 'local_linear', but 'local_forest' was sent"),
        ({"params": {"n_estimators": "__import__('os').system('id')"}}, "parameters differ from the ones sent"),
        ({"trial_number": 9}, "it reports trial 9 of job job-1, but trial 4 of job job-1 was sent"),
        ({"oof_path": "/etc/passwd"}, "oof_path: Extra inputs are not permitted"),
        ({"error": "x" * 501}, "error: String should have at most 500 characters"),
        ({"fit_time": 1e6}, "its timings exceed the 60.0 s the trial took"),
        ({"score": 0.2, "fold_scores": [0.9, 0.9, 0.9]}, "score 0.2 is not the mean of its fold scores (0.9)"),
        ({"fold_scores": [0.5] * (N_FOLDS + 1), "score": 0.5}, "a trial has at most 3 fold scores, got 4"),
        ({"fold_scores": [], "score": 0.5}, "a completed trial must have a score and its fold scores"),
        ({"status": "failed", "score": None, "fold_scores": [-7.0]}, "accuracy -7 is outside the metric's range"),
        ({"other_metrics": {"shell": 0.5}}, "unknown metric 'shell' in other_metrics"),
        ({"other_metrics": {"log_loss": -3.0}}, "log_loss -3 is outside the metric's range [0, inf]"),
        ({"oof_sha256": "0" * 64}, "do not match the hash the result declares"),
        ({"oof_sha256": "../../etc/passwd"}, "oof_sha256: String should match pattern"),
    ],
)
def test_a_forged_report_is_rejected_with_the_reason(
    spec: TrialSpec, honest: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RejectedReport) as rejected:
        accept(spec, forged(honest, **changes))
    assert reason in str(rejected.value)


def test_a_report_that_is_not_an_object_is_rejected(spec: TrialSpec) -> None:
    with pytest.raises(RejectedReport, match="not a JSON object but list"):
        accept(spec, [1, 2, 3])


def test_declared_predictions_that_were_never_uploaded_are_rejected(spec: TrialSpec, honest: dict[str, Any]) -> None:
    elsewhere = spec.replace(trial_number=7)  # nothing stored for trial 7
    payload = forged(honest, trial_number=7)
    with pytest.raises(RejectedReport, match="none were uploaded for this trial"):
        accept(elsewhere, payload)
    assert accept(elsewhere, forged(payload, oof_sha256=None)).oof_path is None  # declared none: none used


def test_the_layout_follows_the_fold_plan(spec: TrialSpec) -> None:
    kfold = oof_layout(spec)
    assert (kfold.rows, kfold.columns, kfold.probabilities) == (N_ROWS, N_CLASSES, True)
    assert kfold.predicted.all()  # k-fold predicts every row once
    holdout = oof_layout(spec.replace(validation="holdout"))
    assert holdout.predicted.sum() == N_ROWS * 0.2  # one 80/20 split: only the holdout rows
    as_regression = spec.replace(problem_type=ProblemType.REGRESSION.value, feature_plan=_numeric_target(spec))
    regression = oof_layout(as_regression)
    assert (regression.columns, regression.probabilities) == (1, False)


def _numeric_target(spec: TrialSpec) -> dict[str, Any]:
    """The same data with the row id as a numeric target."""
    return {**spec.feature_plan.to_dict(), "target": "row_id"}


def _layout(holdout_rows: int = 0) -> OofLayout:
    predicted = np.ones(N_ROWS, dtype=bool)
    predicted[:holdout_rows] = False
    return OofLayout(rows=N_ROWS, columns=N_CLASSES, predicted=predicted, probabilities=True)


def _probabilities(rows: int = N_ROWS, columns: int = N_CLASSES) -> np.ndarray:
    return np.full((rows, columns), 1 / columns, dtype=np.float32)


@pytest.mark.parametrize(
    ("array", "reason"),
    [
        (_probabilities(3), "have shape (3, 3); this trial's folds predict 240 rows x 3 column(s)"),
        (_probabilities(columns=2), "this trial's folds predict 240 rows x 3 column(s)"),
        (np.ones((N_ROWS, N_CLASSES), dtype=np.int64), "must be a 2-D float array, got int64"),
        (np.full(N_ROWS, 0.5), "must be a 2-D float array"),
        (np.where(np.arange(N_ROWS)[:, None] == 7, np.nan, _probabilities()), "NaN or infinite values"),
        (_probabilities() * 5, "probabilities must lie within [0, 1]"),
    ],
)
def test_malformed_predictions_are_rejected(array: np.ndarray, reason: str) -> None:
    with pytest.raises(RejectedReport) as rejected:
        check_oof(array, _layout())
    assert reason in str(rejected.value)


def test_holdout_predictions_must_leave_unpredicted_rows_empty() -> None:
    layout = _layout(holdout_rows=40)
    filled = _probabilities()
    with pytest.raises(RejectedReport, match="values on rows no fold predicts"):
        check_oof(filled, layout)
    filled[:40] = np.nan
    check_oof(filled, layout)


def test_a_stored_file_that_is_not_npy_is_rejected(spec: TrialSpec, honest: dict[str, Any]) -> None:
    other = spec.replace(trial_number=11)
    stored = stored_oof_path(other)
    assert stored is not None
    body = b"#!/bin/sh\necho not an array\n"
    stored.write_bytes(body)
    payload = forged(honest, trial_number=11, oof_sha256=hashlib.sha256(body).hexdigest())
    with pytest.raises(RejectedReport, match="not a NumPy array"):
        accept(other, payload)


def test_an_honest_worker_reports_an_undefined_score_as_a_failure(spec: TrialSpec) -> None:
    result = run_trial(spec.replace(trial_number=12, oof_dir=None), local_registry())
    result.score, result.fold_scores = float("nan"), [float("nan")] * N_FOLDS
    report = TrialReport.of(result, "alpha", None)
    assert report.status is TrialStatus.FAILED and report.score is None and report.error
    checked = accept(spec.replace(trial_number=12), report.model_dump(mode="json"))
    assert checked.status == TrialStatus.FAILED and "undefined" in (checked.error or "")
