"""XGBoost gradient boosting (histogram trees), for every task.

Category codes (the first `n_categorical` columns) are declared categorical through `feature_types`; XGBoost refuses
negative categories, so code -1 (missing or unseen) reaches it as NaN. `n_estimators` is an upper bound: on enough
rows training stops early (see BoostingOptions) and predictions use the best round.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import xgboost
from xgboost import XGBClassifier, XGBModel, XGBRegressor
from xgboost.callback import TrainingCallback

from flowml.engine.algorithms._common import (
    ALL_TASKS,
    BoostingOptions,
    RoundGuard,
    boosting_options,
    rows,
)
from flowml.engine.algorithms._memory import histogram_boosting_bytes
from flowml.engine.registry import Algorithm, FitContext, GpuSupport
from flowml.engine.space import FloatParam, IntParam, SearchSpace
from flowml.engine.types import ProblemType

if TYPE_CHECKING:  # the ONNX libraries load only when a model is exported
    from flowml.engine.onnx import Converter


class _BudgetCallback(TrainingCallback):
    """Runs the round guard after every boosting round; what it raises propagates out of `fit`."""

    def __init__(self, guard: RoundGuard) -> None:
        super().__init__()
        self.guard = guard

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        self.guard.check()
        return False  # never asks to stop: the guard raises instead


@contextmanager
def _params_during_fit(model: XGBModel, params: Mapping[str, Any]) -> Iterator[None]:
    """XGBoost's fit reads these from the estimator; set them for one fit so `get_params` is unchanged after it."""
    saved = {name: getattr(model, name) for name in params}
    for name, value in params.items():  # setattr, not set_params: that would also reconfigure a fitted booster
        setattr(model, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(model, name, value)


class _FlowXGB(BoostingOptions, XGBModel):
    """XGBoost's estimator with FlowML's options; module-level so fitted models pickle and load by import path."""

    def fit(self, X: Any, y: Any, *args: Any, **kwargs: Any) -> Self:
        if args:
            raise TypeError("pass fit arguments other than X and y by keyword")
        guard = self._start_guard()
        X = self._encode(X)
        native: dict[str, Any] = {}
        if guard is not None:
            native["callbacks"] = [*(self.callbacks or []), _BudgetCallback(guard)]
        if self.n_categorical:
            n_columns = np.shape(X)[1]
            native["enable_categorical"] = True
            native["feature_types"] = ["c"] * self.n_categorical + ["q"] * (n_columns - self.n_categorical)
        seed = self.random_state if isinstance(self.random_state, int) else None
        held = None if "eval_set" in kwargs else self._early_stopping(y, seed)
        if held is not None:
            train, valid = held.train, held.valid
            kwargs["eval_set"] = [(rows(X, valid), rows(y, valid))]
            kwargs["sample_weight"] = rows(kwargs.get("sample_weight"), train)
            X, y = rows(X, train), rows(y, train)
            native["early_stopping_rounds"] = held.patience
        kwargs.setdefault("verbose", False)
        with _params_during_fit(self, native):
            return super().fit(X, y, **kwargs)

    def predict(self, X: Any, *args: Any, **kwargs: Any) -> Any:
        return super().predict(self._encode(X), *args, **kwargs)

    def get_xgb_params(self) -> dict[str, Any]:
        # Everything get_params() returns goes to the booster unless filtered: keep FlowML's parameters out of it.
        params = super().get_xgb_params()
        for name in self.OWN_PARAMS:
            params.pop(name, None)
        return params

    def _encode(self, X: Any) -> Any:
        """The input with negative category codes as NaN, in a copy; the input itself when it has none."""
        if not self.n_categorical:
            return X
        values = np.asarray(X)
        negative = values[:, : self.n_categorical] < 0
        if not negative.any():
            return X
        encoded = values.astype(values.dtype if values.dtype.kind == "f" else np.float64)  # a copy
        encoded[:, : self.n_categorical][negative] = np.nan
        return encoded


class FlowXGBClassifier(_FlowXGB, XGBClassifier):
    """XGBClassifier with native category codes, early stopping on stratified held-out rows and budget checks."""

    stratify = True

    def predict_proba(self, X: Any, *args: Any, **kwargs: Any) -> Any:
        return super().predict_proba(self._encode(X), *args, **kwargs)


class FlowXGBRegressor(_FlowXGB, XGBRegressor):
    """XGBRegressor with native category codes, early stopping on held-out rows and budget checks."""


class XGBoostAlgorithm(Algorithm):
    """No class weighting: XGBoost's scikit-learn API only takes it as per-row `sample_weight` at fit time."""

    name = "xgboost"
    label = "XGBoost"
    family = "boosting"
    tasks = ALL_TASKS
    native_categorical = True
    cost = 1.5
    gpu = GpuSupport(library="xgboost", params={"device": "cuda", "tree_method": "hist"})
    requires = ("scikit-learn", "xgboost")
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                # An upper bound: early stopping picks the number of rounds (exactly this many below 200 rows).
                "n_estimators": IntParam(low=50, high=3000, log=True),
                "learning_rate": FloatParam(low=0.01, high=0.3, log=True),
                "max_depth": IntParam(low=3, high=10),
                "min_child_weight": FloatParam(low=0.5, high=20.0, log=True),
                "subsample": FloatParam(low=0.5, high=1.0),
                "colsample_bytree": FloatParam(low=0.5, high=1.0),
                "reg_lambda": FloatParam(low=1e-3, high=10.0, log=True),
            }
        )

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_estimators": 30}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return histogram_boosting_bytes(n_rows, n_cols, n_classes)

    def onnx_converters(self) -> Sequence[Converter]:
        # Imported here: the converter libraries load only when a model is exported.
        from flowml.engine.onnx import converter_pair
        from flowml.engine.onnx._estimators import xgboost_convert

        return converter_pair(XGBClassifier, XGBRegressor, "XGBoost", xgboost_convert)

    def gpu_build_available(self) -> bool:
        return bool(xgboost.build_info().get("USE_CUDA"))

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {
            # Runs in full below 200 rows; above them early stopping usually ends sooner at this learning rate.
            "n_estimators": 200,
            "learning_rate": 0.1,
            "max_depth": 6,
            "min_child_weight": 1.0,
            "subsample": 0.8,
            "colsample_bytree": 0.8,
            "reg_lambda": 1.0,
        }

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        return self.build_for(params, task, seed=seed, n_jobs=n_jobs, context=FitContext())

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        self.require_task(task)
        # The objective (binary:logistic, multi:softprob, reg:squarederror) follows from the estimator class and
        # the label-encoded target, so it is not a parameter here.
        common: dict[str, Any] = {
            "tree_method": "hist",
            "verbosity": 0,
            "random_state": seed,
            "n_jobs": n_jobs,
            **boosting_options(context),
        }
        if task.is_classification:
            return FlowXGBClassifier(**params, **common)
        return FlowXGBRegressor(**params, **common)
