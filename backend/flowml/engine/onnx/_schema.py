"""The ONNX graph's contract: one input per prepared column, fixed output names, metadata that makes it self-describing.

Inputs (one per feature column, in plan order, each shaped [N, 1]):
- numeric -> float32 (NaN = missing). ONNX tree and linear ops compute in float32, as scikit-learn trees do.
- categorical, boolean, text -> string. A missing value is fed as `MISSING_CATEGORY` ("__missing__"), the value the
  native pipeline's imputer substitutes anyway (so a literal "__missing__" in the data also reads as missing);
  booleans arrive as "True"/"False", the spelling `prepare_X` gives them.
- datetime -> int64 nanoseconds since 1970-01-01 (naive UTC wall time, what `prepare_X` produces), missing = the
  int64 minimum (pandas' own NaT value), so a datetime64[ns] column is fed by a zero-copy view.

Outputs: classifiers `label` (int64 [N], an index into `classes`) and `probabilities` (float32 [N, k], `classes`
order); regressors `variable` (float32 [N, 1]); clustering models `label` (int64 [N], the cluster id, which is also
its index in `classes` = 0..k-1) and, only when the model is probabilistic (a mixture), `probabilities`.

Metadata (`metadata_props`): the problem type, the classes, the target (absent for clustering) and every input's
column and kind, as JSON, so `OnnxPredictor` needs nothing but the bytes; `flowml.rows_per_run` when a run's
memory grows with rows times something large (a kNN assigner's training rows): feed at most that many rows a run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
import pandas as pd

from flowml.engine.features import CATEGORICAL_KINDS
from flowml.engine.preprocessing import MISSING_CATEGORY
from flowml.engine.types import FeaturePlan, ProblemType

SCHEMA_VERSION = "1"
LABEL_OUTPUT = "label"
PROBABILITIES_OUTPUT = "probabilities"
VARIABLE_OUTPUT = "variable"
NAT = np.iinfo(np.int64).min  # pandas stores NaT as this int64

_META_VERSION = "flowml.schema_version"
_META_PROBLEM = "flowml.problem_type"
_META_CLASSES = "flowml.classes"
_META_TARGET = "flowml.target"
_META_INPUTS = "flowml.inputs"
_META_ROWS_PER_RUN = "flowml.rows_per_run"
_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z_]")


@dataclass(frozen=True)
class InputColumn:
    """One graph input: the prepared frame's `column`, fed as ONNX input `name`, encoded per `kind`."""

    column: str
    name: str
    kind: str

    def values(self, X: pd.DataFrame) -> np.ndarray:
        """This column of a `prepare_X` frame as the [N, 1] array the graph input takes."""
        series = X[self.column]
        if self.kind == "numeric":
            data = series.to_numpy(dtype=np.float32, na_value=np.nan)
        elif self.kind == "datetime":
            data = series.astype("datetime64[ns]").to_numpy().view(np.int64)
        elif self.kind in CATEGORICAL_KINDS:
            data = series.to_numpy(dtype=object)
            missing = pd.isna(data)
            if missing.any():
                data = data.copy()
                data[missing] = MISSING_CATEGORY
        else:
            raise ValueError(
                f"column {self.column!r} has kind {self.kind!r}; ONNX inputs exist for numeric, datetime, "
                f"{', '.join(sorted(CATEGORICAL_KINDS))}"
            )
        return data.reshape(-1, 1)


def input_columns(plan: FeaturePlan) -> list[InputColumn]:
    """The graph inputs for `plan`: column names made safe as ONNX identifiers and unique (`in<n>_<name>`)."""
    return [
        InputColumn(name, f"in{i}_{_UNSAFE_NAME.sub('_', name)}", kind)
        for i, (name, kind) in enumerate(plan.column_kinds.items())
    ]


@dataclass(frozen=True)
class GraphInfo:
    """What the metadata of an exported graph says about it."""

    problem_type: ProblemType
    classes: list[Any] | None
    target: str | None
    inputs: list[InputColumn]
    rows_per_run: int | None = None

    @property
    def plan(self) -> FeaturePlan:
        """A plan with just the column kinds: enough for `prepare_X` to cast a raw frame the way training did."""
        return FeaturePlan(target=self.target, column_kinds={c.column: c.kind for c in self.inputs})


def write_metadata(model: onnx.ModelProto, info: GraphInfo) -> None:
    entries = {
        _META_VERSION: SCHEMA_VERSION,
        _META_PROBLEM: info.problem_type.value,
        _META_CLASSES: json.dumps(info.classes, default=_json_scalar),
        _META_INPUTS: json.dumps([[c.column, c.name, c.kind] for c in info.inputs]),
    }
    if info.target is not None:
        entries[_META_TARGET] = info.target
    if info.rows_per_run is not None:
        entries[_META_ROWS_PER_RUN] = str(info.rows_per_run)
    del model.metadata_props[:]
    for key, value in entries.items():
        model.metadata_props.add(key=key, value=value)


def read_metadata(props: Mapping[str, str]) -> GraphInfo:
    """The `GraphInfo` stored in a graph's metadata (as onnxruntime's `custom_metadata_map` returns it)."""
    version = props.get(_META_VERSION)
    if version != SCHEMA_VERSION:
        raise ValueError(f"not a FlowML ONNX graph of schema version {SCHEMA_VERSION} (found {version!r})")
    columns: Sequence[Sequence[str]] = json.loads(props[_META_INPUTS])
    return GraphInfo(
        problem_type=ProblemType(props[_META_PROBLEM]),
        classes=json.loads(props[_META_CLASSES]),
        target=props.get(_META_TARGET),
        inputs=[InputColumn(column, name, kind) for column, name, kind in columns],
        rows_per_run=int(props[_META_ROWS_PER_RUN]) if _META_ROWS_PER_RUN in props else None,
    )


def _json_scalar(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars among class labels
        return value.item()
    raise TypeError(f"class label {value!r} ({type(value).__name__}) cannot be stored in the ONNX metadata")
