"""A final fit that runs away never costs the job its model (issue 16): on the real process pool, a refit stopped
past its overrun window is replaced by the best trial that refits quickly, and a fit stopped after the refit
delivers the refit model it kept, each saying so in the card."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowml.engine.algorithms import builtin_registry
from flowml.engine.executor import LocalExecutor, recover_checkpoint, run_final_with_fallback
from flowml.engine.features import load_frame, plan_features
from flowml.engine.final import checkpoint_dir, fit_final, write_checkpoint
from flowml.engine.metrics import get_metric
from flowml.engine.model import FlowMLModel
from flowml.engine.package import load_package
from flowml.engine.types import FeaturePlan, FinalSpec, ProblemType
from tests.engine.test_package import final_spec
from tests.engine.test_pipeline import write_parquet

KINDS = {f"x{i}": "numeric" for i in range(8)}


def table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(rows, 8)), columns=list(KINDS))
    frame["y"] = (frame["x0"] + 0.5 * frame["x1"] + rng.normal(scale=0.5, size=rows) > 0).astype(int)
    return frame


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    frame = table(20_000)
    path = write_parquet(frame, tmp_path_factory.mktemp("fallback") / "rows.parquet")
    return path, plan_features(frame, "y", KINDS)


LOGISTIC = builtin_registry().get("logistic_regression").default_params(ProblemType.BINARY)


def row(trial: int, algorithm: str, score: float, fit_time: float, params: dict[str, object]) -> dict[str, object]:
    """A leaderboard row as the search writes it (5 folds)."""
    return {"trial_number": trial, "algorithm": algorithm, "score": score, "fit_time": fit_time,
            "fold_scores": [score] * 5, "params": params}  # fmt: skip


# The leaderboard as the search measured it: a slow forest ranked first, a logistic regression that refits in
# milliseconds second.
FOREST = {"n_estimators": 3000, "max_features": 1.0, "min_samples_leaf": 1}
LEADERBOARD = [row(7, "random_forest", 0.93, 40.0, FOREST), row(3, "logistic_regression", 0.92, 0.05, LOGISTIC)]
# Long enough for the stopped process's replacement to start and refit a quick model; far short of the forest.
OVERRUN_S = 6.0


def runaway(data: tuple[Path, FeaturePlan], tmp_path: Path, leaderboard: list[dict[str, object]]) -> FinalSpec:
    """The forest's final fit, due now: thousands of unpruned trees on 20,000 rows refit for minutes, far past the
    overrun window."""
    path, plan = data
    return final_spec(
        path,
        plan,
        tmp_path / "model",
        algorithm="random_forest",
        params=FOREST,
        deadline=time.time(),
        overrun_s=OVERRUN_S,
        leaderboard=leaderboard,
    )


async def test_a_refit_past_its_window_is_replaced_by_a_quick_trial(
    executor: LocalExecutor, data: tuple[Path, FeaturePlan], tmp_path: Path
) -> None:
    path, _ = data
    spec = runaway(data, tmp_path, LEADERBOARD)
    started = time.monotonic()
    result = await run_final_with_fallback(executor, spec)
    took = time.monotonic() - started
    assert result.delivered_trial == 3 and result.card.algorithm == "logistic_regression"
    assert any("the final fit of random_forest ran past its time limit" in note for note in result.card.notes)
    # The window, a restarted worker process and a logistic regression's refit: seconds, not the forest's minutes.
    assert took < 30, took
    model, card = load_package(Path(result.output_dir))
    assert card.model_sha256 == result.model_sha256
    assert model.predict(load_frame(str(path)).head(5)).shape == (5,)


async def test_with_nothing_quick_left_the_quickest_trial_is_delivered(
    executor: LocalExecutor, data: tuple[Path, FeaturePlan], tmp_path: Path
) -> None:
    board = [{**LEADERBOARD[1], "fit_time": 30.0}, row(9, "random_forest", 0.9, 50.0, {**FOREST, "n_estimators": 10})]
    spec = runaway(data, tmp_path, [LEADERBOARD[0], *board])
    result = await run_final_with_fallback(executor, spec)
    assert result.delivered_trial == 3  # never the configuration that just ran away, then the quickest


def test_a_fit_stopped_after_its_refit_delivers_the_model_it_kept(
    data: tuple[Path, FeaturePlan], tmp_path: Path
) -> None:
    path, plan = data
    spec = final_spec(path, plan, tmp_path / "model", algorithm="logistic_regression", params=LOGISTIC)
    frame = load_frame(str(path))
    algorithm = builtin_registry().get("logistic_regression")
    model = FlowMLModel.train(frame, plan, ProblemType.BINARY, algorithm, LOGISTIC, seed=0)
    write_checkpoint(model, spec, frame, get_metric("roc_auc", ProblemType.BINARY), ["a note from the fit"])
    (tmp_path / "model" / "model.joblib").write_bytes(b"half a pickle")  # the stopped process's last write

    result = recover_checkpoint(spec, "the final fit of logistic_regression ran past its time limit after the refit")
    assert result is not None and not checkpoint_dir(spec).exists()
    loaded, card = load_package(tmp_path / "model")
    assert card.model_sha256 == result.model_sha256 and card.algorithm == "logistic_regression"
    assert card.notes[0] == "a note from the fit" and "ONNX export" in card.notes[-1]
    assert loaded.predict(frame.head(3)).shape == (3,)
    assert recover_checkpoint(spec, "again") is None  # nothing kept any more


def test_a_final_fit_that_finishes_leaves_no_checkpoint(data: tuple[Path, FeaturePlan], tmp_path: Path) -> None:
    path, plan = data
    spec = final_spec(path, plan, tmp_path / "model", algorithm="logistic_regression", params=LOGISTIC)
    result = fit_final(spec, builtin_registry())
    assert not checkpoint_dir(spec).exists() and Path(result.model_path).is_file()
