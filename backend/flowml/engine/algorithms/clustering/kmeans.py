"""k-means and mini-batch k-means: convex clusters of similar spread; the centres assign new rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.cluster import KMeans, MiniBatchKMeans

from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.algorithms.clustering._base import (
    ClusteringAlgorithm,
    clusters_param,
    default_clusters,
    max_clusters,
)
from flowml.engine.space import CategoricalParam, IntParam, Param
from flowml.engine.types import ProblemType

# Rows per block of distances to the centres (scikit-learn's k-means works through the data in such chunks).
KMEANS_CHUNK_ROWS = 256


def centres_bytes(n_rows: int, n_cols: int, params: Mapping[str, Any]) -> float:
    """A validated copy of the data, labels and distances per row, and the centres with their running sums."""
    k = int(params.get("n_clusters", max_clusters(n_rows)))
    blocks = KMEANS_CHUNK_ROWS * k * FLOAT64_BYTES
    return copies_bytes(1, n_rows, n_cols) + 2 * n_rows * FLOAT64_BYTES + 4 * k * n_cols * FLOAT64_BYTES + blocks


class KMeansAlgorithm(ClusteringAlgorithm):
    name = "kmeans"
    label = "k-means"
    cost = 0.2
    onnx = True

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "init": CategoricalParam(choices=["k-means++", "random"]),
            "n_init": IntParam(low=1, high=10, help="Restarts; the best is kept"),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"n_clusters": default_clusters(n_rows), "init": "k-means++", "n_init": 4}

    def warm_starts(self, task: ProblemType, n_rows: int) -> list[dict[str, Any]]:
        """The defaults, then every other number of clusters: k-means is the cheapest reliable clusterer, and the
        sweep gives the elbow every k and the search a good k to build on, however short the budget."""
        first = self.default_params_for(task, n_rows)
        others = [k for k in range(2, max_clusters(n_rows) + 1) if k != first["n_clusters"]]
        return [first, *({**first, "n_clusters": k} for k in others)]

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return KMeans(**params, random_state=seed)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return centres_bytes(n_rows, n_cols, params)


class MiniBatchKMeansAlgorithm(ClusteringAlgorithm):
    name = "minibatch_kmeans"
    label = "Mini-batch k-means"
    cost = 0.1
    onnx = True

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "batch_size": IntParam(low=256, high=4096, log=True),
            "n_init": IntParam(low=1, high=10),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"n_clusters": default_clusters(n_rows), "batch_size": 1024, "n_init": 3}

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        return MiniBatchKMeans(**params, random_state=seed)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return centres_bytes(n_rows, n_cols, params)
