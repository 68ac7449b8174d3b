"""Small helpers shared by the algorithm modules: task sets, task guards and target standardization."""

from __future__ import annotations

from typing import Any

from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler

from flowml.engine.registry import Algorithm
from flowml.engine.types import ProblemType

CLASSIFICATION: frozenset[ProblemType] = frozenset({ProblemType.BINARY, ProblemType.MULTICLASS})
REGRESSION: frozenset[ProblemType] = frozenset({ProblemType.REGRESSION})
ALL_TASKS: frozenset[ProblemType] = CLASSIFICATION | REGRESSION

# None rather than a string so the value goes straight to scikit-learn's `class_weight`.
CLASS_WEIGHTS: list[str | None] = [None, "balanced"]


def require_task(algorithm: Algorithm, task: ProblemType) -> None:
    """Refuse a task the algorithm does not declare, instead of silently building the wrong kind of estimator."""
    if task not in algorithm.tasks:
        allowed = ", ".join(sorted(t.value for t in algorithm.tasks))
        raise ValueError(f"algorithm {algorithm.name!r} does not support task {task.value!r}; supported: {allowed}")


def standardized_target(regressor: Any) -> TransformedTargetRegressor:
    """Fit `regressor` on a standardized target and map predictions back.

    Regularization strengths (alpha, C, epsilon) and neural-net step sizes are only meaningful relative to the
    target's scale; standardizing it lets one search range serve targets in cents and in millions.
    """
    return TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler())
