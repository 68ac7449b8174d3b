"""A tiny run of each benchmark script, so none rots: the real script, real processes, a shipped table.

These check that each script runs to its table; the figures themselves belong in docs/benchmarks.md, measured on a
quiet machine with the commands named there. (benchmarks/load.py has its own bounded run: tests/security/test_load.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATASETS, REPO_ROOT, in_ci

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

BENCHMARKS = REPO_ROOT / "benchmarks"
FLOWML = Path(sys.executable).parent / "flowml"


def _run(args: list[str], tmp_path: Path, timeout: float = 400) -> str:
    # The repository's own backend first: the scripts' child processes import this checkout's flowml.
    path = os.pathsep.join([str(REPO_ROOT / "backend"), str(REPO_ROOT)])
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home"), "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args[0]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_automl_benchmark_scores_flowml_on_a_shipped_table(tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    out = _run(
        [
            str(BENCHMARKS / "automl.py"),
            *("--flowml-only", "--manifest", str(DATASETS / "manifest.json"), "--datasets", "iris"),
            *("--budget", "20", "--flowml", str(FLOWML), "--json", str(rows)),
        ],
        tmp_path,
    )
    assert "| iris | multiclass | log_loss |" in out
    run = json.loads(rows.read_text())["rows"][0]["runs"]["FlowML"]
    assert run["status"] == "ok", run
    assert 0 <= run["score"] < 0.5 and run["second"] > 0.8  # log loss and accuracy on iris's held-out quarter


def test_e2e_benchmark_times_a_job_through_a_real_server(tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    out = _run(
        [
            str(BENCHMARKS / "e2e.py"),
            *("iris", "--budget", "0.25", "--manifest", str(DATASETS / "manifest.json"), "--json", str(rows)),
        ],
        tmp_path,
    )
    assert "| iris |" in out
    (row,) = json.loads(rows.read_text())
    assert row["status"] == "completed", row
    assert row["trials"] >= 1


def test_inference_benchmark_compares_onnx_and_native(tmp_path: Path) -> None:
    out = _run(
        [str(BENCHMARKS / "inference.py"), "--dataset", str(DATASETS / "titanic.csv"), "--repeats", "20"], tmp_path
    )
    assert "onnx" in out.lower() and "p50" in out.lower()


@pytest.mark.services
def test_cluster_benchmark_runs_a_job_on_a_worker(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        if in_ci():
            pytest.fail("redis-server is not installed; CI must install it")
        pytest.skip("redis-server is not installed")
    rows = tmp_path / "rows.json"
    out = _run(
        [
            str(BENCHMARKS / "cluster.py"),
            *("--trials", "2", "--workers", "1", "--dataset", "iris.csv", "--target", "target"),
            *("--datasets-dir", str(DATASETS), "--algorithms", "logistic_regression"),
            *("--hub-clients", "2", "--hub-events", "50", "--json", str(rows)),
        ],
        tmp_path,
        timeout=500,
    )
    assert "trials/minute" in out.lower() or "trials/min" in out.lower(), out
    result = json.loads(rows.read_text())
    assert result["runs"] and result["hub_events_per_s"] > 0


def test_parity_benchmark_finds_automl_and_flowml_train_the_same(tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    out = _run(
        [
            str(BENCHMARKS / "parity.py"),
            *("--manifest", str(DATASETS / "manifest.json"), "--datasets", "iris", "--budget", "30"),
            *("--max-trials", "2", "--cv-trials", "1", "--flowml", str(FLOWML), "--json", str(rows)),
        ],
        tmp_path,
    )
    assert "Identical leaderboard and test score: 1 of 1 datasets" in out, out
    (row,) = json.loads(rows.read_text())
    assert row["same_leaderboard"] and row["max_prediction_diff"] == 0.0
    assert row["cv_mean"] is not None
