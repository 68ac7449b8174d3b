"""How much memory one trial needs, roughly, and how to shrink a trial that would not fit.

A worker that runs out of memory is killed by the kernel without a word; a trial that subsamples its rows still
returns a score. `estimate_trial_bytes` is an order-of-magnitude model, meant to be compared with the memory
available, not a measurement:

    estimate = BASE_BYTES + DATA_COPIES * (rows * encoded features * 8 bytes) + the algorithm's own working memory

DATA_COPIES counts the encoded training fold, the encoded validation fold and the prepared frame they come from,
and the copy most estimators make while validating their input. The algorithm's share (rows n, encoded features f,
classes c, with c = 1 for regression):

- forests (random_forest, extra_trees): `n_estimators` trees (from `params`, else 500, the top of the search range)
  of 2 * min(n / min_samples_leaf, 15,000 leaves) nodes, each node 64 bytes plus 8 * c for its value, and the
  float32 copy trees split on (4 * n * f). An upper bound: real trees on noisy data stop well before one row a leaf;
- decision_tree: one such tree and the float32 copy;
- histogram boosting (lightgbm, xgboost, catboost, hist_gradient_boosting): a float32 copy (4 * n * f), the binned
  matrix (1 byte per value), gradients, hessians and raw scores per class (16 * n * c), and 1,000 rounds of
  256-leaf trees per class;
- exact boosting (gradient_boosting, adaboost): the float32 copy and three per-class arrays of n scores;
- knn: a copy of the training rows and one block of distances (256 query rows * n * 8 bytes): scikit-learn
  computes neighbours in chunks, so memory is O(n) although time is O(n^2);
- kernel SVMs (svm, svr): the Gram matrix, O(n^2): n * n * 8 bytes, bounded by libsvm's 200 MiB kernel cache;
- liblinear models (linear_svc, linear_svr): two copies (liblinear stores index/value pairs, 16 bytes per value);
- other linear models and mlp: one copy; naive_bayes: none;
- any other name (a plugin): two copies, a deliberately generous guess.

`shrink_for_memory` turns an estimate into a ShrinkPlan: float32 first, then a fraction of the rows, assuming
memory grows linearly with rows (true of the data copies; conservative for kernel SVMs, which shrink faster;
optimistic for forests capped at 15,000 leaves, so a caller can re-estimate with the planned rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psutil

MIB = 1 << 20
GIB = 1 << 30
FLOAT64_BYTES = 8
FLOAT32_BYTES = 4
BASE_BYTES = 64 * MIB  # interpreter scratch, per-fold temporaries, the fitted preprocessor
DATA_COPIES = 3  # prepared frame + encoded folds, and the estimator's validated copy (see the module docstring)

FOREST_TREES = 500  # the top of the forests' search range: the estimate is an upper bound
FOREST_MAX_LEAVES = 15_000  # forests.py caps leaves per tree at this (max_leaf_nodes)
TREE_NODE_BYTES = 64  # scikit-learn's Node struct, padded
BOOSTING_ROUNDS = 1_000  # the top of the boosting search ranges
BOOSTING_LEAVES = 256
BOOSTING_NODE_BYTES = 64
KNN_CHUNK_ROWS = 256  # query rows per distance block in scikit-learn's pairwise-distance reductions
SVM_KERNEL_CACHE_BYTES = 200 * MIB  # scikit-learn's default SVC/SVR cache_size

MEMORY_HEADROOM = 0.7  # plan to use at most this share of the available memory (other processes, fragmentation)
FLOAT32_SAVING = 0.4  # share of an estimate that float32 saves: half of the data copies, which usually dominate
MIN_ROWS = 1_000  # never shrink below this many rows: a model on fewer says little about the data

Params = Mapping[str, Any]
_ExtraBytes = Callable[[int, int, int, Params], float]  # (rows, encoded features, classes or 1, params) -> bytes


def _copies(n: float) -> _ExtraBytes:
    return lambda rows, features, classes, params: n * rows * features * FLOAT64_BYTES


def _trees(default_trees: int) -> _ExtraBytes:
    def extra(rows: int, features: int, classes: int, params: Params) -> float:
        n_trees = int(params.get("n_estimators", default_trees))
        leaves = min(rows / max(int(params.get("min_samples_leaf", 1)), 1), FOREST_MAX_LEAVES)
        nodes = 2 * leaves
        return n_trees * nodes * (TREE_NODE_BYTES + FLOAT64_BYTES * classes) + rows * features * FLOAT32_BYTES

    return extra


def _histogram_boosting(rows: int, features: int, classes: int, params: Params) -> float:
    trees = BOOSTING_ROUNDS * classes * 2 * BOOSTING_LEAVES * BOOSTING_NODE_BYTES
    return rows * features * (FLOAT32_BYTES + 1) + 16 * rows * classes + trees


def _exact_boosting(rows: int, features: int, classes: int, params: Params) -> float:
    return rows * features * FLOAT32_BYTES + 3 * rows * classes * FLOAT64_BYTES


def _knn(rows: int, features: int, classes: int, params: Params) -> float:
    return rows * features * FLOAT64_BYTES + min(rows, KNN_CHUNK_ROWS) * rows * FLOAT64_BYTES


def _kernel_svm(rows: int, features: int, classes: int, params: Params) -> float:
    return min(float(rows) * rows * FLOAT64_BYTES, SVM_KERNEL_CACHE_BYTES) + rows * features * FLOAT64_BYTES


_ALGORITHM_BYTES: dict[str, _ExtraBytes] = {
    "random_forest": _trees(FOREST_TREES),
    "extra_trees": _trees(FOREST_TREES),
    "decision_tree": _trees(1),
    "lightgbm": _histogram_boosting,
    "xgboost": _histogram_boosting,
    "catboost": _histogram_boosting,
    "hist_gradient_boosting": _histogram_boosting,
    "gradient_boosting": _exact_boosting,
    "adaboost": _exact_boosting,
    "knn": _knn,
    "svm": _kernel_svm,
    "svr": _kernel_svm,
    "linear_svc": _copies(2),
    "linear_svr": _copies(2),
    "logistic_regression": _copies(1),
    "ridge": _copies(1),
    "lasso": _copies(1),
    "elastic_net": _copies(1),
    "huber": _copies(1),
    "mlp": _copies(1),
    "naive_bayes": _copies(0),
}
_UNKNOWN_ALGORITHM_BYTES = _copies(2)


def estimate_trial_bytes(
    n_rows: int,
    n_features_after_encoding: int,
    algorithm_name: str,
    n_classes: int,
    *,
    params: Mapping[str, Any] | None = None,
) -> int:
    """Rough peak memory of one cross-validation fold of `algorithm_name` (see the module docstring for the model).

    `n_features_after_encoding`: columns of the encoded matrix (one-hot, text and datetime parts counted);
    `n_classes`: 0 or 1 for regression; `params`: the trial's parameters, when known (forests read theirs).
    """
    if n_rows < 0 or n_features_after_encoding < 0:
        raise ValueError(f"rows and features must be >= 0, got {n_rows} and {n_features_after_encoding}")
    classes = max(n_classes, 1)
    data = DATA_COPIES * n_rows * n_features_after_encoding * FLOAT64_BYTES
    extra_bytes = _ALGORITHM_BYTES.get(algorithm_name, _UNKNOWN_ALGORITHM_BYTES)
    extra = extra_bytes(n_rows, n_features_after_encoding, classes, params or {})
    return int(BASE_BYTES + data + extra)


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
