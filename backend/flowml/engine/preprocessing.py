"""Turn raw columns into the float matrix an estimator sees, the same way in training and at prediction time.

Two steps on purpose:
- `prepare_X` is stateless: it selects the plan's columns and casts each to one dtype per kind. It runs before
  training and before every prediction, so a CSV read at prediction time encodes exactly like the training Parquet.
- `build_preprocessor` returns an unfitted ColumnTransformer that is fitted inside each cross-validation fold (medians
  and vocabularies come from the training fold only; fitting on all rows first would leak the test fold).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from flowml.engine.features import CATEGORICAL_KINDS, to_category_strings
from flowml.engine.registry import Algorithm
from flowml.engine.types import FeaturePlan

MAX_ONEHOT_CATEGORIES = 20  # above this a column is ordinal-encoded: one-hot would add a column per value
MIN_CATEGORY_ROWS = 5  # rarer categories share one "infrequent" one-hot column instead of one each
MISSING_CATEGORY = "__missing__"  # a missing category is a category of its own (missingness often carries signal)
UNKNOWN_CODE = -1  # ordinal code of a value not seen in training
MISSING_CODE = -2  # ordinal code of a missing value
DATETIME_PARTS = ("year", "month", "day", "weekday", "hour")


def prepare_X(df: pd.DataFrame, plan: FeaturePlan) -> tuple[pd.DataFrame, list[str]]:
    """The plan's columns, in plan order, cast to one dtype per kind; extra columns are dropped.

    Returns warnings for the user: missing columns (filled with missing values) and values that could not be read
    as the column's kind (treated as missing). Never raises for content: the model decides what missing means.
    """
    warnings: list[str] = []
    columns: dict[str, pd.Series] = {}
    for name, kind in plan.column_kinds.items():
        if name not in df.columns:
            warnings.append(f"missing column {name!r}: treated as missing values")
            raw = pd.Series(np.nan, index=df.index, dtype=object)
        else:
            raw = df[name]
        columns[name] = _cast(raw, kind, name, warnings)
    return pd.DataFrame(columns, index=df.index), warnings


def _cast(raw: pd.Series, kind: str, name: str, warnings: list[str]) -> pd.Series:
    if kind in CATEGORICAL_KINDS:
        return to_category_strings(raw)
    if kind == "numeric":
        if pd.api.types.is_bool_dtype(raw):
            raw = raw.astype(np.float64)
        out = pd.to_numeric(raw, errors="coerce").astype(np.float64)
    elif kind == "datetime":
        out = _to_naive_datetime(raw)
    else:
        raise ValueError(f"column {name!r} has kind {kind!r}, which a model cannot use")
    unreadable = int((out.isna() & raw.notna()).sum())
    if unreadable:
        warnings.append(f"column {name!r}: {unreadable} value(s) are not valid {kind} values, treated as missing")
    return out


def _to_naive_datetime(raw: pd.Series) -> pd.Series:
    # Mixed offsets only parse as UTC; features are computed on UTC wall time, the same in training and predicting.
    out = pd.to_datetime(raw, errors="coerce", utc=True, format="mixed") if not _is_datetime(raw) else raw
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def _is_datetime(raw: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(raw)


class DatetimeFeatures(TransformerMixin, BaseEstimator):
    """Splits each datetime column into year, month, day, weekday and hour (NaN where the date is missing).

    Module-level so fitted pipelines pickle; stateless, so `fit` only records the input columns.
    """

    def fit(self, X: pd.DataFrame, y: Any = None) -> DatetimeFeatures:
        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        parts: list[np.ndarray] = []
        for column in X.columns:
            values = pd.DatetimeIndex(_to_naive_datetime(X[column]))
            for part in (values.year, values.month, values.day, values.day_of_week, values.hour):
                parts.append(np.asarray(part, dtype=np.float64))
        return np.column_stack(parts) if parts else np.empty((len(X), 0))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"{c}_{p}" for c in self.feature_names_in_ for p in DATETIME_PARTS], dtype=object)


def build_preprocessor(plan: FeaturePlan, algorithm: Algorithm) -> ColumnTransformer:
    """An unfitted transformer from `prepare_X`'s frame to a dense float64 matrix, shaped for `algorithm`."""
    scale = algorithm.needs_scaling
    numeric = [c for c, k in plan.column_kinds.items() if k == "numeric"]
    dates = [c for c, k in plan.column_kinds.items() if k == "datetime"]
    categorical = [c for c, k in plan.column_kinds.items() if k in CATEGORICAL_KINDS]
    few = [c for c in categorical if len(plan.categories.get(c, [])) <= MAX_ONEHOT_CATEGORIES]
    many = [c for c in categorical if c not in few]

    transformers: list[tuple[str, Any, list[str]]] = []
    if numeric:
        transformers.append(("numeric", _numeric_steps(scale), numeric))
    if dates:
        parts = Pipeline([("parts", DatetimeFeatures()), *_numeric_steps(scale).steps])
        transformers.append(("datetime", parts, dates))
    if few:
        transformers.append(("onehot", _onehot_steps(), few))
    if many:
        transformers.append(("ordinal", _ordinal_steps(scale), many))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=True)


def _numeric_steps(scale: bool) -> Pipeline:
    # The indicator keeps "this was missing" visible after imputation; empty features are kept (as 0) so a fold
    # whose training rows all miss a column still yields the same columns.
    steps: list[tuple[str, Any]] = [
        ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True))
    ]
    if scale:
        steps.append(("scale", StandardScaler()))
    return Pipeline(steps)


def _onehot_steps() -> Pipeline:
    # handle_unknown="ignore": a value never seen in training becomes the all-zero row, never another category.
    encoder = OneHotEncoder(
        handle_unknown="ignore",
        min_frequency=MIN_CATEGORY_ROWS,
        max_categories=MAX_ONEHOT_CATEGORIES,
        sparse_output=False,
        dtype=np.float64,
    )
    imputer = SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY, keep_empty_features=True)
    return Pipeline([("impute", imputer), ("encode", encoder)])


def _ordinal_steps(scale: bool) -> Pipeline:
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=UNKNOWN_CODE,
        encoded_missing_value=MISSING_CODE,
        dtype=np.float64,
    )
    steps: list[tuple[str, Any]] = [("encode", encoder)]
    if scale:
        steps.append(("scale", StandardScaler()))
    return Pipeline(steps)
