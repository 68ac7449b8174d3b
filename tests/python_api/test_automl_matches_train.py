"""`AutoML(...).fit(X, y)` is `flowml train` on the same rows: with the same seed, max_trials, folds and algorithms
both give the same leaderboard and the same model, so the same test score (engine/run.py is the one run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from flowml import AutoML
from flowml.engine.package import LEADERBOARD_FILE

pytestmark = pytest.mark.slow  # two real (tiny) training runs

SETTINGS: dict[str, Any] = {
    "seed": 11,
    "max_trials": 4,
    "folds": 3,
    "algorithms": ["logistic_regression", "decision_tree"],
}
BUDGET_S = 60.0  # never reached: max_trials ends both runs, and the budget also picks the validation (the same)


def table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x0, x1 = rng.normal(size=n), rng.normal(size=n)
    shop = rng.choice(["north", "south", "east"], size=n)
    label = np.where(x0 - x1 + (shop == "north") + rng.normal(scale=0.5, size=n) > 0.3, "churn", "stay")
    return pd.DataFrame({"x0": x0.round(4), "x1": x1.round(4), "shop": shop, "label": label})


def test_automl_and_flowml_train_give_the_same_leaderboard_and_test_score(tmp_path: Path) -> None:
    train_file, test = tmp_path / "train.csv", table(60, seed=2)
    table(200, seed=1).to_csv(train_file, index=False)
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home"), "LOCAL_WORKERS": "1"}
    command = [
        *(sys.executable, "-m", "flowml.cli", "train", str(train_file), "--target", "label"),
        *("--seed", str(SETTINGS["seed"]), "--max-trials", str(SETTINGS["max_trials"])),
        *("--folds", str(SETTINGS["folds"]), "--algorithms", ",".join(SETTINGS["algorithms"])),
        *("--time-budget", str(BUDGET_S), "--output", str(tmp_path / "cli-model")),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    from_cli = AutoML.load(tmp_path / "cli-model")

    rows = pd.read_csv(train_file)  # what a user does: read the file, split off the target, fit
    automl = AutoML(time_budget=BUDGET_S, n_jobs=1, verbose=0, **SETTINGS)
    automl.fit(rows.drop(columns="label"), rows["label"])

    cli_board = json.loads((tmp_path / "cli-model" / LEADERBOARD_FILE).read_text())
    ours = automl.leaderboard_
    assert [(r["algorithm"], r["params"]) for r in cli_board] == list(
        zip(ours["algorithm"], ours["params"], strict=True)
    )
    assert np.allclose([r["score"] for r in cli_board], ours["score"].to_numpy(), rtol=0, atol=1e-12)
    assert automl.model_card_.algorithm == from_cli.model_card_.algorithm
    assert automl.model_card_.training_data_sha256 == from_cli.model_card_.training_data_sha256  # same staged bytes

    X_test, y_test = test.drop(columns="label"), test["label"]
    assert automl.score(X_test, y_test) == pytest.approx(from_cli.score(X_test, y_test), abs=1e-12)
    assert np.allclose(automl.predict_proba(X_test), from_cli.predict_proba(X_test), atol=1e-12)
