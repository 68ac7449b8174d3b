"""The search loop runs clustering trials on the real process pool: they complete, carry their shape, and the best is
chosen in the metric's direction (Davies-Bouldin minimises)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.datasets import make_blobs

from flowml.engine.algorithms import default_registry
from flowml.engine.executor import LocalExecutor
from flowml.engine.features import plan_features
from flowml.engine.pool import LocalProcessPool
from flowml.engine.search import SearchConfig, SearchLoop, TrialTicket
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialStatus

pytestmark = pytest.mark.slow
ROWS = 600


class Recorder:
    def __init__(self) -> None:
        self.finished: list[TrialResult] = []

    async def trial_started(self, ticket: TrialTicket) -> None:
        assert ticket.spec.problem_type is ProblemType.CLUSTERING

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        self.finished.append(result)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        assert 0 <= progress <= 95

    def cancelled(self) -> bool:
        return False


def search_config(path: Path, plan: FeaturePlan, *, seconds: float) -> SearchConfig:
    now = time.time()
    return SearchConfig(
        job_id="cluster-job",
        dataset_path=str(path),
        problem_type=ProblemType.CLUSTERING,
        feature_plan=plan,
        metric="davies_bouldin",
        algorithms=["kmeans", "minibatch_kmeans"],
        n_folds=1,
        seed=0,
        started_at=now,
        deadline=now + seconds,
        n_rows=ROWS,
        max_trials=8,
    )


async def test_search_ranks_clustering_trials_by_the_metric_direction(tmp_path: Path) -> None:
    X, _ = make_blobs(n_samples=ROWS, centers=4, n_features=3, cluster_std=0.8, random_state=2)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    path = tmp_path / "blobs.parquet"
    pl.from_pandas(frame).write_parquet(path)
    plan = plan_features(frame, None, dict.fromkeys(frame.columns, "numeric"))
    pool = LocalProcessPool(2, quiet=True)
    await pool.start()
    try:
        # The budget starts once the workers are up: starting them takes seconds on a busy machine.
        config = search_config(path, plan, seconds=8.0)
        recorder = Recorder()
        outcome = await SearchLoop(config, default_registry(), LocalExecutor(pool), recorder).run()
    finally:
        await pool.close()

    completed = [r for r in recorder.finished if r.status == TrialStatus.COMPLETED]
    assert len(completed) >= 4, [(r.status, r.error) for r in recorder.finished]
    assert {r.algorithm for r in completed} == {"kmeans", "minibatch_kmeans"}
    for result in completed:
        assert result.score is not None and result.fold_scores == [result.score]
        assert 2 <= result.other_metrics["n_clusters"] == len(result.cluster_sizes)
        assert sum(result.cluster_sizes) == ROWS
        assert {"silhouette", "calinski_harabasz", "davies_bouldin"} <= set(result.other_metrics)
    # Lower Davies-Bouldin is better: the best trial has the smallest score.
    assert outcome.best is not None
    scores = [r.score for r in completed if r.score is not None]
    assert len(set(scores)) > 1 and outcome.best.score == min(scores)
    assert outcome.best.other_metrics["degenerate"] == 0.0
    assert np.isclose(outcome.best.score, outcome.best.other_metrics["davies_bouldin"])
