"""Density-based clustering: DBSCAN, HDBSCAN and OPTICS find clusters of any shape and leave sparse rows as noise.

None of them predicts, and their clusters are not convex, so new rows take the cluster of their nearest training
rows (the "knn" assigner). Their distance and size parameters are searched relative to the data (a quantile of
neighbour distances, a share of the rows) and converted when they fit: an absolute `eps` or cluster size would suit
one table and not the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import DBSCAN, HDBSCAN, OPTICS

from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.algorithms.clustering._base import ClusteringAlgorithm, clipped, neighbors_param
from flowml.engine.algorithms.clustering._neighbors import kth_neighbor_distances, positive_quantile
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param

# The smallest cluster the size share may ask for, in rows: fewer is a handful of rows, not a group.
MIN_CLUSTER_ROWS = 5
MIN_CLUSTER_SHARE = 0.005
MAX_CLUSTER_SHARE = 0.1
# Neighbourhood indices DBSCAN keeps per row, as a multiple of min_samples (a generous guess; dense data holds more).
NEIGHBORHOOD_MULTIPLE = 10


def min_samples_param(n_rows: int) -> IntParam:
    return neighbors_param(n_rows, low=3, high=50, help="Rows within reach for a row to be a core point")


def cluster_share_param(n_rows: int) -> FloatParam:
    """The smallest cluster as a share of the rows, from MIN_CLUSTER_SHARE (or MIN_CLUSTER_ROWS rows) to 10%."""
    low = min(MAX_CLUSTER_SHARE, max(MIN_CLUSTER_SHARE, MIN_CLUSTER_ROWS / max(n_rows, 1)))
    return FloatParam(low=low, high=MAX_CLUSTER_SHARE, log=True, help="Smallest cluster, as a share of the rows")


def clipped_share(value: float, param: FloatParam) -> float:
    return min(max(value, param.low), param.high)


class QuantileDBSCAN(ClusterMixin, BaseEstimator):
    """DBSCAN whose `eps` is the `eps_quantile` quantile of the distance from a row to its (min_samples - 1)-th
    nearest other row, measured when it fits (on a fixed-seed subsample of at most 5,000 rows).

    With that `eps`, about `eps_quantile` of the rows are core points whatever the scale of the data; `eps_` holds
    the distance used."""

    def __init__(
        self, min_samples: int = 5, eps_quantile: float = 0.9, *, seed: int = 0, n_jobs: int | None = None
    ) -> None:
        self.min_samples = min_samples
        self.eps_quantile = eps_quantile
        self.seed = seed
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> Self:
        data = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = data.shape[1]
        if not 0.0 < self.eps_quantile <= 1.0:
            raise ValueError(f"eps_quantile must lie in (0, 1], got {self.eps_quantile}")
        min_samples = int(min(self.min_samples, len(data)))
        # DBSCAN counts a row among its own neighbours: a core point has min_samples - 1 others within eps.
        distances = kth_neighbor_distances(data, min_samples - 1, seed=self.seed, n_jobs=self.n_jobs)
        self.eps_ = positive_quantile(distances, self.eps_quantile)
        dbscan = DBSCAN(eps=self.eps_, min_samples=min_samples, n_jobs=self.n_jobs).fit(data)
        self.labels_ = np.asarray(dbscan.labels_, dtype=np.int64)
        return self


class ShareHDBSCAN(ClusterMixin, BaseEstimator):
    """HDBSCAN whose smallest cluster is a share of the rows it fits (`min_cluster_size_` holds the count)."""

    def __init__(
        self,
        min_cluster_share: float = 0.02,
        min_samples: int = 5,
        cluster_selection_method: str = "eom",
        *,
        n_jobs: int | None = None,
    ) -> None:
        self.min_cluster_share = min_cluster_share
        self.min_samples = min_samples
        self.cluster_selection_method = cluster_selection_method
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> Self:
        data = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = data.shape[1]
        self.min_cluster_size_ = max(2, round(self.min_cluster_share * len(data)))
        hdbscan = HDBSCAN(
            min_cluster_size=self.min_cluster_size_,
            min_samples=int(min(self.min_samples, len(data) - 1)),
            cluster_selection_method=self.cluster_selection_method,
            n_jobs=self.n_jobs,
            copy=True,  # never write into the caller's matrix (and silences scikit-learn's change of default)
        ).fit(data)
        self.labels_ = np.asarray(hdbscan.labels_, dtype=np.int64)
        return self


class _DensityAlgorithm(ClusteringAlgorithm):
    """What the three share: clusters of any shape, assigned to new rows by their nearest training rows."""

    # Clusters of any shape: a new row joins the cluster of its nearest training rows, not of the nearest centre.
    assigner = "knn"


class DBSCANAlgorithm(_DensityAlgorithm):
    name = "dbscan"
    label = "DBSCAN"
    cost = 1.5  # measured: 0.3x LightGBM on 2,000 rows, 3.3x on 10,000
    onnx = True  # the knn assigner is a KNeighborsClassifier
    # Neighbourhood queries cost O(n log n) in few dimensions but approach O(n^2) in many (4 s for 20,000 rows of
    # 20 columns): fit on a sample, as large as the rows the knn assigner keeps anyway.
    max_fit_rows = 20_000

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "min_samples": min_samples_param(n_rows),
            "eps_quantile": FloatParam(
                low=0.5, high=0.99, help="eps as this quantile of the distance to the min_samples-th neighbour"
            ),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"min_samples": clipped(5, min_samples_param(n_rows)), "eps_quantile": 0.9}

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return QuantileDBSCAN(**params, seed=seed, n_jobs=n_jobs)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        rows = min(n_rows, self.max_fit_rows or n_rows)
        neighbours = NEIGHBORHOOD_MULTIPLE * int(params.get("min_samples", 50))
        return copies_bytes(1, n_rows, n_cols) + rows * neighbours * FLOAT64_BYTES


class HDBSCANAlgorithm(_DensityAlgorithm):
    name = "hdbscan"
    label = "HDBSCAN"
    cost = 2.0  # measured: 0.35x LightGBM on 2,000 rows, 5x on 10,000
    onnx = True
    # Its core distances and minimum spanning tree grow faster than the rows in many dimensions.
    max_fit_rows = 20_000

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "min_cluster_share": cluster_share_param(n_rows),
            "min_samples": min_samples_param(n_rows),
            "cluster_selection_method": CategoricalParam(
                choices=["eom", "leaf"], help="eom: the most persistent clusters; leaf: many small, even ones"
            ),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {
            "min_cluster_share": clipped_share(0.02, cluster_share_param(n_rows)),
            "min_samples": clipped(5, min_samples_param(n_rows)),
            "cluster_selection_method": "eom",
        }

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return ShareHDBSCAN(**params, n_jobs=n_jobs)  # deterministic: no seed to pass

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        # A copy, the core distances and the spanning tree's edges: O(n) on the rows it fits.
        rows = min(n_rows, self.max_fit_rows or n_rows)
        return copies_bytes(2, n_rows, n_cols) + rows * 8 * FLOAT64_BYTES


class OPTICSAlgorithm(_DensityAlgorithm):
    name = "optics"
    label = "OPTICS"
    cost = 20.0  # measured: 14x LightGBM on 2,000 rows, 38x on 10,000 (a 5,000-row sample)
    onnx = True
    # OPTICS visits every row in a Python loop, each visit measuring distances to the unvisited rows: O(n^2) time.
    max_fit_rows = 5_000

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "min_samples": min_samples_param(n_rows),
            "xi": FloatParam(low=0.01, high=0.3, log=True, help="The steepness of density drop that ends a cluster"),
            "min_cluster_share": cluster_share_param(n_rows),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        # Smaller neighbourhoods and clusters make OPTICS split groups and call most rows noise (tried on blobs and
        # iris); these find both.
        return {
            "min_samples": clipped(10, min_samples_param(n_rows)),
            "xi": 0.05,
            "min_cluster_share": clipped_share(0.05, cluster_share_param(n_rows)),
        }

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        # OPTICS takes a float min_cluster_size as a share of the rows it fits.
        return OPTICS(
            min_samples=params["min_samples"],
            xi=params["xi"],
            min_cluster_size=params["min_cluster_share"],
            n_jobs=n_jobs,
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        # Reachability, ordering and core distances per row, and one row's distances to all others at a time.
        rows = min(n_rows, self.max_fit_rows or n_rows)
        return copies_bytes(1, n_rows, n_cols) + 6 * rows * FLOAT64_BYTES
