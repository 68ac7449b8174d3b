"""Profiles and previews: right numbers, and always valid strict JSON."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from flowml.core.errors import InvalidInputError
from flowml.data.profile import preview_rows, profile_columns
from flowml.data.schema import ColumnKind, infer_column_kinds


@pytest.fixture
def df() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 4.0, None, float("inf")],
            "c": ["a", "b", "a", None, "a", "b"],
            "flag": [True, False, True, True, None, False],
            "when": [dt.date(2024, 1, 1), dt.date(2023, 5, 2), None, dt.date(2024, 3, 1), None, None],
            "empty": pl.Series([None] * 6, dtype=pl.Float64),
        }
    )


def by_name(df: pl.DataFrame) -> dict[str, dict[str, object]]:
    profiles = profile_columns(df, infer_column_kinds(df))
    json.dumps(profiles, allow_nan=False)  # raises on NaN/inf or non-JSON types
    return {profile["name"]: profile for profile in profiles}


def test_common_fields(df: pl.DataFrame) -> None:
    profile = by_name(df)["c"]
    assert profile == profile | {
        "kind": "categorical",
        "dtype": "String",
        "missing": 1,
        "missing_pct": 16.67,
        "unique": 2,
    }


def test_numeric_statistics_ignore_infinity(df: pl.DataFrame) -> None:
    profile = by_name(df)["x"]
    assert (profile["min"], profile["max"], profile["mean"], profile["median"]) == (1.0, 4.0, 2.5, 2.5)
    assert profile["std"] == pytest.approx(1.2909944)
    histogram = profile["histogram"]
    assert isinstance(histogram, list)
    assert len(histogram) == 10
    assert sum(bin_["count"] for bin_ in histogram) == 4
    assert histogram[0]["start"] == 1.0
    assert histogram[-1]["end"] == 4.0


def test_top_values_most_frequent_first(df: pl.DataFrame) -> None:
    assert by_name(df)["c"]["top_values"] == [{"value": "a", "count": 3}, {"value": "b", "count": 2}]
    assert by_name(df)["flag"]["top_values"] == [{"value": True, "count": 3}, {"value": False, "count": 2}]


def test_datetime_min_max_are_iso(df: pl.DataFrame) -> None:
    profile = by_name(df)["when"]
    assert (profile["min"], profile["max"]) == ("2023-05-02", "2024-03-01")


def test_all_missing_column_has_empty_statistics(df: pl.DataFrame) -> None:
    profile = by_name(df)["empty"]
    assert profile["missing"] == 6
    assert profile["missing_pct"] == 100.0
    assert profile["min"] is None
    assert profile["mean"] is None
    assert profile["histogram"] == []


def test_constant_numeric_has_one_bin() -> None:
    df = pl.DataFrame({"k": [5, 5, 5], "v": [1, 2, 3]})
    profile = profile_columns(df, {"k": ColumnKind.NUMERIC, "v": ColumnKind.NUMERIC})[0]
    assert profile["histogram"] == [{"start": 5.0, "end": 5.0, "count": 3}]
    assert profile["std"] == 0.0


def test_top_values_are_capped_at_ten() -> None:
    df = pl.DataFrame({"c": [f"v{i % 15}" for i in range(100)], "n": list(range(100))})
    assert len(profile_columns(df, infer_column_kinds(df))[0]["top_values"]) == 10


def test_preview_rows_are_json_safe(df: pl.DataFrame) -> None:
    rows = preview_rows(df.with_columns(pl.Series("t", [dt.datetime(2024, 1, 1, 8, 30)] * 6)), 3)

    json.dumps(rows, allow_nan=False)
    assert len(rows) == 3
    assert rows[0] == {
        "x": 1.0,
        "c": "a",
        "flag": True,
        "when": "2024-01-01",
        "empty": None,
        "t": "2024-01-01T08:30:00",
    }


def test_preview_converts_nan_and_infinity(df: pl.DataFrame) -> None:
    rows = preview_rows(pl.DataFrame({"x": [float("nan"), float("-inf")]}), 10)
    assert rows == [{"x": None}, {"x": None}]
    with pytest.raises(InvalidInputError):
        preview_rows(df, -1)
