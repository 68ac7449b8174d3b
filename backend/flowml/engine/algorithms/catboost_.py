"""CatBoost gradient boosting (oblivious trees), for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from catboost import CatBoostClassifier, CatBoostRegressor

from flowml.engine.algorithms._common import ALL_TASKS, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class FlatCatBoostClassifier(CatBoostClassifier):
    """CatBoostClassifier whose class predictions are 1-D like every other scikit-learn classifier.

    CatBoost returns a column vector (n, 1) for multiclass targets; metrics and the prediction CSV expect (n,).
    Module-level so fitted models pickle and load by import path.
    """

    def predict(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        predictions = super().predict(data, *args, **kwargs)
        if isinstance(predictions, np.ndarray) and predictions.ndim == 2 and predictions.shape[1] == 1:
            return predictions.ravel()
        return predictions


class CatBoostAlgorithm(Algorithm):
    name = "catboost"
    label = "CatBoost"
    family = "boosting"
    tasks = ALL_TASKS
    gpu_capable = True
    cost = 4.0

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            "iterations": suggest.int("iterations", 100, 1000, log=True),
            "learning_rate": suggest.float("learning_rate", 0.01, 0.3, log=True),
            # Oblivious trees have 2**depth leaves: beyond 8 the cost explodes for little gain on tabular data.
            "depth": suggest.int("depth", 4, 8),
            "l2_leaf_reg": suggest.float("l2_leaf_reg", 1.0, 10.0, log=True),
        }
        if task.is_classification:
            params["auto_class_weights"] = suggest.categorical("auto_class_weights", [None, "Balanced"])
        return params

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {"iterations": 300, "learning_rate": 0.08, "depth": 6, "l2_leaf_reg": 3.0}
        if task.is_classification:
            params["auto_class_weights"] = None
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        # allow_writing_files=False: CatBoost otherwise writes catboost_info/ into the worker's working directory.
        common: dict[str, Any] = {
            "random_seed": seed,
            "thread_count": n_jobs,
            "verbose": False,
            "allow_writing_files": False,
        }
        if task.is_classification:
            return FlatCatBoostClassifier(**params, **common)
        return CatBoostRegressor(**params, **common)
