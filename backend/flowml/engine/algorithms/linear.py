"""Linear models: logistic regression for classification; ridge, lasso, elastic net and Huber for regression.

All expect standardized inputs (`needs_scaling`); they are the cheapest baselines and often competitive on wide,
one-hot encoded data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn import linear_model

from flowml.engine.algorithms._common import (
    CLASS_WEIGHTS,
    CLASSIFICATION,
    REGRESSION,
    standardized_target,
)
from flowml.engine.algorithms._memory import copies_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, FloatParam, SearchSpace
from flowml.engine.types import ProblemType

# scikit-learn 1.8 deprecated `penalty`; the penalty is now expressed by `l1_ratio` alone. We keep a readable
# `penalty` parameter for the UI and translate it here. L1 and elastic net need the saga solver.
_PENALTY_L1_RATIO: dict[str, float] = {"l2": 0.0, "l1": 1.0, "elasticnet": 0.5}


class LogisticRegressionAlgorithm(Algorithm):
    name = "logistic_regression"
    label = "Logistic Regression"
    family = "linear"
    tasks = CLASSIFICATION
    needs_scaling = True
    cost = 0.5
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "C": FloatParam(low=1e-3, high=1e2, log=True),
                "penalty": CategoricalParam(choices=list(_PENALTY_L1_RATIO)),
                "class_weight": CategoricalParam(choices=CLASS_WEIGHTS),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0, "penalty": "l2", "class_weight": None}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        l1_ratio = _PENALTY_L1_RATIO[params["penalty"]]
        # n_jobs is deliberately not passed: scikit-learn 1.8 deprecated it on LogisticRegression (no effect).
        return linear_model.LogisticRegression(
            C=params["C"],
            l1_ratio=l1_ratio,
            solver="lbfgs" if l1_ratio == 0.0 else "saga",
            class_weight=params["class_weight"],
            max_iter=1000,
            random_state=seed,
        )


class RidgeAlgorithm(Algorithm):
    name = "ridge"
    label = "Ridge Regression"
    family = "linear"
    tasks = REGRESSION
    needs_scaling = True
    cost = 0.1
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(params={"alpha": FloatParam(low=1e-3, high=1e3, log=True)})

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"alpha": 1.0}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # Ridge's objective scales with the target, so alpha needs no target standardization.
        return linear_model.Ridge(alpha=params["alpha"], random_state=seed)


class LassoAlgorithm(Algorithm):
    name = "lasso"
    label = "Lasso"
    family = "linear"
    tasks = REGRESSION
    needs_scaling = True
    cost = 0.2
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(params={"alpha": FloatParam(low=1e-4, high=1.0, log=True)})

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"alpha": 0.01}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        return standardized_target(linear_model.Lasso(alpha=params["alpha"], max_iter=5000, random_state=seed))


class ElasticNetAlgorithm(Algorithm):
    name = "elastic_net"
    label = "Elastic Net"
    family = "linear"
    tasks = REGRESSION
    needs_scaling = True
    cost = 0.2
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "alpha": FloatParam(low=1e-4, high=1.0, log=True),
                # Below ~0.05 coordinate descent converges poorly; ridge covers that end.
                "l1_ratio": FloatParam(low=0.05, high=1.0),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"alpha": 0.01, "l1_ratio": 0.5}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        estimator = linear_model.ElasticNet(
            alpha=params["alpha"], l1_ratio=params["l1_ratio"], max_iter=5000, random_state=seed
        )
        return standardized_target(estimator)


class HuberAlgorithm(Algorithm):
    name = "huber"
    label = "Huber Regression"
    family = "linear"
    tasks = REGRESSION
    needs_scaling = True
    cost = 0.3
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "epsilon": FloatParam(low=1.05, high=2.5),
                "alpha": FloatParam(low=1e-6, high=1.0, log=True),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"epsilon": 1.35, "alpha": 1e-4}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # Deterministic (no random_state); robust to outliers in the target, unlike the squared-loss models.
        estimator = linear_model.HuberRegressor(epsilon=params["epsilon"], alpha=params["alpha"], max_iter=1000)
        return standardized_target(estimator)
