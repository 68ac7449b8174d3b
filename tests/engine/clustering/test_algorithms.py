"""The built-in clustering algorithms: each finds well-separated groups with its first configuration, searches
ranges that follow the data (the number of clusters, neighbour counts, DBSCAN's eps and BIRCH's radius), and
labels every row when it fits on a sample. The shared contract (flowml.testing) runs over them in
tests/engine/test_algorithms_contract.py; here are the kit's clustering checks failing on broken algorithms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from flowml.engine.algorithms import default_registry
from flowml.engine.algorithms.clustering._base import MAX_CLUSTERS, ClusteringAlgorithm, max_clusters
from flowml.engine.algorithms.clustering.density import QuantileDBSCAN, ShareHDBSCAN
from flowml.engine.algorithms.clustering.hierarchical import AdaptiveBirch
from flowml.engine.algorithms.clustering.kmeans import KMeansAlgorithm
from flowml.engine.clustering.model import ClusterModel
from flowml.engine.registry import Algorithm
from flowml.engine.space import IntParam
from flowml.engine.types import ProblemType
from flowml.testing import check_algorithm

CLUSTERING = ProblemType.CLUSTERING
ALGORITHMS = [pytest.param(algo, id=algo.name) for algo in default_registry().for_task(CLUSTERING)]
SUBSAMPLED = [
    pytest.param(algo, id=algo.name)
    for algo in default_registry().for_task(CLUSTERING)
    if isinstance(algo, ClusteringAlgorithm) and algo.max_fit_rows is not None
]
# Every column separates some pair of groups: none is pure noise after standardizing.
CENTRES = np.array([[0.0, 0.0, 0.0, 0.0], [8.0, 8.0, 8.0, 0.0], [-8.0, 8.0, 0.0, 8.0]])


def blobs(n_rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated round groups of equal size, standardized as the engine hands them over."""
    x, y = make_blobs(n_samples=n_rows, centers=CENTRES, cluster_std=1.0, random_state=seed)
    return StandardScaler().fit_transform(x), y


def fit(algo: Algorithm, x: np.ndarray, **overrides: Any) -> ClusterModel:
    params = {**algo.default_params_for(CLUSTERING, len(x)), **overrides}
    model: ClusterModel = algo.build(params, CLUSTERING, seed=0, n_jobs=1)
    return model.fit(x)


def test_every_family_is_registered_for_clustering_only() -> None:
    clustering = default_registry().for_task(CLUSTERING)
    assert len(clustering) >= 8
    assert all(algo.tasks == frozenset({CLUSTERING}) for algo in clustering)
    for task in (ProblemType.BINARY, ProblemType.MULTICLASS, ProblemType.REGRESSION):
        assert not {algo.name for algo in clustering} & {algo.name for algo in default_registry().for_task(task)}


@pytest.mark.parametrize("algo", ALGORITHMS)
def test_the_first_configuration_recovers_three_separated_groups(algo: Algorithm) -> None:
    x, truth = blobs(300)
    model = fit(algo, x)
    assert model.n_clusters_ == 3
    assert model.noise_fraction_ <= 0.1
    # Every row, noise included, gets its nearest cluster from predict: it must be the row's own group.
    assert adjusted_rand_score(truth, model.predict(x)) > 0.9
    fresh, fresh_truth = blobs(150, seed=1)
    assert adjusted_rand_score(fresh_truth, model.predict(fresh)) > 0.9


@pytest.mark.parametrize("algo", SUBSAMPLED)
def test_an_algorithm_fitting_on_a_sample_still_labels_every_row(algo: Algorithm) -> None:
    x, truth = blobs(600)
    params = algo.default_params_for(CLUSTERING, len(x))
    # The class's cap, lowered to keep the test fast.
    model = algo.build(params, CLUSTERING, seed=0).set_params(max_fit_rows=150).fit(x)
    assert model.labels_.shape == (600,)
    fitted = np.asarray(model.clusterer_.labels_)
    assert fitted.shape == (150,), "the clusterer did not fit on the sample"
    assert (model.labels_ >= -1).all() and model.n_clusters_ == 3
    assert adjusted_rand_score(truth, model.predict(x)) > 0.9


def test_the_number_of_clusters_searched_follows_the_rows() -> None:
    assert [max_clusters(n) for n in (10, 50, 200, 800, 1_000_000)] == [3, 5, 10, 20, MAX_CLUSTERS]
    with_k = [
        algo for algo in default_registry().for_task(CLUSTERING) if "n_clusters" in algo.default_params(CLUSTERING)
    ]
    assert len(with_k) >= 6  # k-means, mini-batch, mixture, agglomerative, BIRCH, spectral
    for algo in with_k:
        for n_rows in (50, 200, 1_000_000):
            k = algo.space_for(CLUSTERING, n_rows).params["n_clusters"]
            assert isinstance(k, IntParam) and (k.low, k.high) == (2, max_clusters(n_rows)), algo.name
        assert algo.space(CLUSTERING) == algo.space_for(CLUSTERING, 1_000)  # what GET /api/algorithms shows


@pytest.mark.parametrize("algo", ALGORITHMS)
def test_neighbour_counts_stay_within_a_tenth_of_the_rows(algo: Algorithm) -> None:
    for n_rows in (40, 120, 100_000):
        space = algo.space_for(CLUSTERING, n_rows)
        first = algo.default_params_for(CLUSTERING, n_rows)
        assert not space.problems(first), (n_rows, space.problems(first))
        for name in ("min_samples", "n_neighbors"):
            param = space.params.get(name)
            if isinstance(param, IntParam):
                assert param.high <= max(param.low, n_rows // 10), (name, n_rows, param)


def test_dbscan_eps_is_the_quantile_of_the_neighbour_distance_at_any_scale() -> None:
    x, _ = blobs(300)
    small = QuantileDBSCAN(min_samples=6, eps_quantile=0.8).fit(x)
    large = QuantileDBSCAN(min_samples=6, eps_quantile=0.8).fit(x * 1000.0)
    assert large.eps_ == pytest.approx(1000.0 * small.eps_, rel=1e-9)
    np.testing.assert_array_equal(large.labels_, small.labels_)
    # The 5th other row (a core point counts itself among its min_samples); 80% of rows lie within eps of theirs.
    fifth = NearestNeighbors(n_neighbors=6).fit(x).kneighbors(x)[0][:, -1]
    assert small.eps_ == pytest.approx(np.quantile(fifth, 0.8))
    wider = QuantileDBSCAN(min_samples=6, eps_quantile=0.95).fit(x)
    assert wider.eps_ > small.eps_ and (wider.labels_ == -1).sum() <= (small.labels_ == -1).sum()


def test_birch_radius_and_hdbscan_cluster_size_are_relative_to_the_data() -> None:
    x, _ = blobs(300)
    near = AdaptiveBirch(n_clusters=3, threshold_scale=1.0).fit(x)
    far = AdaptiveBirch(n_clusters=3, threshold_scale=1.0).fit(x * 50.0)
    assert far.threshold_ == pytest.approx(50.0 * near.threshold_)
    np.testing.assert_array_equal(far.labels_, near.labels_)
    assert ShareHDBSCAN(min_cluster_share=0.05).fit(x).min_cluster_size_ == 15  # 5% of 300 rows
    assert ShareHDBSCAN(min_cluster_share=0.05).fit(x[:100]).min_cluster_size_ == 5


def test_only_the_mixture_gives_membership_probabilities() -> None:
    x, _ = blobs(300)
    probabilistic: set[str] = set()
    for algo in default_registry().for_task(CLUSTERING):
        model = fit(algo, x)
        assert model.probabilistic == hasattr(model, "predict_proba"), algo.name
        if model.probabilistic:
            probabilistic.add(algo.name)
            proba = model.predict_proba(x)
            assert proba.shape == (300, 3)
            np.testing.assert_array_equal(proba.argmax(axis=1), model.predict(x))
    assert probabilistic == {"gaussian_mixture"}


def test_memory_estimates_say_which_algorithms_are_quadratic() -> None:
    registry = default_registry()

    def growth(name: str) -> float:
        algo = registry.get(name)
        params = algo.default_params(CLUSTERING)
        return algo.memory_bytes(4_000, 10, params) / algo.memory_bytes(1_000, 10, params)

    assert growth("agglomerative") > 10  # every pairwise distance: 16x the rows' square
    assert growth("kmeans") < 5 and growth("dbscan") < 5  # linear in the rows
    # Above its sample cap, agglomerative clustering stops growing in its own memory: only the data copy grows.
    agglomerative = registry.get("agglomerative")
    params = agglomerative.default_params(CLUSTERING)
    extra = agglomerative.memory_bytes(1_000_000, 10, params) - agglomerative.memory_bytes(10_000, 10, params)
    assert extra == pytest.approx((1_000_000 - 10_000) * 10 * 8)


# -- the kit's clustering checks fail on a broken clustering algorithm -------------------------------------------


def _unseeded_build(self: Algorithm, params: Any, task: ProblemType, *, seed: int, n_jobs: int = 1) -> ClusterModel:
    self.require_task(task)
    return ClusterModel(_Shuffled(seed))


def _broken(**overrides: object) -> Algorithm:
    return type("BrokenKMeans", (KMeansAlgorithm,), dict(overrides))()


def test_the_kit_passes_k_means() -> None:
    check_algorithm(KMeansAlgorithm)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"own_defaults": lambda self, n_rows: {"n_clusters": 4, "init": "k-means++", "n_init": 2}},
            r"check_space\[clustering\]: defaults for 10 rows lie outside",
        ),
        ({"assigner": "native", "clusterer": lambda self, params, *, seed, n_jobs: _NoPredict()}, r"check_samples"),
        ({"build": _unseeded_build}, r"check_defaults_fit\[clustering\]: the same seed gave other labels"),
    ],
    ids=["defaults-outside-a-small-space", "native-assigner-without-predict", "unseeded"],
)
def test_the_kit_names_the_broken_clustering_check(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_algorithm(_broken(**overrides))


class _NoPredict:
    """A clusterer without predict, wrongly declared with the native assigner."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def fit_predict(self, x: np.ndarray) -> np.ndarray:
        return (x[:, 0] > 0).astype(np.int64)


class _Shuffled:
    """Labels that change with every fit: the determinism check must notice."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"seed": self.seed}

    def set_params(self, **params: Any) -> _Shuffled:
        return self

    def fit_predict(self, x: np.ndarray) -> np.ndarray:
        return np.random.default_rng().integers(0, 2, len(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (x[:, 0] > 0).astype(np.int64)
