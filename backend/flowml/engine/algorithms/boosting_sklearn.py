"""scikit-learn's boosting: classic gradient boosting, histogram gradient boosting and AdaBoost, for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS
from flowml.engine.algorithms._memory import exact_boosting_bytes, histogram_boosting_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType


class GradientBoostingAlgorithm(Algorithm):
    name = "gradient_boosting"
    label = "Gradient Boosting"
    family = "boosting"
    tasks = ALL_TASKS
    # Exact (non-histogram) splits on one core, and one tree per class per round: measured 7-16x LightGBM.
    cost = 5.0
    # Histogram boosting does the same job far faster on large data.
    max_rows = 100_000
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "n_estimators": IntParam(low=50, high=500, log=True),
                "learning_rate": FloatParam(low=0.01, high=0.3, log=True),
                "max_depth": IntParam(low=2, high=8),
                "min_samples_leaf": IntParam(low=1, high=64, log=True),
                "subsample": FloatParam(low=0.5, high=1.0),
            }
        )

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_estimators": 30}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return exact_boosting_bytes(n_rows, n_cols, n_classes)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"n_estimators": 200, "learning_rate": 0.1, "max_depth": 3, "min_samples_leaf": 1, "subsample": 1.0}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # No n_jobs: the estimator is single-threaded. `criterion` is left out (deprecated in scikit-learn 1.9).
        if task.is_classification:
            return GradientBoostingClassifier(**params, random_state=seed)
        return GradientBoostingRegressor(**params, random_state=seed)


class HistGradientBoostingAlgorithm(Algorithm):
    name = "hist_gradient_boosting"
    label = "Histogram Gradient Boosting"
    family = "boosting"
    tasks = ALL_TASKS
    cost = 1.0
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        params: dict[str, Param] = {
            "max_iter": IntParam(low=50, high=1000, log=True),
            "learning_rate": FloatParam(low=0.01, high=0.3, log=True),
            "max_leaf_nodes": IntParam(low=8, high=128, log=True),
            "min_samples_leaf": IntParam(low=5, high=100, log=True),
            "l2_regularization": FloatParam(low=1e-3, high=10.0, log=True),
        }
        if task.is_classification:
            params["class_weight"] = CategoricalParam(choices=CLASS_WEIGHTS)
        return SearchSpace(params=params)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "max_iter": 30}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return histogram_boosting_bytes(n_rows, n_cols, n_classes)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            "max_iter": 200,
            "learning_rate": 0.1,
            "max_leaf_nodes": 31,
            "min_samples_leaf": 20,
            "l2_regularization": 1e-3,
        }
        if task.is_classification:
            params["class_weight"] = None
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # No n_jobs parameter: it uses OpenMP threads, bounded by the worker's OMP_NUM_THREADS / threadpoolctl.
        # early_stopping="auto" turns on above 10,000 rows, where it saves the most time.
        if task.is_classification:
            return HistGradientBoostingClassifier(**params, early_stopping="auto", random_state=seed)
        return HistGradientBoostingRegressor(**params, early_stopping="auto", random_state=seed)


class AdaBoostAlgorithm(Algorithm):
    name = "adaboost"
    label = "AdaBoost"
    family = "boosting"
    tasks = ALL_TASKS
    cost = 2.5
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        params: dict[str, Param] = {
            "n_estimators": IntParam(low=25, high=400, log=True),
            "learning_rate": FloatParam(low=0.01, high=2.0, log=True),
            "max_depth": IntParam(low=1, high=6),
        }
        if task is ProblemType.REGRESSION:
            params["loss"] = CategoricalParam(choices=["linear", "square", "exponential"])
        return SearchSpace(params=params)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_estimators": 20}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return exact_boosting_bytes(n_rows, n_cols, n_classes)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        # scikit-learn's own defaults: stumps for classification, depth-3 trees for regression, learning rate 1.
        if task.is_classification:
            return {"n_estimators": 100, "learning_rate": 1.0, "max_depth": 1}
        return {"n_estimators": 100, "learning_rate": 1.0, "max_depth": 3, "loss": "linear"}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        common = {"n_estimators": params["n_estimators"], "learning_rate": params["learning_rate"]}
        if task.is_classification:
            # The SAMME.R variant and the `algorithm` parameter are gone since scikit-learn 1.8: SAMME only.
            base = DecisionTreeClassifier(max_depth=params["max_depth"], random_state=seed)
            return AdaBoostClassifier(estimator=base, **common, random_state=seed)
        base_reg = DecisionTreeRegressor(max_depth=params["max_depth"], random_state=seed)
        return AdaBoostRegressor(estimator=base_reg, **common, loss=params["loss"], random_state=seed)
