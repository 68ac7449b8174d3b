"""Converters for the preprocessing steps of `flowml.engine.preprocessing` that skl2onnx lacks or gets wrong.

Each step has a shape calculator (`*_shape(operator)`) and a converter (`*_convert(scope, operator, container)`);
`_converters.CONVERTERS` registers them. Missing strings arrive as MISSING_CATEGORY, missing datetimes as NaT's
int64 (see `_schema`).

- DatetimeFeatures: the calendar parts by integer civil-calendar arithmetic (H. Hinnant's civil_from_days) on int64
  nanoseconds, NaN where the date is missing, plus the per-column missing flag.
- SimpleImputer: skl2onnx's has neither `add_indicator` nor NaN-as-missing for strings.
- OneHotEncoder on strings: skl2onnx's fails when a column's infrequent categories include the missing marker.
- CategoryCodes (native categorical layout), TargetEncoder (skl2onnx's handles neither multiclass nor missing as a
  category): per-column LabelEncoder lookups.
- FunctionTransformer: identity, or `as_float32` (the graph is float32 already).
TextFeatures has its own module, `_text`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from skl2onnx.operator_converters.one_hot_encoder import convert_sklearn_one_hot_encoder
from skl2onnx.shape_calculators.one_hot_encoder import calculate_sklearn_one_hot_encoder_output_shapes

from flowml.engine.onnx._emit import Emit
from flowml.engine.onnx._schema import NAT
from flowml.engine.preprocessing import MISSING_CATEGORY

_NS_PER_DAY = 86_400 * 10**9
_NS_PER_HOUR = 3_600 * 10**9
_DATE_PARTS = 7  # year, month, day, weekday, hour, day of year, weekend: DatetimeFeatures' order
_IDENTITY_FUNCTIONS = {"flowml.engine.model.as_float32"}


def _rows(operator: Any) -> Any:
    return operator.inputs[0].get_first_dimension()


def _width(operator: Any) -> int:
    return sum(int(variable.get_second_dimension()) for variable in operator.inputs)


def _float_output(operator: Any, n_columns: int) -> None:
    operator.outputs[0].type = FloatTensorType([_rows(operator), n_columns])


# --- DatetimeFeatures ------------------------------------------------------------------------------------------


def datetime_shape(operator: Any) -> None:
    op = operator.raw_operator
    _float_output(operator, _DATE_PARTS * op.n_features_in_ + sum(bool(f) for f in op.flagged_))


def datetime_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    ns = e.merged_input()
    missing = e.op("Equal", ns, e.i64(NAT))
    ns = e.op("Where", missing, e.i64(0), ns)
    # Mod with fmod=0 takes the divisor's sign: remainders are >= 0, so every later division is a floor.
    within_day = e.op("Mod", ns, e.i64(_NS_PER_DAY), fmod=0)
    days = e.op("Div", e.op("Sub", ns, within_day), e.i64(_NS_PER_DAY))
    hour = e.op("Div", within_day, e.i64(_NS_PER_HOUR))
    weekday = e.op("Mod", e.op("Add", days, e.i64(3)), e.i64(7), fmod=0)  # 1970-01-01: Thursday (Monday = 0)
    weekend = e.op("Cast", e.op("GreaterOrEqual", weekday, e.i64(5)), to=TensorProto.INT64)
    year, month, day, day_of_year = _civil_from_days(e, days)
    parts = [e.op("Unsqueeze", p, e.i64(2)) for p in (year, month, day, weekday, hour, day_of_year, weekend)]
    stacked = e.op("Cast", e.op("Concat", *parts, axis=2), to=TensorProto.FLOAT)  # [N, C, 7]
    stacked = e.op("Where", e.op("Unsqueeze", missing, e.i64(2)), e.const([np.nan]), stacked)
    outputs: list[str] = []
    for index, flagged in enumerate(e.raw.flagged_):
        position = e.const(index, np.int64)
        outputs.append(e.op("Gather", stacked, position, axis=1))
        if flagged:
            flag = e.op("Cast", e.op("Gather", missing, position, axis=1), to=TensorProto.FLOAT)
            outputs.append(e.op("Unsqueeze", flag, e.i64(1)))
    e.concat_to_output(outputs)


def _civil_from_days(e: Emit, days: str) -> tuple[str, str, str, str]:
    """Year, month (1-12), day (1-31) and day of year (1-366) of days since 1970-01-01 (proleptic Gregorian)."""

    def div(a: str, b: int) -> str:
        return e.op("Div", a, e.i64(b))

    def mul(a: str, b: int) -> str:
        return e.op("Mul", a, e.i64(b))

    def add(a: str, b: str | int) -> str:
        return e.op("Add", a, e.i64(b) if isinstance(b, int) else b)

    def sub(a: str, b: str | int) -> str:
        return e.op("Sub", a, e.i64(b) if isinstance(b, int) else b)

    def divisible(a: str, b: int) -> str:
        return e.op("Equal", e.op("Mod", a, e.i64(b), fmod=0), e.i64(0))

    z = add(days, 719_468)  # days since 0000-03-01
    doe = e.op("Mod", z, e.i64(146_097), fmod=0)  # day of the 400-year era, [0, 146096]
    era = div(sub(z, doe), 146_097)
    yoe = div(sub(add(sub(doe, div(doe, 1460)), div(doe, 36_524)), div(doe, 146_096)), 365)  # [0, 399]
    doy = sub(doe, sub(add(mul(yoe, 365), div(yoe, 4)), div(yoe, 100)))  # day of the year from March 1, [0, 365]
    mp = div(add(mul(doy, 5), 2), 153)  # March = 0
    day = add(sub(doy, div(add(mul(mp, 153), 2), 5)), 1)
    before_march = e.op("Less", mp, e.i64(10))
    month = add(mp, e.op("Where", before_march, e.i64(3), e.i64(-9)))
    in_jan_feb = e.op("GreaterOrEqual", mp, e.i64(10))
    year = add(add(yoe, mul(era, 400)), e.op("Cast", in_jan_feb, to=TensorProto.INT64))
    leap = e.op("Or", e.op("And", divisible(year, 4), e.op("Not", divisible(year, 100))), divisible(year, 400))
    leap = e.op("Cast", leap, to=TensorProto.INT64)
    # March 1 is day 60 (61 in a leap year); January 1 is March-based day 306.
    day_of_year = e.op("Where", in_jan_feb, sub(doy, 305), add(add(doy, 60), leap))
    return year, month, day, day_of_year


# --- SimpleImputer ---------------------------------------------------------------------------------------------


def _imputer_layout(op: Any) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the input columns kept after imputation, and of those with a missing-indicator column."""
    statistics = np.asarray(op.statistics_)
    kept = np.arange(statistics.size)
    if not op.keep_empty_features and statistics.dtype.kind == "f":
        kept = kept[~np.isnan(statistics)]
    indicator = getattr(op, "indicator_", None)
    flagged = np.asarray(indicator.features_, dtype=np.int64) if indicator is not None else np.empty(0, np.int64)
    return kept, flagged


def imputer_shape(operator: Any) -> None:
    kept, flagged = _imputer_layout(operator.raw_operator)
    if isinstance(operator.inputs[0].type, StringTensorType):
        operator.outputs[0].type = StringTensorType([_rows(operator), len(kept)])
    else:
        _float_output(operator, len(kept) + len(flagged))


def imputer_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    op = e.raw
    kept, flagged = _imputer_layout(op)
    if isinstance(operator.inputs[0].type, StringTensorType):
        _impute_strings(e, kept, flagged)
        return
    if not _is_nan(op.missing_values):
        raise NotImplementedError(f"SimpleImputer(missing_values={op.missing_values!r}) on numbers (only NaN)")
    x = e.merged_input()
    missing = e.op("IsNaN", x)
    filled = e.op("Where", missing, e.const(np.asarray(op.statistics_, dtype=np.float32)), x)
    if len(kept) < np.asarray(op.statistics_).size:
        filled = e.op("Gather", filled, e.const(kept, np.int64), axis=1)
    if len(flagged) == 0:
        e.concat_to_output([filled])
        return
    indicator = e.op("Cast", e.op("Gather", missing, e.const(flagged, np.int64), axis=1), to=TensorProto.FLOAT)
    e.concat_to_output([filled, indicator])


def _impute_strings(e: Emit, kept: np.ndarray, flagged: np.ndarray) -> None:
    op = e.raw
    if len(flagged) or len(kept) < np.asarray(op.statistics_).size:
        raise NotImplementedError("SimpleImputer on strings with add_indicator or dropped empty columns")
    if not (op.missing_values is None or _is_nan(op.missing_values)):
        raise NotImplementedError(f"SimpleImputer(missing_values={op.missing_values!r}) on strings (only NaN)")
    fills = [str(value) for value in op.statistics_]
    x = e.merged_input()
    if all(fill == MISSING_CATEGORY for fill in fills):  # our constant fill: the graph input already says so
        e.concat_to_output([x])
        return
    e.op("Where", e.is_missing_string(x), e.const(fills, np.str_), x, out=e.output)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and bool(np.isnan(value))


# --- CategoryCodes and TargetEncoder: one LabelEncoder per column ---------------------------------------------


def _keys(categories: Any) -> tuple[list[str], bool]:
    """Training categories as graph keys, and whether missing (NaN, last in scikit-learn's order) was one."""
    values = list(categories)
    seen_missing = bool(values) and _is_nan(values[-1])
    keys = [str(v) for v in (values[:-1] if seen_missing else values)]
    if MISSING_CATEGORY in keys:
        raise NotImplementedError(f"a category spelled {MISSING_CATEGORY!r}, the graph's marker for missing")
    return keys, seen_missing


def category_codes_shape(operator: Any) -> None:
    _float_output(operator, len(operator.raw_operator.categories_))


def category_codes_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    op = e.raw
    unknown = -1.0  # preprocessing.UNKNOWN_CODE: missing, or not among the kept categories
    x = e.merged_input()
    columns: list[str] = []
    for index, categories in enumerate(op.categories_):
        keys, _ = _keys(categories)
        values = [float(code) for code in range(len(keys))]
        default = unknown
        if op.has_other_[index]:
            other = float(len(keys))
            rare = op.rare_[index]
            if rare is None:  # rare values not kept: every non-missing unseen value is "other"
                default = other
            else:
                keys += [str(v) for v in rare]
                values += [other] * len(rare)
        keys.append(MISSING_CATEGORY)
        values.append(unknown)
        columns.append(e.lookup(e.column(x, index), keys, values, default))
    e.concat_to_output(columns)


def target_encoder_shape(operator: Any) -> None:
    _float_output(operator, len(operator.raw_operator.encodings_))


def target_encoder_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    op = e.raw
    n_classes = len(op.classes_) if op.target_type_ == "multiclass" else 1
    means = np.atleast_1d(np.asarray(op.target_mean_, dtype=np.float64))
    x = e.merged_input()
    columns: list[str] = []
    for feature, categories in enumerate(op.categories_):
        keys, seen_missing = _keys(categories)
        column = e.column(x, feature)
        for target_class in range(n_classes):
            encoding = np.asarray(op.encodings_[feature * n_classes + target_class], dtype=np.float64)
            values = [float(v) for v in encoding[: len(keys)]]
            if seen_missing:
                values.append(float(encoding[len(keys)]))
            lookup_keys = [*keys, MISSING_CATEGORY] if seen_missing else keys
            if not lookup_keys:  # a LabelEncoder needs one key; nothing was seen, so everything is the mean
                lookup_keys, values = [MISSING_CATEGORY], [float(means[target_class])]
            columns.append(e.lookup(column, lookup_keys, values, float(means[target_class])))
    e.concat_to_output(columns)


# --- OneHotEncoder ---------------------------------------------------------------------------------------------


def _onehot_layout(op: Any) -> list[tuple[list[str], np.ndarray]]:
    """Per input column: the category keys, and each one's output column (infrequent ones share the last)."""
    mappings = op._default_to_infrequent_mappings if getattr(op, "_infrequent_enabled", False) else None
    layout = []
    for index, categories in enumerate(op.categories_):
        mapping = mappings[index] if mappings is not None else None
        positions = np.arange(len(categories)) if mapping is None else np.asarray(mapping, dtype=np.int64)
        keys = [MISSING_CATEGORY if _is_nan(c) else str(c) for c in categories]
        if len(set(keys)) != len(keys):
            raise NotImplementedError(f"a column with both missing values and a category spelled {MISSING_CATEGORY!r}")
        layout.append((keys, positions))
    return layout


def onehot_shape(operator: Any) -> None:
    if not isinstance(operator.inputs[0].type, StringTensorType):
        calculate_sklearn_one_hot_encoder_output_shapes(operator)
        return
    _float_output(operator, sum(int(positions.max()) + 1 for _, positions in _onehot_layout(operator.raw_operator)))


def onehot_convert(scope: Any, operator: Any, container: Any) -> None:
    """One-hot of string columns, infrequent categories sharing a column; unseen values give all zeros."""
    if not isinstance(operator.inputs[0].type, StringTensorType):
        convert_sklearn_one_hot_encoder(scope, operator, container)
        return
    e = Emit(scope, operator, container)
    op = e.raw
    if op.drop_idx_ is not None or op.handle_unknown not in ("ignore", "infrequent_if_exist"):
        raise NotImplementedError(f"OneHotEncoder(drop={op.drop!r}, handle_unknown={op.handle_unknown!r})")
    if op.handle_unknown == "infrequent_if_exist" and getattr(op, "_infrequent_enabled", False):
        raise NotImplementedError("OneHotEncoder(handle_unknown='infrequent_if_exist') with infrequent categories")
    x = e.merged_input()
    columns: list[str] = []
    for index, (keys, positions) in enumerate(_onehot_layout(op)):
        position = e.lookup(e.column(x, index), keys, [float(p) for p in positions], -1.0)  # -1: unseen
        width = int(positions.max()) + 1
        hot = e.op("Equal", position, e.const(np.arange(width, dtype=np.float32)))  # [N, 1] vs [width]
        columns.append(e.op("Cast", hot, to=TensorProto.FLOAT))
    e.concat_to_output(columns)


# --- FunctionTransformer ---------------------------------------------------------------------------------------


def function_shape(operator: Any) -> None:
    _float_output(operator, _width(operator))


def function_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    func = e.raw.func
    name = None if func is None else f"{func.__module__}.{func.__qualname__}"
    if name is not None and name not in _IDENTITY_FUNCTIONS:
        raise NotImplementedError(f"FunctionTransformer(func={name})")
    e.concat_to_output([e.op("Cast", e.merged_input(), to=TensorProto.FLOAT)])
