"""`random_features`: random Fourier features (an RBF kernel approximation) and a linear model on them.

A kernel SVM's accuracy at a linear model's cost: `RBFSampler` maps each row to `n_components` random features whose
inner products approximate an RBF kernel, then logistic regression (classification) or ridge (regression) fits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from flowml.engine.registry import Algorithm
from flowml.engine.space import FloatParam, IntParam, SearchSpace
from flowml.engine.types import ProblemType


class RandomFeaturesAlgorithm(Algorithm):
    # `name` is what jobs, the API and stored trials use: keep it stable across versions of the plugin.
    name = "random_features"
    label = "Random Features Linear"
    family = "kernel"
    tasks = frozenset({ProblemType.BINARY, ProblemType.MULTICLASS, ProblemType.REGRESSION})
    needs_scaling = True  # the RBF kernel compares distances: FlowML standardizes numeric columns first
    cost = 0.3  # relative to LightGBM's defaults: orders the warm start

    def space(self, task: ProblemType) -> SearchSpace:
        strength = (
            # C: inverse regularisation of the logistic regression
            {"C": FloatParam(low=1e-2, high=1e2, log=True, help="Inverse regularisation strength")}
            if task.is_classification
            else {"alpha": FloatParam(low=1e-3, high=1e2, log=True, help="Ridge penalty")}
        )
        return SearchSpace(
            params={
                "n_components": IntParam(low=50, high=400, step=50, help="Random features"),
                "gamma": FloatParam(low=1e-3, high=1.0, log=True, help="RBF kernel width (1 / length scale^2)"),
                **strength,
            }
        )

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        strength = {"C": 1.0} if task.is_classification else {"alpha": 1.0}
        return {"n_components": 200, "gamma": 0.1, **strength}

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "n_components": 50}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)  # an undeclared task is refused, not built as the wrong kind of model
        features = RBFSampler(gamma=params["gamma"], n_components=params["n_components"], random_state=seed)
        model = (
            LogisticRegression(C=params["C"], max_iter=1000, random_state=seed)
            if task.is_classification
            else Ridge(alpha=params["alpha"])
        )
        return Pipeline([("features", features), ("linear", model)])
