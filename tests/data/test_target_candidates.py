"""Ranking target candidates: outcome-like columns first, each with a reason and a confidence; never ids, text,
dates or constants. On the tables an analyst brings (tests/e2e/tables.py) and classic shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from flowml.data.ingest import IngestedTable, inspect_file
from flowml.data.profile import profile_columns
from flowml.data.schema import infer_column_kinds
from flowml.data.target import TargetAnalysis
from flowml.services.target_checks import judge_frame, rank
from tests.e2e.tables import DELIVERY_TARGET, HR_TARGET, delivery_times, hr_attrition, write_csv


def analyse(data: pd.DataFrame | Mapping[str, Sequence[object]]) -> TargetAnalysis:
    df = pl.from_pandas(data) if isinstance(data, pd.DataFrame) else pl.DataFrame(data, strict=False)
    return rank(profile_columns(df, infer_column_kinds(df)), df.height, judge_frame(df))


def analyse_table(table: IngestedTable) -> TargetAnalysis:
    """As an upload ranks: the profile, and the engine's Auto decision on every column (services/datasets.py)."""
    return rank(table.profile, table.n_rows, judge_frame(table.df))


def test_hr_table_suggests_the_two_valued_attrition_with_high_confidence(tmp_path: Path) -> None:
    table = inspect_file(write_csv(hr_attrition(), tmp_path / "hr.csv"), extension=".csv")
    analysis = analyse_table(table)
    first = analysis.candidates[0]
    assert (first.name, first.problem_type) == (HR_TARGET, "binary")
    assert first.confidence == "high"
    assert first.reason == "two values, No and Yes; named like an outcome; last usable column"
    income = next(c for c in analysis.candidates if c.name == "MonthlyIncome")
    assert (income.problem_type, income.confidence) == ("regression", "medium")
    assert income.reason.endswith("named like an outcome (income)")
    assert "EmployeeNumber" not in {c.name for c in analysis.candidates}


def test_delivery_table_suggests_delivery_minutes_never_an_item_count(tmp_path: Path) -> None:
    table = inspect_file(write_csv(delivery_times(), tmp_path / "delivery.csv"), extension=".csv")
    analysis = analyse_table(table)
    first = analysis.candidates[0]
    assert (first.name, first.problem_type) == (DELIVERY_TARGET, "regression")
    assert first.confidence == "high"
    assert first.reason.endswith(" different numbers; named like an outcome (minutes); last usable column")
    # the item counts rank below, and never with more than low confidence
    items = [c for c in analysis.candidates if c.name.startswith("item_")]
    assert items and all(c.confidence == "low" for c in items)


def test_delivery_minutes_wins_even_when_it_is_not_the_last_column() -> None:
    frame = delivery_times()
    moved = frame[[DELIVERY_TARGET, *[c for c in frame.columns if c != DELIVERY_TARGET]]]
    assert analyse(moved).candidates[0].name == DELIVERY_TARGET


def titanic_like(rows: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "PassengerId": np.arange(1, rows + 1),
            "Survived": rng.integers(0, 2, rows),
            "Pclass": rng.integers(1, 4, rows),
            "Name": [f"Passenger number {i}, Mr. Someone Else" for i in range(rows)],
            "Sex": rng.choice(["male", "female"], rows),
            "Age": rng.normal(30, 10, rows).round(1),
            "Fare": rng.gamma(2, 15, rows).round(2),
            "Embarked": rng.choice(["S", "C", "Q"], rows),
        }
    )


def test_titanic_like_suggests_survived_over_the_other_two_valued_column() -> None:
    analysis = analyse(titanic_like())
    first = analysis.candidates[0]
    assert (first.name, first.problem_type, first.confidence) == ("Survived", "binary", "high")
    assert first.reason in ("two values, 0 and 1; named like an outcome", "two values, 1 and 0; named like an outcome")
    names = [c.name for c in analysis.candidates]
    assert names.index("Sex") > 0
    assert "PassengerId" not in names and "Name" not in names


def test_iris_like_suggests_species_last() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({f: rng.normal(5, 1, 150).round(1) for f in ("sepal_length", "sepal_width", "petal_length")})
    frame["species"] = np.repeat(["setosa", "versicolor", "virginica"], 50)
    first = analyse(frame).candidates[0]
    assert (first.name, first.problem_type, first.confidence) == ("species", "multiclass", "high")
    assert first.reason == "3 classes: setosa, versicolor, virginica; named like an outcome; last usable column"


def test_an_id_first_and_no_outcome_name_is_a_low_confidence_guess() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "id": np.arange(100),
            "width": rng.normal(10, 2, 100),
            "height": rng.normal(5, 1, 100),
            "weight": rng.normal(70, 9, 100),
        }
    )
    analysis = analyse(frame)
    first = analysis.candidates[0]
    assert first.name == "weight"
    assert first.confidence == "low"
    assert "id" not in {c.name for c in analysis.candidates}
    assert analysis.columns[0].eligible is False
    assert analysis.columns[0].reason == "looks like a row identifier (a different value on every row)"


def test_every_column_gets_a_hint_and_never_targets_say_why() -> None:
    n = 40
    analysis = analyse(
        {
            "customer_id": [f"c{i % 20}" for i in range(n)],  # repeats, but named like an id
            "signed_up": [f"2024-01-{1 + i % 28:02d}" for i in range(n)],
            "comment": [f"this is the free text comment number {i}" for i in range(n)],
            "constant": ["same"] * n,
            "spend": [float(i) * 1.5 for i in range(n)],
        }
    )
    hints = {c.name: c for c in analysis.columns}
    assert [c.name for c in analysis.candidates] == ["spend"]
    assert hints["customer_id"].reason == "is named like an identifier"
    assert hints["signed_up"].reason == "holds dates, which a model cannot learn to predict"
    assert hints["comment"].reason == "holds free text, which a model cannot learn to predict"
    assert hints["constant"].reason == "has a single value, so there is nothing to learn"
    assert hints["spend"].problem_type == "regression"
    assert hints["spend"].reason == "40 different numbers; last usable column"


def test_runners_up_are_medium_or_low_never_high() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "churn": rng.choice(["yes", "no"], 80),
            "tenure": rng.integers(1, 60, 80),
            "plan": rng.choice(["a", "b"], 80),
        }
    )
    analysis = analyse(frame)
    assert analysis.candidates[0].name == "churn"
    assert analysis.candidates[0].confidence == "high"  # 4.0 against the last column's 2.5
    assert [c.confidence for c in analysis.candidates[1:]] == ["medium", "low"]


def test_a_table_with_no_clear_outcome_hints_at_clustering(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    measurements = pd.DataFrame({name: rng.normal(size=120).round(3) for name in ("spend", "visits", "tenure")})
    hint = analyse(measurements).clustering_hint
    assert hint is not None and "clustering finds groups in the rows without a target" in hint
    hr = analyse_table(inspect_file(write_csv(hr_attrition(), tmp_path / "hr.csv"), extension=".csv"))
    assert hr.candidates[0].confidence == "high" and hr.clustering_hint is None
