"""The validation strategy chosen from the data's size and the budget; the ensemble reads only the job's files."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from flowml.engine.features import plan_features
from flowml.engine.final_choice import ENSEMBLE_MAX_ROWS, choose_ensemble, choose_validation
from flowml.engine.search import SearchConfig
from flowml.engine.types import ProblemType, TrialResult
from tests.engine.test_pipeline import SYNTHETIC_KINDS, synthetic_frame, write_parquet


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


def test_only_the_jobs_own_out_of_fold_files_are_read_or_written_beside(tmp_path: Path) -> None:
    """A result naming a file elsewhere (a worker's report once could) is left out: nothing is read from it and
    no subset file is written beside it. Large data, so the ensemble writes row subsets."""
    rows = ENSEMBLE_MAX_ROWS + 50
    frame = synthetic_frame(ProblemType.REGRESSION, rows)
    oof_dir = tmp_path / "oof"
    oof_dir.mkdir()
    y = frame["target"].to_numpy()
    noise = np.random.default_rng(0).normal(size=(2, rows))
    results = []
    for number in (0, 1):
        np.save(oof_dir / f"{number}.npy", (y + noise[number])[:, None], allow_pickle=False)
        results.append(_completed(number, 0.9, oof_dir / f"{number}.npy"))
    bait = tmp_path / "elsewhere" / "2.npy"
    bait.parent.mkdir()
    np.save(bait, y[:, None], allow_pickle=False)  # perfect predictions: the ensemble's pick, were it read
    results.append(_completed(2, 1.0, bait))
    config = SearchConfig(
        job_id="job-1",
        dataset_path=str(write_parquet(frame, tmp_path / "data.parquet")),
        problem_type=ProblemType.REGRESSION,
        feature_plan=plan_features(frame, "target", SYNTHETIC_KINDS),
        metric="r2",
        algorithms=[],
        n_folds=5,
        seed=0,
        started_at=time.time(),
        deadline=time.time() + 600,
        n_rows=rows,
        oof_dir=str(oof_dir),
    )
    plan = choose_ensemble(config, results)
    assert plan is not None and sorted(m.trial_number for m in plan.members) == [0, 1]
    assert [p.name for p in bait.parent.iterdir()] == ["2.npy"]
    assert sorted(p.name for p in oof_dir.iterdir()) == ["0.npy", "0.subset.npy", "1.npy", "1.subset.npy"]


def _completed(number: int, score: float, oof: Path) -> TrialResult:
    return TrialResult(
        job_id="job-1",
        trial_number=number,
        algorithm=f"algorithm_{number}",
        params={},
        status="completed",
        metric="r2",
        score=score,
        oof_path=str(oof),
    )
