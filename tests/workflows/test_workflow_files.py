"""Workflow files (flowml/workflows/files.py): JSON and YAML round trips, hand-written shortcuts, and Dataset
paths read relative to the file, wherever the command runs from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowml.core.errors import InvalidInputError
from flowml.workflows.execute import check, execute
from flowml.workflows.files import dump_workflow, load_workflow, parse_workflow, save_workflow
from flowml.workflows.graph import WorkflowGraph
from tests.workflows.workflow_graphs import REPO, TITANIC, titanic_graph

EXAMPLE = REPO / "examples" / "workflows" / "titanic.yaml"

TINY = """
nodes:
  - id: data
    type: dataset
    data: {settings: {path: tables/titanic.csv, target: survived}}
  - id: split
    type: split
    data: {settings: {test_size: 0.25, seed: 5}}
  - id: tree
    type: model
    data: {settings: {mode: single, algorithm: decision_tree, params: {max_depth: 3}}}
  - id: eval
    type: evaluation
edges:
  - {source: data, sourceHandle: table, target: split, targetHandle: table}
  - {source: split, sourceHandle: train, target: tree, targetHandle: train}
  - {source: tree, sourceHandle: model, target: eval, targetHandle: model}
  - {source: split, sourceHandle: test, target: eval, targetHandle: test}
"""


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_a_graph_survives_a_round_trip(tmp_path: Path, suffix: str) -> None:
    graph = WorkflowGraph.model_validate(titanic_graph())
    path = save_workflow(graph, tmp_path / f"pipeline{suffix}")
    assert load_workflow(path) == graph
    assert parse_workflow(dump_workflow(graph, "yaml"), "yaml") == graph


def test_the_example_is_a_valid_workflow_against_the_shipped_titanic() -> None:
    graph = load_workflow(EXAMPLE)
    assert [n.type.value for n in graph.nodes] == [
        "dataset",
        "split",
        "preprocessing",
        "model",
        "model",
        "evaluation",
        "visualization",
    ]
    assert check(graph, base_dir=EXAMPLE.parent) == []


def test_hand_written_files_get_positions_and_edge_ids(tmp_path: Path) -> None:
    graph = parse_workflow(TINY, "yaml")
    assert [n.position.x for n in graph.nodes] == [0.0, 220.0, 440.0, 660.0]
    assert graph.edges[0].id == "data.table->split.table"
    assert len({e.id for e in graph.edges}) == len(graph.edges)


def test_dataset_paths_are_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "project"
    (folder / "tables").mkdir(parents=True)
    shutil.copy(TITANIC, folder / "tables" / "titanic.csv")
    path = folder / "pipeline.yaml"
    path.write_text(TINY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a relative path must not be read from the working directory

    graph = load_workflow(path)
    assert check(graph, base_dir=path.parent) == []
    result = execute(graph, base_dir=path.parent)
    assert result.ok
    assert result.nodes["data"].outputs["rows"] == 891

    moved = tmp_path / "moved.yaml"
    shutil.copy(path, moved)  # the same file one folder up: its table is not beside it any more
    errors = check(load_workflow(moved), base_dir=moved.parent)
    assert [(e.node_id, e.field) for e in errors] == [("data", "path")]
    assert "no readable table at path 'tables/titanic.csv'" in errors[0].message


def test_a_dataset_names_a_path_or_an_id_not_both(tmp_path: Path) -> None:
    shutil.copy(TITANIC, tmp_path / "titanic.csv")
    text = TINY.replace("path: tables/titanic.csv", "path: titanic.csv, dataset_id: ds-1")
    errors = check(parse_workflow(text, "yaml"), base_dir=tmp_path)
    assert [(e.node_id, e.field) for e in errors] == [("data", "path")]


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("bad.yaml", "nodes: [\n", "not valid YAML"),
        ("bad.json", "{nodes: 1}", "not valid JSON"),
        ("list.yaml", "- a\n- b\n", "must hold an object"),
        ("shape.yaml", "nodes: [{id: a, type: teleporter}]\n", "nodes.0.type"),
        ("notes.txt", "nodes: []\n", "ends in .json, .yaml or .yml"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InvalidInputError, match=says):
        load_workflow(path)


def test_yaml_never_builds_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("nodes: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        load_workflow(path)
