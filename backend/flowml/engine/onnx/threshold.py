"""Bake a binary model's decision threshold into its ONNX graph, so the downloaded file predicts as FlowML does.

The exported graph's `label` is the most likely class (an argmax). With a threshold t the graph is rewritten so
that `label = int64(probabilities[:, 1] >= t)`: the original label output is kept inside the graph under
`ARGMAX_LABEL` (its producing node also computes the probabilities, so it cannot be dropped), and three nodes
named `flowml_threshold_*` compute the new label. t is also recorded in the metadata (`flowml.decision_threshold`)
so a consumer can read it. `with_threshold(graph, None)` undoes the rewrite exactly, and rewriting an already
rewritten graph first undoes the previous one: the result depends only on the original graph and t.

The comparison runs in float32 (the graph's probabilities are float32), so a row whose probability is within
~1e-7 of t may fall on the other side than in the native float64 comparison; FlowML's own serving derives the
label from the probabilities in float64 (engine/predict.py) and is not affected.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from flowml.engine.onnx._schema import LABEL_OUTPUT, PROBABILITIES_OUTPUT

THRESHOLD_METADATA = "flowml.decision_threshold"
ARGMAX_LABEL = "flowml_argmax_label"
_PREFIX = "flowml_threshold_"
_VALUE = f"{_PREFIX}value"
_COLUMN = f"{_PREFIX}column"
# GreaterOrEqual exists from opset 12 on.
_MIN_OPSET = 12


def graph_threshold(model: onnx.ModelProto) -> float | None:
    """The threshold recorded in the graph's metadata, or None (the label is the argmax)."""
    for prop in model.metadata_props:
        if prop.key == THRESHOLD_METADATA:
            return float(prop.value)
    return None


def with_threshold(onnx_bytes: bytes, threshold: float | None) -> bytes:
    """The graph's bytes with its label computed at `threshold` (None: the original argmax label)."""
    model = onnx.load_from_string(onnx_bytes)
    _undo(model)
    if threshold is not None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"a decision threshold must be between 0 and 1, got {threshold}")
        _apply(model, threshold)
    return model.SerializeToString()


def _apply(model: onnx.ModelProto, threshold: float) -> None:
    graph = model.graph
    outputs = {value.name: value for value in graph.output}
    probabilities = outputs.get(PROBABILITIES_OUTPUT)
    if LABEL_OUTPUT not in outputs or probabilities is None:
        raise ValueError("not a FlowML classifier graph: it has no label and probabilities outputs")
    dims = probabilities.type.tensor_type.shape.dim
    if len(dims) == 2 and dims[1].HasField("dim_value") and dims[1].dim_value != 2:
        raise ValueError(f"a decision threshold applies to two-class models; this graph has {dims[1].dim_value}")
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx") and opset.version < _MIN_OPSET:
            opset.version = _MIN_OPSET
    _rename(graph, LABEL_OUTPUT, ARGMAX_LABEL)
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.asarray(threshold, dtype=np.float32), _VALUE),
            numpy_helper.from_array(np.asarray(1, dtype=np.int64), _COLUMN),
        ]
    )
    graph.node.extend(
        [
            helper.make_node(
                "Gather", [PROBABILITIES_OUTPUT, _COLUMN], [f"{_PREFIX}positive"], axis=1, name=f"{_PREFIX}gather"
            ),
            helper.make_node(
                "GreaterOrEqual", [f"{_PREFIX}positive", _VALUE], [f"{_PREFIX}is_positive"], name=f"{_PREFIX}compare"
            ),
            helper.make_node(
                "Cast", [f"{_PREFIX}is_positive"], [LABEL_OUTPUT], to=TensorProto.INT64, name=f"{_PREFIX}cast"
            ),
        ]
    )
    model.metadata_props.add(key=THRESHOLD_METADATA, value=repr(float(threshold)))


def _undo(model: onnx.ModelProto) -> None:
    graph = model.graph
    if not any(node.name.startswith(_PREFIX) for node in graph.node):
        return
    kept = [node for node in graph.node if not node.name.startswith(_PREFIX)]
    del graph.node[:]
    graph.node.extend(kept)
    initializers = [t for t in graph.initializer if not t.name.startswith(_PREFIX)]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    _rename(graph, ARGMAX_LABEL, LABEL_OUTPUT)
    props = [(p.key, p.value) for p in model.metadata_props if p.key != THRESHOLD_METADATA]
    del model.metadata_props[:]
    for key, value in props:
        model.metadata_props.add(key=key, value=value)


def _rename(graph: onnx.GraphProto, old: str, new: str) -> None:
    """Rename a tensor where nodes produce and use it; the graph's declared outputs keep their names (the `label`
    output is then produced by whichever node now writes `label`)."""
    for node in graph.node:
        node.output[:] = [new if name == old else name for name in node.output]
        node.input[:] = [new if name == old else name for name in node.input]
