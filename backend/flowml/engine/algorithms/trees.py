"""A single decision tree: a fast, interpretable baseline for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS
from flowml.engine.algorithms._memory import trees_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType


class DecisionTreeAlgorithm(Algorithm):
    name = "decision_tree"
    label = "Decision Tree"
    family = "tree"
    tasks = ALL_TASKS
    cost = 0.2
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        params: dict[str, Param] = {
            "max_depth": IntParam(low=2, high=20),
            "min_samples_leaf": IntParam(low=1, high=64, log=True),
        }
        if task.is_classification:
            params["criterion"] = CategoricalParam(choices=["gini", "entropy"])
            params["class_weight"] = CategoricalParam(choices=CLASS_WEIGHTS)
        return SearchSpace(params=params)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return trees_bytes(n_rows, n_cols, n_classes, params, default_trees=1)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        # Bounded depth and a few rows per leaf: an unpruned tree (scikit-learn's default) overfits.
        params: dict[str, Any] = {"max_depth": 8, "min_samples_leaf": 4}
        if task.is_classification:
            params |= {"criterion": "gini", "class_weight": None}
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        if task.is_classification:
            return DecisionTreeClassifier(**params, random_state=seed)
        return DecisionTreeRegressor(**params, random_state=seed)
