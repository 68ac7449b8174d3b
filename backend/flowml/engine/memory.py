"""How much memory one trial needs, roughly, and how to shrink a trial that would not fit.

A worker that runs out of memory is killed by the kernel without a word; a trial that subsamples its rows still
returns a score. `estimate_trial_bytes` is an order-of-magnitude model, meant to be compared with the memory
available, not a measurement:

    estimate = BASE_BYTES + DATA_COPIES * (rows * encoded features * 8 bytes) + the algorithm's own working memory

DATA_COPIES counts the encoded training fold, the encoded validation fold and the prepared frame they come from,
and the copy most estimators make while validating their input. The algorithm's own working memory is its
`Algorithm.memory_bytes` (each family's model lives in its module, see engine/algorithms/_memory.py); an algorithm
this process does not know (a plugin it lacks) gets the generic default, two more copies, deliberately generous.

`shrink_for_memory` turns an estimate into a ShrinkPlan: float32 first, then a fraction of the rows, assuming
memory grows linearly with rows (true of the data copies; conservative for kernel SVMs, which shrink faster;
optimistic for forests capped at 15,000 leaves, so a caller can re-estimate with the planned rows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psutil

from flowml.engine.algorithms import default_registry
from flowml.engine.registry import Algorithm, generic_memory_bytes

MIB = 1 << 20
GIB = 1 << 30
FLOAT64_BYTES = 8
FLOAT32_BYTES = 4
BASE_BYTES = 64 * MIB  # interpreter scratch, per-fold temporaries, the fitted preprocessor
DATA_COPIES = 3  # prepared frame + encoded folds, and the estimator's validated copy (see the module docstring)

MEMORY_HEADROOM = 0.7  # plan to use at most this share of the available memory (other processes, fragmentation)
FLOAT32_SAVING = 0.4  # share of an estimate that float32 saves: half of the data copies, which usually dominate
MIN_ROWS = 1_000  # never shrink below this many rows: a model on fewer says little about the data


def estimate_trial_bytes(
    n_rows: int,
    n_features_after_encoding: int,
    algorithm: str | Algorithm,
    n_classes: int,
    *,
    params: Mapping[str, Any] | None = None,
) -> int:
    """Rough peak memory of one cross-validation fold of `algorithm` (an instance, or a name the default registry
    resolves; see the module docstring for the model).

    `n_features_after_encoding`: columns of the encoded matrix (one-hot, text and datetime parts counted);
    `n_classes`: 0 or 1 for regression; `params`: the trial's parameters, when known (forests read theirs).
    """
    if n_rows < 0 or n_features_after_encoding < 0:
        raise ValueError(f"rows and features must be >= 0, got {n_rows} and {n_features_after_encoding}")
    classes = max(n_classes, 1)
    data = DATA_COPIES * n_rows * n_features_after_encoding * FLOAT64_BYTES
    algo = default_registry().find(algorithm) if isinstance(algorithm, str) else algorithm
    if algo is None:
        own = generic_memory_bytes(n_rows, n_features_after_encoding)
    else:
        own = algo.memory_bytes(n_rows, n_features_after_encoding, params or {}, n_classes=classes)
    return int(BASE_BYTES + data + own)


@dataclass(frozen=True)
class ShrinkPlan:
    """How to run a trial within the memory budget: keep `n_rows` rows (a `row_fraction` sample) and maybe float32.

    `fits` is False when even MIN_ROWS rows in float32 exceed the budget: the caller should skip the trial rather
    than start it. `note` explains a shrink in words for the trial's log (None when nothing changes).
    """

    row_fraction: float
    n_rows: int
    use_float32: bool
    estimated_bytes: int  # after shrinking
    budget_bytes: int
    fits: bool
    note: str | None = None

    @property
    def shrinks(self) -> bool:
        return self.use_float32 or self.row_fraction < 1.0


def shrink_for_memory(n_rows: int, estimate: int, available_bytes: int | None = None) -> ShrinkPlan:
    """The least shrinking that brings `estimate` (bytes for all `n_rows`) under MEMORY_HEADROOM of the memory
    available (`available_bytes`, else psutil's `virtual_memory().available`): float32 first, then fewer rows."""
    available = psutil.virtual_memory().available if available_bytes is None else available_bytes
    budget = int(MEMORY_HEADROOM * available)
    if estimate <= budget:
        return ShrinkPlan(1.0, n_rows, False, estimate, budget, fits=True)
    float32_estimate = estimate * (1.0 - FLOAT32_SAVING)
    fraction = min(1.0, budget / float32_estimate)
    kept = min(n_rows, max(MIN_ROWS, math.floor(n_rows * fraction)))
    fraction = kept / n_rows if n_rows else 1.0
    after = int(float32_estimate * fraction)
    rows = f" on {kept:,} of {n_rows:,} rows ({fraction:.0%})" if kept < n_rows else ""
    note = f"memory: the trial needs about {_gib(estimate)}, {_gib(budget)} is available: training in float32{rows}"
    return ShrinkPlan(fraction, kept, True, after, budget, fits=after <= budget, note=note)


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / GIB:.1f} GiB"
