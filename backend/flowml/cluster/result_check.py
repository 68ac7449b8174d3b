"""The master's check of a worker's trial report (ARCHITECTURE.md section 12: workers are machines, not trusted code).

The master keeps what it decided itself (job, trial number, algorithm, parameters: its own TrialSpec) and takes
from the worker only what it can check:
- the report's shape, by the strict TrialReport model (no extra fields, bounded texts, finite numbers);
- scores: within the metric's range, one per fold (no more folds than the spec's), their mean as the score;
- timings: no longer than the trial took as the master saw it (a huge fit time would inflate the final fit's
  reserve and deadline);
- out-of-fold predictions: only the file the master stored from the worker's upload, matching the hash the report
  declares, with the fold plan's rows and one column per class (one for regression), float, finite exactly where
  the folds predict, and probabilities within [0, 1];
- clustering trials: their counts (clusters, noise share) in range, cluster sizes largest first and one per cluster
  counted, and no out-of-fold predictions (a clustering trial makes none).
Any failed check raises RejectedReport with the reason: the executor fails that trial with it, never the job.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pydantic import ValidationError

from flowml.cluster.trial_report import MAX_CLUSTER_SIZES, TrialReport, bounded
from flowml.engine.metrics import MetricSpec, get_metric, metrics_for
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.trial import make_folds
from flowml.engine.types import ProblemType, TrialResult, TrialSpec, TrialStatus, describe_invalid

# What a clustering trial reports in other_metrics beside the validity indices (engine/clustering/trial.py), with
# the values each may take: counts and shares, not metrics, so they have no MetricSpec to take bounds from.
CLUSTERING_FACTS: dict[str, tuple[float, float]] = {
    "n_clusters": (0.0, math.inf),
    "noise_fraction": (0.0, 1.0),
    "degenerate": (0.0, 1.0),
}
# Float noise allowed on range and mean checks (a score is the mean of float64 fold scores, sent as JSON).
TOLERANCE = 1e-9
# Clock granularity between the worker's timer and the master's: an honest fit always takes less than the trial.
TIMING_SLACK_SECONDS = 1.0
LAYOUT_CACHE_SIZE = 8


class RejectedReport(ValueError):
    """A worker's report failed a check; the message says which and why."""


@dataclass(frozen=True)
class OofLayout:
    """What a trial's out-of-fold predictions must look like, from the master's own copy of the data."""

    rows: int
    columns: int
    predicted: np.ndarray  # bool per row: some fold predicts it (every row for k-fold, the holdout's rows else)
    probabilities: bool


def oof_layout(spec: TrialSpec) -> OofLayout:
    """The layout of `spec`'s predictions: its labelled rows and fold plan, as the trial computes them."""
    task = spec.problem_type
    target = spec.feature_plan.target
    if target is None:  # _checked_oof refuses a clustering trial's predictions before asking for a layout
        raise RejectedReport("a clustering trial has no target, so no out-of-fold predictions")
    column = pl.read_parquet(spec.dataset_path, columns=[target]).to_pandas()[target]
    check = validate_target(column, task, spec.n_folds)
    y, classes = encode_target(column[check.keep], task)
    predicted = np.zeros(len(y), dtype=bool)
    for _, test in make_folds(y, task, check.n_folds, spec.seed, spec.validation):
        predicted[test] = True
    columns = len(classes) if classes is not None else 1
    return OofLayout(rows=len(y), columns=columns, predicted=predicted, probabilities=task.is_classification)


class OofLayouts:
    """oof_layout per job, computed once (it reads the target column): every trial of a job shares its layout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._layouts: OrderedDict[tuple[Any, ...], OofLayout] = OrderedDict()

    def get(self, spec: TrialSpec) -> OofLayout:
        key = (spec.job_id, spec.dataset_path, spec.n_folds, spec.seed, spec.validation)
        with self._lock:  # trials finishing together wait for one read instead of each reading the data
            layout = self._layouts.get(key)
            if layout is None:
                layout = self._layouts[key] = oof_layout(spec)
                while len(self._layouts) > LAYOUT_CACHE_SIZE:
                    self._layouts.popitem(last=False)
            return layout


def stored_oof_path(spec: TrialSpec) -> Path | None:
    """Where the master keeps the trial's uploaded predictions (services/worker_data.py): built from its own
    directory and the trial number, never from anything a worker sent."""
    return Path(spec.oof_dir) / f"{spec.trial_number}.npy" if spec.oof_dir is not None else None


def accept_report(spec: TrialSpec, payload: object, elapsed_seconds: float, layouts: OofLayouts) -> TrialResult:
    """The TrialResult the master records for a worker's report of `spec`, or RejectedReport (blocking: it may
    read the data and the stored predictions; call it from a thread)."""
    report = parse_report(payload)
    _check_echo(spec, report)
    completed = report.status is TrialStatus.COMPLETED
    _check_scores(spec, report, completed)
    _check_timings(report, elapsed_seconds)
    oof_path = _checked_oof(spec, report, layouts) if completed else None
    _check_cluster_sizes(spec, report)
    return TrialResult(
        job_id=spec.job_id,
        trial_number=spec.trial_number,
        algorithm=spec.algorithm,
        params=spec.params,
        status=report.status,
        metric=spec.metric,
        score=report.score if completed else None,
        score_std=report.score_std if completed else None,
        fold_scores=list(report.fold_scores),
        other_metrics=dict(report.other_metrics),
        fit_time=report.fit_time,
        predict_time_per_row=report.predict_time_per_row,
        error=report.error,
        worker=report.worker,
        oof_path=str(oof_path) if oof_path is not None else None,
        model_nodes=report.model_nodes,
        cluster_sizes=list(report.cluster_sizes),
    )


def parse_report(payload: object) -> TrialReport:
    if not isinstance(payload, dict):
        raise RejectedReport(f"the result is not a JSON object but {type(payload).__name__}")
    try:
        return TrialReport.model_validate(payload)
    except ValidationError as exc:
        raise RejectedReport(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    return bounded(describe_invalid(exc))


def _check_echo(spec: TrialSpec, report: TrialReport) -> None:
    """The report must be about the trial that was sent, run as it was sent."""
    if (report.job_id, report.trial_number) != (spec.job_id, spec.trial_number):
        raise RejectedReport(
            f"it reports trial {report.trial_number} of job {report.job_id[:32]}, "
            f"but trial {spec.trial_number} of job {spec.job_id} was sent"
        )
    if report.algorithm != spec.algorithm:
        raise RejectedReport(f"it ran algorithm {report.algorithm[:64]!r}, but {spec.algorithm!r} was sent")
    # Compared as JSON, the form the parameters travelled in (a tuple arrives as a list).
    if report.params != json.loads(json.dumps(spec.params)):
        raise RejectedReport(f"its parameters differ from the ones sent for {spec.algorithm}")


def _check_scores(spec: TrialSpec, report: TrialReport, completed: bool) -> None:
    """Every number in range (an unfinished trial's partial fold scores are shown too); a completed trial's score
    is the mean of one score per fold."""
    metric = get_metric(spec.metric, ProblemType(spec.problem_type))
    if len(report.fold_scores) > spec.n_folds:
        raise RejectedReport(f"a trial has at most {spec.n_folds} fold scores, got {len(report.fold_scores)}")
    for value in report.fold_scores:
        _check_range(metric, value)
    if completed:
        if report.score is None or not report.fold_scores:
            raise RejectedReport("a completed trial must have a score and its fold scores")
        _check_range(metric, report.score)
        mean = float(np.mean(report.fold_scores))
        if not math.isclose(report.score, mean, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            raise RejectedReport(f"score {report.score:g} is not the mean of its fold scores ({mean:g})")
    task = ProblemType(spec.problem_type)
    allowed: dict[str, tuple[float, float]] = {m.name: m.bounds for m in metrics_for(task)}
    if task is ProblemType.CLUSTERING:
        allowed |= CLUSTERING_FACTS
    for name, value in report.other_metrics.items():
        bounds = allowed.get(name)
        if bounds is None:
            raise RejectedReport(f"unknown metric {name[:64]!r} in other_metrics; allowed: {', '.join(allowed)}")
        _check_bounds(name, bounds, value)


def _check_cluster_sizes(spec: TrialSpec, report: TrialReport) -> None:
    """Cluster sizes only from a clustering trial, largest first, and as many as the clusters it counts."""
    sizes = report.cluster_sizes
    if not sizes:
        return
    if ProblemType(spec.problem_type) is not ProblemType.CLUSTERING:
        raise RejectedReport(f"it reports cluster sizes for a {spec.problem_type} trial")
    if sizes != sorted(sizes, reverse=True):
        raise RejectedReport("its cluster sizes are not largest first")
    counted = report.other_metrics.get("n_clusters")
    if counted is not None and len(sizes) != min(int(counted), MAX_CLUSTER_SIZES):
        raise RejectedReport(f"it reports {len(sizes)} cluster sizes for {counted:g} clusters")


def _check_range(metric: MetricSpec, value: float) -> None:
    _check_bounds(metric.name, metric.bounds, value)


def _check_bounds(name: str, bounds: tuple[float, float], value: float) -> None:
    low, high = bounds
    if not low - TOLERANCE <= value <= high + TOLERANCE:
        raise RejectedReport(f"{name} {value:g} is outside the metric's range [{low:g}, {high:g}]")


def _check_timings(report: TrialReport, elapsed_seconds: float) -> None:
    limit = elapsed_seconds + TIMING_SLACK_SECONDS
    if report.fit_time > limit or report.predict_time_per_row > limit:
        raise RejectedReport(f"its timings exceed the {elapsed_seconds:.1f} s the trial took")


def _checked_oof(spec: TrialSpec, report: TrialReport, layouts: OofLayouts) -> Path | None:
    """The stored predictions the report vouches for by hash, once checked; None when it declares none."""
    if report.oof_sha256 is None:
        return None
    if ProblemType(spec.problem_type) is ProblemType.CLUSTERING:
        raise RejectedReport("it declares out-of-fold predictions, but a clustering trial makes none")
    path = stored_oof_path(spec)
    if path is None:
        raise RejectedReport("it declares out-of-fold predictions, but none were asked for")
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise RejectedReport("it declares out-of-fold predictions, but none were uploaded for this trial") from None
    if hashlib.sha256(body).hexdigest() != report.oof_sha256:
        raise RejectedReport("the uploaded out-of-fold predictions do not match the hash the result declares")
    try:
        array = np.load(io.BytesIO(body), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise RejectedReport(f"the uploaded out-of-fold predictions are not a NumPy array: {exc}") from None
    check_oof(array, layouts.get(spec))
    return path


def check_oof(array: np.ndarray, layout: OofLayout) -> None:
    expected = (layout.rows, layout.columns)
    if array.ndim != 2 or array.dtype.kind != "f":
        raise RejectedReport(f"out-of-fold predictions must be a 2-D float array, got {array.dtype} {array.shape}")
    if array.shape != expected:
        raise RejectedReport(
            f"out-of-fold predictions have shape {array.shape}; this trial's folds predict "
            f"{layout.rows} rows x {layout.columns} column(s)"
        )
    predicted = array[layout.predicted]
    if not np.isfinite(predicted).all():
        raise RejectedReport("out-of-fold predictions hold NaN or infinite values on rows the folds predict")
    if not np.isnan(array[~layout.predicted]).all():
        raise RejectedReport("out-of-fold predictions hold values on rows no fold predicts (they must be NaN)")
    if layout.probabilities and ((predicted < 0).any() or (predicted > 1).any()):
        raise RejectedReport("out-of-fold class probabilities must lie within [0, 1]")
