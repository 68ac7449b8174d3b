"""Spectral clustering: clusters as the loosely connected parts of a k-nearest-neighbour graph of the rows, so
rings, moons and other non-convex shapes come apart.

Its eigendecomposition grows faster than the rows: it fits a sample of at most 2,000 rows and the other rows, like
new ones, take the cluster of their nearest training rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.cluster import SpectralClustering

from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.algorithms.clustering._base import (
    ClusteringAlgorithm,
    clipped,
    clusters_param,
    default_clusters,
    max_clusters,
    neighbors_param,
)
from flowml.engine.space import CategoricalParam, IntParam, Param

SPECTRAL_MAX_FIT_ROWS = 2_000


def graph_neighbors_param(n_rows: int) -> IntParam:
    # The graph is built on the rows it fits: at most SPECTRAL_MAX_FIT_ROWS.
    return neighbors_param(
        min(n_rows, SPECTRAL_MAX_FIT_ROWS), low=5, high=50, help="Neighbours each row is linked to in the graph"
    )


class SpectralAlgorithm(ClusteringAlgorithm):
    name = "spectral"
    label = "Spectral clustering"
    cost = 1.0  # measured: 0.4x LightGBM on 2,000 rows, 1.5x on 10,000 (a 2,000-row sample)
    onnx = True  # the knn assigner is a KNeighborsClassifier
    # The graph's clusters need not be convex: new rows take the cluster of their nearest training rows.
    assigner = "knn"
    max_fit_rows = SPECTRAL_MAX_FIT_ROWS

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "n_neighbors": graph_neighbors_param(n_rows),
            "assign_labels": CategoricalParam(
                choices=["kmeans", "cluster_qr"], help="How the graph's embedding becomes labels"
            ),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {
            "n_clusters": default_clusters(n_rows),
            "n_neighbors": clipped(10, graph_neighbors_param(n_rows)),
            "assign_labels": "kmeans",
        }

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return SpectralClustering(**params, affinity="nearest_neighbors", random_state=seed, n_jobs=n_jobs)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        rows = min(n_rows, SPECTRAL_MAX_FIT_ROWS)
        neighbors = int(params.get("n_neighbors", 50))
        k = int(params.get("n_clusters", max_clusters(n_rows)))
        # The sparse graph (both directions, value and index per edge), its Laplacian, and the eigenvectors with
        # the solver's working basis (a few times k columns).
        graph = 4 * rows * neighbors * 2 * FLOAT64_BYTES
        return copies_bytes(1, n_rows, n_cols) + graph + 10 * rows * k * FLOAT64_BYTES
