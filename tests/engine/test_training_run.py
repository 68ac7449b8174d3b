"""The one training run (engine/run.py) on the real pool, through its ports: what it reports, where it writes,
what it returns, and how a cancel or a search with no success ends it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest

from flowml.core.errors import FlowMLError
from flowml.data.formats import sha256_of_bytes, write_parquet_bytes
from flowml.engine.executor import LocalExecutor
from flowml.engine.features import load_frame
from flowml.engine.metrics import better, get_metric
from flowml.engine.run import (
    DirectoryStorage,
    FileControl,
    RunCancelled,
    RunPorts,
    RunRequest,
    prepare_data,
    run_training,
)
from flowml.engine.search import TrialTicket
from flowml.engine.types import ProblemType, TrialResult, Validation
from tests.conftest import dataset_path

pytestmark = pytest.mark.slow

MAX_TRIALS = 4


class Recorder:
    """The events port, writing down what it hears."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.stages: list[str] = []

    async def trial_started(self, ticket: TrialTicket) -> None:
        self.started.append(ticket.spec.trial_number)

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        self.finished.append(result.trial_number)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        if not self.stages or self.stages[-1] != stage:
            self.stages.append(stage)


def _request(tmp_path: Path, algorithms: list[str], metric: str = "log_loss") -> RunRequest:
    path = tmp_path / "iris.parquet"
    parquet = write_parquet_bytes(pl.read_csv(dataset_path("iris.csv")))
    path.write_bytes(parquet)
    frame = load_frame(str(path))
    kinds = {c: "numeric" for c in frame.columns if c != "target"} | {"target": "categorical"}
    prepared = prepare_data(frame, "target", ProblemType.MULTICLASS, kinds, 3, 60)
    assert prepared.validation is Validation.CV and prepared.n_rows == 150
    now = time.time()
    return RunRequest(
        job_id="run",
        dataset_path=str(path),
        dataset_sha256=sha256_of_bytes(parquet),
        problem=ProblemType.MULTICLASS,
        plan=prepared.plan,
        n_rows=prepared.n_rows,
        metric=metric,
        algorithms=algorithms,
        n_folds=3,
        folds_used=prepared.n_folds,
        seed=1,
        started_at=now,
        deadline=now + 120,
        validation=prepared.validation,
        max_trials=MAX_TRIALS,
    )


async def test_a_run_searches_fits_and_packages(tmp_path: Path, executor: LocalExecutor) -> None:
    request = _request(tmp_path, ["naive_bayes", "decision_tree"])
    events = Recorder()
    storage = DirectoryStorage(package=tmp_path / "model", scratch=tmp_path / "scratch")
    outcome = await run_training(request, RunPorts(executor=executor, storage=storage, events=events))

    assert events.started == events.finished == list(range(MAX_TRIALS))
    assert events.stages == ["searching", "finalizing"]
    assert outcome.location == str((tmp_path / "model").resolve())
    assert outcome.search.results and not outcome.search.stopped
    # log_loss: lower is better, so the leaderboard starts at the smallest and the best trial leads it.
    scores = [row.score for row in outcome.leaderboard if row.score is not None]
    assert scores == sorted(scores)
    assert outcome.leaderboard[0].trial_number == outcome.best.trial_number
    assert outcome.best.score is not None
    assert not any(better(get_metric("log_loss", ProblemType.MULTICLASS), s, outcome.best.score) for s in scores)
    written = json.loads((tmp_path / "model" / "leaderboard.json").read_text())
    assert [r["trial_number"] for r in written] == [r.trial_number for r in outcome.leaderboard]
    card = json.loads((tmp_path / "model" / "model_card.json").read_text())
    assert card["validation"] == {"method": "cv", "folds": 3}
    assert card["delivered"]["members"][0]["trial_number"] in {r.trial_number for r in outcome.leaderboard}
    assert card["default_name"].endswith(" · target")
    assert card["evaluation"]["available"] is True
    assert outcome.card.model_sha256 == outcome.final.model_sha256


async def test_a_cancelled_run_delivers_nothing(tmp_path: Path, executor: LocalExecutor) -> None:
    cancel = tmp_path / "cancel"
    cancel.touch()
    storage = DirectoryStorage(package=tmp_path / "model", scratch=tmp_path / "scratch")
    control = FileControl(cancel_path=str(cancel))
    with pytest.raises(RunCancelled):
        await run_training(_request(tmp_path, ["decision_tree"]), RunPorts(executor, storage, control=control))
    assert not (tmp_path / "model").exists()


async def test_a_search_without_success_says_why(tmp_path: Path, executor: LocalExecutor) -> None:
    request = _request(tmp_path, ["decision_tree"]).model_copy(update={"deadline": time.time() - 1})
    storage = DirectoryStorage(package=tmp_path / "model", scratch=tmp_path / "scratch")
    with pytest.raises(FlowMLError, match="time budget ended before any trial"):
        await run_training(request, RunPorts(executor, storage))
