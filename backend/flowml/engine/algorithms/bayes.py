"""Gaussian naive Bayes: the cheapest classification baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.naive_bayes import GaussianNB

from flowml.engine.algorithms._common import CLASSIFICATION, require_task
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class NaiveBayesAlgorithm(Algorithm):
    name = "naive_bayes"
    label = "Gaussian Naive Bayes"
    family = "bayes"
    tasks = CLASSIFICATION
    cost = 0.1

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        # The only knob: variance added for stability, as a fraction of the largest feature variance.
        return {"var_smoothing": suggest.float("var_smoothing", 1e-12, 1e-1, log=True)}

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"var_smoothing": 1e-9}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
        return GaussianNB(var_smoothing=params["var_smoothing"])
