"""A converter's toolkit: add constants and nodes to the graph skl2onnx is building, with unique names."""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto, helper

from flowml.engine.preprocessing import MISSING_CATEGORY

ML_DOMAIN = "ai.onnx.ml"
MS_DOMAIN = "com.microsoft"  # onnxruntime's contrib operators (Tokenizer)
# Operator versions pinned where the signature matters; the rest follow the graph's target opset.
_OP_VERSIONS = {"LabelEncoder": 2, "Tokenizer": 1}


class Emit:
    """Wraps skl2onnx's (scope, operator, container) triple for one converter call."""

    def __init__(self, scope: Any, operator: Any, container: Any) -> None:
        self.scope = scope
        self.operator = operator
        self.container = container

    @property
    def raw(self) -> Any:
        """The fitted scikit-learn object being converted."""
        return self.operator.raw_operator

    @property
    def output(self) -> str:
        return str(self.operator.outputs[0].full_name)

    def const(self, value: Any, dtype: type[np.generic] = np.float32) -> str:
        """An initializer holding `value` (np.str_ for strings)."""
        array = np.asarray(value, dtype=dtype)
        name = self.scope.get_unique_variable_name("c")
        if dtype is np.str_:
            content: Any = [str(v).encode("utf-8") for v in array.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(array.shape), content)
        else:
            proto = helper.np_dtype_to_tensor_dtype(array.dtype)
            self.container.add_initializer(name, proto, list(array.shape), array.ravel().tolist())
        return name

    def i64(self, *values: int) -> str:
        return self.const(list(values), np.int64)

    def op(self, op_type: str, *inputs: str, out: str | None = None, domain: str = "", **attrs: Any) -> str:
        """Add one node; returns its (single) output name, `out` if given."""
        output = out or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            [output],
            op_domain=domain,
            op_version=_OP_VERSIONS.get(op_type),
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output

    def merged_input(self) -> str:
        """The operator's inputs as one [N, C] tensor (a ColumnTransformer hands over one input per column)."""
        names = [variable.full_name for variable in self.operator.inputs]
        return names[0] if len(names) == 1 else self.op("Concat", *names, axis=1)

    def column(self, x: str, index: int) -> str:
        """Column `index` of a 2-D tensor, as [N, 1]."""
        return self.op("Gather", x, self.i64(index), axis=1)

    def concat_to_output(self, parts: list[str]) -> None:
        if len(parts) == 1:
            self.op("Identity", parts[0], out=self.output)
        else:
            self.op("Concat", *parts, axis=1, out=self.output)

    def is_missing_string(self, x: str) -> str:
        """bool tensor: where a string input holds the missing marker."""
        flag = self.op(
            "LabelEncoder", x, domain=ML_DOMAIN, keys_strings=[MISSING_CATEGORY], values_int64s=[1], default_int64=0
        )
        return self.op("Cast", flag, to=TensorProto.BOOL)

    def lookup(self, x: str, keys: list[str], values: list[float], default: float) -> str:
        """float tensor: `values[keys.index(s)]` for each string s of `x`, `default` where s is not a key."""
        return self.op(
            "LabelEncoder", x, domain=ML_DOMAIN, keys_strings=keys, values_floats=values, default_float=default
        )
