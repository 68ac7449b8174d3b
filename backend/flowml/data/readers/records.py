"""Build a DataFrame from Python rows or records whose values may disagree in type.

JSON, YAML, TOML and SQLite are all dynamically typed: one column can hold 1, "1" and 2.5. Polars builds such columns
non-strictly (supertype or text); anything it cannot hold falls back to JSON text rather than failing the upload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from polars.exceptions import PolarsError

from flowml.data.columns import clean_column_names


def series_from_values(name: str, values: Sequence[Any]) -> pl.Series:
    """One column from raw Python values, never failing on mixed types."""
    try:
        series = pl.Series(name, values, strict=False)
    except (PolarsError, TypeError, ValueError, OverflowError):
        series = None
    if series is None or series.dtype == pl.Object:
        return pl.Series(name, [_as_text(value) for value in values], dtype=pl.String)
    return series


def frame_from_records(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Columns are the union of keys in first-seen order; a key missing from a record is a missing value."""
    try:
        return pl.from_dicts(records, infer_schema_length=None, strict=False)
    except (PolarsError, TypeError, ValueError, OverflowError):
        pass  # mixed types polars will not reconcile: build column by column instead
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return pl.DataFrame([series_from_values(key, [record.get(key) for record in records]) for key in keys])


def frame_from_rows(names: Sequence[object], rows: Sequence[Sequence[Any]]) -> tuple[pl.DataFrame, list[str]]:
    """Columns from row tuples (a database cursor); repeated or blank names are cleaned, with notes."""
    clean, notes = clean_column_names(names)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in clean]
    series = [series_from_values(name, list(values)) for name, values in zip(clean, columns, strict=True)]
    return pl.DataFrame(series), notes


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)
