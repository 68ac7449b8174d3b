"""One clustering trial: fit one configuration on the rows and score its labelling. A pure function; never raises.

There are no folds: a clustering is judged on the rows it grouped, by an internal validity index
(engine/clustering/validity.py), so a trial is one fit on every row, or on a fixed-seed sample of them when memory
is short (the same ShrinkPlan as supervised trials). It ends as engine/trial.py's trials do (completed, failed with
a one-line reason, timeout, cancelled) and through the same code: the deadline and the cancel file are checked
before the fit, the cancel file after it; a fit in progress is not interrupted (the pool's hard limit covers a
runaway).

The TrialResult: `score` is the objective (the metric weighted by coverage, degenerate labellings below every other
one), `fold_scores` that one score; `other_metrics` the validity indices that are defined, `n_clusters`,
`noise_fraction` and `degenerate` (1.0 or 0.0); `cluster_sizes` largest first.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from flowml.engine.clustering.validity import Validity, measure, objective
from flowml.engine.deadline import Deadline
from flowml.engine.features import load_frame
from flowml.engine.metrics import get_metric
from flowml.engine.model import build_pipeline
from flowml.engine.preprocessing import prepare_X
from flowml.engine.registry import Registry
from flowml.engine.trial import TrialLog, guarded_trial, memory_plan
from flowml.engine.types import ProblemType, TrialResult, TrialSpec

PREDICT_TIMING_ROWS = 1000  # rows assigned to time predictions (what serving a new row costs)


def run_cluster_trial(spec: TrialSpec, registry: Registry) -> TrialResult:
    """Fit `spec.algorithm` with `spec.params` on the job's rows and score the clusters it finds."""
    log = TrialLog()
    return guarded_trial(spec, log, lambda: _fit_and_measure(spec, registry, log))


def _fit_and_measure(spec: TrialSpec, registry: Registry, log: TrialLog) -> None:
    deadline = Deadline(spec.deadline, spec.cancel_path)
    deadline.check()
    task = ProblemType.CLUSTERING
    metric = get_metric(spec.metric, task)
    algorithm = registry.get(spec.algorithm)
    X = _rows(spec)
    shrink = memory_plan(spec, spec.feature_plan, len(X), n_classes=1)
    if shrink.row_fraction < 1.0:
        X = X.iloc[np.sort(np.random.default_rng(spec.seed).choice(len(X), shrink.n_rows, replace=False))]
    pipeline = build_pipeline(
        spec.feature_plan,
        algorithm,
        spec.params,
        task,
        seed=spec.seed,
        n_jobs=spec.n_jobs,
        deadline=spec.deadline,
        cancel_path=spec.cancel_path,
        float32=shrink.use_float32,
    )
    deadline.check()  # reading a large table takes a while
    started = time.perf_counter()
    # Fitted step by step, not by pipeline.fit: the validity indices need the encoded matrix (before the
    # clusterer's own PCA), and this way it is computed once. The steps are the pipeline's own objects.
    encoded = np.asarray(pipeline[:-1].fit_transform(X))
    model = pipeline[-1].fit(encoded)
    log.fit_seconds.append(time.perf_counter() - started)
    deadline.check_cancelled()

    validity = measure(encoded, _labels(model, spec.algorithm), seed=spec.seed)
    sample = X.iloc[:PREDICT_TIMING_ROWS]
    started = time.perf_counter()
    pipeline.predict(sample)
    log.predict_seconds = time.perf_counter() - started
    log.predicted_rows = len(sample)
    log.scores.append(objective(metric, validity))
    log.others.append(other_metrics(validity))
    log.cluster_sizes = list(validity.sizes)


def _rows(spec: TrialSpec) -> pd.DataFrame:
    """The job's rows as the pipeline takes them; clustering uses every row (there is no target to be missing)."""
    X, _ = prepare_X(load_frame(spec.dataset_path), spec.feature_plan)
    if len(X) < 2:
        raise ValueError(f"clustering needs at least 2 rows, the data has {len(X)}")
    return X


def _labels(model: Any, algorithm: str) -> np.ndarray:
    labels = getattr(model, "labels_", None)
    if labels is None:
        raise TypeError(
            f"algorithm {algorithm!r} built a {type(model).__name__}, which has no labels_ after fitting; "
            "a clustering algorithm builds a ClusterModel (engine/clustering/model.py)"
        )
    return np.asarray(labels)


def other_metrics(validity: Validity) -> dict[str, float]:
    """The leaderboard's extra columns of a clustering trial: every defined index and the shape of the labelling."""
    return {
        **validity.scores(),
        "n_clusters": float(validity.n_clusters),
        "noise_fraction": validity.noise_fraction,
        "degenerate": 1.0 if validity.degenerate is not None else 0.0,
    }
