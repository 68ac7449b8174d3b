"""engine/problem.py check_target is the one gate a target passes (training start, CLI, dataset stats), and
judge_target gives its answer for every choice without raising."""

from __future__ import annotations

import pandas as pd
import pytest

from flowml.core.errors import InvalidInputError
from flowml.engine.problem import PROBLEM_TYPE_CHOICES, check_target, judge_target
from flowml.engine.types import ProblemType


def test_check_target_resolves_then_validates() -> None:
    problem, check = check_target(pd.Series(["Yes", "No", None] * 10, name="left"), "auto")
    assert problem is ProblemType.BINARY
    assert check.notes == ["dropped 10 row(s) with a missing target"]
    assert check_target(pd.Series([1, 2, 3] * 10, name="y"), "classification")[0] is ProblemType.MULTICLASS
    with pytest.raises(InvalidInputError, match="exactly 2 classes; target has 3"):
        check_target(pd.Series(["a", "b", "c"] * 10, name="y"), "binary")


def test_judge_target_answers_every_choice_as_check_target_would() -> None:
    y = pd.Series([3, 4, 5, 6, 7, 8, 9] * 10, name="quality")
    verdicts = judge_target(y)
    assert set(verdicts) == set(PROBLEM_TYPE_CHOICES)
    assert verdicts["auto"].problem_type is ProblemType.MULTICLASS
    assert verdicts["regression"].accepted and verdicts["multiclass"].accepted
    assert not verdicts["binary"].accepted
    for choice, verdict in verdicts.items():
        if verdict.accepted:
            problem, check = check_target(y, choice)
            assert (verdict.problem_type, verdict.notes) == (problem, tuple(check.notes))
        else:
            with pytest.raises(InvalidInputError) as refused:
                check_target(y, choice)
            assert (verdict.problem_type, verdict.message) == (None, refused.value.message)


def test_fold_notes_follow_n_folds_but_acceptance_does_not() -> None:
    y = pd.Series(["a"] * 20 + ["b"] * 3, name="y")
    assert judge_target(y, n_folds=5)["auto"].notes == (
        "reduced cross-validation from 5 to 3 folds: the rarest class ('b') has only 3 rows",
    )
    assert judge_target(y, n_folds=3)["auto"].notes == ()
    lonely = pd.Series(["a"] * 20 + ["b"], name="y")
    assert [judge_target(lonely, n_folds=n)["auto"].accepted for n in (2, 5, 10)] == [False, False, False]


def test_lists_and_records_are_refused_in_words_not_a_crash() -> None:
    """Uploads store nested values as text, but a notebook or CLI frame may hold lists (pandas cannot count them)."""
    nested = pd.Series([[1, 2], [3], None, [1, 2]], name="tags")
    verdicts = judge_target(nested)
    message = "target column 'tags' holds lists or records, not single values; pick a numeric or categorical column"
    messages = {choice: verdict.message for choice, verdict in verdicts.items()}
    assert messages == dict.fromkeys(PROBLEM_TYPE_CHOICES, message)
