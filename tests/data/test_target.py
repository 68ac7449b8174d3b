"""Target suggestion and problem type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import pytest

from flowml.data.schema import ColumnKind, infer_column_kinds
from flowml.data.target import suggest_problem_type, suggest_target


def suggest(data: Mapping[str, Sequence[object]]) -> str | None:
    df = pl.DataFrame(data, strict=False)
    return suggest_target(df, infer_column_kinds(df))


def test_exact_name_beats_position() -> None:
    assert suggest({"Target": [0, 1, 0], "a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]}) == "Target"


def test_names_in_priority_order() -> None:
    assert suggest({"price": [1.0, 2.0], "label": ["a", "b"], "z": [3.0, 4.0]}) == "label"


def test_y_comes_after_other_names() -> None:
    assert suggest({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.5, 3.0], "price": [10.0, 20.0, 5.0]}) == "price"
    assert suggest({"x": [1.0, 2.0, 3.0], "Y": [1.0, 2.5, 3.0], "z": [10.0, 20.0, 5.0]}) == "Y"


def test_word_inside_a_longer_name() -> None:
    assert suggest({"SalePrice": [1.0, 2.0], "LotArea": [3.0, 4.0], "MSSubClass": [20, 60]}) == "SalePrice"
    assert suggest({"age": [30, 40], "income >50K": [0, 1], "sex": ["m", "f"]}) == "income >50K"


def test_last_eligible_column_when_no_name_matches() -> None:
    ids = list(range(1, 31))
    assert suggest({"a": [1.5] * 15 + [2.5] * 15, "b": ids[::-1], "row_id": ids}) == "b"


def test_never_an_id_text_or_constant_column() -> None:
    n = 30
    data: dict[str, list[object]] = {
        "label_id": list(range(n)),
        "f": [float(i % 7) for i in range(n)],
        "comment": [f"this is the free text comment number {i}" for i in range(n)],
        "constant": ["same"] * n,
    }
    assert suggest(data) == "f"


def test_none_when_nothing_is_eligible() -> None:
    assert suggest({"id": [1, 2, 3], "constant": [1, 1, 1]}) is None


@pytest.mark.parametrize(
    ("values", "kind", "expected"),
    [
        ([0, 1, 1, None], ColumnKind.BOOLEAN, "binary"),
        (["yes", "no"], ColumnKind.BOOLEAN, "binary"),
        ([1, 2, 2], ColumnKind.NUMERIC, "binary"),
        (["a", "b", "c"], ColumnKind.CATEGORICAL, "multiclass"),
        ([0, 1, 2, 2], ColumnKind.NUMERIC, "multiclass"),
        ([1, 2, 3, 4], ColumnKind.NUMERIC, "multiclass"),
        ([0.0, 1.0, 2.0], ColumnKind.NUMERIC, "multiclass"),
        ([3, 4, 5, 6, 7, 8, 9], ColumnKind.NUMERIC, "regression"),
        (list(range(30)), ColumnKind.NUMERIC, "regression"),
        ([0.5, 1.5, 2.25], ColumnKind.NUMERIC, "regression"),
        ([20, 60, 190], ColumnKind.CATEGORICAL, "multiclass"),
    ],
)
def test_problem_type(values: list[object], kind: ColumnKind, expected: str) -> None:
    assert suggest_problem_type(pl.Series("t", values, strict=False), kind) == expected
