"""The final fit's fallback, as a decision: a failed ensemble fit ends with its best member when that refits
quickly, and a failure with nothing left to fall back on is not hidden. tests/engine/test_final_fallback.py runs
the same path on the real process pool."""

from __future__ import annotations

import pytest

from flowml.engine.executor import run_final_with_fallback
from flowml.engine.pool import TaskKilled
from flowml.engine.types import FinalResult, FinalSpec, TrialResult, TrialSpec
from tests.model_cards import model_card


class FlakyExecutor:
    """Fails any final fit that includes an ensemble; records what it was asked."""

    capacity = 1

    def __init__(self) -> None:
        self.calls: list[FinalSpec] = []

    async def run_trial(self, spec: TrialSpec) -> TrialResult:
        raise NotImplementedError

    async def run_final(self, spec: FinalSpec) -> FinalResult:
        self.calls.append(spec)
        if spec.ensemble:
            raise TaskKilled("task passed its hard time limit")
        return FinalResult(
            output_dir="out",
            model_path="out/model.joblib",
            model_sha256="0" * 64,
            card=model_card(),
            feature_importance={},
            fit_time=1.0,
        )

    def cancel(self, job_id: str) -> None:
        return None


def spec(ensemble: list[dict[str, object]], leaderboard: list[dict[str, object]] | None = None) -> FinalSpec:
    return FinalSpec(
        job_id="j",
        dataset_path="d.parquet",
        dataset_sha256="s",
        problem_type="binary",
        feature_plan={"target": "y", "column_kinds": {"x": "numeric"}},
        algorithm="lightgbm",
        params={},
        metric="roc_auc",
        cv_score=0.9,
        seed=0,
        output_dir="out",
        deadline=1e12,
        ensemble=ensemble,
        ensemble_score=0.91,
        leaderboard=leaderboard or [],
    )


async def test_failed_ensemble_falls_back_to_the_best_model() -> None:
    executor = FlakyExecutor()
    members: list[dict[str, object]] = [
        {"algorithm": "lightgbm", "params": {}, "weight": 0.5},
        {"algorithm": "knn", "params": {}, "weight": 0.5},
    ]
    board: list[dict[str, object]] = [
        {"trial_number": 4, "algorithm": "lightgbm", "score": 0.9, "fit_time": 0.5, "fold_scores": [0.9] * 5},
        {"trial_number": 2, "algorithm": "knn", "score": 0.88, "fit_time": 0.1, "fold_scores": [0.88] * 5},
    ]
    result = await run_final_with_fallback(executor, spec(members, board))
    assert result.model_sha256 == "0" * 64 and result.delivered_trial == 4
    assert [len(c.ensemble) for c in executor.calls] == [2, 0]
    assert executor.calls[1].deadline < 1e12 and executor.calls[1].ensemble_score is None
    assert "the ensemble's final fit ran past its time limit" in executor.calls[1].notes[-1]


async def test_a_single_model_failure_is_not_hidden() -> None:
    class Broken(FlakyExecutor):
        async def run_final(self, spec: FinalSpec) -> FinalResult:
            raise RuntimeError("MemoryError: cannot allocate")

    with pytest.raises(RuntimeError, match=r"MemoryError.*no other trial is left"):
        await run_final_with_fallback(Broken(), spec([]))
