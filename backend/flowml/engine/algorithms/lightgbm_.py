"""LightGBM gradient boosting (leaf-wise histogram trees), for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lightgbm import LGBMClassifier, LGBMRegressor

from flowml.engine.algorithms._common import ALL_TASKS, CLASS_WEIGHTS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class LightGBMAlgorithm(Algorithm):
    name = "lightgbm"
    label = "LightGBM"
    family = "boosting"
    tasks = ALL_TASKS
    gpu_capable = True
    cost = 1.0  # the unit every other algorithm's cost is measured in

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            "n_estimators": suggest.int("n_estimators", 50, 1000, log=True),
            "learning_rate": suggest.float("learning_rate", 0.01, 0.3, log=True),
            "num_leaves": suggest.int("num_leaves", 8, 256, log=True),
            "min_child_samples": suggest.int("min_child_samples", 5, 100, log=True),
            "subsample": suggest.float("subsample", 0.5, 1.0),
            "colsample_bytree": suggest.float("colsample_bytree", 0.5, 1.0),
            "reg_lambda": suggest.float("reg_lambda", 1e-3, 10.0, log=True),
        }
        if task.is_classification:
            params["class_weight"] = suggest.categorical("class_weight", CLASS_WEIGHTS)
        return params

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            "n_estimators": 200,
            "learning_rate": 0.1,
            "num_leaves": 31,
            "min_child_samples": 20,
            "subsample": 0.8,
            "colsample_bytree": 0.8,
            "reg_lambda": 1e-3,
        }
        if task.is_classification:
            params["class_weight"] = None
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        # Row subsampling only happens when bagging is on: subsample_freq=1 resamples before every tree.
        common: dict[str, Any] = {"subsample_freq": 1, "verbose": -1, "random_state": seed, "n_jobs": n_jobs}
        if task.is_classification:
            return LGBMClassifier(**params, **common)
        return LGBMRegressor(**params, **common)
