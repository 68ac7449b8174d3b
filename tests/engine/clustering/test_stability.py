"""Bootstrap stability: near 1 for well-separated groups, clearly lower for structureless data, bounded by time."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_blobs

from flowml.engine.clustering.model import ClusterModel
from flowml.engine.clustering.stability import FitPredict, bootstrap_stability
from flowml.engine.deadline import Deadline


def _refit(model: ClusterModel, X: np.ndarray) -> tuple[np.ndarray, FitPredict]:
    """The model's labels on X and the fit_predict that refits a copy on resampled rows (the final fit's role)."""
    labels = model.fit(X).labels_

    def fit_predict(rows: np.ndarray) -> np.ndarray:
        return np.asarray(clone(model).fit(X[rows]).predict(X))

    return labels, fit_predict


def test_separated_blobs_are_stable_and_uniform_noise_is_not() -> None:
    blobs, _ = make_blobs(n_samples=600, centers=3, cluster_std=0.6, random_state=0)
    uniform = np.random.default_rng(0).uniform(size=(600, 2))
    kmeans = ClusterModel(KMeans(3, n_init=3, random_state=0), seed=0)

    labels, fit_predict = _refit(kmeans, blobs)
    stable, done = bootstrap_stability(fit_predict, labels, resamples=5, seed=0, deadline=None)
    labels, fit_predict = _refit(clone(kmeans).set_params(clusterer=KMeans(6, n_init=3, random_state=0)), uniform)
    shaky, _ = bootstrap_stability(fit_predict, labels, resamples=5, seed=0, deadline=None)

    assert done == 5
    assert stable is not None and stable > 0.95
    assert shaky is not None and shaky < min(0.85, stable - 0.15)


def test_noise_counts_as_a_label_of_its_own() -> None:
    X, _ = make_blobs(n_samples=300, centers=2, cluster_std=0.5, random_state=3)
    labels = DBSCAN(eps=0.5).fit_predict(X)
    assert (labels == -1).any()
    # A refit that finds the same groups but calls no row noise disagrees on exactly the noise rows.
    same_groups = KMeans(2, n_init=3, random_state=0).fit(X[labels >= 0]).predict(X)
    score, done = bootstrap_stability(lambda rows: same_groups, labels, resamples=2, seed=0, deadline=None)
    assert done == 2
    assert score is not None and 0.5 < score < 1.0


def test_the_deadline_bounds_the_resamples() -> None:
    X, _ = make_blobs(n_samples=200, centers=2, random_state=0)
    labels = KMeans(2, n_init=1, random_state=0).fit_predict(X)
    calls: list[int] = []

    def slow_fit_predict(rows: np.ndarray) -> np.ndarray:
        calls.append(len(rows))
        time.sleep(0.2)
        return np.asarray(KMeans(2, n_init=1, random_state=0).fit(X[rows]).predict(X))

    assert bootstrap_stability(slow_fit_predict, labels, resamples=5, seed=0, deadline=Deadline(time.time() - 1)) == (
        None,
        0,
    )
    assert calls == []

    started = time.time()
    score, done = bootstrap_stability(
        slow_fit_predict, labels, resamples=50, seed=0, deadline=Deadline(time.time() + 0.7)
    )
    assert 1 <= done < 50 and score is not None
    assert time.time() - started < 0.7 + 0.3  # never starts a resample that would end past the deadline
    assert set(calls) == {200}  # bootstrap resamples: as many rows as the data


def test_a_fit_predict_answering_the_wrong_rows_is_an_error() -> None:
    labels = np.zeros(10, dtype=np.int64)
    with pytest.raises(ValueError, match="returned 9 labels for 10 rows"):
        bootstrap_stability(lambda rows: labels[:9], labels, resamples=1, seed=0, deadline=None)
