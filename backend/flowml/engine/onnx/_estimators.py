"""Converters for estimators: TransformedTargetRegressor, CatBoost, XGBoost with native categoricals, and a fix
for skl2onnx's HistGradientBoosting converter. (LightGBM goes straight to onnxmltools' converter.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from catboost.utils import convert_to_onnx_object
from onnx import helper
from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
from skl2onnx.algebra.onnx_ops import OnnxAdd, OnnxMul
from skl2onnx.common.data_types import FloatTensorType
from sklearn.preprocessing import StandardScaler

from flowml.engine.onnx._emit import Emit


def target_regressor_shape(operator: Any) -> None:
    operator.outputs[0].type = FloatTensorType([operator.inputs[0].get_first_dimension(), 1])


def target_regressor_convert(scope: Any, operator: Any, container: Any) -> None:
    """The inner regressor on the standardized target, then y * scale + mean (StandardScaler.inverse_transform)."""
    op = operator.raw_operator
    scaler = op.transformer_
    if not isinstance(scaler, StandardScaler) or op.func is not None:
        raise NotImplementedError(f"TransformedTargetRegressor with transformer {type(scaler).__name__}")
    scale = float(scaler.scale_[0]) if scaler.scale_ is not None else 1.0
    mean = float(scaler.mean_[0]) if scaler.with_mean else 0.0
    version = container.target_opset
    standardized = OnnxSubEstimator(op.regressor_, operator.inputs[0], op_version=version)
    scaled = OnnxMul(standardized, np.array([scale], dtype=np.float32), op_version=version)
    result = OnnxAdd(scaled, np.array([mean], dtype=np.float32), op_version=version, output_names=operator.outputs[:1])
    result.add_to(scope, container)


def catboost_convert(scope: Any, operator: Any, container: Any) -> None:
    """Inline the tree-ensemble node of CatBoost's own ONNX export, fed by the preprocessed matrix.

    CatBoost exports one TreeEnsembleClassifier/Regressor node (plus a ZipMap we drop); models with categorical
    features, text or embeddings have no ONNX export, and `convert_to_onnx_object` raises for them.
    """
    exported = convert_to_onnx_object(operator.raw_operator)
    nodes = list(exported.graph.node)
    kinds = [node.op_type for node in nodes]
    if not nodes or not kinds[0].startswith("TreeEnsemble") or any(k != "ZipMap" for k in kinds[1:]):
        raise NotImplementedError(f"a CatBoost export made of {kinds}")
    if exported.graph.initializer:
        raise NotImplementedError("a CatBoost export with initializers")
    tree = nodes[0]
    attributes = {a.name: helper.get_attribute_value(a) for a in tree.attribute}
    versions = {o.domain: o.version for o in exported.opset_import}
    e = Emit(scope, operator, container)
    container.add_node(
        tree.op_type,
        [e.merged_input()],
        [variable.full_name for variable in operator.outputs[: len(tree.output)]],
        op_domain=tree.domain,
        op_version=versions.get(tree.domain),
        name=scope.get_unique_operator_name(tree.op_type),
        **attributes,
    )


def xgboost_convert(scope: Any, operator: Any, container: Any) -> None:
    """onnxmltools' XGBoost converter, after turning negative category codes into NaN as FlowML's wrapper does.

    With native categoricals (`n_categorical` > 0) code -1 (missing or unseen) reaches XGBoost as NaN, which takes
    each split's default branch; fed as -1 the graph would take the "not in the category set" branch instead.
    """
    n_codes = int(getattr(operator.raw_operator, "n_categorical", 0) or 0)
    if not n_codes:
        convert_xgboost(scope, operator, container)
        return
    e = Emit(scope, operator, container)
    n_columns = int(operator.raw_operator.n_features_in_)
    x = e.merged_input()
    is_code = e.const(np.arange(n_columns) < n_codes, np.bool_)
    negative_code = e.op("And", e.op("Less", x, e.const([0.0])), is_code)
    encoded = scope.declare_local_variable("xgb_codes_as_nan", FloatTensorType([None, n_columns]))
    e.op("Where", negative_code, e.const([np.nan]), x, out=encoded.onnx_name)
    convert_xgboost(scope, _FedWith(operator, encoded), container)


class _FedWith:
    """A view of a skl2onnx operator with other inputs (its input list refuses item assignment)."""

    def __init__(self, operator: Any, *inputs: Any) -> None:
        self._operator = operator
        self.inputs = list(inputs)

    @property
    def input_full_names(self) -> list[str]:
        return [variable.full_name for variable in self.inputs]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._operator, name)


class PlainAttributes:
    """A skl2onnx container whose `add_node` turns numpy integers inside list attributes into Python ints.

    skl2onnx's HistGradientBoosting converter passes np.uint32 node ids and booleans in integer lists (as
    scikit-learn >= 1.6 stores them), which onnx.helper.make_attribute refuses; everything else goes to the wrapped
    container unchanged.
    """

    def __init__(self, container: Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> Any:
        return getattr(self._container, name)

    def add_node(self, *args: Any, **attrs: Any) -> Any:
        plain = {name: _plain(value) for name, value in attrs.items()}
        return self._container.add_node(*args, **plain)


def _plain(value: Any) -> Any:
    if isinstance(value, list) and any(isinstance(v, np.integer | np.bool_ | bool) for v in value):
        return [int(v) if isinstance(v, np.integer | np.bool_ | bool) else v for v in value]
    return value
