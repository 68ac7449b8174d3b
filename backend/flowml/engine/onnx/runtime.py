"""Serve an exported graph with ONNX Runtime: the same outputs as FlowMLModel, without unpickling anything.

Inputs: `predict(df)` / `predict_proba(df)` take raw frames and cast them with `prepare_X` and the column kinds
stored in the graph (exactly what `FlowMLModel.prepare` does, minus its unseen-category warnings, which the serving
code gets from validating against the card). `*_prepared(X)` take a frame that already went through
`FlowMLModel.prepare` / `OnnxPredictor.prepare`. Columns the graph does not use are ignored.

Outputs: predictions are original labels (an array of `classes` values), cluster ids for a clustering model, or
float64 numbers for regression; the probabilities are float64 [N, k] in `classes` order, None for regression and
for a clustering model without memberships (all but mixtures). A binary graph with a decision threshold baked in
(onnx/threshold.py) labels by it; `decision_threshold` says which (None: the argmax).

Thread safety: one predictor may serve concurrent requests (`InferenceSession.run` is thread safe). Each call runs
on the calling thread only (intra_op_num_threads=1), so a worker's parallelism is its number of threads/processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pandas as pd

from flowml.engine.onnx._schema import (
    LABEL_OUTPUT,
    PROBABILITIES_OUTPUT,
    VARIABLE_OUTPUT,
    GraphInfo,
    read_metadata,
)
from flowml.engine.onnx.threshold import THRESHOLD_METADATA
from flowml.engine.preprocessing import prepare_X
from flowml.engine.types import FeaturePlan, ProblemType


def create_session(model: bytes | str | Path) -> ort.InferenceSession:
    """An ONNX Runtime session on the CPU provider, one thread per call, all graph optimizations."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


class OnnxPredictor:
    """An exported FlowML graph loaded in ONNX Runtime (CPU, one thread per call)."""

    def __init__(self, model: bytes | str | Path, *, classes: Sequence[Any] | None = None) -> None:
        """`model`: the graph's bytes or a path to model.onnx. `classes` overrides the labels stored in the graph
        (pass the card's when a label type does not survive JSON, e.g. a date)."""
        self._session = create_session(model)
        metadata = self._session.get_modelmeta().custom_metadata_map
        self.info: GraphInfo = read_metadata(metadata)
        threshold = metadata.get(THRESHOLD_METADATA)
        self.decision_threshold: float | None = float(threshold) if threshold is not None else None
        self.classes: list[Any] | None = list(classes) if classes is not None else self.info.classes
        used = {graph_input.name for graph_input in self._session.get_inputs()}
        self._inputs = [column for column in self.info.inputs if column.name in used]
        # Classifiers and clustering models answer a `label` indexing `classes` (cluster ids index 0..k-1).
        labelled = self.problem_type.is_classification or self.problem_type is ProblemType.CLUSTERING
        if labelled and not self.classes:
            raise ValueError("a classifier or clustering graph without classes: pass `classes` (the card's)")
        produced = {output.name for output in self._session.get_outputs()}
        if labelled:
            probabilities = [PROBABILITIES_OUTPUT] if PROBABILITIES_OUTPUT in produced else []
            self._outputs = [LABEL_OUTPUT, *probabilities]
        else:
            self._outputs = [VARIABLE_OUTPUT]
        self._labels = np.asarray(self.classes) if labelled else None

    @property
    def problem_type(self) -> ProblemType:
        return self.info.problem_type

    @property
    def plan(self) -> FeaturePlan:
        return self.info.plan

    def prepare(self, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        """`prepare_X` with the graph's column kinds: the frame `*_prepared` take, and its warnings."""
        return prepare_X(df, self.info.plan)

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        return self.predict_prepared(self.prepare(df)[0])

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray | None:
        return self.predict_proba_prepared(self.prepare(df)[0])

    def predict_prepared(self, X: pd.DataFrame) -> np.ndarray:
        return self.run_prepared(X)[0]

    def predict_proba_prepared(self, X: pd.DataFrame) -> np.ndarray | None:
        return self.run_prepared(X)[1]

    @property
    def has_probabilities(self) -> bool:
        """Whether the graph answers probabilities (classifiers, mixture clustering models)."""
        return PROBABILITIES_OUTPUT in self._outputs

    def run_prepared(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        """Predictions and probabilities (None when the graph has none); in runs of at most the graph's
        `rows_per_run` rows when it names one (a kNN clustering graph's memory grows with the rows of a run)."""
        step = self.info.rows_per_run
        if step is None or len(X) <= step:
            return self._run(X)
        parts = [self._run(X.iloc[start : start + step]) for start in range(0, len(X), step)]
        labels = np.concatenate([part[0] for part in parts])
        probabilities = [part[1] for part in parts if part[1] is not None]
        return labels, np.concatenate(probabilities) if probabilities else None

    def _run(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        feeds = {column.name: column.values(X) for column in self._inputs}
        results = self._session.run(self._outputs, feeds)
        if self._labels is None:
            return np.asarray(results[0], dtype=np.float64).ravel(), None
        codes = np.asarray(results[0], dtype=np.int64).ravel()
        proba = np.asarray(results[1], dtype=np.float64) if len(results) > 1 else None
        return self._labels[codes], proba
