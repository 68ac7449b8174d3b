"""One trial: cross-validate one configuration. A pure function of its TrialSpec; it never raises.

Every outcome is a TrialResult the job driver can record and tell Optuna: completed with scores, failed with a
one-line reason (bad parameters, an estimator crash), timeout, or cancelled. The deadline and the cancel file are
checked before every fold, and a trial whose remaining folds cannot finish in time at its pace so far stops early;
a fold in progress is not interrupted here (the pool's hard limit covers a runaway fit).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
from sklearn.model_selection import KFold, ShuffleSplit, StratifiedKFold, StratifiedShuffleSplit

from flowml.engine.deadline import BudgetExhausted, Cancelled, Deadline
from flowml.engine.devices import device_params
from flowml.engine.export_cost import tree_nodes
from flowml.engine.features import load_frame
from flowml.engine.memory import ShrinkPlan, estimate_trial_bytes, shrink_for_memory
from flowml.engine.metrics import MetricSpec, all_scores, get_metric, score
from flowml.engine.model import build_pipeline
from flowml.engine.preprocessing import prepare_X
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.registry import Algorithm, Registry
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
Folds = list[tuple[np.ndarray, np.ndarray]]


@dataclass
class TrialLog:
    """What the finished folds measured (one "fold" for a clustering trial's single fit); becomes the TrialResult."""

    scores: list[float] = field(default_factory=list)
    others: list[dict[str, float]] = field(default_factory=list)
    fit_seconds: list[float] = field(default_factory=list)
    predict_seconds: float = 0.0
    predicted_rows: int = 0
    oof: np.ndarray | None = None  # rows x classes (probabilities) or rows (regression); NaN where not predicted
    oof_path: str | None = None
    model_nodes: int = 0
    cluster_sizes: list[int] = field(default_factory=list)  # clustering: rows per cluster, largest first


def run_trial(spec: TrialSpec, registry: Registry | None = None) -> TrialResult:
    """Cross-validate `spec.algorithm` with `spec.params`; `registry` defaults to the built-in algorithms.

    A clustering trial has no target to cross-validate against: engine/clustering/trial.py fits it once and scores
    its labelling."""
    if ProblemType(spec.problem_type) is ProblemType.CLUSTERING:
        # Imported here: that module builds on this one's helpers.
        from flowml.engine.clustering.trial import run_cluster_trial

        return run_cluster_trial(spec, registry or builtin_registry())
    log = TrialLog()
    return guarded_trial(spec, log, lambda: _cross_validate(spec, registry or builtin_registry(), log))


def guarded_trial(spec: TrialSpec, log: TrialLog, body: Callable[[], None]) -> TrialResult:
    """Run `body` (which fills `log`) and turn how it ended into the TrialResult: never raises."""
    try:
        body()
    except Cancelled:
        return trial_result(spec, log, TrialStatus.CANCELLED)
    except BudgetExhausted:
        return trial_result(spec, log, TrialStatus.TIMEOUT)
    except Exception as exc:  # a trial reports every failure as data; the driver decides what to do next
        logger.debug("trial %s/%s failed", spec.job_id, spec.trial_number, exc_info=True)
        return trial_result(spec, log, TrialStatus.FAILED, error=one_line_error(exc))
    return trial_result(spec, log, TrialStatus.COMPLETED)


def run_trial_dict(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON in, JSON out: the form the process pool and Celery carry."""
    return run_trial(TrialSpec.from_dict(payload)).to_dict()


HOLDOUT_FRACTION = 0.2


def make_folds(y: np.ndarray, task: ProblemType, n_folds: int, seed: int, validation: str = "cv") -> Folds:
    """Shuffled folds, stratified by class for classification; the same seed gives the same folds.

    `validation="holdout"` gives one 80/20 split: on large data k fits cost k times as much and a 20% holdout is
    already a precise estimate."""
    if validation == "holdout":
        holdout = (
            StratifiedShuffleSplit(n_splits=1, test_size=HOLDOUT_FRACTION, random_state=seed)
            if task.is_classification
            else ShuffleSplit(n_splits=1, test_size=HOLDOUT_FRACTION, random_state=seed)
        )
        return list(holdout.split(np.zeros(len(y)), y))
    if validation != "cv":
        raise ValueError(f"unknown validation {validation!r}; use 'cv' or 'holdout'")
    splitter = (
        StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        if task.is_classification
        else KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    )
    return list(splitter.split(np.zeros(len(y)), y))


def one_line_error(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


@dataclass(frozen=True)
class _Setup:
    """Everything the folds share, resolved once per trial."""

    spec: TrialSpec
    task: ProblemType
    plan: FeaturePlan
    metric: MetricSpec
    algorithm: Algorithm
    X: pd.DataFrame
    y: np.ndarray
    n_folds: int
    n_classes: int
    shrink: ShrinkPlan


# Encoded width per input column, by kind: enough for an order-of-magnitude memory estimate before fitting.
_ENCODED_WIDTH = {"numeric": 2, "boolean": 1, "categorical": 21, "datetime": 8, "text": 20}


def _memory_plan(spec: TrialSpec, plan: FeaturePlan, n_rows: int, n_classes: int) -> ShrinkPlan:
    train_rows = n_rows if spec.validation == "holdout" else n_rows * (spec.n_folds - 1) // max(1, spec.n_folds)
    return memory_plan(spec, plan, train_rows, n_classes)


def memory_plan(spec: TrialSpec, plan: FeaturePlan, train_rows: int, n_classes: int) -> ShrinkPlan:
    """Subsample and use float32 rather than let the kernel kill the worker, for a fit on `train_rows` rows. Memory
    is shared by the trials running at once, about one per core."""
    width = sum(_ENCODED_WIDTH.get(kind, 2) for kind in plan.column_kinds.values())
    estimate = estimate_trial_bytes(train_rows, width, spec.algorithm, n_classes, params=spec.params)
    available = psutil.virtual_memory().available // max(1, os.cpu_count() or 1)
    return shrink_for_memory(train_rows, estimate, available)


def _cross_validate(spec: TrialSpec, registry: Registry, log: TrialLog) -> None:
    deadline = Deadline(spec.deadline, spec.cancel_path)
    deadline.check()
    setup = _setup(spec, registry)
    width = setup.n_classes if setup.task.is_classification else 1
    log.oof = np.full((len(setup.y), width), np.nan, dtype=np.float32)
    folds = make_folds(setup.y, setup.task, setup.n_folds, spec.seed, spec.validation)
    started = time.monotonic()
    for done, (train_idx, test_idx) in enumerate(folds):
        deadline.check()
        if done and (time.monotonic() - started) / done * (len(folds) - done) > deadline.remaining():
            # The folds left cannot finish in time at the pace so far: stop now and free the worker, instead of
            # running until the deadline (or the pool's hard kill) for a result that will not count.
            raise BudgetExhausted("the remaining folds would not finish before the deadline")
        _run_fold(setup, train_idx, test_idx, log)
    if spec.oof_dir:
        log.oof_path = _save_oof(spec, log.oof)


def _save_oof(spec: TrialSpec, oof: np.ndarray) -> str:
    """float32 .npy: small, and read back without unpickling anything."""
    directory = Path(spec.oof_dir or ".")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{spec.trial_number}.npy"
    np.save(path, oof, allow_pickle=False)
    return str(path)


def _setup(spec: TrialSpec, registry: Registry) -> _Setup:
    task = ProblemType(spec.problem_type)
    plan = spec.feature_plan
    metric = get_metric(spec.metric, task)
    algorithm = registry.get(spec.algorithm)
    df = load_frame(spec.dataset_path)
    check = validate_target(df[plan.target], task, spec.n_folds)
    labelled = df[check.keep]
    X, _ = prepare_X(labelled, plan)
    y, classes = encode_target(labelled[plan.target], task)
    n_classes = len(classes) if classes is not None else 0
    shrink = _memory_plan(spec, plan, len(y), max(1, n_classes))
    return _Setup(spec, task, plan, metric, algorithm, X.reset_index(drop=True), y, check.n_folds, n_classes, shrink)


def _run_fold(setup: _Setup, train_idx: np.ndarray, test_idx: np.ndarray, log: TrialLog) -> None:
    spec, task = setup.spec, setup.task
    pipeline = build_pipeline(
        setup.plan,
        setup.algorithm,
        {**spec.params, **device_params(spec.algorithm, spec.device)},
        task,
        seed=spec.seed,
        n_jobs=spec.n_jobs,
        deadline=spec.deadline,
        cancel_path=spec.cancel_path,
        float32=setup.shrink.use_float32,
    )
    if setup.shrink.row_fraction < 1.0:
        keep = max(1, int(len(train_idx) * setup.shrink.row_fraction))
        train_idx = np.sort(np.random.default_rng(spec.seed).choice(train_idx, keep, replace=False))
    started = time.perf_counter()
    pipeline.fit(setup.X.iloc[train_idx], setup.y[train_idx])
    log.fit_seconds.append(time.perf_counter() - started)
    log.model_nodes = tree_nodes(pipeline)

    X_test, y_test = setup.X.iloc[test_idx], setup.y[test_idx]
    started = time.perf_counter()
    y_pred = np.asarray(pipeline.predict(X_test))
    y_proba = np.asarray(pipeline.predict_proba(X_test), dtype=np.float64) if task.is_classification else None
    log.predict_seconds += time.perf_counter() - started
    log.predicted_rows += len(test_idx)

    if y_proba is not None and y_proba.shape[1] != setup.n_classes:
        raise ValueError(f"estimator returned probabilities for {y_proba.shape[1]} classes, expected {setup.n_classes}")
    if task.is_classification:
        y_pred = y_pred.astype(np.int64)
    if log.oof is not None:
        log.oof[test_idx] = y_proba if y_proba is not None else np.asarray(y_pred, dtype=np.float64)[:, None]
    log.scores.append(score(setup.metric, y_test, y_pred, y_proba))
    log.others.append(all_scores(task, y_test, y_pred, y_proba))


def trial_result(spec: TrialSpec, log: TrialLog, status: TrialStatus, error: str | None = None) -> TrialResult:
    complete = status is TrialStatus.COMPLETED
    common = set.intersection(*(set(o) for o in log.others)) if log.others else set()
    return TrialResult(
        job_id=spec.job_id,
        trial_number=spec.trial_number,
        algorithm=spec.algorithm,
        params=dict(spec.params),
        status=status,
        metric=spec.metric,
        score=float(np.mean(log.scores)) if complete else None,
        score_std=float(np.std(log.scores)) if complete else None,
        fold_scores=[float(s) for s in log.scores],
        other_metrics={k: float(np.mean([o[k] for o in log.others])) for k in sorted(common)},
        fit_time=float(np.mean(log.fit_seconds)) if log.fit_seconds else 0.0,
        predict_time_per_row=log.predict_seconds / log.predicted_rows if log.predicted_rows else 0.0,
        error=error,
        oof_path=log.oof_path if complete else None,
        model_nodes=log.model_nodes,
        cluster_sizes=log.cluster_sizes if complete else [],
    )


def builtin_registry() -> Registry:
    """The installed algorithms, built in and from plugins (flowml.engine.algorithms.default_registry)."""
    # Imported when first needed: the algorithm modules pull in xgboost, lightgbm and catboost, which a caller
    # passing its own registry (tests, plugins) does not need to pay for.
    from flowml.engine.algorithms import default_registry

    return default_registry()
