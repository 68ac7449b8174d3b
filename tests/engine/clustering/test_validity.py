"""Validity of a labelling: known groups score well, degenerate labellings rank below every real answer for all three
metrics, noise costs coverage, and the silhouette stays O(rows) on a fixed-seed subsample."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

from flowml.engine.clustering.validity import (
    GIANT_CLUSTER_SHARE,
    MAX_NOISE_FRACTION,
    SILHOUETTE_SAMPLE_ROWS,
    Validity,
    measure,
    objective,
)
from flowml.engine.metrics import MetricSpec, better, get_metric
from flowml.engine.types import ProblemType

METRICS = [get_metric(name, ProblemType.CLUSTERING) for name in ("silhouette", "calinski_harabasz", "davies_bouldin")]


@pytest.fixture(scope="module")
def blobs() -> tuple[np.ndarray, np.ndarray]:
    X, y = make_blobs(n_samples=600, centers=3, n_features=4, cluster_std=0.6, random_state=3)
    return X, y.astype(np.int64)


def degenerate_labellings(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    giant = np.zeros(n, dtype=np.int64)
    giant[: int(n * (1 - GIANT_CLUSTER_SHARE)) - 1] = 1  # the second cluster holds just under 5% of the rows
    noisy = rng.integers(0, 3, size=n)
    noisy[: int(n * (MAX_NOISE_FRACTION + 0.1))] = -1
    fragmented = np.arange(n) % 4  # four real-sized clusters ...
    fragmented[:8] = np.arange(100, 108)  # ... and eight singletons beside them
    return {
        "one cluster": np.zeros(n, dtype=np.int64),
        "giant": giant,
        "mostly noise": noisy,
        "all noise": np.full(n, -1, dtype=np.int64),
        "fragmented": fragmented,
    }


def test_known_groups_score_high(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    v = measure(X, y, seed=0)
    assert v.degenerate is None
    assert v.n_clusters == 3 and sum(v.sizes) == 600 and v.sizes == sorted(v.sizes, reverse=True)
    assert v.noise_fraction == 0.0
    assert v.silhouette is not None and v.silhouette > 0.7
    assert v.calinski_harabasz is not None and v.calinski_harabasz > 1000
    assert v.davies_bouldin is not None and v.davies_bouldin < 0.5
    # Under SILHOUETTE_SAMPLE_ROWS rows it is the exact silhouette; the objective without noise is the metric itself.
    assert v.silhouette == pytest.approx(silhouette_score(X, y))
    for metric in METRICS:
        assert objective(metric, v) == pytest.approx(v.value(metric.name))


def test_random_labels_score_worse_than_known_groups(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    random = np.random.default_rng(0).integers(0, 3, size=len(y))
    good, bad = measure(X, y, seed=0), measure(X, random, seed=0)
    for metric in METRICS:
        assert better(metric, objective(metric, good), objective(metric, bad)), metric.name


@pytest.mark.parametrize("case", ["one cluster", "giant", "mostly noise", "all noise", "fragmented"])
def test_degenerate_labellings_rank_below_any_real_answer(blobs: tuple[np.ndarray, np.ndarray], case: str) -> None:
    X, y = blobs
    v = measure(X, degenerate_labellings(len(y))[case], seed=0)
    assert v.degenerate is not None, case
    # A real but poor answer (random labels, silhouette near 0) still beats every degenerate labelling.
    poor = measure(X, np.random.default_rng(0).integers(0, 3, size=len(y)), seed=0)
    assert poor.degenerate is None
    for metric in METRICS:
        value = objective(metric, v)
        low, high = metric.bounds
        assert math.isfinite(value) and low <= value <= high, (metric.name, value)
        assert better(metric, objective(metric, poor), value), (case, metric.name)
        assert better(metric, objective(metric, measure(X, y, seed=0)), value)


def test_degenerate_reasons_are_words(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    labellings = degenerate_labellings(len(y))
    reasons = {case: measure(X, labels, seed=0).degenerate for case, labels in labellings.items()}
    assert reasons["one cluster"] == "a single cluster: every assigned row is in one group"
    assert reasons["all noise"] == "no clusters: every row is noise"
    assert reasons["giant"] is not None and reasons["giant"].startswith("one cluster holds 95.")
    assert reasons["mostly noise"] == "60% of the rows are noise (more than 50%)"
    assert reasons["fragmented"] == "fragmented: 8 of 12 clusters have fewer than 2 rows"
    one = measure(X, labellings["one cluster"], seed=0)
    assert one.silhouette is None and one.calinski_harabasz is None and one.davies_bouldin is None
    assert one.scores() == {}


def test_degenerate_results_keep_their_order_inside_the_band(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    """When every trial is degenerate the search still delivers the least bad one: the band is not one value."""
    X, y = blobs
    undefined = measure(X, np.zeros(len(y), dtype=np.int64), seed=0)  # no index at all: the very bottom
    giant = measure(X, degenerate_labellings(len(y))["giant"], seed=0)
    for metric in METRICS:
        assert better(metric, objective(metric, giant), objective(metric, undefined)), metric.name
        assert objective(metric, undefined) == (metric.bounds[0] if metric.greater_is_better else 1001.0)


def test_noise_costs_coverage_in_every_direction() -> None:
    base = Validity(
        n_clusters=3,
        sizes=[50, 30, 20],
        noise_fraction=0.0,
        silhouette=0.6,
        calinski_harabasz=200.0,
        davies_bouldin=0.5,
        degenerate=None,
    )
    noisy = base.model_copy(update={"noise_fraction": 0.2})
    expected = {"silhouette": 0.48, "calinski_harabasz": 160.0, "davies_bouldin": 0.625}
    for metric in METRICS:
        assert objective(metric, noisy) == pytest.approx(expected[metric.name])
        assert better(metric, objective(metric, base), objective(metric, noisy))
    # A negative silhouette gets worse with noise too, never better.
    negative = base.model_copy(update={"silhouette": -0.2})
    assert objective(METRICS[0], negative.model_copy(update={"noise_fraction": 0.2})) == pytest.approx(-0.25)


def test_silhouette_subsample_is_deterministic_and_linear() -> None:
    X, y = make_blobs(n_samples=50_000, centers=4, n_features=6, random_state=0)
    first = measure(X, y, seed=7)  # also warms scikit-learn's pairwise-distance code up
    started = time.perf_counter()
    again = measure(X, y, seed=7)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed  # the exact silhouette on 50k rows takes about a minute
    assert again == first
    assert first.silhouette is not None and first.silhouette > 0.5
    rows = np.sort(np.random.default_rng(7).choice(len(y), SILHOUETTE_SAMPLE_ROWS, replace=False))
    assert first.silhouette == pytest.approx(silhouette_score(X[rows], y[rows]))


def test_noise_rows_are_left_out_of_the_indices(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    labels = y.copy()
    labels[::10] = -1
    v = measure(X, labels, seed=0)
    assert v.noise_fraction == pytest.approx(0.1)
    assert sum(v.sizes) == 540
    assigned = labels != -1
    assert v.silhouette == pytest.approx(silhouette_score(X[assigned], labels[assigned]))


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="one label per row"):
        measure(np.zeros((4, 2)), np.zeros(3), seed=0)
    v = measure(np.arange(8.0).reshape(4, 2), np.array([0, 0, 1, 1]), seed=0)
    with pytest.raises(ValueError, match="allowed: silhouette, calinski_harabasz, davies_bouldin"):
        v.value("accuracy")
    accuracy: MetricSpec = get_metric("accuracy", ProblemType.BINARY)
    with pytest.raises(ValueError, match="no validity index 'accuracy'"):
        objective(accuracy, v)
