"""run_cluster_trial, directly and through run_trial's dispatch: one fit scored by the validity objective, and every
way a trial can end without raising."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.datasets import make_blobs

from flowml.engine.algorithms.clustering.kmeans import KMeansAlgorithm, MiniBatchKMeansAlgorithm
from flowml.engine.clustering.trial import run_cluster_trial
from flowml.engine.features import plan_features
from flowml.engine.registry import Registry
from flowml.engine.trial import run_trial, run_trial_dict
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus

ROWS = 300


def registry() -> Registry:
    return Registry.of([KMeansAlgorithm(), MiniBatchKMeansAlgorithm()])


def write_table(frame: pd.DataFrame, path: Path) -> tuple[Path, FeaturePlan]:
    pl.from_pandas(frame).write_parquet(path)
    kinds = {c: "categorical" if frame[c].dtype == object else "numeric" for c in frame.columns}
    return path, plan_features(frame, None, kinds)


@pytest.fixture(scope="module")
def blobs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    X, y = make_blobs(n_samples=ROWS, centers=3, n_features=4, cluster_std=0.7, random_state=5)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(4)])
    # A categorical column that follows the groups: clustering one-hot encodes it next to the scaled numbers.
    frame["colour"] = np.array(["red", "green", "blue"], dtype=object)[y]
    return write_table(frame, tmp_path_factory.mktemp("blobs") / "blobs.parquet")


def make_spec(
    table: tuple[Path, FeaturePlan],
    params: dict[str, Any],
    *,
    algorithm: str = "kmeans",
    metric: str = "silhouette",
    seconds: float = 60.0,
    cancel_path: str | None = None,
) -> TrialSpec:
    path, plan = table
    return TrialSpec(
        job_id="job-c",
        trial_number=2,
        dataset_path=str(path),
        problem_type=ProblemType.CLUSTERING,
        feature_plan=plan,
        algorithm=algorithm,
        params=params,
        metric=metric,
        n_folds=1,
        seed=4,
        deadline=time.time() + seconds,
        cancel_path=cancel_path,
    )


def assert_unfinished(result: TrialResult, status: TrialStatus) -> None:
    assert result.status == status
    assert result.score is None and result.fold_scores == [] and result.cluster_sizes == []


def test_completed_trial_reports_scores_and_shape(blobs: tuple[Path, FeaturePlan]) -> None:
    result = run_cluster_trial(make_spec(blobs, {"n_clusters": 3, "n_init": 2, "reduce": None}), registry())
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.error is None
    assert result.score is not None and result.score > 0.6
    assert result.fold_scores == [result.score] and result.score_std == 0.0
    others = result.other_metrics
    assert others["silhouette"] == result.score  # no noise, not degenerate: the objective is the silhouette
    assert others["calinski_harabasz"] > 100 and 0 < others["davies_bouldin"] < 1
    assert (others["n_clusters"], others["noise_fraction"], others["degenerate"]) == (3.0, 0.0, 0.0)
    assert sum(result.cluster_sizes) == ROWS and len(result.cluster_sizes) == 3
    assert result.cluster_sizes == sorted(result.cluster_sizes, reverse=True)
    assert result.fit_time > 0 and result.predict_time_per_row > 0
    assert result.oof_path is None


def test_run_trial_dispatches_clustering_and_survives_json(blobs: tuple[Path, FeaturePlan]) -> None:
    spec = make_spec(
        blobs, {"n_clusters": 3, "batch_size": 256, "n_init": 2, "reduce": 0.9}, algorithm="minibatch_kmeans"
    )
    direct = run_cluster_trial(spec, registry())
    dispatched = run_trial(spec, registry())
    assert direct.status == dispatched.status == TrialStatus.COMPLETED, direct.error
    assert dispatched.score == direct.score and dispatched.cluster_sizes == direct.cluster_sizes
    # The process pool's and Celery's form: JSON in, JSON out, through the built-in registry.
    payload = run_trial_dict(spec.to_dict())
    assert TrialResult.from_dict(payload).score == direct.score


def test_davies_bouldin_is_the_score_when_chosen(blobs: tuple[Path, FeaturePlan]) -> None:
    result = run_cluster_trial(
        make_spec(blobs, {"n_clusters": 3, "n_init": 2, "reduce": None}, metric="davies_bouldin"), registry()
    )
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.score == result.other_metrics["davies_bouldin"]


def test_a_giant_cluster_is_flagged_and_penalised(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    # 98% of the rows in one cloud, 2% far away: two clusters, one of them giant.
    frame = pd.DataFrame(np.vstack([rng.normal(0, 1, (490, 3)), rng.normal(30, 1, (10, 3))]), columns=["a", "b", "c"])
    table = write_table(frame, tmp_path / "giant.parquet")
    result = run_cluster_trial(make_spec(table, {"n_clusters": 2, "n_init": 2, "reduce": None}), registry())
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.other_metrics["degenerate"] == 1.0
    assert result.cluster_sizes == [490, 10]
    assert result.other_metrics["silhouette"] > 0.8  # a high silhouette, and still no answer
    assert result.score is not None and -1.0 <= result.score < -0.99


def test_bad_parameters_fail_with_a_message(blobs: tuple[Path, FeaturePlan]) -> None:
    result = run_cluster_trial(make_spec(blobs, {"n_clusters": 0, "n_init": 2, "reduce": None}), registry())
    assert_unfinished(result, TrialStatus.FAILED)
    assert result.error is not None and "n_clusters" in result.error and "\n" not in result.error


def test_unknown_algorithm_and_wrong_metric_fail(blobs: tuple[Path, FeaturePlan]) -> None:
    unknown = run_cluster_trial(make_spec(blobs, {}, algorithm="nope"), registry())
    assert_unfinished(unknown, TrialStatus.FAILED)
    assert unknown.error is not None and "nope" in unknown.error
    wrong = run_cluster_trial(make_spec(blobs, {"n_clusters": 3}, metric="accuracy"), registry())
    assert_unfinished(wrong, TrialStatus.FAILED)
    assert wrong.error is not None and "accuracy" in wrong.error


def test_cancel_file_cancels(blobs: tuple[Path, FeaturePlan], tmp_path: Path) -> None:
    cancel = tmp_path / "cancel"
    cancel.touch()
    result = run_trial(make_spec(blobs, {"n_clusters": 3}, cancel_path=str(cancel)), registry())
    assert_unfinished(result, TrialStatus.CANCELLED)
    assert result.error is None


def test_past_deadline_times_out(blobs: tuple[Path, FeaturePlan]) -> None:
    result = run_trial(make_spec(blobs, {"n_clusters": 3}, seconds=-1.0), registry())
    assert_unfinished(result, TrialStatus.TIMEOUT)
