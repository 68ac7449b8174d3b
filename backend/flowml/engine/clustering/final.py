"""The last step of a clustering job: refit the best configuration on all rows, describe what it found, write the
package.

The refit always happens (a finished job must leave a model); the rest is optional and stops at the deadline,
saying in the card what it skipped. In order of what a user needs most:
1. validity scores of the final labels and the agreement with the reference column (one pass each, cheap);
2. the report (engine/clustering/report.py): profiles and the names the card and predictions carry, the projection,
   silhouettes and the elbow, written as clusters.json;
3. the ONNX export (served instead of the pickle when its parity check passed);
4. importance: the share of rows that change cluster when one input column is shuffled (predictions, no refit);
5. stability: refits on bootstrap resamples (each a full refit, so last).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from flowml.core.model_card import ClusterEntry, ClusteringEntry, OnnxEntry
from flowml.engine.clustering.model import ClusterModel
from flowml.engine.clustering.report import ClusterReport, build_report
from flowml.engine.clustering.stability import bootstrap_stability
from flowml.engine.clustering.validity import Validity, measure
from flowml.engine.deadline import Deadline
from flowml.engine.features import load_frame, to_category_strings
from flowml.engine.final import export_onnx_entry, spec_card, write_seconds
from flowml.engine.metrics import get_metric
from flowml.engine.model import FlowMLModel
from flowml.engine.package import onnx_sha256, save_package
from flowml.engine.preprocessing import prepare_X
from flowml.engine.preprocessor import step_labels
from flowml.engine.registry import Registry
from flowml.engine.trial import one_line_error
from flowml.engine.types import FinalResult, FinalSpec, ProblemType

VALIDITY_SCORES = ("silhouette", "calinski_harabasz", "davies_bouldin")
# The report's projection and silhouettes work on subsamples; below this much time left it is not started.
REPORT_MIN_SECONDS = 1.0
STABILITY_RESAMPLES = 5
# Stability refits on at most this many rows (a fixed-seed subsample): five refits of a large table would cost five
# final fits, and agreement between labelings is as clear on a few thousand rows.
STABILITY_MAX_ROWS = 5_000
# A resample's refit is started only when this multiple of its estimated time is left (fit time scaled by rows).
STABILITY_SAFETY = 1.5
IMPORTANCE_ROWS = 2_000
IMPORTANCE_REPEATS = 3
IMPORTANCE_NOTE = (
    "feature importance: the share of rows that move to another cluster when the column's values are shuffled "
    "(no refit; 0 = the column does not matter to the assignment)"
)


@dataclass
class _Findings:
    """What the final fit found out about the refit model, for its card and package."""

    entry: ClusteringEntry
    report: ClusterReport | None
    importance: dict[str, float]
    onnx_bytes: bytes | None
    onnx_entry: OnnxEntry


def fit_cluster_final(spec: FinalSpec, registry: Registry) -> FinalResult:
    """Refit on all rows, describe the clusters within the deadline, write the package with clusters.json.

    Errors in the refit propagate (the driver fails the job with them); the optional steps never raise."""
    metric = get_metric(spec.metric, ProblemType.CLUSTERING)  # refuses a supervised metric before any work
    df = load_frame(spec.dataset_path)
    algorithm = registry.get(spec.algorithm)
    started = time.perf_counter()
    model = FlowMLModel.train(
        df, spec.feature_plan, ProblemType.CLUSTERING, algorithm, spec.params, seed=spec.seed, n_jobs=spec.n_jobs
    )
    fit_time = time.perf_counter() - started
    Deadline(spec.deadline, spec.cancel_path).check_cancelled()
    notes = list(spec.notes)
    steps = step_labels(spec.params)
    if steps:
        notes.append(f"preprocessing between the encoding and the clustering: {', then '.join(steps)}")
    findings = _describe(model, df, spec, fit_time, notes)
    card = spec_card(model, spec, df, metric, importance=findings.importance, notes=notes)
    facts: dict[str, Any] = {"model_id": spec.model_id, "onnx": findings.onnx_entry, "clustering": findings.entry}
    if findings.onnx_bytes is not None:
        facts["onnx_sha256"] = onnx_sha256(findings.onnx_bytes)
    card = card.updated(facts)
    leaderboard = [row.model_dump(mode="json", exclude_unset=True) for row in spec.leaderboard]  # as given
    model_path, sha256 = save_package(
        model,
        card,
        Path(spec.output_dir),
        leaderboard=leaderboard,
        onnx_bytes=findings.onnx_bytes,
        cluster_report=findings.report,
    )
    return FinalResult(
        output_dir=str(spec.output_dir),
        model_path=str(model_path),
        model_sha256=sha256,
        card=card.updated({"model_sha256": sha256}),
        feature_importance=findings.importance,
        fit_time=fit_time,
    )


def _describe(model: FlowMLModel, df: pd.DataFrame, spec: FinalSpec, fit_time: float, notes: list[str]) -> _Findings:
    """The scores, reference agreement, report, ONNX graph, importance and stability of the refit model, the
    optional ones within the deadline (less the time to write the package)."""
    deadline = Deadline(spec.deadline - write_seconds(model), spec.cancel_path)
    X, _ = prepare_X(df, spec.feature_plan)
    cluster_model: ClusterModel = model.pipeline[-1]
    labels = np.asarray(cluster_model.labels_, dtype=np.int64)
    encoded = np.asarray(model.pipeline[:-1].transform(X), dtype=np.float64)  # before the PCA, as trials scored
    validity = measure(encoded, labels, seed=spec.seed)
    if validity.degenerate:
        notes.append(f"the clustering is degenerate: {validity.degenerate}")
    agreement = _reference_agreement(df, spec.feature_plan.reference, labels, notes)
    report = _report(X, spec, encoded, labels, deadline, notes)
    onnx_bytes, onnx_entry = export_onnx_entry(model, df, spec, deadline)
    importance = _importance(model, X, spec.seed, deadline, notes)
    stability, resamples = _stability(model, X, spec.seed, fit_time, deadline, notes)
    entry = ClusteringEntry(
        n_clusters=cluster_model.n_clusters_,
        clusters=_clusters(report, labels, cluster_model.n_clusters_),
        assigner=cluster_model.assigner,
        probabilistic=cluster_model.probabilistic,
        noise_fraction=cluster_model.noise_fraction_,
        scores=_scores(validity),
        stability=stability,
        stability_resamples=resamples,
        reduction=_reduction(cluster_model),
        reference_column=spec.feature_plan.reference,
        reference_agreement=agreement,
    )
    return _Findings(entry, report, importance, onnx_bytes, onnx_entry)


def _scores(validity: Validity) -> dict[str, float]:
    scores = {name: validity.value(name) for name in VALIDITY_SCORES}
    return {name: float(value) for name, value in scores.items() if value is not None}


def _reduction(cluster_model: ClusterModel) -> str | None:
    reducer = cluster_model.reducer_
    if reducer is None:
        return None
    kept = float(np.sum(reducer.explained_variance_ratio_))
    return f"PCA, {reducer.n_components_} components ({kept:.0%} of the variance)"


def _clusters(report: ClusterReport | None, labels: np.ndarray, n_clusters: int) -> list[ClusterEntry]:
    """Each cluster's id, name, size and share of the training rows: the report's names, else 'cluster <id>'."""
    sizes = np.bincount(labels[labels >= 0], minlength=n_clusters)
    names = {p.id: p.name for p in report.profiles} if report is not None else {}
    return [
        ClusterEntry(id=k, name=names.get(k, f"cluster {k}"), size=int(sizes[k]), share=float(sizes[k] / len(labels)))
        for k in range(n_clusters)
    ]


def _reference_agreement(
    df: pd.DataFrame, reference: str | None, labels: np.ndarray, notes: list[str]
) -> dict[str, float] | None:
    """Adjusted Rand and adjusted mutual information between the clusters and the reference grouping (1 = the same
    partition, about 0 = no better than chance), on the rows that have a reference value; noise counts as a group
    of its own, since leaving rows unassigned is part of what the algorithm did."""
    if reference is None:
        return None
    truth = to_category_strings(df[reference])
    present = truth.notna().to_numpy()
    if present.sum() < 2:
        notes.append(f"agreement with {reference!r} not measured: fewer than 2 rows have a value")
        return None
    if not present.all():
        notes.append(f"agreement with {reference!r} measured on the {int(present.sum())} rows that have a value")
    groups, found = truth[present].to_numpy(dtype=str), labels[present]
    return {
        "adjusted_rand": float(adjusted_rand_score(groups, found)),
        "adjusted_mutual_info": float(adjusted_mutual_info_score(groups, found)),
    }


def _report(
    X: pd.DataFrame, spec: FinalSpec, encoded: np.ndarray, labels: np.ndarray, deadline: Deadline, notes: list[str]
) -> ClusterReport | None:
    if deadline.remaining() < REPORT_MIN_SECONDS:
        notes.append("cluster report skipped: not enough time left before the deadline; clusters are named by id")
        return None
    try:
        return build_report(
            X,
            spec.feature_plan,
            encoded,
            labels,
            leaderboard=spec.leaderboard,
            metric=get_metric(spec.metric, ProblemType.CLUSTERING),
            seed=spec.seed,
            deadline=deadline,
        )
    except Exception as exc:  # the report is informational; the model is what the job must deliver
        notes.append(f"cluster report skipped: {one_line_error(exc)}")
        return None


def _importance(
    model: FlowMLModel, X: pd.DataFrame, seed: int, deadline: Deadline, notes: list[str]
) -> dict[str, float]:
    """Per input column, the mean share of (sampled) rows whose cluster changes when that column is shuffled."""
    sample = X.sample(n=min(len(X), IMPORTANCE_ROWS), random_state=seed).reset_index(drop=True)
    features = list(model.plan.features)
    importance: dict[str, float] = {}
    try:
        baseline = model.predict_prepared(sample)
        rng = np.random.default_rng(seed)
        # Column by column, so a wide table stops at the deadline with the columns measured so far.
        for name in features:
            if deadline.expired():
                break
            moved = []
            for _ in range(IMPORTANCE_REPEATS):
                shuffled = sample.copy()
                shuffled[name] = rng.permutation(shuffled[name].to_numpy())
                moved.append(float(np.mean(model.predict_prepared(shuffled) != baseline)))
            importance[name] = float(np.mean(moved))
    except Exception as exc:  # informational, like the report
        notes.append(f"feature importance skipped: {one_line_error(exc)}")
        return {}
    if not importance:
        notes.append("feature importance skipped: not enough time left before the deadline")
        return importance
    if len(importance) < len(features):
        notes.append(f"feature importance stopped at the deadline after {len(importance)} of {len(features)} columns")
    notes.append(IMPORTANCE_NOTE)
    return importance


def _stability(
    model: FlowMLModel, X: pd.DataFrame, seed: int, fit_time: float, deadline: Deadline, notes: list[str]
) -> tuple[float | None, int]:
    """Mean adjusted Rand index between the model's clusters and those of refits on bootstrap resamples (of a
    subsample on large tables), and the resamples done. Compared as assignments (`predict`) on both sides, so a
    density-based model's noise rows count with their nearest cluster, as the refits' do."""
    rows = np.arange(len(X))
    if len(rows) > STABILITY_MAX_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, STABILITY_MAX_ROWS, replace=False))
    subset = X.iloc[rows].reset_index(drop=True)
    refit_seconds = STABILITY_SAFETY * fit_time * len(rows) / len(X)
    # A resample starts only when its refit can end before the optional steps' deadline.
    stop = Deadline(deadline.at - refit_seconds, deadline.cancel_path)
    if stop.expired():
        notes.append("stability skipped: not enough time left before the deadline for a refit")
        return None, 0

    def fit_predict(indices: np.ndarray) -> np.ndarray:
        pipeline = clone(model.pipeline).fit(subset.iloc[indices])
        return np.asarray(pipeline.predict(subset), dtype=np.int64)

    try:
        reference = np.asarray(model.pipeline.predict(subset), dtype=np.int64)
        value, done = bootstrap_stability(
            fit_predict, reference, resamples=STABILITY_RESAMPLES, seed=seed, deadline=stop
        )
    except Exception as exc:  # a resample the algorithm cannot fit (too few distinct rows): informational
        notes.append(f"stability skipped: {one_line_error(exc)}")
        return None, 0
    if done == 0:
        notes.append("stability skipped: not enough time left before the deadline for a refit")
    elif done < STABILITY_RESAMPLES:
        notes.append(f"stability measured on {done} of {STABILITY_RESAMPLES} resamples: the time budget ran out")
    if len(rows) < len(X):
        notes.append(f"stability measured on a sample of {len(rows)} rows")
    return value, done
