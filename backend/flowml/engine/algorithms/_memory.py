"""Working-memory models the built-in families share (each algorithm's `memory_bytes` picks one).

Rows n, encoded features f, classes c (1 for regression); bytes, as an order of magnitude (see engine/memory.py for
the data copies every trial pays on top of these):

- trees: `n_estimators` trees (from the params, else the top of the search range) of 2 * min(n / min_samples_leaf,
  15,000 leaves) nodes, each node 64 bytes plus 8 * c for its value, and the float32 copy trees split on (4 * n * f).
  An upper bound: real trees on noisy data stop well before one row a leaf;
- histogram boosting: a float32 copy (4 * n * f), the binned matrix (1 byte per value), gradients, hessians and raw
  scores per class (16 * n * c), and 1,000 rounds of 256-leaf trees per class;
- exact boosting: the float32 copy and three per-class arrays of n scores;
- copies: k copies of the float64 matrix (liblinear stores index/value pairs: 2; most linear models and the MLP: 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FLOAT64_BYTES = 8
FLOAT32_BYTES = 4
MAX_LEAVES = 15_000  # the forests' cap on leaves per tree (their max_leaf_nodes), also bounding one tree's estimate
TREE_NODE_BYTES = 64  # scikit-learn's Node struct, padded
BOOSTING_ROUNDS = 1_000  # the top of the boosting search ranges
BOOSTING_LEAVES = 256
BOOSTING_NODE_BYTES = 64


def copies_bytes(k: float, n_rows: int, n_cols: int) -> float:
    return k * n_rows * n_cols * FLOAT64_BYTES


def trees_bytes(n_rows: int, n_cols: int, n_classes: int, params: Mapping[str, Any], *, default_trees: int) -> float:
    n_trees = int(params.get("n_estimators", default_trees))
    leaves = min(n_rows / max(int(params.get("min_samples_leaf", 1)), 1), MAX_LEAVES)
    nodes = 2 * leaves
    return n_trees * nodes * (TREE_NODE_BYTES + FLOAT64_BYTES * n_classes) + n_rows * n_cols * FLOAT32_BYTES


def histogram_boosting_bytes(n_rows: int, n_cols: int, n_classes: int) -> float:
    trees = BOOSTING_ROUNDS * n_classes * 2 * BOOSTING_LEAVES * BOOSTING_NODE_BYTES
    return n_rows * n_cols * (FLOAT32_BYTES + 1) + 16 * n_rows * n_classes + trees


def exact_boosting_bytes(n_rows: int, n_cols: int, n_classes: int) -> float:
    return n_rows * n_cols * FLOAT32_BYTES + 3 * n_rows * n_classes * FLOAT64_BYTES
