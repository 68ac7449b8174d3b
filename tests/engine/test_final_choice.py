"""The validation strategy chosen from the data's size and the budget."""

from __future__ import annotations

import pytest

from flowml.engine.final_choice import choose_validation


@pytest.mark.parametrize(
    ("rows", "features", "budget", "expected"),
    [
        (150, 4, 60, "cv"),  # small data: k-fold is cheap and a holdout would be noisy
        (5_300, 19, 60, "cv"),  # about 100k cells: 5 folds still leave time for many trials in a minute
        (13_000, 14, 60, "holdout"),  # 182k cells in a minute: k-fold would allow only a handful of trials
        (13_000, 14, 600, "cv"),  # ... but with ten minutes there is time for k-fold
        (4_000, 500, 60, "cv"),  # wide but small: a 20% holdout of 4000 rows ranks configurations poorly
        (150_000, 3, 36_000, "holdout"),  # large data: holdout whatever the budget
    ],
)
def test_holdout_for_large_data_on_short_budgets(rows: int, features: int, budget: float, expected: str) -> None:
    assert choose_validation(rows, features, budget) == expected
