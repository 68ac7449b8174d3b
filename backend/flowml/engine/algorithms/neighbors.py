"""k-nearest neighbours, for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from flowml.engine.algorithms._common import ALL_TASKS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class KNeighborsAlgorithm(Algorithm):
    name = "knn"
    label = "k-Nearest Neighbors"
    family = "neighbors"
    tasks = ALL_TASKS
    needs_scaling = True
    cost = 0.5
    # Fitting is free but every prediction scans the training set: out-of-fold scoring grows quadratically.
    max_rows = 100_000

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        return {
            "n_neighbors": suggest.int("n_neighbors", 3, 50, log=True),
            "weights": suggest.categorical("weights", ["uniform", "distance"]),
            "p": suggest.categorical("p", [1, 2]),
        }

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"n_neighbors": 5, "weights": "uniform", "p": 2}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        # Deterministic: no random_state to set.
        if task.is_classification:
            return KNeighborsClassifier(**params, n_jobs=n_jobs)
        return KNeighborsRegressor(**params, n_jobs=n_jobs)
