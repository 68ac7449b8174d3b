"""Guess which column the user wants to predict, and what kind of problem that makes.

Only a suggestion the UI pre-selects; the user can pick any column. Ids, free text and datetimes are never
suggested (nothing can learn to predict them), nor columns with fewer than two distinct values.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from flowml.data.names import name_tokens
from flowml.data.schema import ColumnKind

ProblemTypeName = Literal["binary", "multiclass", "regression"]

# Names people give targets, most telling first, matched exactly (case-insensitive). "y" comes last: in many
# tables it is a coordinate (diamonds' y) rather than the answer.
TARGET_NAMES = (
    "target",
    "label",
    "class",
    "outcome",
    "survived",
    "churn",
    "species",
    "price",
    "income",
    "deposit",
    "risk",
    "diagnosis",
    "fraud",
    "quality",
    "response",
    "y",
)
# Words that still mark a target inside a longer name ("SalePrice", "income >50K", "credit_risk"). Not "class"
# or "y": "pclass", "MSSubClass" and "y_coord" are features.
TARGET_WORDS = ("target", "label", "outcome", "churn", "price", "income", "risk", "fraud", "diagnosis")
MAX_CLASSES_FOR_INTEGER_TARGET = 20
MAX_CLASSES_FOR_TEXT_TARGET = 50
_NEVER_TARGETS = frozenset({ColumnKind.ID, ColumnKind.TEXT, ColumnKind.DATETIME})


def suggest_target(df: pl.DataFrame, kinds: dict[str, ColumnKind]) -> str | None:
    """An exact name match, then a word match, else the last eligible column; None when none is eligible."""
    eligible = [name for name in df.columns if _eligible(df.get_column(name), kinds.get(name))]
    by_name = {name.strip().lower(): name for name in reversed(eligible)}  # reversed: the first column wins
    for keyword in TARGET_NAMES:
        if keyword in by_name:
            return by_name[keyword]
    for keyword in TARGET_WORDS:
        for name in eligible:
            if keyword in name_tokens(name):
                return name
    return eligible[-1] if eligible else None


def suggest_problem_type(series: pl.Series, kind: ColumnKind) -> ProblemTypeName:
    """binary for two classes; multiclass for labels and small 0..k-1 / 1..k integer codes; else regression.

    Integers that do not start at 0 or 1 (wine `quality` 3..9, abalone `Rings`) are treated as quantities: a
    regression keeps their order, which classes would throw away.
    """
    values = series.drop_nulls()
    distinct = values.n_unique()
    if kind is ColumnKind.BOOLEAN or distinct == 2:
        return "binary"
    if not series.dtype.is_numeric():
        return "multiclass"
    if kind is ColumnKind.CATEGORICAL or _is_class_code(values, distinct):
        return "multiclass"
    return "regression"


def _eligible(series: pl.Series, kind: ColumnKind | None) -> bool:
    if kind is None or kind in _NEVER_TARGETS:
        return False
    values = series.drop_nulls()
    distinct = values.n_unique()
    if kind is ColumnKind.CATEGORICAL and distinct > MAX_CLASSES_FOR_TEXT_TARGET and distinct > values.len() / 2:
        return False  # mostly-unique labels (names, free-form codes) are not classes anyone predicts
    return distinct >= 2


def _is_class_code(values: pl.Series, distinct: int) -> bool:
    if distinct == 0 or distinct > MAX_CLASSES_FOR_INTEGER_TARGET:
        return False
    if values.dtype.is_float() and not (values == values.round(0)).all():
        return False
    codes = sorted(int(value) for value in values.unique().to_list())
    return codes in (list(range(distinct)), list(range(1, distinct + 1)))
