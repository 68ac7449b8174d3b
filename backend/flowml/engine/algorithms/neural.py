"""Multi-layer perceptron (scikit-learn), for every task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.neural_network import MLPClassifier, MLPRegressor

from flowml.engine.algorithms._common import ALL_TASKS, require_task, standardized_target
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType


class MLPAlgorithm(Algorithm):
    name = "mlp"
    label = "Neural Network (MLP)"
    family = "neural"
    tasks = ALL_TASKS
    needs_scaling = True
    cost = 3.0

    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        # Width and depth as two integers: Optuna's categorical choices cannot hold tuples, and two ordered
        # integers let TPE learn which direction helps.
        return {
            "width": suggest.int("width", 16, 256, log=True),
            "depth": suggest.int("depth", 1, 3),
            "activation": suggest.categorical("activation", ["relu", "tanh"]),
            "alpha": suggest.float("alpha", 1e-6, 1e-1, log=True),
            "learning_rate_init": suggest.float("learning_rate_init", 1e-4, 1e-2, log=True),
        }

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"width": 128, "depth": 2, "activation": "relu", "alpha": 1e-4, "learning_rate_init": 1e-3}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        require_task(self, task)
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
