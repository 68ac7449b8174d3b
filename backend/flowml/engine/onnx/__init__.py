"""ONNX export and serving for fitted models (ARCHITECTURE.md section 8).

Public surface: `export_onnx(model, sample) -> OnnxExport` at package time, `OnnxPredictor(bytes_or_path)` at
serving time. The graph's inputs and outputs are specified in `_schema`; the converters for our own transformers
and the boosting libraries in `_converters`; the rest is private.
"""

from flowml.engine.onnx._converters import CLASSIFIER_OPTIONS, Converter, converter_pair, unsupported_parts
from flowml.engine.onnx._graph import ExportableModel, UnsupportedModelError, build_graph
from flowml.engine.onnx.export import (
    CLUSTER_LABEL_AGREEMENT,
    MAX_PARITY_ROWS,
    PROBABILITY_TOLERANCE,
    REGRESSION_RELATIVE_TOLERANCE,
    OnnxExport,
    check_parity,
    export_onnx,
)
from flowml.engine.onnx.runtime import OnnxPredictor, create_session
from flowml.engine.onnx.threshold import THRESHOLD_METADATA, graph_threshold, with_threshold

ONNX_FILE = "model.onnx"

__all__ = [
    "CLASSIFIER_OPTIONS",
    "CLUSTER_LABEL_AGREEMENT",
    "MAX_PARITY_ROWS",
    "ONNX_FILE",
    "PROBABILITY_TOLERANCE",
    "REGRESSION_RELATIVE_TOLERANCE",
    "THRESHOLD_METADATA",
    "Converter",
    "ExportableModel",
    "OnnxExport",
    "OnnxPredictor",
    "UnsupportedModelError",
    "build_graph",
    "check_parity",
    "converter_pair",
    "create_session",
    "export_onnx",
    "graph_threshold",
    "unsupported_parts",
    "with_threshold",
]
