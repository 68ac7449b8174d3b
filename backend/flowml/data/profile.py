"""Per-column statistics and a preview, as plain JSON-safe values for the dataset page.

Every value goes through `to_json_value`, so `json.dumps(..., allow_nan=False)` always succeeds: NaN and infinity
become None, dates ISO strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from flowml.core.errors import InvalidInputError
from flowml.data.jsonsafe import to_json_value
from flowml.data.schema import ColumnKind, infer_kind

HISTOGRAM_BINS = 10
TOP_VALUES = 10
_LABELLED = frozenset({ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN, ColumnKind.TEXT})


def profile_columns(df: pl.DataFrame, kinds: dict[str, ColumnKind]) -> list[dict[str, Any]]:
    """One dict per column, in column order: name, kind, dtype, missing, missing_pct, unique, plus per kind:
    numeric -> min, max, mean, std, median, histogram [{start, end, count}];
    categorical/boolean/text -> top_values [{value, count}] (most frequent first); datetime -> min, max (ISO).
    """
    return [_profile(series, kinds.get(series.name) or infer_kind(series), df.height) for series in df.get_columns()]


def preview_rows(df: pl.DataFrame, limit: int = 20) -> list[dict[str, Any]]:
    """The first `limit` rows as JSON-safe dicts."""
    if limit < 0:
        raise InvalidInputError(f"the preview limit must be zero or more, not {limit}")
    return [{key: to_json_value(value) for key, value in row.items()} for row in df.head(limit).iter_rows(named=True)]


def _profile(series: pl.Series, kind: ColumnKind, n_rows: int) -> dict[str, Any]:
    missing = series.null_count()
    values = series.drop_nulls()
    profile: dict[str, Any] = {
        "name": series.name,
        "kind": str(kind),
        "dtype": str(series.dtype),
        "missing": missing,
        "missing_pct": round(100 * missing / n_rows, 2) if n_rows else 0.0,
        "unique": values.n_unique(),
    }
    if kind is ColumnKind.NUMERIC and series.dtype.is_numeric():
        profile.update(_numeric_stats(values))
    elif kind is ColumnKind.DATETIME and series.dtype.is_temporal():
        profile.update(min=values.min(), max=values.max())
    elif kind in _LABELLED or kind is ColumnKind.NUMERIC:  # numeric text that was not coerced: show its values
        profile["top_values"] = _top_values(values)
    return {key: to_json_value(value) for key, value in profile.items()}


def _numeric_stats(values: pl.Series) -> dict[str, Any]:
    numbers = values.cast(pl.Float64)
    finite = numbers.filter(numbers.is_finite())  # inf would make every statistic meaningless
    return {
        "min": finite.min(),
        "max": finite.max(),
        "mean": finite.mean(),
        "std": finite.std(),
        "median": finite.median(),
        "histogram": _histogram(finite.to_numpy()),
    }


def _histogram(values: np.ndarray) -> list[dict[str, Any]]:
    if values.size == 0:
        return []
    low, high = float(values.min()), float(values.max())
    if low == high:
        return [{"start": low, "end": high, "count": int(values.size)}]
    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS, range=(low, high))
    return [
        {"start": float(edges[i]), "end": float(edges[i + 1]), "count": int(count)} for i, count in enumerate(counts)
    ]


def _top_values(values: pl.Series) -> list[dict[str, Any]]:
    counts = (
        pl.DataFrame({"value": values})
        .group_by("value")
        .len(name="count")
        .sort(["count", "value"], descending=[True, False])  # ties by value: the same order on every run
        .head(TOP_VALUES)
    )
    return [{"value": to_json_value(value), "count": count} for value, count in counts.iter_rows()]
