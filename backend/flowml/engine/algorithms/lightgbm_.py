"""LightGBM gradient boosting (leaf-wise histogram trees), for every task.

Category codes (the first `n_categorical` columns) go to LightGBM as categorical features; it treats negative codes
as missing. `n_estimators` is an upper bound: on enough rows training stops early (see BoostingOptions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

import lightgbm
import numpy as np
from lightgbm import LGBMClassifier, LGBMModel, LGBMRegressor

from flowml.engine.algorithms._common import (
    ALL_TASKS,
    CLASS_WEIGHTS,
    BoostingOptions,
    RoundGuard,
    boosting_options,
    rows,
)
from flowml.engine.algorithms._memory import histogram_boosting_bytes
from flowml.engine.registry import Algorithm, FitContext, GpuSupport
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType

if TYPE_CHECKING:  # the ONNX libraries load only when a model is exported
    from flowml.engine.onnx import Converter

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
    native_categorical = True
    cost = 1.0  # the unit every other algorithm's cost is measured in
    gpu = GpuSupport(library="lightgbm", params={"device_type": "cuda"})
    requires = ("scikit-learn", "lightgbm")
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        params: dict[str, Param] = {
            # An upper bound: early stopping picks the number of rounds (exactly this many below 200 rows).
            "n_estimators": IntParam(low=50, high=3000, log=True),
            "learning_rate": FloatParam(low=0.01, high=0.3, log=True),
            "num_leaves": IntParam(low=8, high=256, log=True),
            "min_child_samples": IntParam(low=5, high=100, log=True),
            "subsample": FloatParam(low=0.5, high=1.0),
            "colsample_bytree": FloatParam(low=0.5, high=1.0),
            "reg_lambda": FloatParam(low=1e-3, high=10.0, log=True),
            # Smoothing of per-category statistics: low values learn a driving category on small data, high values
            # resist a noisy many-valued one; no effect without category codes.
            "cat_smooth": FloatParam(low=1.0, high=50.0, log=True),
        }
        if task.is_classification:
            params["class_weight"] = CategoricalParam(choices=CLASS_WEIGHTS)
        return SearchSpace(params=params)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_estimators": 30}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return histogram_boosting_bytes(n_rows, n_cols, n_classes)

    def onnx_converters(self) -> Sequence[Converter]:
        # Imported here: the converter libraries load only when a model is exported.
        from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm

        from flowml.engine.onnx import converter_pair

        return converter_pair(
            LGBMClassifier, LGBMRegressor, "LightGbm", convert_lightgbm, regressor_options={"split": None}
        )

    def gpu_build_available(self) -> bool:
        """Whether LightGBM can train on CUDA with `gpu.params`: one tree on 10 rows.

        LightGBM has no build-info call; a build without CUDA raises LightGBMError, which the prober turns into False.
        """
        assert self.gpu is not None
        features = np.arange(20, dtype=np.float64).reshape(10, 2)
        labels = np.arange(10, dtype=np.float64)
        params = {**self.gpu.params, "num_iterations": 1, "min_data_in_leaf": 1, "verbose": -1}
        lightgbm.train(params, lightgbm.Dataset(features, labels))
        return True

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
        self.require_task(task)
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
