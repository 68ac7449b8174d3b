"""Build one ONNX graph for a fitted model: a FlowMLModel's whole pipeline, or an ensemble's weighted members.

Raises `UnsupportedModelError` naming the part without a converter (checked before converting, so the reason reads
"cannot convert to ONNX: pipeline/preprocess/text/encode (MyVectorizer: no converter)" rather than a skl2onnx
stack trace); any other
exception means a converter exists but failed on this model.

Ensembles: each member's graph is built on the shared inputs, its names prefixed with "m<i>_", and the members'
probabilities (or predictions) are averaged with the ensemble's weights; the label is their argmax, as in
`EnsembleModel.predict`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, compose, helper, numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

from flowml.engine.model import FlowMLModel
from flowml.engine.onnx._clustering import rows_per_run
from flowml.engine.onnx._converters import register_for, unsupported_parts
from flowml.engine.onnx._emit import ML_DOMAIN
from flowml.engine.onnx._schema import (
    LABEL_OUTPUT,
    PROBABILITIES_OUTPUT,
    VARIABLE_OUTPUT,
    GraphInfo,
    InputColumn,
    input_columns,
    write_metadata,
)
from flowml.engine.types import FeaturePlan, ProblemType

# ONNX 1.12+ / onnxruntime 1.12+ run these; ai.onnx.ml 3 is the last version with TreeEnsembleClassifier/Regressor,
# which every tree converter (skl2onnx, onnxmltools, CatBoost) emits.
TARGET_OPSET: dict[str, int] = {"": 17, ML_DOMAIN: 3}


class UnsupportedModelError(Exception):
    """The model contains a part no registered converter handles; the message names it."""


class ExportableModel(Protocol):
    """What `export_onnx` needs: FlowMLModel's public surface. The graph is built from a FlowMLModel's `pipeline`,
    or from an ensemble's `members` (FlowMLModels) and `weights`."""

    plan: FeaturePlan
    problem_type: ProblemType
    classes: list[Any] | None

    def prepare(self, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]: ...

    def predict(self, df: pd.DataFrame) -> np.ndarray: ...

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray | None: ...


def build_graph(model: ExportableModel) -> onnx.ModelProto:
    """The model as one ONNX graph with the `_schema` inputs, outputs and metadata."""
    columns = input_columns(model.plan)
    if hasattr(model, "members") and hasattr(model, "weights"):  # EnsembleModel (a FlowMLModel subclass) first
        proto = _ensemble_graph(model, columns)
    elif isinstance(model, FlowMLModel):
        proto = _member_graph(model, {c.column: c for c in columns})
    else:
        raise UnsupportedModelError(f"a {type(model).__name__} is neither a FlowMLModel nor an ensemble of them")
    step = rows_per_run(model.pipeline) if isinstance(model, FlowMLModel) else None
    write_metadata(proto, GraphInfo(model.problem_type, model.classes, model.plan.target, columns, step))
    return proto


# --- one pipeline ----------------------------------------------------------------------------------------------


def _member_graph(model: FlowMLModel, by_column: Mapping[str, InputColumn]) -> onnx.ModelProto:
    register_for(model.pipeline)
    missing = unsupported_parts(model.pipeline)
    if missing:
        raise UnsupportedModelError(f"cannot convert to ONNX: {', '.join(missing)}")
    columns = [by_column[name] for name in model.plan.column_kinds]
    initial_types = [(c.column, _tensor_type(c.kind)) for c in columns]
    estimator = model.pipeline.steps[-1][1]
    options = {id(estimator): {"zipmap": False}} if model.problem_type.is_classification else None
    with warnings.catch_warnings():
        # skl2onnx's SVC converter reads SVC.probA_/probB_, deprecated in scikit-learn 1.9 (removed in 1.11, when
        # the conversion will fail and be reported); the warning says nothing about this model.
        warnings.filterwarnings("ignore", message="Attribute `prob[AB]_` was deprecated", category=FutureWarning)
        proto = convert_sklearn(model.pipeline, initial_types=initial_types, target_opset=TARGET_OPSET, options=options)
    _rename_inputs(proto.graph, [c.name for c in columns])
    _name_outputs(proto.graph, model.problem_type)
    return proto


def _tensor_type(kind: str) -> Any:
    if kind == "numeric":
        return FloatTensorType([None, 1])
    if kind == "datetime":
        return Int64TensorType([None, 1])
    return StringTensorType([None, 1])


def _rename_inputs(graph: onnx.GraphProto, names: Sequence[str]) -> None:
    """skl2onnx names inputs after the columns, made safe and unique; give them our names (same order)."""
    if len(graph.input) != len(names):
        raise RuntimeError(f"the converted graph has {len(graph.input)} inputs for {len(names)} columns")
    internal = {name for node in _all_nodes(graph) for name in node.output} | {i.name for i in graph.initializer}
    clash = internal.intersection(names)
    if clash:
        raise RuntimeError(f"input name(s) {sorted(clash)} clash with names inside the converted graph")
    mapping = {value.name: new for value, new in zip(graph.input, names, strict=True)}
    for value in graph.input:
        value.name = mapping[value.name]
    for node in _all_nodes(graph):
        node.input[:] = [mapping.get(name, name) for name in node.input]


def _name_outputs(graph: onnx.GraphProto, problem_type: ProblemType) -> None:
    """Rename the converter's outputs to `label` + `probabilities`, or `variable`; a clustering graph has
    `label` and, only when the model is probabilistic, `probabilities`."""
    by_type = {value.type.tensor_type.elem_type: value.name for value in graph.output}
    if problem_type is ProblemType.CLUSTERING:
        types = [value.type.tensor_type.elem_type for value in graph.output]
        if types not in ([TensorProto.INT64], [TensorProto.INT64, TensorProto.FLOAT]):
            raise RuntimeError(f"expected an int64 label (and float probabilities), got {_describe(graph.output)}")
        names = [value.name for value in graph.output]
        mapping = dict(zip(names, [LABEL_OUTPUT, PROBABILITIES_OUTPUT], strict=False))
    elif problem_type.is_classification:
        if len(graph.output) != 2 or set(by_type) != {TensorProto.INT64, TensorProto.FLOAT}:
            raise RuntimeError(f"expected an int64 label and float probabilities, got {_describe(graph.output)}")
        mapping = {by_type[TensorProto.INT64]: LABEL_OUTPUT, by_type[TensorProto.FLOAT]: PROBABILITIES_OUTPUT}
    else:
        if len(graph.output) != 1 or TensorProto.FLOAT not in by_type:
            raise RuntimeError(f"expected one float prediction output, got {_describe(graph.output)}")
        mapping = {graph.output[0].name: VARIABLE_OUTPUT}
    for value in graph.output:
        value.name = mapping[value.name]
    for node in _all_nodes(graph):
        node.output[:] = [mapping.get(name, name) for name in node.output]
        node.input[:] = [mapping.get(name, name) for name in node.input]


def _describe(values: Sequence[onnx.ValueInfoProto]) -> str:
    return ", ".join(f"{v.name}:{TensorProto.DataType.Name(v.type.tensor_type.elem_type)}" for v in values)


def _all_nodes(graph: onnx.GraphProto) -> Iterator[onnx.NodeProto]:
    """Every node, including those of subgraphs (Loop/Scan/If bodies), which may refer to outer names."""
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            for sub in [attribute.g] if attribute.HasField("g") else list(attribute.graphs):
                yield from _all_nodes(sub)


# --- ensembles -------------------------------------------------------------------------------------------------


def _ensemble_graph(model: Any, columns: Sequence[InputColumn]) -> onnx.ModelProto:
    """Each member's graph under a prefix, fed the shared inputs, then their weighted average.

    Classifiers: probabilities = sum(w_i * p_i) / sum(w), label = argmax; regressors: the same average of values.
    """
    members: Sequence[Any] = list(model.members)
    weights = np.asarray(model.weights, dtype=np.float64)
    if not members or len(weights) != len(members) or (weights < 0).any() or weights.sum() <= 0:
        raise UnsupportedModelError(f"ensemble weights {weights.tolist()} do not fit its {len(members)} members")
    by_column = {c.column: c for c in columns}
    output = PROBABILITIES_OUTPUT if model.problem_type.is_classification else VARIABLE_OUTPUT
    nodes: list[onnx.NodeProto] = []
    initializers: list[onnx.TensorProto] = []
    weighted: list[str] = []
    opsets: dict[str, int] = {}
    ir_version = 0
    for index, member in enumerate(members):
        if not isinstance(member, FlowMLModel) or hasattr(member, "members"):
            raise UnsupportedModelError(f"ensemble member {index} is a {type(member).__name__}, not a FlowMLModel")
        if member.classes != model.classes:
            raise UnsupportedModelError(f"ensemble member {index} has classes {member.classes}, not {model.classes}")
        unknown = set(member.plan.column_kinds) - set(by_column)
        if unknown:
            raise UnsupportedModelError(f"ensemble member {index} uses columns {sorted(unknown)} the ensemble lacks")
        try:
            graph = _member_graph(member, by_column)
        except UnsupportedModelError as exc:
            raise UnsupportedModelError(f"ensemble member {index}: {exc}") from None
        prefix = f"m{index}_"
        graph = compose.add_prefix(graph, prefix)
        nodes += [helper.make_node("Identity", [v.name.removeprefix(prefix)], [v.name]) for v in graph.graph.input]
        nodes += list(graph.graph.node)
        initializers += list(graph.graph.initializer)
        # Converters name their own tensors ("weight" in AdaBoost's graph): ours must not reuse a name of the member.
        taken = _names(graph.graph)
        share_name = _fresh(f"{prefix}flowml_share", taken)
        share = numpy_helper.from_array(np.asarray([weights[index] / weights.sum()], np.float32), share_name)
        initializers.append(share)
        weighted.append(_fresh(f"{prefix}flowml_weighted", taken))
        nodes.append(helper.make_node("Mul", [prefix + output, share.name], [weighted[-1]]))
        for opset in graph.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
        ir_version = max(ir_version, graph.ir_version)
    nodes.append(helper.make_node("Sum", weighted, [output]))
    outputs = [_value(output, TensorProto.FLOAT)]
    if model.problem_type.is_classification:
        nodes.append(helper.make_node("ArgMax", [output], [LABEL_OUTPUT], axis=1, keepdims=0))
        outputs.insert(0, _value(LABEL_OUTPUT, TensorProto.INT64))
    inputs = [_input_value(c) for c in columns]
    graph_proto = helper.make_graph(nodes, "flowml_ensemble", inputs, outputs, initializer=initializers)
    opset_imports = [helper.make_opsetid(domain, version) for domain, version in opsets.items()]
    return helper.make_model(graph_proto, opset_imports=opset_imports, ir_version=ir_version)


def _names(graph: onnx.GraphProto) -> set[str]:
    """Every tensor name a graph defines or uses: inputs, outputs, initializers, node inputs and outputs."""
    names = {v.name for v in (*graph.input, *graph.output)} | {t.name for t in graph.initializer}
    for node in _all_nodes(graph):
        names.update(node.input)
        names.update(node.output)
    return names


def _fresh(name: str, taken: set[str]) -> str:
    candidate, suffix = name, 1
    while candidate in taken:
        candidate, suffix = f"{name}_{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def _value(name: str, elem_type: int) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem_type, None)


def _input_value(column: InputColumn) -> onnx.ValueInfoProto:
    elem_type = {"numeric": TensorProto.FLOAT, "datetime": TensorProto.INT64}.get(column.kind, TensorProto.STRING)
    return helper.make_tensor_value_info(column.name, elem_type, [None, 1])
