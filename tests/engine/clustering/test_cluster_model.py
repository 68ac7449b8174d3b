"""ClusterModel: what the platform adds to every clusterer alike (engine/clustering/model.py): labels numbered by
size with noise as -1, the optional PCA, fitting on a sample, assigning new rows (never to noise), probabilities
only for mixtures, and a model that pickles."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from flowml.engine.clustering.model import NOISE, Assigner, ClusterModel

CENTRES = np.array([[0.0, 0.0, 0.0], [8.0, 0.0, 0.0], [0.0, 8.0, 0.0]])
SIZES = [60, 200, 110]  # the first centre's group is the middle one by size


@pytest.fixture(scope="module")
def uneven() -> tuple[np.ndarray, np.ndarray]:
    """Three separated groups of different sizes, with a fourth, redundant column (PCA drops it)."""
    x, y = make_blobs(n_samples=SIZES, centers=CENTRES, cluster_std=1.0, random_state=0)
    return np.column_stack([x, x[:, 0] + x[:, 1]]), y


def by_size(y: np.ndarray) -> np.ndarray:
    """The true groups renumbered largest first, as ClusterModel numbers its clusters."""
    order = np.argsort(-np.bincount(y), kind="stable")
    return np.argsort(order)[y]


def test_clusters_are_numbered_by_size_largest_first(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = uneven
    model = ClusterModel(KMeans(n_clusters=3, n_init=2, random_state=0)).fit(x)
    assert model.n_clusters_ == 3 and model.noise_fraction_ == 0.0
    assert np.bincount(model.labels_).tolist() == [200, 110, 60]
    np.testing.assert_array_equal(model.labels_, by_size(y))
    np.testing.assert_array_equal(model.predict(x), model.labels_)  # the native predict, mapped to the same ids
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])


def test_noise_stays_minus_one_in_the_labels_but_new_rows_always_get_a_cluster(
    uneven: tuple[np.ndarray, np.ndarray],
) -> None:
    x, y = uneven
    outliers = np.array([[40.0, 40.0, 40.0, 80.0], [-40.0, 30.0, -40.0, -10.0]])
    data = np.vstack([x, outliers])
    model = ClusterModel(DBSCAN(eps=1.5, min_samples=5), assigner="knn").fit(data)
    assert model.n_clusters_ == 3
    assert (model.labels_[-2:] == NOISE).all()
    assert model.noise_fraction_ == pytest.approx(np.mean(model.labels_ == NOISE))
    clustered = model.labels_[:-2] != NOISE
    assert adjusted_rand_score(y[clustered], model.labels_[:-2][clustered]) > 0.95
    assigned = model.predict(data)
    assert (assigned >= 0).all() and set(assigned) == {0, 1, 2}
    assert isinstance(model.predictor_, KNeighborsClassifier)


def test_every_row_in_noise_is_a_clear_error(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = uneven
    with pytest.raises(ValueError, match="put every row in noise"):
        ClusterModel(DBSCAN(eps=1e-6, min_samples=5), assigner="knn").fit(x)
    with pytest.raises(ValueError, match="at least 2 rows"):
        ClusterModel(KMeans(n_clusters=2)).fit(x[:1])


def test_one_cluster_is_a_valid_if_degenerate_answer(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = uneven
    model = ClusterModel(DBSCAN(eps=100.0, min_samples=2), assigner="knn").fit(x)
    assert model.n_clusters_ == 1 and (model.labels_ == 0).all() and (model.predict(x[:5]) == 0).all()


def test_a_variance_share_reduces_before_clustering_and_prediction(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = uneven
    model = ClusterModel(KMeans(n_clusters=3, n_init=2, random_state=0), reduce_components=0.9).fit(x)
    assert isinstance(model.reducer_, PCA)
    reduced = model.reduce(x)
    assert reduced.shape == (len(x), model.reducer_.n_components_) and reduced.shape[1] < x.shape[1]
    assert isinstance(model.predictor_, Pipeline) and model.predictor_[0] is model.reducer_
    np.testing.assert_array_equal(model.predict(x), model.labels_)
    np.testing.assert_array_equal(model.labels_, by_size(y))
    two = ClusterModel(KMeans(n_clusters=3, n_init=1, random_state=0), reduce_components=2).fit(x)
    assert two.reduce(x).shape == (len(x), 2)
    plain = ClusterModel(KMeans(n_clusters=3, n_init=1, random_state=0)).fit(x)
    assert plain.reducer_ is None
    np.testing.assert_array_equal(plain.reduce(x), x)
    with pytest.raises(ValueError, match="must lie in"):
        ClusterModel(KMeans(n_clusters=3), reduce_components=1.5).fit(x)


def test_fitting_on_a_sample_assigns_the_other_rows(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = uneven
    model = ClusterModel(AgglomerativeClustering(n_clusters=3), assigner="knn", max_fit_rows=120, seed=4).fit(x)
    assert len(model.clusterer_.labels_) == 120  # the clusterer saw the sample only
    assert model.labels_.shape == (len(x),) and (model.labels_ >= 0).all()
    assert adjusted_rand_score(y, model.labels_) > 0.95
    again = ClusterModel(AgglomerativeClustering(n_clusters=3), assigner="knn", max_fit_rows=120, seed=4).fit(x)
    np.testing.assert_array_equal(again.labels_, model.labels_)  # the sample is drawn with the seed


@pytest.mark.parametrize(
    ("clusterer", "assigner"),
    [(AgglomerativeClustering(n_clusters=2), "knn"), (GaussianMixture(n_components=2, random_state=0), "native")],
    ids=["knn", "native"],
)
def test_the_ids_follow_the_sizes_over_all_rows_not_the_sample(clusterer: object, assigner: Assigner) -> None:
    x, y = make_blobs(n_samples=[500, 480], centers=[[0.0, 0.0], [10.0, 0.0]], random_state=0)
    model = ClusterModel(clusterer, assigner=assigner, max_fit_rows=60, seed=0)
    sample = model._fit_rows(len(x))
    assert np.bincount(y[sample]).tolist() == [29, 31]  # the sample holds more of the smaller group
    model.fit(x)
    np.testing.assert_array_equal(model.labels_, y)  # yet the larger group (500 rows) is cluster 0
    np.testing.assert_array_equal(model.predict(x), y)  # and new rows get the same ids
    if model.probabilistic:
        np.testing.assert_array_equal(model.predict_proba(x).argmax(axis=1), y)


def test_the_nearest_centroid_assigner_is_one_neighbour_over_the_centres(
    uneven: tuple[np.ndarray, np.ndarray],
) -> None:
    x, _ = uneven
    model = ClusterModel(AgglomerativeClustering(n_clusters=3), assigner="nearest_centroid").fit(x)
    centres = np.vstack([x[model.labels_ == c].mean(axis=0) for c in range(3)])
    fresh = np.random.default_rng(0).normal(scale=6.0, size=(50, x.shape[1]))
    nearest = np.argmin(((fresh[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(model.predict(fresh), nearest)


def test_an_unknown_assigner_is_refused(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = uneven
    with pytest.raises(ValueError, match="unknown assigner 'centres'"):
        ClusterModel(KMeans(n_clusters=3), assigner="centres").fit(x)  # type: ignore[arg-type]


def test_only_a_native_mixture_gives_probabilities(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = uneven
    mixture = ClusterModel(GaussianMixture(n_components=3, random_state=0)).fit(x)
    assert mixture.probabilistic
    proba = mixture.predict_proba(x)
    assert proba.shape == (len(x), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(proba.argmax(axis=1), mixture.labels_)  # columns in the size order of the ids
    for model in (
        ClusterModel(KMeans(n_clusters=3, n_init=1, random_state=0)),
        ClusterModel(GaussianMixture(n_components=3, random_state=0), assigner="knn"),
    ):
        assert not model.probabilistic and not hasattr(model.fit(x), "predict_proba")


def test_a_fitted_model_clones_and_pickles(uneven: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = uneven
    model = ClusterModel(GaussianMixture(n_components=3, random_state=0), reduce_components=0.9, seed=3).fit(x)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    np.testing.assert_array_equal(loaded.predict_proba(x), model.predict_proba(x))
    twin = clone(model)
    assert not hasattr(twin, "labels_") and twin.get_params()["seed"] == 3
    np.testing.assert_array_equal(twin.fit(x).labels_, model.labels_)
