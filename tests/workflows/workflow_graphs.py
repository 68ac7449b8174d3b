"""Graphs and dataset facts the workflow tests share: a titanic pipeline as the canvas would save it, and the
columns of the real titanic fixture (tests/fixtures/datasets/titanic.csv), read from its header."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flowml.engine.algorithms import builtin_registry
from flowml.engine.preprocessor import Preprocessors
from flowml.engine.preprocessors import builtin_preprocessors
from flowml.engine.registry import AlgorithmOrigin, Registry

REPO = Path(__file__).resolve().parents[2]
TITANIC = REPO / "tests" / "fixtures" / "datasets" / "titanic.csv"
PLUGIN_SOURCE = REPO / "examples" / "flowml-plugin-example" / "src"
TITANIC_ID = "ds-titanic"


def titanic_columns() -> list[str]:
    with TITANIC.open(newline="") as handle:
        return next(csv.reader(handle))


class ColumnsByDataset:
    """DatasetFacts over a fixed set of datasets, as one caller sees them (the others are invisible: None)."""

    def __init__(self, columns: dict[str, list[str]]) -> None:
        self._columns = columns
        self.asked: list[str] = []

    def columns(self, dataset_id: str) -> list[str] | None:
        self.asked.append(dataset_id)
        return self._columns.get(dataset_id)


def titanic_facts() -> ColumnsByDataset:
    return ColumnsByDataset({TITANIC_ID: titanic_columns()})


def node(node_id: str, node_type: str, settings: dict[str, Any] | None = None, **data: Any) -> dict[str, Any]:
    """A node as React Flow saves it (with UI fields of its own that the server ignores)."""
    content: dict[str, Any] = {**data}
    if settings is not None:
        content["settings"] = settings
    return {
        "id": node_id,
        "type": node_type,
        "position": {"x": 10.0 * len(node_id), "y": 20.0},
        "data": content,
        "width": 180,
        "selected": False,
    }


def edge(
    source: str, source_handle: str, target: str, target_handle: str, edge_id: str | None = None
) -> dict[str, str]:
    return {
        "id": edge_id or f"xy-edge__{source}{source_handle}-{target}{target_handle}",
        "source": source,
        "sourceHandle": source_handle,
        "target": target,
        "targetHandle": target_handle,
    }


def titanic_graph() -> dict[str, Any]:
    """The issue's acceptance pipeline: Dataset -> Split (0.8) -> Preprocessing -> {logistic regression, AutoML 30 s}
    -> Evaluation, and a ROC chart of the first model."""
    return {
        "version": 1,
        "nodes": [
            node("data", "dataset", {"dataset_id": TITANIC_ID, "target": "survived"}, label="Titanic"),
            node("split", "split", {"test_size": 0.2, "stratify": True, "seed": 7}),
            node("prep", "preprocessing", {"drop": ["name", "ticket"], "scaling": "standard"}),
            node("logreg", "model", {"mode": "single", "algorithm": "logistic_regression", "params": {"C": 2.0}}),
            node("automl", "model", {"mode": "automl", "time_budget_s": 30, "metric": "roc_auc"}),
            node("eval", "evaluation", {"metrics": ["roc_auc", "accuracy"]}),
            node("roc", "visualization", {"kind": "roc"}),
        ],
        "edges": [
            edge("data", "table", "split", "table"),
            edge("split", "train", "prep", "train"),
            edge("split", "test", "prep", "test"),
            edge("prep", "train", "logreg", "train"),
            edge("prep", "train", "automl", "train"),
            edge("logreg", "model", "eval", "model"),
            edge("automl", "model", "eval", "model"),
            edge("prep", "test", "eval", "test"),
            edge("logreg", "model", "roc", "model"),
            edge("prep", "test", "roc", "test"),
        ],
    }


def builtins() -> tuple[Registry, Preprocessors]:
    return builtin_registry(), builtin_preprocessors()


@contextmanager
def example_plugin() -> Iterator[tuple[Registry, Preprocessors]]:
    """The built-ins plus the example plugin's algorithm and preprocessor (examples/flowml-plugin-example, imported
    from its source as an installed plugin would be), as a registry the way engine/plugins.py merges them."""
    sys.path.insert(0, str(PLUGIN_SOURCE))
    try:
        from flowml_plugin_example import QuantileClipPreprocessor, RandomFeaturesAlgorithm

        origin = AlgorithmOrigin(source="plugin", package="flowml-plugin-example", version="0.1.0")
        plugin = Registry.of([RandomFeaturesAlgorithm()], origin=origin)
        clip = QuantileClipPreprocessor()
        clip.origin = origin  # what engine/plugins.py records for a plugin's preprocessor
        steps = Preprocessors.merged(builtin_preprocessors(), Preprocessors.of([clip]))
        yield Registry.merged(builtin_registry(), plugin), steps
    finally:
        sys.path.remove(str(PLUGIN_SOURCE))
