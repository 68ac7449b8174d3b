"""Gaussian naive Bayes: the cheapest classification baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.naive_bayes import GaussianNB

from flowml.engine.algorithms._common import CLASSIFICATION
from flowml.engine.registry import Algorithm
from flowml.engine.space import FloatParam, SearchSpace
from flowml.engine.types import ProblemType


class NaiveBayesAlgorithm(Algorithm):
    name = "naive_bayes"
    label = "Gaussian Naive Bayes"
    family = "bayes"
    tasks = CLASSIFICATION
    cost = 0.1
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        # The only knob: variance added for stability, as a fraction of the largest feature variance.
        return SearchSpace(params={"var_smoothing": FloatParam(low=1e-12, high=1e-1, log=True)})

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return 0.0  # per-class means and variances only

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"var_smoothing": 1e-9}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        return GaussianNB(var_smoothing=params["var_smoothing"])
