"""A single decision tree: a fast, interpretable baseline for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class DecisionTreeAlgorithm(Algorithm):
    name = "decision_tree"
    label = "Decision Tree"
    family = "tree"
    tasks = ALL_TASKS
    cost = 0.2

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            "max_depth": suggest.int("max_depth", 2, 20),
            "min_samples_leaf": suggest.int("min_samples_leaf", 1, 64, log=True),
        }
        if task.is_classification:
            params["criterion"] = suggest.categorical("criterion", ["gini", "entropy"])
            params["class_weight"] = suggest.categorical("class_weight", CLASS_WEIGHTS)
        return params

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        # Bounded depth and a few rows per leaf: an unpruned tree (scikit-learn's default) overfits.
        params: dict[str, Any] = {"max_depth": 8, "min_samples_leaf": 4}
        if task.is_classification:
            params |= {"criterion": "gini", "class_weight": None}
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        if task.is_classification:
            return DecisionTreeClassifier(**params, random_state=seed)
        return DecisionTreeRegressor(**params, random_state=seed)
