"""Target suggestion and problem type: the ranking (data/target.py) takes each column's problem type from the
engine's Auto decision (services/target_checks.py), so it names what training would do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import polars as pl
import pytest

from flowml.data.profile import profile_columns
from flowml.data.schema import infer_column_kinds
from flowml.data.target import TargetAnalysis
from flowml.engine.problem import check_target
from flowml.services.target_checks import judge_frame, rank


def analyse(df: pl.DataFrame) -> TargetAnalysis:
    return rank(profile_columns(df, infer_column_kinds(df)), df.height, judge_frame(df))


def suggest(data: Mapping[str, Sequence[object]], repeat: int = 1) -> str | None:
    """The suggested column; `repeat` copies the rows so every class has the two rows training needs."""
    suggested = analyse(pl.DataFrame({k: list(v) * repeat for k, v in data.items()}, strict=False)).suggested
    return suggested.name if suggested else None


def test_exact_name_beats_position() -> None:
    assert suggest({"Target": [0, 1, 0], "a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]}, repeat=2) == "Target"


def test_names_in_priority_order() -> None:
    assert suggest({"price": [1.0, 2.0], "label": ["a", "b"], "z": [3.0, 4.0]}, repeat=2) == "label"


def test_y_comes_after_other_names() -> None:
    assert suggest({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.5, 3.0], "price": [10.0, 20.0, 5.0]}) == "price"
    assert suggest({"x": [1.0, 2.0, 3.0], "Y": [1.0, 2.5, 3.0], "z": [10.0, 20.0, 5.0]}) == "Y"


def test_word_inside_a_longer_name() -> None:
    assert suggest({"SalePrice": [1.0, 2.0], "LotArea": [3.0, 4.0], "MSSubClass": [20, 60]}, repeat=2) == "SalePrice"
    assert suggest({"age": [30, 40], "income >50K": [0, 1], "sex": ["m", "f"]}, repeat=2) == "income >50K"


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


WINE_QUALITY = [3, 4, 5, 6, 7, 8, 9] * 10  # seven whole numbers in 70 rows: Auto calls them classes


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Yes", "No", "No", "Yes"], "binary"),
        ([True, False, True, None, False], "binary"),
        ([1, 2, 2, 1], "binary"),
        (["a", "b", "c"] * 4, "multiclass"),
        (WINE_QUALITY, "multiclass"),
        ([3, 4, 5, 6, 7, 8, 9], "regression"),  # seven values in seven rows: a quantity
        ([float(v) for v in WINE_QUALITY], "multiclass"),
        ([i * 0.37 for i in range(40)], "regression"),
        ([i // 2 for i in range(60)], "regression"),  # 30 whole numbers in 60 rows: too many for classes
    ],
)
def test_the_ranking_names_the_problem_type_auto_trains(values: list[object], expected: str) -> None:
    series = pl.Series("outcome", values, strict=False)
    hint = analyse(series.to_frame()).columns[0]
    problem, _ = check_target(series.to_pandas(), "auto")
    assert (hint.problem_type, problem.value) == (expected, expected)


def test_a_column_auto_refuses_is_never_suggested_and_says_why() -> None:
    frame = pl.DataFrame({"size": [float(i) for i in range(12)], "label": ["a"] * 6 + ["b"] * 5 + ["lonely"]})
    analysis = analyse(frame)
    hint = analysis.columns[1]
    assert not hint.eligible and hint.problem_type is None
    assert hint.reason == (
        "cannot be trained on as it is (class(es) 'lonely' of target 'label' have fewer than 2 rows; "
        "remove those rows or merge rare classes)"
    )
    assert [c.name for c in analysis.candidates] == ["size"]
    with pytest.raises(Exception, match="fewer than 2 rows"):
        check_target(pd.Series(frame["label"].to_list(), name="label"), "auto")
