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

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType

# A few well-known settings rather than a continuous fraction: "sqrt" adapts to the number of features (which
# one-hot encoding can inflate), 1.0 is plain bagging, 0.5 sits between.
_MAX_FEATURES: list[str | float] = ["sqrt", 0.5, 1.0]
# Unbounded trees grow about one leaf per row: on a million rows, 200 of them take gigabytes in memory and in the
# saved model. The cap (as in AutoGluon) only binds on large data.
_MAX_LEAF_NODES = 15_000


def _forest_space(suggest: Suggest, task: ProblemType) -> dict[str, Any]:
    params: dict[str, Any] = {
        "n_estimators": suggest.int("n_estimators", 50, 500, log=True),
        "max_features": suggest.categorical("max_features", _MAX_FEATURES),
        "min_samples_leaf": suggest.int("min_samples_leaf", 1, 32, log=True),
    }
    if task.is_classification:
        params["criterion"] = suggest.categorical("criterion", ["gini", "entropy"])
        params["class_weight"] = suggest.categorical("class_weight", CLASS_WEIGHTS)
    return params


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

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        return _forest_space(suggest, task)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return _forest_defaults(task)

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
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
