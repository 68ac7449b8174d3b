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
from typing import Any

import pytest
import yaml

from flowml.workflows.execute import execute
from flowml.workflows.files import load_workflow
from tests.conftest import dataset_path

FLOWML = [sys.executable, "-m", "flowml.cli"]

LOGREG = {"mode": "single", "algorithm": "logistic_regression", "params": {"C": 0.5}}


def pipeline(
    table: str,
    target: str,
    *,
    split: dict[str, Any],
    prep: dict[str, Any],
    second: tuple[str, dict[str, Any]],
    metrics: list[str],
    deploy: str | None = None,
) -> dict[str, Any]:
    """The graph the workflow CLI tests run, locally and on a server: the table split, prepared, fitted by a
    logistic regression and a second model (id, settings), both scored by one evaluation on the test rows; with
    `deploy`, a deploy node ships the second model under that name."""
    second_id, second_settings = second
    nodes: list[dict[str, Any]] = [
        {"id": "data", "type": "dataset", "data": {"settings": {"path": table, "target": target}}},
        {"id": "split", "type": "split", "data": {"settings": split}},
        {"id": "prep", "type": "preprocessing", "data": {"settings": prep}},
        {"id": "logreg", "type": "model", "data": {"label": "Logistic regression", "settings": LOGREG}},
        {"id": second_id, "type": "model", "data": {"settings": second_settings}},
        {"id": "eval", "type": "evaluation", "data": {"settings": {"metrics": metrics}}},
    ]
    links = [
        ("data", "table", "split", "table"),
        ("split", "train", "prep", "train"),
        ("split", "test", "prep", "test"),
        ("prep", "train", "logreg", "train"),
        ("prep", "train", second_id, "train"),
        ("logreg", "model", "eval", "model"),
        (second_id, "model", "eval", "model"),
        ("prep", "test", "eval", "test"),
    ]
    if deploy is not None:
        nodes.append({"id": "ship", "type": "deploy", "data": {"settings": {"name": deploy}}})
        links.append((second_id, "model", "ship", "model"))
    return {"version": 1, "nodes": nodes, "edges": [link(*ends) for ends in links]}


def link(source: str, source_handle: str, target: str, target_handle: str) -> dict[str, str]:
    return {"source": source, "sourceHandle": source_handle, "target": target, "targetHandle": target_handle}


def with_failing_chart(graph: dict[str, Any], model_id: str) -> dict[str, Any]:
    """`graph` with `model_id` turned into k-nearest neighbours and a feature-importance chart of it: a failure only
    a run finds, since validation cannot know that k-nearest neighbours report no feature importance."""
    nodes = [
        {**node, "data": {"settings": {"mode": "single", "algorithm": "knn"}}} if node["id"] == model_id else node
        for node in graph["nodes"]
    ]
    chart = {"id": "bars", "type": "visualization", "data": {"settings": {"kind": "feature_importance"}}}
    edges = [*graph["edges"], link(model_id, "model", "bars", "model"), link("prep", "test", "bars", "test")]
    return {**graph, "nodes": [*nodes, chart], "edges": edges}


def as_yaml(graph: dict[str, Any]) -> str:
    return yaml.safe_dump(graph, sort_keys=False, default_flow_style=None)


GRAPH = pipeline(
    "titanic.csv",
    "survived",
    split={"test_size": 0.2, "seed": 21},
    prep={"drop": ["name", "ticket", "cabin"], "scaling": "robust"},
    second=("forest", {"mode": "single", "algorithm": "random_forest", "params": {"n_estimators": 50}}),
    metrics=["roc_auc", "accuracy", "log_loss"],
    deploy="titanic",
)
PIPELINE = as_yaml(GRAPH)  # what the user's file holds: the tests below write variants of it by text


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
    (folder / "fails.yaml").write_text(as_yaml(with_failing_chart(GRAPH, "forest")))
    ran = run("workflow", "run", "fails.yaml", "--json", cwd=folder)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    nodes = json.loads(ran.stdout)["nodes"]
    assert nodes["bars"]["status"] == "failed"
    assert "reports no feature importance" in nodes["bars"]["error"]
    assert nodes["eval"]["status"] == "done"


def test_export_python_writes_a_script_that_scores_as_run_does(folder: Path) -> None:
    (folder / "scripts").mkdir()
    written = run("workflow", "export", "pipeline.yaml", "--python", "-o", "scripts/pipeline.py", cwd=folder)
    assert written.returncode == 0, written.stderr + written.stdout
    script = (folder / "scripts" / "pipeline.py").read_text()
    # Written elsewhere than the workflow file, the script finds the table relative to itself.
    assert 'DATA_PATH = HERE / "../titanic.csv"' in script
    ran = subprocess.run(
        [sys.executable, "pipeline.py", "--json"],
        cwd=folder / "scripts",
        env={**os.environ, "FLOWML_HOME": str(folder / "home")},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert ran.returncode == 0, ran.stderr
    printed = json.loads(ran.stdout)
    here = execute(load_workflow(folder / "pipeline.yaml"), base_dir=folder)
    assert printed["evaluations"] == here.evaluations()
    assert (folder / "scripts" / "models" / "titanic" / "model.joblib").is_file()

    # To stdout the path stays as the file writes it: the script belongs beside the workflow file.
    shown = run("workflow", "export", "pipeline.yaml", "--python", cwd=folder)
    assert shown.returncode == 0, shown.stderr
    assert 'DATA_PATH = HERE / "titanic.csv"' in shown.stdout and shown.stdout.startswith("#!/usr/bin/env python3")


def test_export_converts_the_graph_and_refuses_an_invalid_one(folder: Path) -> None:
    converted = run("workflow", "export", "pipeline.yaml", "-o", "pipeline.json", cwd=folder)
    assert converted.returncode == 0, converted.stderr
    assert load_workflow(folder / "pipeline.json") == load_workflow(folder / "pipeline.yaml")
    (folder / "bad.yaml").write_text(PIPELINE.replace("target: survived", "target: survivd"))
    refused = run("workflow", "export", "bad.yaml", "--python", "-o", "bad.py", cwd=folder)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "data [target]: target 'survivd' is not a column" in refused.stderr
    assert not (folder / "bad.py").exists()
