"""`flowml workflow run` and `flowml workflow validate` as a user runs them: a real process on a YAML file beside a
copy of the titanic fixture; exit codes 0 (ran), 1 (a node failed), 2 (invalid), and the same test scores as
`execute()` in this process with the same seeds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flowml.workflows.execute import execute
from flowml.workflows.files import load_workflow
from tests.conftest import dataset_path

FLOWML = [sys.executable, "-m", "flowml.cli"]

PIPELINE = """
version: 1
nodes:
  - id: data
    type: dataset
    data: {settings: {path: titanic.csv, target: survived}}
  - id: split
    type: split
    data: {settings: {test_size: 0.2, seed: 21}}
  - id: prep
    type: preprocessing
    data: {settings: {drop: [name, ticket, cabin], scaling: robust}}
  - id: logreg
    type: model
    data: {label: Logistic regression, settings: {mode: single, algorithm: logistic_regression, params: {C: 0.5}}}
  - id: forest
    type: model
    data: {settings: {mode: single, algorithm: random_forest, params: {n_estimators: 50}}}
  - id: eval
    type: evaluation
    data: {settings: {metrics: [roc_auc, accuracy, log_loss]}}
  - id: ship
    type: deploy
    data: {settings: {name: titanic}}
edges:
  - {source: data, sourceHandle: table, target: split, targetHandle: table}
  - {source: split, sourceHandle: train, target: prep, targetHandle: train}
  - {source: split, sourceHandle: test, target: prep, targetHandle: test}
  - {source: prep, sourceHandle: train, target: logreg, targetHandle: train}
  - {source: prep, sourceHandle: train, target: forest, targetHandle: train}
  - {source: logreg, sourceHandle: model, target: eval, targetHandle: model}
  - {source: forest, sourceHandle: model, target: eval, targetHandle: model}
  - {source: prep, sourceHandle: test, target: eval, targetHandle: test}
  - {source: forest, sourceHandle: model, target: ship, targetHandle: model}
"""


def run(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOWML_HOME": str(cwd / "home"), "LOCAL_WORKERS": "1", "COLUMNS": "160"}
    return subprocess.run([*FLOWML, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(dataset_path("titanic.csv"), tmp_path / "titanic.csv")
    (tmp_path / "pipeline.yaml").write_text(PIPELINE)
    return tmp_path


def test_run_prints_states_and_scores_equal_to_execute(folder: Path) -> None:
    done = run("workflow", "run", "pipeline.yaml", "--json", "--output", "out", cwd=folder)
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(done.stdout)
    assert report["status"] == "completed"
    assert {n: s["status"] for n, s in report["nodes"].items()} == dict.fromkeys(
        ["data", "split", "prep", "logreg", "forest", "eval", "ship"], "done"
    )
    assert (folder / "out" / "titanic" / "model.joblib").is_file()

    here = execute(load_workflow(folder / "pipeline.yaml"), base_dir=folder)
    assert report["nodes"]["eval"]["outputs"]["table"] == here.evaluations()["eval"]
    assert [row["node_id"] for row in here.evaluations()["eval"]] == ["logreg", "forest"]


def test_run_shows_tables_and_reuses_its_cache(folder: Path) -> None:
    first = run("workflow", "run", "pipeline.yaml", "--cache", "cache", cwd=folder)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "Evaluation eval (test rows)" in first.stdout
    assert "Logistic regression" in first.stdout and "roc_auc" in first.stdout
    (folder / "pipeline.yaml").write_text(PIPELINE.replace("C: 0.5", "C: 0.05"))
    second = run("workflow", "run", "pipeline.yaml", "--cache", "cache", "--json", cwd=folder)
    assert second.returncode == 0, second.stderr
    states = {n: s["status"] for n, s in json.loads(second.stdout)["nodes"].items()}
    assert states == {
        "data": "cached",
        "split": "cached",
        "prep": "cached",
        "logreg": "done",
        "forest": "cached",
        "eval": "done",
        "ship": "done",  # a deploy writes its package on every run
    }


def test_an_invalid_workflow_exits_2_naming_its_nodes(folder: Path) -> None:
    (folder / "bad.yaml").write_text(
        PIPELINE.replace("target: survived", "target: survivd").replace("algorithm: random_forest", "algorithm: rf")
    )
    for command in ("run", "validate"):
        refused = run("workflow", command, "bad.yaml", cwd=folder)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "data [target]: target 'survivd' is not a column" in refused.stderr
        assert "forest [algorithm]: unknown algorithm 'rf'" in refused.stderr
    missing = run("workflow", "run", "nowhere.yaml", cwd=folder)
    assert missing.returncode == 2
    assert "file not found" in missing.stderr


def test_validate_accepts_a_good_file(folder: Path) -> None:
    checked = run("workflow", "validate", "pipeline.yaml", cwd=folder)
    assert checked.returncode == 0, checked.stderr
    assert "valid (7 nodes, 9 edges)" in checked.stdout


def test_a_failed_node_exits_1_and_the_rest_still_run(folder: Path) -> None:
    # A failure only the run finds: k-nearest neighbours have no feature importance to chart.
    text = PIPELINE.replace("algorithm: random_forest, params: {n_estimators: 50}", "algorithm: knn")
    text += (
        "  - {source: forest, sourceHandle: model, target: bars, targetHandle: model}\n"
        "  - {source: prep, sourceHandle: test, target: bars, targetHandle: test}\n"
    )
    text = text.replace(
        "edges:\n", "  - id: bars\n    type: visualization\n    data: {settings: {kind: feature_importance}}\nedges:\n"
    )
    (folder / "fails.yaml").write_text(text)
    ran = run("workflow", "run", "fails.yaml", "--json", cwd=folder)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    nodes = json.loads(ran.stdout)["nodes"]
    assert nodes["bars"]["status"] == "failed"
    assert "reports no feature importance" in nodes["bars"]["error"]
    assert nodes["eval"]["status"] == "done"
