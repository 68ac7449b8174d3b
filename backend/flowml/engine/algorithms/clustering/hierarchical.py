"""Hierarchical clustering: agglomerative (merge the closest groups until k are left) and BIRCH (summarise the rows
in a tree of small subclusters, then merge those).

Agglomerative clustering keeps every pairwise distance, O(n^2) memory, so it fits on a sample of at most 5,000
rows; its clusters need not be convex (average and complete linkage), so new rows take the cluster of their nearest
training rows. BIRCH predicts natively (the nearest subcluster's cluster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import AgglomerativeClustering, Birch

from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.algorithms.clustering._base import (
    ClusteringAlgorithm,
    clusters_param,
    default_clusters,
)
from flowml.engine.algorithms.clustering._neighbors import kth_neighbor_distances, positive_quantile
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param

# BIRCH's subcluster radius is searched as a multiple of the median distance from a row to its this-th neighbour.
BIRCH_SCALE_NEIGHBORS = 5
# The fewest rows per BIRCH subcluster assumed by the memory estimate (at the smallest radius searched).
BIRCH_MIN_ROWS_PER_SUBCLUSTER = 2


class AdaptiveBirch(ClusterMixin, BaseEstimator):
    """BIRCH whose subcluster radius (`threshold_`) is `threshold_scale` times the median distance from a row to
    its 5th nearest neighbour, measured when it fits: a fixed radius would make one subcluster per row in many
    dimensions (slow, and the final merge is quadratic in subclusters) and a single one in few."""

    def __init__(
        self, n_clusters: int = 3, threshold_scale: float = 1.0, branching_factor: int = 50, *, seed: int = 0
    ) -> None:
        self.n_clusters = n_clusters
        self.threshold_scale = threshold_scale
        self.branching_factor = branching_factor
        self.seed = seed

    def fit(self, X: Any, y: Any = None) -> Self:
        data = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = data.shape[1]
        distances = kth_neighbor_distances(data, BIRCH_SCALE_NEIGHBORS, seed=self.seed)
        self.threshold_ = self.threshold_scale * positive_quantile(distances, 0.5)
        self.birch_ = Birch(
            threshold=self.threshold_, branching_factor=self.branching_factor, n_clusters=self.n_clusters
        ).fit(data)
        self.labels_ = np.asarray(self.birch_.labels_, dtype=np.int64)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The cluster of each row's nearest subcluster."""
        return np.asarray(self.birch_.predict(np.asarray(X, dtype=np.float64)), dtype=np.int64)


class AgglomerativeAlgorithm(ClusteringAlgorithm):
    name = "agglomerative"
    label = "Agglomerative clustering"
    cost = 3.0  # measured: 1.2x LightGBM on 2,000 rows, 7x on 10,000 (a 5,000-row sample)
    onnx = True  # the knn assigner is a KNeighborsClassifier
    # One choice for every linkage: average and complete linkage make non-convex clusters that centres misassign,
    # and for ward's compact clusters the nearest training rows agree with the nearest centre almost everywhere.
    assigner = "knn"
    # Every pairwise distance is kept: 5,000 rows are 100 MB, 50,000 would be 10 GB.
    max_fit_rows = 5_000

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "linkage": CategoricalParam(
                choices=["ward", "average", "complete"],
                help="ward: compact clusters of similar spread; average, complete: the groups' mean or farthest gap",
            ),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"n_clusters": default_clusters(n_rows), "linkage": "ward"}

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return AgglomerativeClustering(**params)  # deterministic: no seed to pass

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        rows = min(n_rows, self.max_fit_rows or n_rows)
        # The condensed distance matrix (n^2 / 2 values) and the merge tree.
        return copies_bytes(1, n_rows, n_cols) + rows * rows / 2 * FLOAT64_BYTES + 4 * rows * FLOAT64_BYTES


class BirchAlgorithm(ClusteringAlgorithm):
    name = "birch"
    label = "BIRCH"
    cost = 1.0  # measured: 0.3x LightGBM on 2,000 rows, 2.6x on 10,000
    onnx = False  # skl2onnx has no converter for Birch
    # The final merge of the subclusters is quadratic in their number, which grows with the rows.
    max_fit_rows = 20_000

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "threshold_scale": FloatParam(
                low=0.5,
                high=3.0,
                log=True,
                help="Subcluster radius, as a multiple of the median distance from a row to its 5th neighbour",
            ),
            "branching_factor": IntParam(low=20, high=100, help="Subclusters per tree node"),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"n_clusters": default_clusters(n_rows), "threshold_scale": 1.0, "branching_factor": 50}

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return AdaptiveBirch(**params, seed=seed)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        rows = min(n_rows, self.max_fit_rows or n_rows)
        subclusters = rows / BIRCH_MIN_ROWS_PER_SUBCLUSTER
        # Each subcluster's centre and sums, then the final merge's condensed distances between the subclusters.
        tree = 3 * subclusters * n_cols * FLOAT64_BYTES
        return copies_bytes(1, n_rows, n_cols) + tree + subclusters * subclusters / 2 * FLOAT64_BYTES
