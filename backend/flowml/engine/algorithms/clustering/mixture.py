"""Gaussian mixtures: each cluster an ellipsoid with its own spread, every row a probability of belonging to each.

The only built-in clusterer with membership probabilities (`ClusterModel.predict_proba`); it predicts natively.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.mixture import GaussianMixture

from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.algorithms.clustering._base import (
    ClusteringAlgorithm,
    clusters_param,
    default_clusters,
    max_clusters,
)
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param


class GaussianMixtureAlgorithm(ClusteringAlgorithm):
    name = "gaussian_mixture"
    label = "Gaussian mixture"
    cost = 0.2  # measured: 0.05 to 0.1 of LightGBM on 2,000 to 10,000 rows of 10 columns
    onnx = True  # skl2onnx converts GaussianMixture

    def own_space(self, n_rows: int) -> dict[str, Param]:
        return {
            "n_clusters": clusters_param(n_rows),
            "covariance_type": CategoricalParam(
                choices=["full", "diag", "tied", "spherical"],
                help="full: any ellipsoid per cluster; diag: axis-aligned; tied: one shared; spherical: round",
            ),
            "n_init": IntParam(low=1, high=5, help="Restarts; the most likely is kept"),
            "reg_covar": FloatParam(low=1e-6, high=1e-2, log=True, help="Added to the variances, for stability"),
        }

    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        return {"n_clusters": default_clusters(n_rows), "covariance_type": "full", "n_init": 1, "reg_covar": 1e-6}

    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        own = {k: v for k, v in params.items() if k != "n_clusters"}
        return GaussianMixture(n_components=params["n_clusters"], **own, random_state=seed)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        k = int(params.get("n_clusters", max_clusters(n_rows)))
        # Responsibilities and log-probabilities (n x k, a few each), one component's centred copy of the data at a
        # time, and k covariance matrices with their Cholesky factors (full covariance: the largest case).
        return copies_bytes(1, n_rows, n_cols) + 3 * n_rows * k * FLOAT64_BYTES + 2 * k * n_cols**2 * FLOAT64_BYTES
