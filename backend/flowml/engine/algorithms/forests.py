"""Bagged tree ensembles: random forest and extremely randomized trees, for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS
from flowml.engine.algorithms._memory import MAX_LEAVES, trees_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, Choice, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType

# A few well-known settings rather than a continuous fraction: "sqrt" adapts to the number of features (which
# one-hot encoding can inflate), 1.0 is plain bagging, 0.5 sits between.
_MAX_FEATURES: list[Choice] = ["sqrt", 0.5, 1.0]
# Unbounded trees grow about one leaf per row: on a million rows, 200 of them take gigabytes in memory and in the
# saved model. The cap (as in AutoGluon) only binds on large data.
_MAX_LEAF_NODES = MAX_LEAVES
FOREST_TREES = 500  # the top of the search range: without params the memory estimate is an upper bound


def _forest_space(task: ProblemType) -> SearchSpace:
    params: dict[str, Param] = {
        "n_estimators": IntParam(low=50, high=500, log=True),
        "max_features": CategoricalParam(choices=_MAX_FEATURES),
        "min_samples_leaf": IntParam(low=1, high=32, log=True),
    }
    if task.is_classification:
        params["criterion"] = CategoricalParam(choices=["gini", "entropy"])
        params["class_weight"] = CategoricalParam(choices=CLASS_WEIGHTS)
    return SearchSpace(params=params)


def _forest_defaults(task: ProblemType) -> dict[str, Any]:
    # sqrt of the features for classification (scikit-learn's default); half of them for regression, which is
    # close to the p/3 of Breiman's recommendation and about half the cost of scikit-learn's 1.0.
    if task.is_classification:
        return {
            "n_estimators": 200,
            "max_features": "sqrt",
            "min_samples_leaf": 1,
            "criterion": "gini",
            "class_weight": None,
        }
    return {"n_estimators": 200, "max_features": 0.5, "min_samples_leaf": 1}


class _ForestAlgorithm(Algorithm):
    """Random forests and extra trees share their space, defaults and leaf cap; only the estimators differ."""

    family = "bagging"
    tasks = ALL_TASKS
    classifier: ClassVar[type[Any]]
    regressor: ClassVar[type[Any]]
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return _forest_space(task)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return trees_bytes(n_rows, n_cols, n_classes, params, default_trees=FOREST_TREES)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_estimators": 15}

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return _forest_defaults(task)

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        estimator = self.classifier if task.is_classification else self.regressor
        return estimator(**params, max_leaf_nodes=_MAX_LEAF_NODES, random_state=seed, n_jobs=n_jobs)


class RandomForestAlgorithm(_ForestAlgorithm):
    name = "random_forest"
    label = "Random Forest"
    cost = 2.0
    classifier = RandomForestClassifier
    regressor = RandomForestRegressor


class ExtraTreesAlgorithm(_ForestAlgorithm):
    name = "extra_trees"
    label = "Extra Trees"
    cost = 1.5
    classifier = ExtraTreesClassifier
    regressor = ExtraTreesRegressor
