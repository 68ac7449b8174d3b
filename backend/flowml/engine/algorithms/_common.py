"""Small helpers shared by the algorithm modules: task sets, target standardization, and what the
boosted-tree wrappers (LightGBM, XGBoost, CatBoost) share: their own parameters, early stopping and budget checks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler

from flowml.engine.deadline import Deadline
from flowml.engine.registry import FitContext
from flowml.engine.space import Choice
from flowml.engine.types import ProblemType

CLASSIFICATION: frozenset[ProblemType] = frozenset({ProblemType.BINARY, ProblemType.MULTICLASS})
REGRESSION: frozenset[ProblemType] = frozenset({ProblemType.REGRESSION})
ALL_TASKS: frozenset[ProblemType] = CLASSIFICATION | REGRESSION

# None rather than a string so the value goes straight to scikit-learn's `class_weight`.
CLASS_WEIGHTS: list[Choice] = [None, "balanced"]

# Early stopping: below MIN_ROWS_EARLY_STOPPING training rows a 10% validation part (< 20 rows) is too noisy to
# choose the number of rounds, and too costly to hold out; those fits run the configured rounds.
MIN_ROWS_EARLY_STOPPING = 200
VALIDATION_FRACTION = 0.1
N_ITER_NO_CHANGE = 50
# The deadline and cancel file are read at most this often inside a training loop.
CHECK_SECONDS = 0.25


def standardized_target(regressor: Any) -> TransformedTargetRegressor:
    """Fit `regressor` on a standardized target and map predictions back.

    Regularization strengths (alpha, C, epsilon) and neural-net step sizes are only meaningful relative to the
    target's scale; standardizing it lets one search range serve targets in cents and in millions.
    """
    return TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler())


class RoundGuard:
    """Checks the deadline and the cancel file from inside a boosting loop, cheaply.

    `check()` is called every round; it reads the monotonic clock and only every CHECK_SECONDS the deadline (a
    `time.time()`) and the cancel file (one stat), raising `BudgetExhausted` or `Cancelled`.
    """

    def __init__(self, deadline: float | None, cancel_path: str | None) -> None:
        self._deadline = Deadline(math.inf if deadline is None else deadline, cancel_path)
        self._next_check = 0.0

    def check(self) -> None:
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + CHECK_SECONDS
            self._deadline.check()


class BoostingOptions:
    """What FlowML adds to a boosting library's scikit-learn estimator, as ordinary constructor parameters.

    - `n_categorical`: the first this many input columns are integer category codes (-1 = missing or unseen).
    - `validation_fraction`, `n_iter_no_change`: with at least MIN_ROWS_EARLY_STOPPING rows and no `eval_set` from
      the caller, `fit` holds out that fraction of its rows (stratified for classifiers, seeded) and stops after
      `n_iter_no_change` rounds without improvement of the library's default loss on it; the model keeps its best
      round. `n_iter_no_change=None` turns early stopping off (the configured rounds always run).
    - `deadline` (Unix time), `cancel_path`: checked while training; `fit` raises `BudgetExhausted` / `Cancelled`.

    A mixin listed first among the bases, so its `__init__` is the one scikit-learn reads parameter names from;
    the libraries' `get_params` add their own parameters, so `clone` and `set_params` see both.
    """

    OWN_PARAMS: ClassVar[tuple[str, ...]] = (
        "n_categorical",
        "validation_fraction",
        "n_iter_no_change",
        "deadline",
        "cancel_path",
    )
    stratify: ClassVar[bool] = False  # classifiers stratify the validation rows by class

    def __init__(
        self,
        *,
        n_categorical: int = 0,
        validation_fraction: float = VALIDATION_FRACTION,
        n_iter_no_change: int | None = N_ITER_NO_CHANGE,
        deadline: float | None = None,
        cancel_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.n_categorical = n_categorical
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.deadline = deadline
        self.cancel_path = cancel_path

    def _options(self) -> dict[str, Any]:
        """The BoostingOptions parameters and their values."""
        return {name: getattr(self, name) for name in self.OWN_PARAMS}

    def _start_guard(self) -> RoundGuard | None:
        """This fit's round guard, after one check up front (a past deadline never starts training)."""
        if self.deadline is None and self.cancel_path is None:
            return None
        guard = RoundGuard(self.deadline, self.cancel_path)
        guard.check()
        return guard

    def _early_stopping(self, y: Any, seed: int | None) -> HeldOut | None:
        """How this fit stops early, or None when early stopping is off or there are too few rows."""
        if not self.n_iter_no_change or len(y) < MIN_ROWS_EARLY_STOPPING:
            return None
        train, valid = validation_split(np.asarray(y), self.validation_fraction, seed=seed, stratify=self.stratify)
        if not len(valid):  # only tiny classes: nothing to hold out
            return None
        return HeldOut(train, valid, self.n_iter_no_change)


@dataclass(frozen=True)
class HeldOut:
    """Early stopping for one fit: train on rows `train`, stop after `patience` rounds without gain on `valid`."""

    train: np.ndarray
    valid: np.ndarray
    patience: int


def validation_split(
    y: np.ndarray, fraction: float, *, seed: int | None, stratify: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (training, validation) row indices with about `fraction` of the rows held out.

    Stratified: each class gives round(fraction * its rows) but always keeps at least one row in training, so the
    model sees every class (XGBoost refuses labels with gaps; a missing class would shrink `predict_proba`).
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    if not stratify:
        held = order[: max(1, round(fraction * len(y)))]
    else:
        grouped = order[np.argsort(y[order], kind="stable")]  # by class, random within a class
        _, starts, counts = np.unique(y[grouped], return_index=True, return_counts=True)
        takes = np.minimum(np.round(fraction * counts).astype(np.int64), counts - 1)
        held = np.concatenate([grouped[s : s + t] for s, t in zip(starts, takes, strict=True)])
    mask = np.zeros(len(y), dtype=bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def rows(data: Any, index: np.ndarray) -> Any:
    """`data[index]` for numpy arrays and pandas frames alike (None stays None)."""
    if data is None:
        return None
    return data.iloc[index] if hasattr(data, "iloc") else np.asarray(data)[index]


def boosting_options(context: FitContext) -> dict[str, Any]:
    """The BoostingOptions parameters that carry a fit's context."""
    return {"n_categorical": context.n_categorical, "deadline": context.deadline, "cancel_path": context.cancel_path}
