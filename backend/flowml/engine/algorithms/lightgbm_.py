"""LightGBM gradient boosting (leaf-wise histogram trees), for every task.

Category codes (the first `n_categorical` columns) go to LightGBM as categorical features; it treats negative codes
as missing. `n_estimators` is an upper bound: on enough rows training stops early (see BoostingOptions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import lightgbm
from lightgbm import LGBMClassifier, LGBMModel, LGBMRegressor

from flowml.engine.algorithms._common import (
    ALL_TASKS,
    CLASS_WEIGHTS,
    BoostingOptions,
    RoundGuard,
    boosting_options,
    require_task,
    rows,
)
from flowml.engine.registry import Algorithm, FitContext, Suggest
from flowml.engine.types import ProblemType

MIN_DATA_PER_GROUP = 20  # rows per category group, when min_child_samples is not given (its own default)


class _BudgetCallback:
    """Runs the round guard after every boosting round; what it raises propagates out of `fit`."""

    order = 10  # LightGBM runs callbacks by `order`; early stopping's is 30

    def __init__(self, guard: RoundGuard) -> None:
        self.guard = guard

    def __call__(self, env: Any) -> None:
        self.guard.check()


class _FlowLGBM(BoostingOptions, LGBMModel):
    """LightGBM's estimator with FlowML's options; module-level so fitted models pickle and load by import path."""

    def fit(self, X: Any, y: Any, *args: Any, **kwargs: Any) -> Self:
        if args:
            raise TypeError("pass fit arguments other than X and y by keyword")
        guard = self._start_guard()
        callbacks = list(kwargs.pop("callbacks", None) or [])
        if guard is not None:
            callbacks.append(_BudgetCallback(guard))
        seed = self.random_state if isinstance(self.random_state, int) else None
        caller_eval = "eval_set" in kwargs or "eval_X" in kwargs
        held = None if caller_eval else self._early_stopping(y, seed)
        if held is not None:
            train, valid = held.train, held.valid
            kwargs["eval_X"], kwargs["eval_y"] = rows(X, valid), rows(y, valid)
            kwargs["sample_weight"] = rows(kwargs.get("sample_weight"), train)
            X, y = rows(X, train), rows(y, train)
            callbacks.append(lightgbm.early_stopping(held.patience, first_metric_only=True, verbose=False))
        if self.n_categorical:
            kwargs.setdefault("categorical_feature", list(range(self.n_categorical)))
        return super().fit(X, y, callbacks=callbacks, **kwargs)

    def _process_params(self, stage: str) -> dict[str, Any]:
        # LightGBM sends every get_params() entry to its C++ core as "key=value" text: keep FlowML's out of it.
        params = super()._process_params(stage)
        for name in self.OWN_PARAMS:
            params.pop(name, None)
        return params


class FlowLGBMClassifier(_FlowLGBM, LGBMClassifier):
    """LGBMClassifier with native category codes, early stopping on stratified held-out rows and budget checks."""

    stratify = True


class FlowLGBMRegressor(_FlowLGBM, LGBMRegressor):
    """LGBMRegressor with native category codes, early stopping on held-out rows and budget checks."""


class LightGBMAlgorithm(Algorithm):
    name = "lightgbm"
    label = "LightGBM"
    family = "boosting"
    tasks = ALL_TASKS
    gpu_capable = True
    native_categorical = True
    cost = 1.0  # the unit every other algorithm's cost is measured in

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            # An upper bound: early stopping picks the number of rounds (exactly this many below 200 rows).
            "n_estimators": suggest.int("n_estimators", 50, 3000, log=True),
            "learning_rate": suggest.float("learning_rate", 0.01, 0.3, log=True),
            "num_leaves": suggest.int("num_leaves", 8, 256, log=True),
            "min_child_samples": suggest.int("min_child_samples", 5, 100, log=True),
            "subsample": suggest.float("subsample", 0.5, 1.0),
            "colsample_bytree": suggest.float("colsample_bytree", 0.5, 1.0),
            "reg_lambda": suggest.float("reg_lambda", 1e-3, 10.0, log=True),
            # Smoothing of per-category statistics: low values learn a driving category on small data, high values
            # resist a noisy many-valued one; no effect without category codes.
            "cat_smooth": suggest.float("cat_smooth", 1.0, 50.0, log=True),
        }
        if task.is_classification:
            params["class_weight"] = suggest.categorical("class_weight", CLASS_WEIGHTS)
        return params

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        params: dict[str, Any] = {
            # Runs in full below 200 rows; above them early stopping usually ends sooner at this learning rate.
            "n_estimators": 200,
            "learning_rate": 0.1,
            "num_leaves": 31,
            "min_child_samples": 20,
            "subsample": 0.8,
            "colsample_bytree": 0.8,
            "reg_lambda": 1e-3,
            # LightGBM's default (10) misses a 50-valued category that drives the target on 500 rows (AUC 0.59 vs
            # 0.78 with 5); 1-3 would overfit a 255-valued noise column on 2000+ rows.
            "cat_smooth": 5.0,
        }
        if task.is_classification:
            params["class_weight"] = None
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        return self.build_for(params, task, seed=seed, n_jobs=n_jobs, context=FitContext())

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        require_task(self, task)
        # Row subsampling only happens when bagging is on: subsample_freq=1 resamples before every tree.
        common: dict[str, Any] = {
            "subsample_freq": 1,
            "verbose": -1,
            "random_state": seed,
            "n_jobs": n_jobs,
            **boosting_options(context),
        }
        if context.n_categorical:
            # LightGBM's default (100 rows per category group) ignores most categories of a small dataset.
            params = {"min_data_per_group": params.get("min_child_samples", MIN_DATA_PER_GROUP), **params}
        if task.is_classification:
            return FlowLGBMClassifier(**params, **common)
        return FlowLGBMRegressor(**params, **common)
