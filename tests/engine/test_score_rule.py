"""One "is this score better" rule (engine/metrics.py `better` and friends), right for both orientations, and the
one leaderboard builder (engine/run.py `leaderboard_rows`) that ranks by it."""

from __future__ import annotations

import math

import pytest

from flowml.engine.metrics import (
    METRICS,
    MetricSpec,
    best_index,
    best_of,
    better,
    gain,
    get_metric,
    rank_key,
    signed_score,
)
from flowml.engine.run import leaderboard_rows
from flowml.engine.types import ProblemType, TrialResult, TrialStatus

LOWER = [m for m in METRICS if not m.greater_is_better]
HIGHER = [m for m in METRICS if m.greater_is_better]


def test_both_orientations_are_covered() -> None:
    assert {m.name for m in LOWER} >= {"rmse", "mae", "log_loss", "mape"}
    assert {m.name for m in HIGHER} >= {"roc_auc", "accuracy", "r2"}


@pytest.mark.parametrize("metric", LOWER, ids=lambda m: m.name)
def test_lower_is_better(metric: MetricSpec) -> None:
    assert better(metric, 0.1, 0.5)
    assert not better(metric, 0.5, 0.1)
    assert not better(metric, 0.3, 0.3)  # a tie is not an improvement
    assert gain(metric, 0.1, 0.5) == pytest.approx(0.4)
    assert gain(metric, 0.5, 0.1) == pytest.approx(-0.4)
    assert best_of(metric, [0.5, 0.1, 0.3]) == 0.1
    assert best_index(metric, [0.5, 0.1, 0.3, 0.1]) == 1  # the first of equals
    assert sorted([0.5, 0.1, 0.3], key=lambda v: rank_key(metric, v)) == [0.1, 0.3, 0.5]
    assert signed_score(metric, 0.1) > signed_score(metric, 0.5)


@pytest.mark.parametrize("metric", HIGHER, ids=lambda m: m.name)
def test_higher_is_better(metric: MetricSpec) -> None:
    assert better(metric, 0.9, 0.5)
    assert not better(metric, 0.5, 0.9)
    assert not better(metric, 0.7, 0.7)
    assert gain(metric, 0.9, 0.5) == pytest.approx(0.4)
    assert best_of(metric, [0.5, 0.9, 0.7]) == 0.9
    assert sorted([0.5, 0.9, 0.7], key=lambda v: rank_key(metric, v)) == [0.9, 0.7, 0.5]


def test_optuna_directions_follow_the_same_rule() -> None:
    assert better("minimize", 1.0, 2.0) and not better("minimize", 2.0, 1.0)
    assert better("maximize", 2.0, 1.0) and not better("maximize", 1.0, 2.0)
    assert best_of("minimize", [3.0, 1.0, 2.0]) == 1.0


def test_best_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no scores"):
        best_of(get_metric("rmse", ProblemType.REGRESSION), [])


def _result(number: int, score: float | None, status: TrialStatus = TrialStatus.COMPLETED) -> TrialResult:
    return TrialResult(
        job_id="j",
        trial_number=number,
        algorithm=f"algo{number}",
        params={"n": number},
        status=status,
        metric="m",
        score=score,
        fold_scores=[score if score is not None else math.nan, math.nan],
    )


def test_leaderboard_ranks_a_lower_is_better_metric_smallest_first() -> None:
    results = [
        _result(0, 3.0),
        _result(1, 1.0),
        _result(2, None, TrialStatus.FAILED),
        _result(3, math.nan),  # an undefined score is no rank
        _result(4, 2.0),
        _result(5, 1.0),  # ties with trial 1: the earlier trial ranks first
        _result(6, 0.5, TrialStatus.TIMEOUT),
    ]
    rows = leaderboard_rows(results, get_metric("rmse", ProblemType.REGRESSION))
    assert [(r.rank, r.trial_number, r.score) for r in rows] == [(1, 1, 1.0), (2, 5, 1.0), (3, 4, 2.0), (4, 0, 3.0)]
    assert rows[0].fold_scores == [1.0]  # non-finite fold scores are left out, as the trials table keeps them
    assert rows[0].params == {"n": 1}


def test_leaderboard_ranks_a_higher_is_better_metric_largest_first() -> None:
    rows = leaderboard_rows(
        [_result(0, 0.7), _result(1, 0.9), _result(2, 0.8)], get_metric("r2", ProblemType.REGRESSION)
    )
    assert [r.trial_number for r in rows] == [1, 2, 0]
