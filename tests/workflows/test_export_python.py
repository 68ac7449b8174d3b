"""Export as a Python script (flowml/workflows/export_python.py): the script spells the pipeline out with the
functions a local run uses, runs in a fresh Python process, and prints the same test scores as `execute()`; user
text (ids, labels, names) cannot break out of the code it lands in."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from flowml.core.errors import InvalidInputError
from flowml.workflows.execute import execute
from flowml.workflows.export_python import to_python
from flowml.workflows.graph import WorkflowGraph
from tests.workflows.workflow_graphs import edge, node

SEED = 5


def _table(path: Path, rows: int = 240) -> Path:
    """A small binary-classification table with numbers, a category and a missing value or two."""
    rng = np.random.default_rng(0)
    age = rng.integers(18, 80, rows).astype(float)
    age[::37] = np.nan
    fare = rng.gamma(2.0, 20.0, rows).round(2)
    port = rng.choice(["S", "C", "Q"], rows)
    odds = 0.04 * np.nan_to_num(age, nan=40) - 0.03 * fare + (port == "C") * 1.2
    label = np.where(odds + rng.normal(0, 0.8, rows) > 0.4, "yes", "no")
    pd.DataFrame({"age": age, "fare": fare, "port": port, "bought": label}).to_csv(path, index=False)
    return path


def _graph(dataset: dict[str, Any]) -> dict[str, Any]:
    """Dataset -> Split -> Preprocessing -> {logistic regression, tree} -> Evaluation, a ROC chart and a Deploy."""
    return {
        "version": 1,
        "nodes": [
            node("Data 1", "dataset", dataset, label="Sales\nQ3 \"final\" '''"),
            node("split", "split", {"test_size": 0.25, "seed": SEED}),
            node(
                "prep",
                "preprocessing",
                {"scaling": "robust", "steps": [{"name": "pca", "params": {"variance": 0.9, "whiten": False}}]},
            ),
            node("class", "model", {"mode": "single", "algorithm": "logistic_regression", "params": {"C": 0.3}}),
            node(
                "tree",
                "model",
                {"mode": "single", "algorithm": "decision_tree", "params": {"max_depth": 3}, "time_budget_s": 9},
                label="Tree",
            ),
            node("eval", "evaluation", {"metrics": ["roc_auc", "accuracy", "log_loss"]}),
            node("roc", "visualization", {"kind": "roc"}),
            node("ship", "deploy", {"name": "../escape/tree"}),
        ],
        "edges": [
            edge("Data 1", "table", "split", "table"),
            edge("split", "train", "prep", "train"),
            edge("split", "test", "prep", "test"),
            edge("prep", "train", "class", "train"),
            edge("prep", "train", "tree", "train"),
            edge("class", "model", "eval", "model"),
            edge("tree", "model", "eval", "model"),
            edge("prep", "test", "eval", "test"),
            edge("class", "model", "roc", "model"),
            edge("prep", "test", "roc", "test"),
            edge("tree", "model", "ship", "model"),
        ],
    }


def _run_script(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOWML_HOME": str(script.parent / "home")}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=180, env=env, check=False
    )


def test_the_script_reproduces_executes_scores(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _table(data_dir / "sales.csv")
    graph = WorkflowGraph.model_validate(_graph({"path": "data/sales.csv", "target": "bought"}))
    here = execute(graph, base_dir=tmp_path, workers=1)
    assert here.ok, {n: s.error for n, s in here.nodes.items()}

    script = tmp_path / "sales.py"
    script.write_text(to_python(graph, dataset_paths={}, title="Sales"))
    ran = _run_script(script, "--json")
    assert ran.returncode == 0, ran.stderr
    printed = json.loads(ran.stdout)
    assert printed["evaluations"] == here.evaluations()
    assert [row["label"] for row in printed["evaluations"]["eval"]] == ["class", "Tree"]
    assert printed["figures"]["roc"] == here.nodes["roc"].outputs["figure"]
    # The Deploy node wrote its package inside the script's output folder, never above it.
    assert (tmp_path / "models" / "tree" / "model.joblib").is_file()

    shown = _run_script(script)
    assert shown.returncode == 0, shown.stderr
    assert "Evaluation eval (test rows)" in shown.stdout
    accuracy = here.evaluations()["eval"][1]["accuracy"]
    assert f"{accuracy:.5f}" in shown.stdout


def test_the_script_spells_the_pipeline_out() -> None:
    graph = WorkflowGraph.model_validate(_graph({"dataset_id": "a" * 32, "target": "bought"}))
    text = to_python(
        graph,
        dataset_paths={"Data 1": "sales.csv"},
        dataset_notes={"Data 1": "server dataset 'Sales' (uploaded as sales.csv): point this at your copy"},
        title='Sales """ \\ report',
    )
    ast.parse(text)  # user text in labels, ids and the title broke nothing
    assert "json.loads" not in text and "execute(" not in text and "WorkflowGraph" not in text
    # One block per node, in dependency order, each naming its node.
    headings = [line.strip() for line in text.splitlines() if line.strip().startswith("# ") and "'" in line]
    blocks = [
        h
        for h in headings
        if h.split(" ")[1]
        in {"Dataset", "Train/Test", "Preprocessing", "Model", "Evaluation", "Visualization", "Deploy"}
    ]
    assert [b.split("'")[1] for b in blocks] == ["Data 1", "split", "prep", "class", "tree", "eval", "roc", "ship"]
    assert "# server dataset 'Sales' (uploaded as sales.csv): point this at your copy" in text
    assert 'DATA_1_PATH = HERE / "sales.csv"' in text
    assert 'data_1_table = read_dataset(DATA_1_PATH, target="bought")' in text
    assert "SplitSettings(test_size=0.25, seed=5)" in text
    assert 'StepSettings(name="pca", params={"variance": 0.9, "whiten": False})' in text
    # A single model spells out its algorithm and parameters, not the search settings it keeps unused.
    assert 'ModelSettings(mode="single", algorithm="decision_tree", params={"max_depth": 3})' in text
    assert "n_class_model = fit_model(" in text  # a node id that is a keyword gets a name of its own
    assert 'OUTPUT_DIR / "tree"' in text


def test_values_python_cannot_repr_are_written_back_exactly() -> None:
    settings = {"mode": "single", "algorithm": "ridge", "params": {"alpha": float("inf"), "tol": float("nan")}}
    graph = WorkflowGraph.model_validate(
        {
            "nodes": [
                node("d", "dataset", {"path": "x.csv", "target": "y"}),
                node("s", "split", {}),
                node("m", "model", settings),
            ],
            "edges": [edge("d", "table", "s", "table"), edge("s", "train", "m", "train")],
        }
    )
    text = to_python(graph, dataset_paths={})
    assert '{"alpha": float("inf"), "tol": float("nan")}' in text
    ast.parse(text)


def test_a_graph_that_cannot_run_is_refused() -> None:
    cycle = WorkflowGraph.model_validate(
        {
            "nodes": [node("a", "preprocessing", {}), node("b", "preprocessing", {})],
            "edges": [edge("a", "train", "b", "train"), edge("b", "train", "a", "train")],
        }
    )
    with pytest.raises(InvalidInputError, match="cycle"):
        to_python(cycle, dataset_paths={})
    bad = WorkflowGraph.model_validate({"nodes": [node("s", "split", {"test_size": 7})], "edges": []})
    with pytest.raises(InvalidInputError, match="node 's' has settings that do not parse"):
        to_python(bad, dataset_paths={})
