"""Column kind rules (documented in flowml.data.schema) and the coercion of date/number text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
import pytest
from polars._typing import PolarsDataType

from flowml.data.names import is_code_like_name, is_id_like_name, name_tokens
from flowml.data.schema import ColumnKind, coerce_column_types, detect_date_format, infer_column_kinds, infer_kind

N = 40  # more than MIN_ROWS_FOR_SHAPE_RULES, so shape-based rules apply


def kind_of(values: Sequence[object], name: str = "col", dtype: PolarsDataType | None = None) -> ColumnKind:
    return infer_kind(pl.Series(name, values, dtype=dtype, strict=False))


@pytest.mark.parametrize(
    "values",
    [
        [True, False, None],
        [0, 1, 1, 0],
        [0.0, 1.0, None],
        ["yes", "no", "Yes", None],
        ["TRUE", "false"],
        [" y", "n "],
        ["t", "f", "t"],
    ],
)
def test_boolean(values: list[object]) -> None:
    assert kind_of(values) is ColumnKind.BOOLEAN


@pytest.mark.parametrize("values", [["male", "female"], [1, 2, 1], ["yes", "no", "maybe"], [0, 0, 0]])
def test_not_boolean(values: list[object]) -> None:
    assert kind_of(values) is not ColumnKind.BOOLEAN


@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-02", "2023-12-31", None],
        ["02/01/2024", "31/12/2023"],
        ["12/31/2023", "01/02/2024"],
        ["2024-01-02 10:11:12", "2024-01-03 00:00:00.250"],
        ["2024-01-02T10:11:12Z", "2024-01-02T10:11:13+02:00"],
        ["31.12.2023", "01.01.2024"],
    ],
)
def test_datetime_text(values: list[str | None]) -> None:
    assert kind_of(values) is ColumnKind.DATETIME


def test_temporal_dtypes_are_datetime() -> None:
    assert kind_of([dt.date(2024, 1, 1)]) is ColumnKind.DATETIME
    assert kind_of([dt.datetime(2024, 1, 1, 5)]) is ColumnKind.DATETIME


def test_mostly_dates_is_datetime_but_half_dates_is_not() -> None:
    mostly = ["2024-01-01"] * 97 + ["unknown"] * 3
    half = ["2024-01-01"] * 50 + ["soon"] * 50
    assert kind_of(mostly) is ColumnKind.DATETIME
    assert kind_of(half) is ColumnKind.CATEGORICAL


def test_integer_ids_by_name_or_by_row_sequence() -> None:
    assert kind_of([5, 3, 9], name="PassengerId") is ColumnKind.ID
    assert kind_of([5, 3, 9], name="customer_id") is ColumnKind.ID
    assert kind_of(list(range(1, N + 1)), name="instant") is ColumnKind.ID
    assert kind_of([1, 2, 3], name="n") is ColumnKind.NUMERIC  # too short to call a sequence an id
    assert kind_of([5, 5, 9], name="user_id") is ColumnKind.NUMERIC  # repeats: not an id


def test_integer_codes_need_few_values_and_a_code_name() -> None:
    assert kind_of([1, 2, 3, 1], name="pclass") is ColumnKind.CATEGORICAL
    assert kind_of([20, 60, 190, 20], name="MSSubClass") is ColumnKind.CATEGORICAL
    assert kind_of([3, 4, 5, 6, 7, 8, 9] * 5, name="quality") is ColumnKind.NUMERIC
    assert kind_of(list(range(N)) * 2, name="room_type") is ColumnKind.NUMERIC  # too many values for codes
    assert kind_of([1, 2, 3, 1], name="locCodeAndComment") is ColumnKind.NUMERIC


def test_floats_are_numeric() -> None:
    assert kind_of([1.5, 2.0, None]) is ColumnKind.NUMERIC


def test_numeric_text_is_numeric_and_coerced() -> None:
    df = pl.DataFrame(
        {"a": ["1", " 2", "NA", None], "b": ["1.5", "-", "3", "4e2"], "zip": ["02134", "10001", "x", "y"]}
    )
    kinds = infer_column_kinds(df)

    assert kinds == {"a": ColumnKind.NUMERIC, "b": ColumnKind.NUMERIC, "zip": ColumnKind.CATEGORICAL}
    coerced = coerce_column_types(df, kinds)
    assert coerced.schema["a"] == pl.Int64
    assert coerced.get_column("a").to_list() == [1, 2, None, None]
    assert coerced.get_column("b").to_list() == [1.5, None, 3.0, 400.0]
    assert coerced.get_column("zip").to_list() == df.get_column("zip").to_list()


def test_numeric_text_follows_the_number_rules() -> None:
    df = pl.DataFrame({"flag": ["0", "1", "1", None], "customer_id": ["10", "11", "12", "13"]})
    kinds = infer_column_kinds(df)

    assert kinds == {"flag": ColumnKind.BOOLEAN, "customer_id": ColumnKind.ID}
    assert coerce_column_types(df, kinds).get_column("flag").to_list() == [0, 1, 1, None]


def test_leading_zero_codes_stay_text() -> None:
    assert kind_of(["007", "012", "100"]) is ColumnKind.CATEGORICAL


def test_text_versus_categorical_versus_id() -> None:
    sentences = [f"passenger number {i} boarded at the southern gate" for i in range(N)]
    names = [f"Doe, Mr. John {i}" for i in range(N)]
    tickets = [f"A/{i}" for i in range(N)]
    assert kind_of(sentences) is ColumnKind.TEXT
    assert kind_of(names) is ColumnKind.TEXT
    assert kind_of(tickets) is ColumnKind.ID
    assert kind_of(tickets[:5], name="code") is ColumnKind.CATEGORICAL  # few rows: all-distinct says nothing
    assert kind_of(["a", "b", "c"], name="order_uuid") is ColumnKind.ID
    assert kind_of(["red", "green", "blue"] * N) is ColumnKind.CATEGORICAL


def test_all_missing_columns() -> None:
    assert kind_of([None, None], dtype=pl.String) is ColumnKind.CATEGORICAL
    assert kind_of([None, None], dtype=pl.Float64) is ColumnKind.NUMERIC


def test_coerce_parses_dates_and_leaves_other_columns_alone() -> None:
    df = pl.DataFrame(
        {
            "day": ["2024-01-02", "2024-02-03", None],
            "stamp": ["2024-01-02 10:00:00", "2024-01-02 11:30:00", "2024-01-03 00:00:00"],
            "label": ["yes", "no", "yes"],
        }
    )
    kinds = infer_column_kinds(df)
    coerced = coerce_column_types(df, kinds)

    assert coerced.get_column("day").to_list() == [dt.date(2024, 1, 2), dt.date(2024, 2, 3), None]
    assert coerced.schema["stamp"] == pl.Datetime
    assert coerced.get_column("label").to_list() == ["yes", "no", "yes"]  # booleans keep their labels


def test_day_first_is_chosen_when_month_first_cannot_parse() -> None:
    found = detect_date_format(pl.Series(["13/01/2024", "01/02/2024", "25/12/2023"]))
    assert found is not None
    assert found.format == "%d/%m/%Y"


@pytest.mark.parametrize(("name", "tokens"), [("SalePrice", ["sale", "price"]), ("income >50K", ["income", "50", "k"])])
def test_name_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "expected"),
    [("customerID", True), ("Unnamed: 0", True), ("id", True), ("paid", False), ("valid", False), ("width", False)],
)
def test_id_like_names(name: str, expected: bool) -> None:
    assert is_id_like_name(name) is expected


@pytest.mark.parametrize(("name", "expected"), [("zip_code", True), ("pclass", True), ("class_size", False)])
def test_code_like_names(name: str, expected: bool) -> None:
    assert is_code_like_name(name) is expected
