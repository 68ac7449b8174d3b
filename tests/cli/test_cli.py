"""The `flowml` command as a user runs it: a real process, real files, readable errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import dataset_path

FLOWML = [sys.executable, "-m", "flowml.cli"]


def run(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOWML_HOME": str(cwd / "home"), "LOCAL_WORKERS": "2", "COLUMNS": "160"}
    return subprocess.run([*FLOWML, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_train_then_predict(tmp_path: Path) -> None:
    data = dataset_path("titanic.csv")
    trained = run(
        "train",
        str(data),
        "--target",
        "survived",
        "--time-budget",
        "20",
        "--folds",
        "3",
        "--output",
        "model",
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr + trained.stdout
    assert "Leaderboard" in trained.stdout and "roc_auc" in trained.stdout
    card = json.loads((tmp_path / "model" / "model_card.json").read_text())
    assert card["target"] == "survived" and card["problem_type"] == "binary"
    evaluation = json.loads((tmp_path / "model" / "evaluation.json").read_text())  # held-out, from the search
    assert sum(map(sum, evaluation["classification"]["confusion_matrix"])) == evaluation["n_rows"] == 891

    rows = tmp_path / "new.csv"
    rows.write_text("pclass,sex,age,sibsp,parch,fare,embarked\n1,female,30,0,0,80,C\n3,male,40,0,0,8,S\n")
    predicted = run("predict", "model", str(rows), "--output", "out.csv", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    # `flowml train` noted the package it wrote, so loading it needs no warning (tests/cli/test_predict_trust.py).
    assert "was not written by `flowml train`" not in predicted.stderr
    with (tmp_path / "out.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 2 and set(table[0]) >= {"prediction", "proba_0", "proba_1"}
    assert abs(float(table[0]["proba_0"]) + float(table[0]["proba_1"]) - 1) < 1e-6


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "missing.csv", "--target", "y"], "not found"),
        (["train", "{titanic}", "--target", "nope"], "'nope' is not in"),
        (["train", "{titanic}", "--target", "survived", "--task", "banana"], "--task must be one of"),
        (["train", "{titanic}", "--target", "survived", "--metric", "r2"], "allowed"),
        (["train", "{titanic}", "--target", "survived", "--algorithms", "bogus"], "bogus"),
        (["predict", "nowhere", "{titanic}"], "not a model package"),
    ],
)
def test_user_errors_are_one_line_not_tracebacks(tmp_path: Path, args: list[str], words: str) -> None:
    titanic = str(dataset_path("titanic.csv"))
    result = run(*[a.replace("{titanic}", titanic) for a in args], cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_version(tmp_path: Path) -> None:
    result = run("version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip()
