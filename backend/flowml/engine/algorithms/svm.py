"""Support vector machines: kernel SVC/SVR for small data, linear SVC/SVR for wide data.

Kernel SVMs scale between quadratically and cubically with rows, hence `max_rows`. Classifiers get probabilities
from Platt scaling via CalibratedClassifierCV, which scikit-learn 1.9 recommends now that `SVC(probability=True)`
is deprecated (removal in 1.11); LinearSVC never had probabilities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR

from flowml.engine.algorithms._common import (
    CLASS_WEIGHTS,
    CLASSIFICATION,
    REGRESSION,
    standardized_target,
)
from flowml.engine.algorithms._memory import FLOAT64_BYTES, copies_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, Choice, FloatParam, SearchSpace
from flowml.engine.types import ProblemType

# "scale" (1 / (n_features * var(X))) adapts to the width of the encoded data, so it is the default; the fixed
# values let the search move away from it in either direction.
_GAMMAS: list[Choice] = ["scale", 0.001, 0.01, 0.1, 1.0]
_KERNEL_SVM_MAX_ROWS = 5000
# 3 calibration folds rather than scikit-learn's 5: each fold refits the whole SVM, and Platt scaling fits only
# two numbers, so fewer out-of-fold scores suffice.
_CALIBRATION_FOLDS = 3
SVM_KERNEL_CACHE_BYTES = 200 * 2**20  # scikit-learn's default SVC/SVR cache_size


def kernel_svm_bytes(n_rows: int, n_cols: int) -> float:
    """The Gram matrix, O(n^2) (n * n * 8 bytes) but bounded by libsvm's kernel cache, and one copy of the data."""
    return min(float(n_rows) * n_rows * FLOAT64_BYTES, SVM_KERNEL_CACHE_BYTES) + copies_bytes(1, n_rows, n_cols)


def _calibrated(estimator: Any, n_jobs: int) -> CalibratedClassifierCV:
    # ensemble=False: one estimator refit on all rows, calibrated on out-of-fold scores (what SVC did internally).
    return CalibratedClassifierCV(estimator, method="sigmoid", cv=_CALIBRATION_FOLDS, ensemble=False, n_jobs=n_jobs)


class SVCAlgorithm(Algorithm):
    name = "svm"
    label = "Support Vector Machine"
    family = "svm"
    tasks = CLASSIFICATION
    needs_scaling = True
    cost = 3.0
    max_rows = _KERNEL_SVM_MAX_ROWS
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "C": FloatParam(low=1e-2, high=1e3, log=True),
                "gamma": CategoricalParam(choices=_GAMMAS),
                "class_weight": CategoricalParam(choices=CLASS_WEIGHTS),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return kernel_svm_bytes(n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0, "gamma": "scale", "class_weight": None}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        svc = SVC(C=params["C"], kernel="rbf", gamma=params["gamma"], class_weight=params["class_weight"])
        return _calibrated(svc, n_jobs)


class SVRAlgorithm(Algorithm):
    name = "svr"
    label = "Support Vector Regression"
    family = "svm"
    tasks = REGRESSION
    needs_scaling = True
    cost = 2.0
    max_rows = _KERNEL_SVM_MAX_ROWS
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "C": FloatParam(low=1e-2, high=1e3, log=True),
                "gamma": CategoricalParam(choices=_GAMMAS),
                # In standard deviations of the target, thanks to standardized_target.
                "epsilon": FloatParam(low=1e-3, high=1.0, log=True),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return kernel_svm_bytes(n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0, "gamma": "scale", "epsilon": 0.1}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        svr = SVR(C=params["C"], kernel="rbf", gamma=params["gamma"], epsilon=params["epsilon"])
        return standardized_target(svr)


class LinearSVCAlgorithm(Algorithm):
    name = "linear_svc"
    label = "Linear SVM"
    family = "svm"
    tasks = CLASSIFICATION
    needs_scaling = True
    cost = 0.5
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "C": FloatParam(low=1e-3, high=1e2, log=True),
                "class_weight": CategoricalParam(choices=CLASS_WEIGHTS),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        # liblinear stores index/value pairs: 16 bytes per value
        return copies_bytes(2, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0, "class_weight": None}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # dual="auto" picks the primal solver when rows outnumber features, which converges far faster there.
        svc = LinearSVC(C=params["C"], class_weight=params["class_weight"], max_iter=5000, random_state=seed)
        return _calibrated(svc, n_jobs)


class LinearSVRAlgorithm(Algorithm):
    name = "linear_svr"
    label = "Linear SVR"
    family = "svm"
    tasks = REGRESSION
    needs_scaling = True
    cost = 0.3
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(
            params={
                "C": FloatParam(low=1e-3, high=1e2, log=True),
                "epsilon": FloatParam(low=0.0, high=1.0),
            }
        )

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        # liblinear stores index/value pairs: 16 bytes per value
        return copies_bytes(2, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0, "epsilon": 0.0}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        # The squared loss is the one with a primal solver (dual="auto"), fast when rows outnumber features.
        svr = LinearSVR(
            C=params["C"],
            epsilon=params["epsilon"],
            loss="squared_epsilon_insensitive",
            max_iter=5000,
            random_state=seed,
        )
        return standardized_target(svr)
