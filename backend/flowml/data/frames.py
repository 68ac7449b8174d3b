"""Tables that Python users hand to FlowML (pandas, polars, NumPy) in the forms FlowML works with, and the one
shape a leaderboard takes as a DataFrame (`AutoML.leaderboard_`, `Client.leaderboard`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from flowml.core.errors import InvalidInputError

# What the search records of each trial, in the order a leaderboard shows it (TrialResult, TrialPublic).
LEADERBOARD_COLUMNS = ("rank", "algorithm", "score", "score_std", "fit_time", "predict_time_per_row", "params")
NUMPY_PREFIX = "x"  # NumPy columns have no names: x0, x1, ... (as scikit-learn's get_feature_names_out)


def as_pandas(table: Any) -> pd.DataFrame:
    """A pandas DataFrame of `table`: pandas as is, polars converted, a 2-D array given column names x0, x1, ..."""
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pl.DataFrame):
        return table.to_pandas()
    if isinstance(table, pd.Series | pl.Series):
        raise InvalidInputError("X must be a table (2-D); reshape a single column with .to_frame()")
    array = np.asarray(table)
    if array.ndim != 2:
        raise InvalidInputError(f"X must be a table (2-D), got an array with {array.ndim} dimension(s)")
    return pd.DataFrame(array, columns=[f"{NUMPY_PREFIX}{i}" for i in range(array.shape[1])])


def as_series(values: Any, name: str) -> pd.Series:
    """The target as a pandas Series called `name` (a DataFrame of one column, polars or NumPy taken too)."""
    if isinstance(values, pl.Series):
        values = values.to_pandas()
    if isinstance(values, pd.DataFrame | pl.DataFrame):
        if values.shape[1] != 1:
            raise InvalidInputError(f"y must be one column, got {values.shape[1]}")
        values = as_pandas(values).iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.rename(name).reset_index(drop=True)
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise InvalidInputError(f"y must be one column, got an array of shape {array.shape}")
    return pd.Series(array, name=name)


def as_polars(table: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pd.DataFrame):
        # Column names must be text in Parquet; the index is not data (pandas' RangeIndex would become a column).
        frame = table.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        return pl.from_pandas(frame)
    raise InvalidInputError(f"expected a pandas or polars DataFrame, got {type(table).__name__}")


def leaderboard_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per ranked trial, best first: rank, algorithm, score, score_std, fit_time, predict_time_per_row,
    params, then the trial's other metrics as columns of their own."""
    records = []
    for row in rows:
        record = {column: row.get(column) for column in LEADERBOARD_COLUMNS}
        record.update({name: value for name, value in (row.get("other_metrics") or {}).items() if name not in record})
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=None if records else list(LEADERBOARD_COLUMNS))
    return frame.reset_index(drop=True)
