"""Multi-layer perceptron (scikit-learn), for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.neural_network import MLPClassifier, MLPRegressor

from flowml.engine.algorithms._common import ALL_TASKS, standardized_target
from flowml.engine.algorithms._memory import copies_bytes
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, SearchSpace
from flowml.engine.types import ProblemType


class MLPAlgorithm(Algorithm):
    name = "mlp"
    label = "Neural Network (MLP)"
    family = "neural"
    tasks = ALL_TASKS
    needs_scaling = True
    cost = 3.0
    onnx = True

    def space(self, task: ProblemType) -> SearchSpace:
        # Width and depth as two integers: Optuna's categorical choices cannot hold tuples, and two ordered
        # integers let TPE learn which direction helps.
        return SearchSpace(
            params={
                "width": IntParam(low=16, high=256, log=True),
                "depth": IntParam(low=1, high=3),
                "activation": CategoricalParam(choices=["relu", "tanh"]),
                "alpha": FloatParam(low=1e-6, high=1e-1, log=True),
                "learning_rate_init": FloatParam(low=1e-4, high=1e-2, log=True),
            }
        )

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        return {**self.default_params(task), "width": 32}

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        return copies_bytes(1, n_rows, n_cols)

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"width": 128, "depth": 2, "activation": "relu", "alpha": 1e-4, "learning_rate_init": 1e-3}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        self.require_task(task)
        settings = {
            "hidden_layer_sizes": (params["width"],) * params["depth"],
            "activation": params["activation"],
            "alpha": params["alpha"],
            "learning_rate_init": params["learning_rate_init"],
            # Early stopping on a held-out 10% bounds the cost and keeps max_iter from being a tuning knob.
            "early_stopping": True,
            "max_iter": 300,
            "random_state": seed,
        }
        if task.is_classification:
            return MLPClassifier(**settings)
        return standardized_target(MLPRegressor(**settings))
