"""k-nearest neighbours, for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from flowml.engine.algorithms._common import ALL_TASKS
from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, IntParam, SearchSpace
from flowml.engine.types import ProblemType

KNN_CHUNK_ROWS = 256  # query rows per distance block in scikit-learn's pairwise-distance reductions


class KNeighborsAlgorithm(Algorithm):
    name = "knn"
    label = "k-Nearest Neighbors"
    family = "neighbors"
    tasks = ALL_TASKS
    needs_scaling = True
    cost = 0.5
    # Fitting is free but every prediction scans the training set: out-of-fold scoring grows quadratically.
    max_rows = 100_000
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "n_neighbors": IntParam(low=3, high=50, log=True),
                "weights": CategoricalParam(choices=["uniform", "distance"]),
                "p": CategoricalParam(choices=[1, 2]),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        # A copy of the training rows and one block of distances: scikit-learn computes neighbours in chunks of
        # KNN_CHUNK_ROWS query rows, so memory is O(n) although time is O(n^2).
        return copies_bytes(1, n_rows, n_cols) + min(n_rows, KNN_CHUNK_ROWS) * n_rows * FLOAT64_BYTES

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"n_neighbors": 5, "weights": "uniform", "p": 2}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # Deterministic: no random_state to set.
        if task.is_classification:
            return KNeighborsClassifier(**params, n_jobs=n_jobs)
        return KNeighborsRegressor(**params, n_jobs=n_jobs)
