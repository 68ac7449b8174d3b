"""The algorithm contract and the explicit registry of built-in algorithms.

One algorithm = one small module in `flowml.engine.algorithms` owning its search space, defaults, parameter
translation and estimator construction. The registry lists them explicitly (no registration by import side effect);
`Registry.of` rejects duplicate or malformed names when the registry is built; the shared contract test
(tests/engine/test_algorithms_contract.py) checks every entry's space, defaults and estimator.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import optuna

from flowml.core.errors import InvalidInputError
from flowml.engine.types import ProblemType


class Suggest:
    """Wraps an Optuna trial so each algorithm names its parameters plainly while Optuna sees them prefixed.

    Prefixing keeps two algorithms' `n_estimators` apart in one study (different ranges would otherwise clash).
    """

    def __init__(self, trial: optuna.Trial, algorithm: str) -> None:
        self._trial = trial
        self._prefix = f"{algorithm}__"

    def int(self, name: str, low: int, high: int, *, log: bool = False, step: int = 1) -> int:
        return self._trial.suggest_int(self._prefix + name, low, high, log=log, step=step)

    def float(self, name: str, low: float, high: float, *, log: bool = False) -> float:
        return self._trial.suggest_float(self._prefix + name, low, high, log=log)

    def categorical(self, name: str, choices: list[Any]) -> Any:
        return self._trial.suggest_categorical(self._prefix + name, choices)


@dataclass(frozen=True)
class FitContext:
    """Facts about one fit that only the caller knows, for algorithms that can use them.

    `n_categorical`: the first this many input columns are integer category codes (-1 = missing or unseen); only
    algorithms with `native_categorical = True` receive them so. `deadline`: a Unix time after which a
    cooperative algorithm (boosting rounds) should stop and raise `flowml.engine.deadline.BudgetExhausted`.
    `cancel_path`: a file whose existence means the job was cancelled (raise `Cancelled`).
    """

    n_categorical: int = 0
    deadline: float | None = None
    cancel_path: str | None = None


class Algorithm(ABC):
    """Contract every algorithm implements.

    Attributes are class-level facts the search and the UI read; methods are pure and cheap, except `build`
    which returns an unfitted scikit-learn compatible estimator (fit/predict, predict_proba for classifiers).
    """

    name: ClassVar[str]  # stable id, e.g. "random_forest"; also the Optuna prefix
    label: ClassVar[str]  # shown in the UI, e.g. "Random Forest"
    family: ClassVar[str]  # "linear", "tree", "bagging", "boosting", "neighbors", "svm", "bayes", "neural"
    tasks: ClassVar[frozenset[ProblemType]]
    gpu_capable: ClassVar[bool] = False
    needs_scaling: ClassVar[bool] = False  # linear, SVM, KNN, MLP want standardized numeric inputs
    # Receives categoricals as codes (the first FitContext.n_categorical columns, -1 = missing), not one-hot.
    native_categorical: ClassVar[bool] = False
    cost: ClassVar[float] = 1.0  # relative cost of default params vs LightGBM (=1); orders the warm start
    max_rows: ClassVar[int | None] = None  # beyond this many training rows the algorithm is skipped (e.g. SVM)

    @abstractmethod
    def search_space(self, suggest: Suggest, task: ProblemType) -> dict[str, Any]:
        """Suggest one configuration. Returns plain params (unprefixed) that `build` accepts."""

    @abstractmethod
    def default_params(self, task: ProblemType) -> dict[str, Any]:
        """A good first configuration; every key/value must lie inside `search_space`."""

    @abstractmethod
    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        """An unfitted estimator for `params`."""

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        """`build` with the fit's context; algorithms that use native categoricals or budget callbacks override it."""
        return self.build(params, task, seed=seed, n_jobs=n_jobs)

    def supports(self, task: ProblemType, n_rows: int) -> bool:
        return task in self.tasks and (self.max_rows is None or n_rows <= self.max_rows)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "family": self.family,
            "tasks": sorted(t.value for t in self.tasks),
            "gpu_capable": self.gpu_capable,
        }


@dataclass(frozen=True)
class Registry:
    """Immutable name -> Algorithm mapping with validation."""

    algorithms: Mapping[str, Algorithm]

    @classmethod
    def of(cls, items: Iterable[Algorithm]) -> Registry:
        registry: dict[str, Algorithm] = {}
        for algo in items:
            if algo.name in registry:
                raise ValueError(f"duplicate algorithm name {algo.name!r}")
            if "__" in algo.name:
                raise ValueError(f"algorithm name {algo.name!r} must not contain '__'")
            registry[algo.name] = algo
        return cls(registry)

    def get(self, name: str) -> Algorithm:
        try:
            return self.algorithms[name]
        except KeyError:
            allowed = ", ".join(sorted(self.algorithms))
            raise KeyError(f"unknown algorithm {name!r}; known: {allowed}") from None

    def for_task(self, task: ProblemType, n_rows: int = 0) -> list[Algorithm]:
        return [a for a in self.algorithms.values() if a.supports(task, n_rows)]

    def names(self) -> list[str]:
        return list(self.algorithms)

    def choose(self, requested: Iterable[str] | None, task: ProblemType) -> list[str]:
        """The algorithms a job runs: all for the task by default, else the requested ones, validated."""
        available = [a.name for a in self.for_task(task)]
        chosen = list(dict.fromkeys(requested or []))
        if not chosen:
            return available
        unknown = [name for name in chosen if name not in available]
        if unknown:
            raise InvalidInputError(
                f"unknown algorithm(s) for {task.value}: {', '.join(unknown)}; available: {', '.join(available)}"
            )
        return chosen
