"""CatBoost gradient boosting (oblivious trees), for every task.

Category codes (the first `n_categorical` columns) go to CatBoost as `cat_features`, which must be integers or
strings: the wrappers hand CatBoost a frame whose code columns are int64 (code -1, missing or unseen, is a category
of its own). `iterations` is an upper bound: on enough rows training stops early and the model is cut back to its
best iteration (see BoostingOptions).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from catboost import CatBoost, CatBoostClassifier, CatBoostRegressor
from catboost.utils import get_gpu_device_count

from flowml.engine.algorithms._common import (
    ALL_TASKS,
    BoostingOptions,
    RoundGuard,
    boosting_options,
    rows,
)
from flowml.engine.algorithms._memory import histogram_boosting_bytes
from flowml.engine.deadline import BudgetExhausted, Cancelled
from flowml.engine.registry import Algorithm, FitContext, GpuSupport
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType

if TYPE_CHECKING:  # the ONNX libraries load only when a model is exported
    from flowml.engine.onnx import Converter

_STATE_KEY = "__flowml_options"  # where BoostingOptions travel in CatBoost's pickled state
_DEFAULT_OPTIONS = BoostingOptions()._options()
# With category codes: one-hot splits up to 20 values (as the one-hot preprocessing does for other algorithms) and
# target statistics of single columns only. CatBoost's defaults (2, and combinations of up to 4 columns) cost 3-4x
# the fit time on the adult data for no better score.
CATEGORY_SETTINGS: dict[str, Any] = {"one_hot_max_size": 20, "max_ctr_complexity": 1}
CALLBACK_METRIC_PERIOD = 10
# What CatBoost writes to stderr when early stopping meets the metric_period set above: that the period does not
# apply to the validation loss, which is what early stopping needs anyway. Our own setting, so not news to a user.
IGNORED_PERIOD_WARNING = "'metric_period' is ignored for evaluation metric"


class _CatBoostStderr:
    """CatBoost's `log_cerr`: its messages reach stderr, except the metric_period notice our settings cause."""

    def write(self, text: str) -> int:
        if IGNORED_PERIOD_WARNING not in text:
            sys.stderr.write(text)
        return len(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _BudgetCallback:
    """Runs the round guard after every iteration.

    CatBoost turns an exception raised in a callback into a CatBoostError, so the callback stops training instead
    and keeps what the guard raised for `fit` to raise again.
    """

    def __init__(self, guard: RoundGuard) -> None:
        self.guard = guard
        self.stopped: BudgetExhausted | Cancelled | None = None

    def after_iteration(self, info: Any) -> bool:
        try:
            self.guard.check()
        except (BudgetExhausted, Cancelled) as exc:
            self.stopped = exc
            return False
        return True


class _FlowCatBoost(BoostingOptions, CatBoost):
    """CatBoost's estimator with FlowML's options; module-level so fitted models pickle and load by import path.

    CatBoost keeps its parameters in its own dict (what `get_params` returns and what pickling saves), so the
    BoostingOptions are added to `get_params`, taken out of `set_params` and carried through pickling here.
    """

    def fit(self, X: Any, y: Any, *args: Any, **kwargs: Any) -> Self:
        if args:
            raise TypeError("pass fit arguments other than X and y by keyword")
        guard = self._start_guard()
        callback = _BudgetCallback(guard) if guard is not None else None
        if callback is not None:
            kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), callback]
            if self.get_param("metric_period") is None:
                # With a callback CatBoost computes the training loss every iteration (+0.4 ms each: +25% on small
                # data); every 10th is enough. Early stopping still reads the validation loss every iteration.
                kwargs.setdefault("metric_period", CALLBACK_METRIC_PERIOD)
        if self.n_categorical:
            kwargs["cat_features"] = list(range(self.n_categorical))
        kwargs.setdefault("log_cerr", _CatBoostStderr())
        X = self._encode(X)
        held = None if "eval_set" in kwargs else self._early_stopping(y, self.get_param("random_seed"))
        if held is not None:
            train, valid = held.train, held.valid
            kwargs["eval_set"] = (rows(X, valid), rows(y, valid))
            kwargs["sample_weight"] = rows(kwargs.get("sample_weight"), train)
            kwargs["early_stopping_rounds"] = held.patience
            kwargs["use_best_model"] = True
            X, y = rows(X, train), rows(y, train)
        super().fit(X, y, **kwargs)
        if callback is not None and callback.stopped is not None:
            raise callback.stopped
        return self

    def predict(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        return super().predict(self._encode(data), *args, **kwargs)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params: dict[str, Any] = super().get_params()
        params.update(self._options())
        return params

    def set_params(self, **params: Any) -> Self:
        for name in self.OWN_PARAMS:
            if name in params:
                setattr(self, name, params.pop(name))
        super().set_params(**params)
        return self

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state[_STATE_KEY] = self._options()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        # A model pickled before these options existed loads with the defaults (no codes, no deadline).
        options = {**_DEFAULT_OPTIONS, **state.pop(_STATE_KEY, {})}
        super().__setstate__(state)
        for name, value in options.items():
            setattr(self, name, value)

    def _encode(self, X: Any) -> Any:
        """A frame whose code columns are int64 (CatBoost refuses float categories); unchanged without codes."""
        n = self.n_categorical
        if not n:
            return X
        values = np.asarray(X, dtype=np.float64)
        codes = np.where(np.isfinite(values[:, :n]), values[:, :n], -1).astype(np.int64)
        rest = pd.DataFrame(values[:, n:], columns=range(n, values.shape[1]))
        return pd.concat([pd.DataFrame(codes, columns=range(n)), rest], axis=1)


def _onnx_limitation(model: Any) -> str | None:
    """CatBoost's own ONNX export, which the converter inlines, refuses models trained on categorical features."""
    if model.is_fitted() and model.get_cat_feature_indices():
        return "native categorical features, which CatBoost's ONNX export does not support"
    return None


class FlatCatBoostClassifier(_FlowCatBoost, CatBoostClassifier):
    """CatBoostClassifier whose class predictions are 1-D like every other scikit-learn classifier.

    CatBoost returns a column vector (n, 1) for multiclass targets; metrics and the prediction CSV expect (n,).
    Also takes the BoostingOptions (codes, early stopping on stratified held-out rows, budget checks).
    """

    stratify = True

    def predict(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        predictions = super().predict(data, *args, **kwargs)
        if isinstance(predictions, np.ndarray) and predictions.ndim == 2 and predictions.shape[1] == 1:
            return predictions.ravel()
        return predictions

    def predict_proba(self, X: Any, *args: Any, **kwargs: Any) -> Any:
        return super().predict_proba(self._encode(X), *args, **kwargs)


class FlowCatBoostRegressor(_FlowCatBoost, CatBoostRegressor):
    """CatBoostRegressor with native category codes, early stopping on held-out rows and budget checks."""


class CatBoostAlgorithm(Algorithm):
    name = "catboost"
    label = "CatBoost"
    family = "boosting"
    tasks = ALL_TASKS
    native_categorical = True
    cost = 4.0
    gpu = GpuSupport(library="catboost", params={"task_type": "GPU", "devices": "0"})
    requires = ("scikit-learn", "catboost")
    # With native category codes CatBoost trains on `cat_features`, which its ONNX export refuses.
    onnx = False

    def space(self, task: ProblemType) -> SearchSpace:
        params: dict[str, Param] = {
            # An upper bound: early stopping picks the number of iterations (exactly this many below 200 rows).
            "iterations": IntParam(low=100, high=2000, log=True),
            "learning_rate": FloatParam(low=0.01, high=0.3, log=True),
            # Oblivious trees have 2**depth leaves: beyond 8 the cost explodes for little gain on tabular data.
            "depth": IntParam(low=4, high=8),
            "l2_leaf_reg": FloatParam(low=1.0, high=10.0, log=True),
        }
        if task.is_classification:
            params["auto_class_weights"] = CategoricalParam(choices=[None, "Balanced"])
        return SearchSpace(params=params)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "iterations": 30}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return histogram_boosting_bytes(n_rows, n_cols, n_classes)

    def onnx_converters(self) -> Sequence[Converter]:
        # Imported here: the converter libraries load only when a model is exported.
        from flowml.engine.onnx import converter_pair
        from flowml.engine.onnx._estimators import catboost_convert

        return converter_pair(
            CatBoostClassifier, CatBoostRegressor, "FlowML", catboost_convert, limitation=_onnx_limitation
        )

    def gpu_build_available(self) -> bool:
        return bool(get_gpu_device_count() > 0)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        # 300 iterations run in full below 200 rows; above them early stopping often ends sooner.
        params: dict[str, Any] = {"iterations": 300, "learning_rate": 0.08, "depth": 6, "l2_leaf_reg": 3.0}
        if task.is_classification:
            params["auto_class_weights"] = None
        return params

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        return self.build_for(params, task, seed=seed, n_jobs=n_jobs, context=FitContext())

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        self.require_task(task)
        # allow_writing_files=False: CatBoost otherwise writes catboost_info/ into the worker's working directory.
        common: dict[str, Any] = {
            "random_seed": seed,
            "thread_count": n_jobs,
            "verbose": False,
            "allow_writing_files": False,
            **boosting_options(context),
        }
        if context.n_categorical:
            params = {**CATEGORY_SETTINGS, **params}
        if task.is_classification:
            return FlatCatBoostClassifier(**params, **common)
        return FlowCatBoostRegressor(**params, **common)
