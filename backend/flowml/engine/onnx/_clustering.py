"""Converters for clustering models (engine/clustering/model.py): ClusterModel and its native-assignment wrapper.

A ClusterModel converts as its `predictor_`: the optional PCA (skl2onnx's converter), then the assigner:
- a clusterer with its own predict (k-means, a mixture), wrapped in `_NativeOrdered`: skl2onnx's converter for the
  clusterer, its ids mapped to the size order with a constant table (Gather), its scores' columns put in that order;
- the KNeighborsClassifier of the nearest-centroid and kNN assigners: the neighbour vote built here
  (`neighbor_vote`; skl2onnx's converter gets distance weights wrong).

Outputs: `label` (int64 [N], the cluster id) and, only for a probabilistic model, `probabilities` (float32 [N, k]
in cluster-id order); the parser declares just those, so the graph carries nothing the native model does not answer.

The assignment computes in float64 (the preprocessed float32 matrix is cast up once): with nearly collinear columns
a mixture's precisions are large, and float32 arithmetic there left ~1e-5 between the memberships where float64
leaves ~1e-6, a margin well inside the parity tolerance of 1e-4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from skl2onnx._supported_operators import sklearn_operator_name_map
from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
from skl2onnx.algebra.onnx_ops import (
    OnnxAdd,
    OnnxArgMax,
    OnnxCast,
    OnnxConcat,
    OnnxDiv,
    OnnxEqual,
    OnnxGather,
    OnnxIdentity,
    OnnxMatMul,
    OnnxMax,
    OnnxMin,
    OnnxMul,
    OnnxReciprocal,
    OnnxReduceSumApi11,
    OnnxReduceSumSquareApi18,
    OnnxReshapeApi13,
    OnnxSqrt,
    OnnxSub,
    OnnxTopK_11,
    OnnxUnsqueezeApi11,
)
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, Int64TensorType
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from flowml.engine.clustering.model import ClusterModel, _NativeOrdered

# Distances below this are a training row met again (see `neighbor_vote`).
ZERO_DISTANCE = 1e-6
# The kNN vote holds a few float64 [rows, training rows] matrices at once; serving feeds the graph at most this
# many cells a run (64 MB each), so a large batch file cannot take the server's memory (scikit-learn chunks too).
MAX_DISTANCE_CELLS = 2**23


def cluster_model_parser(scope: Any, model: ClusterModel, inputs: list[Any], custom_parsers: Any = None) -> list[Any]:
    """A ClusterModel's outputs: the label, and the probabilities when the model has them."""
    operator = scope.declare_local_operator(sklearn_operator_name_map[type(model)], model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("label", Int64TensorType()))
    if model.probabilistic:
        operator.outputs.append(scope.declare_local_variable("probabilities", FloatTensorType()))
    return list(operator.outputs)


def cluster_model_shape(operator: Any) -> None:
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = Int64TensorType([n_rows])
    if len(operator.outputs) > 1:
        operator.outputs[1].type = FloatTensorType([n_rows, int(operator.raw_operator.n_clusters_)])


def cluster_model_convert(scope: Any, operator: Any, container: Any) -> None:
    """PCA (when fitted) and the assigner on the float64 matrix; the label, and float32 probabilities."""
    model: ClusterModel = operator.raw_operator
    version = container.target_opset
    inputs = list(operator.inputs)
    merged = inputs[0] if len(inputs) == 1 else OnnxConcat(*inputs, axis=1, op_version=version)
    data: Any = OnnxCast(merged, to=TensorProto.DOUBLE, op_version=version)
    predictor = model.predictor_
    steps = [step for _, step in predictor.steps] if isinstance(predictor, Pipeline) else [predictor]
    for step in steps[:-1]:  # the PCA
        data = OnnxSubEstimator(step, data, op_version=version, input_types=[_matrix(step.n_features_in_)])
    assigner = steps[-1]
    width = model.clusterer_.n_features_in_  # what the clusterer saw: the assigner's input
    if isinstance(assigner, KNeighborsClassifier):
        label, proba = neighbor_vote(assigner, data, version)
    else:
        assigned = OnnxSubEstimator(assigner, data, op_version=version, input_types=[_matrix(width)])
        label, proba = assigned[0], assigned[1]
    outputs = operator.outputs
    OnnxIdentity(label, op_version=version, output_names=outputs[:1]).add_to(scope, container)
    if len(outputs) > 1:
        OnnxCast(proba, to=TensorProto.FLOAT, op_version=version, output_names=outputs[1:2]).add_to(scope, container)


def neighbor_vote(knn: KNeighborsClassifier, rows: Any, version: int) -> tuple[Any, Any]:
    """`knn.predict` and `knn.predict_proba` (Euclidean, uniform or distance weights) on float64 `rows`.

    Built here because skl2onnx's converter negates the distances it weighs by (every weight becomes 1e6: a plain
    majority vote). A query closer to a training row than ZERO_DISTANCE counts as that row itself, which
    scikit-learn then gives all the weight (the preprocessing's float32 leaves ~1e-7 where it sees exactly 0).
    """
    if knn.effective_metric_ != "euclidean":
        raise NotImplementedError(f"a nearest-neighbour assigner with metric {knn.effective_metric_!r}")
    train = np.asarray(knn._fit_X, dtype=np.float64)
    codes = np.asarray(knn._y, dtype=np.int64)  # each training row's index into classes_
    cross = OnnxMatMul(rows, train.T, op_version=version)
    own = OnnxReduceSumSquareApi18(rows, axes=[1], keepdims=1, op_version=version)
    squared = OnnxAdd(
        OnnxSub(own, OnnxMul(cross, np.array([2.0]), op_version=version), op_version=version),
        (train**2).sum(axis=1)[np.newaxis, :],
        op_version=version,
    )
    distance = OnnxSqrt(OnnxMax(squared, np.array([0.0]), op_version=version), op_version=version)
    k = np.array([knn.n_neighbors], dtype=np.int64)
    nearest = OnnxTopK_11(distance, k, largest=0, sorted=1, op_version=11)
    neighbors = OnnxUnsqueezeApi11(OnnxGather(codes, nearest[1], op_version=version), axes=[2], op_version=version)
    classes = np.arange(len(knn.classes_), dtype=np.int64)
    votes: Any = OnnxCast(OnnxEqual(neighbors, classes, op_version=version), to=TensorProto.DOUBLE, op_version=version)
    if knn.weights == "distance":
        weight = OnnxReciprocal(OnnxMax(nearest[0], np.array([ZERO_DISTANCE]), op_version=version), op_version=version)
        votes = OnnxMul(votes, OnnxUnsqueezeApi11(weight, axes=[2], op_version=version), op_version=version)
    elif knn.weights != "uniform":
        raise NotImplementedError(f"a nearest-neighbour assigner weighted by {knn.weights!r}")
    total = OnnxReduceSumApi11(votes, axes=[1], keepdims=0, op_version=version)
    norm = OnnxReduceSumApi11(total, axes=[1], keepdims=1, op_version=version)
    proba = OnnxDiv(total, norm, op_version=version)
    best = OnnxArgMax(total, axis=1, keepdims=0, op_version=version)
    label = OnnxGather(np.asarray(knn.classes_, dtype=np.int64), best, op_version=version)
    return label, proba


def rows_per_run(pipeline: Any) -> int | None:
    """The most rows one graph run should take (`_schema` metadata): bounded for a kNN assigner, else None."""
    model = pipeline.steps[-1][1] if isinstance(pipeline, Pipeline) else None
    if not isinstance(model, ClusterModel):
        return None
    predictor = model.predictor_
    assigner = predictor.steps[-1][1] if isinstance(predictor, Pipeline) else predictor
    if not isinstance(assigner, KNeighborsClassifier):
        return None
    return max(1, MAX_DISTANCE_CELLS // int(assigner.n_samples_fit_))


def _matrix(width: int) -> DoubleTensorType:
    """A float64 [N, width] input (shape calculators check that it is 2-D, some its width)."""
    return DoubleTensorType([None, int(width)])


def native_ordered_shape(operator: Any) -> None:
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = Int64TensorType([n_rows])
    score_type = type(operator.inputs[0].type)
    operator.outputs[1].type = score_type([n_rows, len(operator.raw_operator.order)])


def native_ordered_convert(scope: Any, operator: Any, container: Any) -> None:
    """The clusterer's own graph, its label looked up in the size order and its scores' columns reordered.

    As `_NativeOrdered.predict` does, a raw id without a cluster (a component no training row chose) becomes 0.
    """
    wrapper: _NativeOrdered = operator.raw_operator
    version = container.target_opset
    clusterer = wrapper.estimator
    raw = OnnxSubEstimator(
        clusterer, operator.inputs[0], op_version=version, input_types=[_matrix(clusterer.n_features_in_)]
    )
    table, columns = label_table(wrapper.order)
    # The mixture converter's label is [N, 1]; ours is [N] like every other label.
    flat = OnnxReshapeApi13(raw[0], np.array([-1], dtype=np.int64), op_version=version)
    index = OnnxMin(flat, np.array([len(table) - 1], dtype=np.int64), op_version=version)
    label = OnnxGather(table, index, op_version=version, output_names=operator.outputs[:1])
    label.add_to(scope, container)
    scores = OnnxGather(raw[1], columns, axis=1, op_version=version, output_names=operator.outputs[1:2])
    scores.add_to(scope, container)


class MainOpset:
    """A skl2onnx operator whose `target_opset` is the main domain's version (the container's number).

    skl2onnx's mixture converter compares `operator.target_opset` with an int on float64 inputs, but the operator
    carries the per-domain dict FlowML converts with (`_graph.TARGET_OPSET`); everything else is the operator's.
    """

    def __init__(self, operator: Any, target_opset: int) -> None:
        self._operator = operator
        self.target_opset = target_opset

    def __getattr__(self, name: str) -> Any:
        return getattr(self._operator, name)


def label_table(order: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(table, columns): `table[raw id]` is the ordered id (0 for an id without a cluster; its last entry catches
    every raw id beyond), `columns[ordered id]` the raw id whose score column it takes."""
    table = np.zeros(max(order, default=-1) + 2, dtype=np.int64)
    for raw_id, ordered in order.items():
        table[raw_id] = ordered
    columns = np.array([raw_id for raw_id, _ in sorted(order.items(), key=lambda pair: pair[1])], dtype=np.int64)
    return table, columns
