"""The search loop on the real pool: warm start, trial limits, the time budget, failing algorithms, restore."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from flowml.engine.algorithms import default_registry
from flowml.engine.executor import LocalExecutor
from flowml.engine.features import load_frame, plan_features
from flowml.engine.pool import LocalProcessPool
from flowml.engine.search import PriorTrial, SearchConfig, SearchLoop, TrialTicket
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult

pytestmark = pytest.mark.slow


class Recorder:
    def __init__(self) -> None:
        self.started: list[TrialTicket] = []
        self.finished: list[TrialResult] = []
        self.progress_calls = 0

    async def trial_started(self, ticket: TrialTicket) -> None:
        self.started.append(ticket)

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        self.finished.append(result)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        assert 0 <= progress <= 95
        self.progress_calls += 1

    def cancelled(self) -> bool:
        return False


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, FeaturePlan]:
    from tests.conftest import dataset_path

    path = tmp_path_factory.mktemp("iris") / "iris.parquet"
    pl.read_csv(dataset_path("iris.csv")).write_parquet(path)
    frame = load_frame(str(path))
    kinds = {c: "numeric" for c in frame.columns if c != "target"} | {"target": "categorical"}
    return str(path), plan_features(frame, "target", kinds)


def config(iris: tuple[str, FeaturePlan], algorithms: list[str], **overrides: object) -> SearchConfig:
    now = time.time()
    values: dict[str, object] = {
        "job_id": "job",
        "dataset_path": iris[0],
        "problem_type": ProblemType.MULTICLASS,
        "feature_plan": iris[1],
        "metric": "accuracy",
        "algorithms": algorithms,
        "n_folds": 3,
        "seed": 0,
        "started_at": now,
        "deadline": now + 60,
        "n_rows": 150,
        **overrides,
    }
    return SearchConfig(**values)  # type: ignore[arg-type]


async def test_warm_start_then_trial_limit(iris: tuple[str, FeaturePlan], tmp_path: Path) -> None:
    pool = LocalProcessPool(2)
    await pool.start()
    try:
        names = ["naive_bayes", "decision_tree", "logistic_regression"]
        recorder = Recorder()
        loop = SearchLoop(config(iris, names, max_trials=6), default_registry(), LocalExecutor(pool), recorder)
        outcome = await loop.run()
        assert len(recorder.started) == len(recorder.finished) == 6
        # The first trials are each algorithm's defaults, cheapest first.
        assert [t.spec.algorithm for t in recorder.started[:3]] == names
        assert outcome.best is not None and outcome.best.score is not None and outcome.best.score > 0.9
        assert sorted(t.spec.trial_number for t in recorder.started) == list(range(6))
        assert recorder.progress_calls == 6

        # A restored loop continues numbering and does not redo the warm start.
        prior = [
            PriorTrial(t.optuna_params, t.distributions, r.score)
            for t, r in zip(recorder.started, sorted(recorder.finished, key=lambda r: r.trial_number), strict=True)
        ]
        again = Recorder()
        resumed = SearchLoop(config(iris, names, max_trials=8), default_registry(), LocalExecutor(pool), again)
        resumed.restore(prior)
        await resumed.run()
        assert [t.spec.trial_number for t in again.started] == [6, 7]
    finally:
        await pool.close()


async def test_budget_is_respected(iris: tuple[str, FeaturePlan]) -> None:
    pool = LocalProcessPool(2)
    await pool.start()
    try:
        started = time.time()
        cfg = config(iris, ["random_forest", "extra_trees", "knn"], started_at=started, deadline=started + 8)
        recorder = Recorder()
        outcome = await SearchLoop(cfg, default_registry(), LocalExecutor(pool), recorder).run()
        elapsed = time.time() - started
        assert elapsed <= 8, elapsed  # the search stops early enough to leave time for the final fit
        assert outcome.best is not None
        assert len(recorder.finished) >= 3
    finally:
        await pool.close()


def test_unsupported_algorithms_are_refused(iris: tuple[str, FeaturePlan]) -> None:
    with pytest.raises(ValueError, match="none of the chosen algorithms"):
        SearchLoop(config(iris, ["ridge"]), default_registry(), LocalExecutor(LocalProcessPool(1)), Recorder())


async def test_same_seed_and_trial_count_give_the_same_leaderboard(iris: tuple[str, FeaturePlan]) -> None:
    pool = LocalProcessPool(2)
    await pool.start()
    try:
        names = ["logistic_regression", "decision_tree", "knn", "random_forest"]
        runs = []
        for _ in range(2):
            recorder = Recorder()
            loop = SearchLoop(config(iris, names, max_trials=10), default_registry(), LocalExecutor(pool), recorder)
            await loop.run()
            runs.append(sorted((r.trial_number, r.algorithm, repr(r.params), r.score) for r in recorder.finished))
        assert runs[0] == runs[1]
    finally:
        await pool.close()
