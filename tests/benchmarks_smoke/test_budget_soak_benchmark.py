"""benchmarks/budget_soak.py: its run plan and stage parsing, and a tiny real soak so the script never rots (real
`flowml train` and `flowml predict` processes on shipped tables). It checks the table's shape and that the stage
times were found and hang together, not the speed: the measured soak lives in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.automl import load_manifest
from benchmarks.budget_soak import plan_runs, stage_times
from tests.conftest import DATASETS, REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "budget_soak.py"
FLOWML = Path(sys.executable).parent / "flowml"


def test_plan_covers_every_budget_and_task_and_pins_the_reported_table() -> None:
    datasets = load_manifest(DATASETS / "manifest.json", None)
    budgets = [10.0, 20.0, 30.0, 60.0, 120.0]
    plan = plan_runs(datasets, budgets, runs=50, seed=0, pinned="titanic")
    assert [p.index for p in plan] == list(range(1, 51))
    assert {p.budget for p in plan} == set(budgets)
    assert {p.dataset.task for p in plan} == {d.task for d in datasets}
    assert {p.budget for p in plan if p.dataset.name == "titanic"} == set(budgets)
    # Spread: no (dataset, budget) pair repeats before the 8 x 5 pairs are used up by much.
    assert max(Counter((p.dataset.name, p.budget) for p in plan).values()) <= 3
    again = plan_runs(datasets, budgets, runs=50, seed=0, pinned="titanic")
    assert [(p.dataset.name, p.budget) for p in again] == [(p.dataset.name, p.budget) for p in plan]


def test_stages_are_timed_by_when_their_text_arrived_even_split_by_escapes() -> None:
    chunks = [
        (1.0, b"\rprepa"),
        (1.1, b"ring    0% -:--:--"),
        (2.0, b"multiclass on 150 rows, optimizing \x1b[1mlog_loss\x1b[0m for 10 s with 15 algorithms\n"),
        (2.5, b"\r\x1b[2Ksearching 15 algorithms   0%"),
        (3.1, b"\r\x1b[2K1 trials fin"),
        (3.2, b"ished; best log_loss 0.1 (lightgbm)"),
        (9.0, b"\r\x1b[2Kfitting \x1b[1mlightgbm\x1b[0m on all rows  96%"),
        (9.9, b"\r\x1b[2Kdone 100%\n   Leaderboard\n"),
        (10.0, b"best: lightgbm log_loss = 0.10000; model written to /tmp/m in 9.8 s\n"),
    ]
    stages, total, error = stage_times(chunks)
    assert stages == {"read_s": 1.1, "ready_s": 2.0, "first_trial_s": 3.2, "search_end_s": 9.0, "final_end_s": 9.9}
    assert total == 9.8 and error == ""
    stages, total, error = stage_times([(7.0, b"error: the time budget ended before any trial could finish\n")])
    assert set(stages.values()) == {None} and total is None
    assert error == "the time budget ended before any trial could finish"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_budget_soak_runs_train_and_predict_and_prints_its_tables(tmp_path: Path) -> None:
    out_json = tmp_path / "soak.json"
    # The repository's own backend first: the script's child processes import this checkout's flowml.
    path = os.pathsep.join([str(REPO_ROOT / "backend"), str(REPO_ROOT)])
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home"), "PYTHONPATH": path}
    args = ["--manifest", str(DATASETS / "manifest.json"), "--datasets", "iris,diabetes", "--no-hotel"]
    # 20 s, not the 10 s the soak goes down to: on a loaded CI machine start-up alone can take 7 s of 10 s.
    args += ["--runs", "2", "--budgets", "20", "--flowml", str(FLOWML), "--json", str(out_json)]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--workdir", str(tmp_path / "work")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    lines = done.stdout.splitlines()
    assert "| runs | failed | worst wall/budget | p95 | median | over 1.05x |" in lines
    summary_row = lines[lines.index("| runs | failed | worst wall/budget | p95 | median | over 1.05x |") + 2]
    assert summary_row.startswith("| 2 | ")
    header = next(i for i, line in enumerate(lines) if line.startswith("| # | dataset | task |"))
    worst = lines[header + 2 : header + 4]
    assert {line.split(" | ")[1] for line in worst} == {"iris", "diabetes"}, worst
    report = json.loads(out_json.read_text())
    assert report["summary"]["runs"] == 2 and report["meta"]["budgets"] == [20.0]
    for run in report["runs"]:
        assert run["status"] == "ok", run
        # Every stage was seen, in order, within the process's life; the CLI's own total agrees with ours.
        stages = [
            run["read_s"],
            run["ready_s"],
            run["first_trial_s"],
            run["search_end_s"],
            run["final_end_s"],
            run["train_s"],
        ]
        assert None not in stages, run
        assert stages == sorted(stages), run
        assert abs(run["cli_total_s"] - run["train_s"]) < 3.0, run
        assert run["trials"] >= 1 and run["model"] and run["predict_s"] > 0
