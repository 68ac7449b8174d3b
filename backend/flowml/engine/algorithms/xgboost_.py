"""XGBoost gradient boosting (histogram trees), for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xgboost import XGBClassifier, XGBRegressor

from flowml.engine.algorithms._common import ALL_TASKS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class XGBoostAlgorithm(Algorithm):
    """No class weighting: XGBoost's scikit-learn API only takes it as per-row `sample_weight` at fit time."""

    name = "xgboost"
    label = "XGBoost"
    family = "boosting"
    tasks = ALL_TASKS
    gpu_capable = True
    cost = 1.5

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        return {
            "n_estimators": suggest.int("n_estimators", 50, 1000, log=True),
            "learning_rate": suggest.float("learning_rate", 0.01, 0.3, log=True),
            "max_depth": suggest.int("max_depth", 3, 10),
            "min_child_weight": suggest.float("min_child_weight", 0.5, 20.0, log=True),
            "subsample": suggest.float("subsample", 0.5, 1.0),
            "colsample_bytree": suggest.float("colsample_bytree", 0.5, 1.0),
            "reg_lambda": suggest.float("reg_lambda", 1e-3, 10.0, log=True),
        }

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {
            "n_estimators": 200,
            "learning_rate": 0.1,
            "max_depth": 6,
            "min_child_weight": 1.0,
            "subsample": 0.8,
            "colsample_bytree": 0.8,
            "reg_lambda": 1.0,
        }

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        # The objective (binary:logistic, multi:softprob, reg:squarederror) follows from the estimator class and
        # the label-encoded target, so it is not a parameter here.
        common: dict[str, Any] = {"tree_method": "hist", "verbosity": 0, "random_state": seed, "n_jobs": n_jobs}
        if task.is_classification:
            return XGBClassifier(**params, **common)
        return XGBRegressor(**params, **common)
