"""A tiny run of benchmarks/clustering.py, so it never rots: the real script, the real `flowml train --task
clustering` and `flowml predict`, iris shipped in tests/fixtures. The measured table lives in docs/benchmarks.md."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATASETS, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

SCRIPT = REPO_ROOT / "benchmarks" / "clustering.py"
FLOWML = Path(sys.executable).parent / "flowml"
COLUMNS = 10  # dataset, rows, features, true k, FlowML ARI, pick, k, KMeans() ARI, true-k ARI, wall/budget


def _run(args: list[str], tmp_path: Path) -> str:
    # The repository's own backend first: the script's child processes import this checkout's flowml.
    path = os.pathsep.join([str(REPO_ROOT / "backend"), str(REPO_ROOT)])
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home"), "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _is_ari(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value) and -1.0 <= value <= 1.0


def test_clustering_benchmark_scores_flowml_and_kmeans_on_iris(tmp_path: Path) -> None:
    rows_json = tmp_path / "rows.json"
    # 20 s (as the automl.py smoke run), not FlowML's 5 s minimum: the budget counts from the CLI's start-up, and on
    # two busy cores imports and the worker pool's spawn can use 15 s before a first trial ends (then no model).
    out = _run(
        [
            *("--manifest", str(DATASETS / "manifest.json"), "--datasets", "iris", "--budget", "20"),
            *("--flowml", str(FLOWML), "--json", str(rows_json)),
        ],
        tmp_path,
    )

    lines = [line for line in out.splitlines() if line.startswith("|")]
    header, rule, iris = lines
    assert header.count("|") == rule.count("|") == iris.count("|") == COLUMNS + 1, out
    assert iris.startswith("| iris | 150 | 4 | 3 |"), iris
    assert "Mean ARI: FlowML" in out and "Goal met:" in out

    (row,) = json.loads(rows_json.read_text())["rows"]
    flowml = row["flowml"]
    assert flowml["status"] == "ok", f"{flowml['error']}\n{flowml['log_tail']}"
    assert _is_ari(flowml["ari"]) and _is_ari(row["kmeans_default"]) and _is_ari(row["kmeans_true_k"])
    assert flowml["algorithm"] and 2 <= flowml["n_clusters"] <= 20
    # Iris's species are not all separable without labels, but k-means with k=3 recovers most of them (ARI ~0.6):
    # a far lower value means the truth or the features were read wrong.
    assert row["kmeans_true_k"] > 0.4
    assert flowml["budget_ratio"] > 0
