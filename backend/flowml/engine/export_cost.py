"""How long an ONNX export will take, estimated before starting it.

The tree converters (skl2onnx, onnxmltools) walk every node in Python, so a large forest can take longer to export
than to fit: 750k nodes of extra trees took 13 s on the 2-core development machine. The export cannot be
interrupted, so the final fit asks this estimate first and skips the export when it would overrun the budget, and
the search keeps time for it in its reserve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Measured on the 2-core development machine (benchmarks/README.md has the command): skl2onnx and onnxmltools
# build about 55k tree nodes a second; the margin covers a slower or busier machine.
SECONDS_PER_NODE = 25e-6
# Graph assembly, serialization, the ONNX Runtime session and the parity check, for a model with no trees.
FIXED_SECONDS = 1.5
LIGHTGBM_WEIGHT = 3


def export_seconds(model: Any) -> float:
    """Estimated seconds to export `model` (a FlowMLModel, an ensemble of them, or a bare estimator)."""
    return FIXED_SECONDS + SECONDS_PER_NODE * tree_nodes(model)


def tree_nodes(model: Any) -> int:
    """Decision nodes plus leaves over every tree in `model` (LightGBM's weighted, see `_booster`); 0 for a model
    without trees."""
    members = getattr(model, "members", None)
    if members is not None:  # an EnsembleModel
        return sum(tree_nodes(member) for member in members)
    pipeline = getattr(model, "pipeline", None)
    if pipeline is not None:  # a FlowMLModel
        return tree_nodes(pipeline)
    steps = getattr(model, "steps", None)
    if steps is not None:  # a scikit-learn Pipeline: the estimator is the last step
        return tree_nodes(steps[-1][1])
    return _estimator_nodes(model)


def _estimator_nodes(estimator: Any) -> int:
    tree = getattr(estimator, "tree_", None)
    if tree is not None:  # a scikit-learn decision tree
        return int(tree.node_count)
    booster = _booster(estimator)
    if booster is not None:
        return booster
    predictors = getattr(estimator, "_predictors", None)
    if predictors is not None:  # HistGradientBoosting: one list of predictors per iteration
        return sum(len(p.nodes) for per_iteration in predictors for p in per_iteration)
    estimators = getattr(estimator, "estimators_", None)
    if estimators is not None:  # forests, gradient boosting (a 2-D array of trees), AdaBoost, bagging
        return sum(_estimator_nodes(e) for e in _flatten(estimators))
    return 0


def _booster(estimator: Any) -> int | None:
    """LightGBM and XGBoost: count from the native model's text dump, without converting it."""
    booster = getattr(estimator, "_Booster", None)  # set by both libraries' scikit-learn wrappers once fitted
    if booster is None:
        return None
    if type(booster).__module__.startswith("lightgbm"):
        # A tree with n leaves has 2n - 1 nodes; onnxmltools' LightGBM converter is two to four times as slow per
        # node as the others (slowest with categorical splits: adult's 83k nodes took 8.5 s), so its nodes count
        # three times.
        leaves = re.findall(r"^num_leaves=(\d+)$", booster.model_to_string(), flags=re.MULTILINE)
        return LIGHTGBM_WEIGHT * sum(2 * int(n) - 1 for n in leaves)
    try:
        dump = booster.get_dump()
    except Exception:  # a linear booster: no trees to count
        return None
    return sum(text.count("\n") for text in dump)


def _flatten(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        if isinstance(item, list | tuple) or getattr(item, "ndim", 0) >= 1:
            yield from _flatten(item)
        else:
            yield item
