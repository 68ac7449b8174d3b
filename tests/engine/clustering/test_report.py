"""The whole cluster report: iris through the real ClusterModel, a 20k-row blob set for the bounded plots, the
elbow under a maximised and a minimised metric, the deadline, and the JSON form."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

from flowml.engine.clustering.model import ClusterModel
from flowml.engine.clustering.projection import MAX_POINTS, stratified_sample
from flowml.engine.clustering.report import ClusterReport, ElbowPoint, NumericTrait, build_report
from flowml.engine.clustering.silhouette import MAX_VALUES
from flowml.engine.deadline import Deadline
from flowml.engine.metrics import MetricSpec, get_metric
from flowml.engine.preprocessing import prepare_X
from flowml.engine.types import ColumnKind, FeaturePlan, LeaderboardRow, ProblemType, TrialStatus
from tests.conftest import dataset_path

SILHOUETTE = get_metric("silhouette", ProblemType.CLUSTERING)
DAVIES_BOULDIN = get_metric("davies_bouldin", ProblemType.CLUSTERING)


def _numeric_plan(columns: list[str]) -> FeaturePlan:
    return FeaturePlan(target=None, column_kinds=dict.fromkeys(columns, ColumnKind.NUMERIC))


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]:
    raw = pd.read_csv(dataset_path("iris.csv")).drop(columns="target")
    plan = _numeric_plan(list(raw.columns))
    frame, _ = prepare_X(raw, plan)
    encoded = StandardScaler().fit_transform(frame)
    model = ClusterModel(KMeans(3, n_init=10, random_state=0), seed=0).fit(encoded)
    return frame, plan, encoded, model.labels_


@pytest.fixture(scope="module")
def blobs() -> tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]:
    """20 000 rows in four blobs, a 30-row blob far away, and 500 rows marked as noise."""
    X, labels = make_blobs(n_samples=[8000, 6000, 3500, 2470], centers=None, n_features=2, random_state=1)
    tiny = np.random.default_rng(1).normal(loc=(40.0, 40.0), size=(30, 2))
    X = np.vstack([X, tiny])
    labels = np.concatenate([labels, np.full(30, 4)])
    labels[np.random.default_rng(2).choice(19_970, 500, replace=False)] = -1  # none from the tiny blob
    frame = pd.DataFrame(X, columns=["x_position", "y_position"])
    return frame, _numeric_plan(list(frame.columns)), X, labels


def _row(
    trial: int,
    k: float | None,
    score: float | None,
    *,
    degenerate: bool = False,
    status: TrialStatus = TrialStatus.COMPLETED,
) -> LeaderboardRow:
    metrics = ({} if k is None else {"n_clusters": k}) | {"degenerate": float(degenerate)}
    return LeaderboardRow(
        trial_number=trial, algorithm=f"algo{trial}", score=score, other_metrics=metrics, status=status
    )


def test_iris_report(iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]) -> None:
    frame, plan, encoded, labels = iris
    report = build_report(frame, plan, encoded, labels, leaderboard=[], metric=SILHOUETTE, seed=0)

    assert (report.n_clusters, report.noise_fraction, report.metric) == (3, 0.0, "silhouette")
    assert [p.size for p in report.profiles] == sorted((p.size for p in report.profiles), reverse=True)
    assert any("petal" in p.name for p in report.profiles)
    assert report.projection.method == "pca"
    assert len(report.projection.points) == report.projection.n_total == 150
    variance = report.projection.explained_variance
    assert variance is not None and len(variance) == 2 and 0.9 < sum(variance) <= 1.0
    assert [s.id for s in report.silhouette] == [0, 1, 2]
    assert report.elbow == []
    assert report.notes == []


def test_blob_plots_are_bounded_and_show_the_small_cluster_and_noise(
    blobs: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, encoded, labels = blobs
    report = build_report(frame, plan, encoded, labels, leaderboard=[], metric=SILHOUETTE, seed=0)

    points = report.projection.points
    assert report.projection.n_total == 20_000
    assert len(points) <= MAX_POINTS
    shown = pd.Series([p.cluster for p in points]).value_counts()
    assert shown[4] == 30  # all of the tiny cluster, though proportional sampling would give it 3 points
    assert shown[-1] > 0
    assert report.noise_fraction == pytest.approx(0.025)
    assert report.notes[0] == "500 rows (2.5%) are noise: in no cluster, left out of the profiles"
    assert sum(p.share for p in report.profiles) == pytest.approx(1 - 0.025, abs=1e-3)

    assert [s.id for s in report.silhouette] == [0, 1, 2, 3, 4]
    for cluster in report.silhouette:
        assert 0 < len(cluster.values) <= MAX_VALUES
        assert cluster.values == sorted(cluster.values, reverse=True)
        assert -1.0 <= cluster.values[-1] <= cluster.mean <= cluster.values[0] <= 1.0
    assert len(report.silhouette[0].values) == MAX_VALUES  # 8000 rows: reduced to evenly spaced ranks
    assert report.silhouette[4].mean > 0.9  # the far-away blob


def test_stratified_sample_is_fixed_and_bounded() -> None:
    labels = np.repeat([0, 1, 2], [5000, 100, 3])
    first = stratified_sample(labels, 500, seed=7)
    assert np.array_equal(first, stratified_sample(labels, 500, seed=7))
    assert len(first) <= 500 and np.all(np.diff(first) > 0)
    counts = np.bincount(labels[first])
    assert counts[1] >= 50 and counts[2] == 3  # the floor per cluster, then shares by size
    assert np.array_equal(stratified_sample(labels[:400], 500, seed=7), np.arange(400))


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        # Silhouette: greater is better.
        (SILHOUETTE, [(2, 0.7, 2), (3, 0.6, 3), (5, 0.1, 7)]),
        # Davies-Bouldin: lower is better.
        (DAVIES_BOULDIN, [(2, 0.5, 1), (3, 0.6, 3), (5, 0.1, 7)]),
    ],
)
def test_elbow_keeps_the_best_trial_per_number_of_clusters(
    iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
    metric: MetricSpec,
    expected: list[tuple[int, float, int]],
) -> None:
    leaderboard = [
        _row(7, 5, 0.1),
        _row(1, 2, 0.5),
        _row(2, 2.0, 0.7),
        _row(3, 3, 0.6),
        _row(4, 3, 0.99, degenerate=True),
        _row(5, 4, None, status=TrialStatus.FAILED),
        _row(6, None, 0.9),
        _row(8, 3, math.nan),
    ]
    frame, plan, encoded, labels = iris
    report = build_report(frame, plan, encoded, labels, leaderboard=leaderboard, metric=metric, seed=0)

    assert report.elbow == [
        ElbowPoint(n_clusters=k, score=s, algorithm=f"algo{t}", trial_number=t) for k, s, t in expected
    ]


def test_an_expired_deadline_skips_the_plots_but_keeps_the_profiles(
    iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, encoded, labels = iris
    deadline = Deadline(at=time.time() - 1)
    report = build_report(frame, plan, encoded, labels, leaderboard=[], metric=SILHOUETTE, seed=0, deadline=deadline)

    assert len(report.profiles) == 3 and all(p.name for p in report.profiles)
    assert report.projection.points == [] and report.projection.n_total == 150
    assert report.silhouette == []
    assert report.notes == [
        "projection skipped: the time budget ran out",
        "silhouette plot skipped: the time budget ran out",
    ]


def test_one_cluster_has_no_silhouette(iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]) -> None:
    frame, plan, encoded, _ = iris
    report = build_report(frame, plan, encoded, np.zeros(150), leaderboard=[], metric=SILHOUETTE, seed=0)

    assert report.n_clusters == 1 and report.profiles[0].name == "typical rows"
    assert report.silhouette == []
    assert report.notes == ["no silhouette plot: it needs at least two clusters"]


def test_report_json_round_trip_is_strict_json(
    blobs: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, encoded, labels = blobs
    leaderboard = [_row(0, 5, 0.61), _row(1, 3, 0.42)]
    report = build_report(frame, plan, encoded, labels, leaderboard=leaderboard, metric=SILHOUETTE, seed=3)

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    text = report.model_dump_json()
    json.loads(text, parse_constant=refuse)
    assert ClusterReport.model_validate_json(text) == report
    assert len(text) < 200_000  # bounded lists: the dashboard loads it at once


def test_report_refuses_values_json_cannot_carry() -> None:
    with pytest.raises(ValidationError):
        NumericTrait(column="age", cluster_mean=math.nan, overall_mean=1.0, smd=0.0)
    with pytest.raises(ValidationError):
        NumericTrait(column="age", cluster_mean=1.0, overall_mean=1.0, smd=math.inf)


def test_mismatched_inputs_are_refused(iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]) -> None:
    frame, plan, encoded, labels = iris
    with pytest.raises(ValueError, match="149 labels for 150 rows"):
        build_report(frame, plan, encoded, labels[:-1], leaderboard=[], metric=SILHOUETTE, seed=0)
