"""GET /api/workflows/{id}/export on the real app: the graph as JSON or YAML that reads back to the same graph, a
Python script whose Dataset nodes read the files the datasets were uploaded as (and which runs and scores as a
local run does), attachment names made safe, and who may export: whoever may read the workflow (else 404)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.api.routes.workflow_export import attachment_name
from flowml.workflows.execute import execute
from flowml.workflows.files import parse_workflow
from flowml.workflows.graph import WorkflowGraph
from tests.api.test_projects import member
from tests.conftest import dataset_path
from tests.workflows.workflow_graphs import titanic_graph

pytestmark = pytest.mark.db

Headers = dict[str, str]
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def people(client: TestClient) -> dict[str, Headers]:
    """eve owns the workflows; finn works alone; gil views eve's project."""
    return {name: member(client, name) for name in ("eve", "finn", "gil")}


def _upload(client: TestClient, headers: Headers, name: str | None = None) -> dict[str, Any]:
    form = {"name": name} if name else {}
    with dataset_path("titanic.csv").open("rb") as handle:
        response = client.post(
            "/api/datasets/upload", files={"file": ("titanic.csv", handle)}, data=form, headers=headers
        )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _single_model_pipeline(dataset_id: str) -> dict[str, Any]:
    """The titanic pipeline with its logistic regression only (no AutoML search: the script runs in seconds)."""
    graph = titanic_graph()
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "automl"]
    graph["edges"] = [e for e in graph["edges"] if "automl" not in (e["source"], e["target"])]
    for item in graph["nodes"]:
        if item["type"] == "dataset":
            item["data"]["settings"]["dataset_id"] = dataset_id
    return graph


def _create(client: TestClient, headers: Headers, name: str, graph: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = client.post("/api/workflows", json={"name": name, "graph": graph, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_json_and_yaml_read_back_to_the_saved_graph(client: TestClient, people: dict[str, Headers]) -> None:
    eve = people["eve"]
    dataset = _upload(client, eve)
    workflow = _create(client, eve, 'Titanic / v2: "ünï"', _single_model_pipeline(dataset["id"]))
    url = f"/api/workflows/{workflow['id']}/export"
    saved = WorkflowGraph.model_validate(workflow["graph"])

    as_json = client.get(url, headers=eve)
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.headers["content-disposition"] == 'attachment; filename="Titanic_v2_n.json"'
    assert WorkflowGraph.model_validate(json.loads(as_json.text)) == saved

    as_yaml = client.get(url, params={"format": "yaml"}, headers=eve)
    assert as_yaml.status_code == 200, as_yaml.text
    assert as_yaml.headers["content-type"] == "application/yaml"
    assert as_yaml.headers["content-disposition"].endswith('.yaml"')
    assert parse_workflow(as_yaml.text, "yaml") == saved


def test_the_script_reads_the_uploaded_file_and_scores_as_a_local_run(
    client: TestClient, people: dict[str, Headers], tmp_path: Path
) -> None:
    eve = people["eve"]
    dataset = _upload(client, eve)
    graph = _single_model_pipeline(dataset["id"])
    workflow = _create(client, eve, "scored", graph)
    answer = client.get(f"/api/workflows/{workflow['id']}/export", params={"format": "python"}, headers=eve)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/x-python")
    assert answer.headers["content-disposition"] == 'attachment; filename="scored.py"'
    script = answer.text
    ast.parse(script)
    assert 'DATA_PATH = HERE / "titanic.csv"' in script
    assert f"server dataset 'titanic.csv' ({dataset['id']})" in script

    # Run beside a copy of the file it was uploaded as; the scores are those of a local run of the same graph.
    shutil.copy(dataset_path("titanic.csv"), tmp_path / "titanic.csv")
    (tmp_path / "scored.py").write_text(script)
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home")}
    ran = subprocess.run(
        [sys.executable, "scored.py", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert ran.returncode == 0, ran.stderr
    for item in graph["nodes"]:
        if item["type"] == "dataset":
            item["data"]["settings"] = {"path": "titanic.csv", "target": "survived"}
    local = execute(WorkflowGraph.model_validate(graph), base_dir=tmp_path, workers=1)
    assert json.loads(ran.stdout)["evaluations"] == local.evaluations()


def test_a_renamed_dataset_keeps_its_formats_suffix(client: TestClient, people: dict[str, Headers]) -> None:
    eve = people["eve"]
    renamed = _upload(client, eve, name="passengers")
    workflow = _create(client, eve, "renamed", _single_model_pipeline(renamed["id"]))
    script = client.get(f"/api/workflows/{workflow['id']}/export?format=python", headers=eve).text
    assert 'DATA_PATH = HERE / "passengers.csv"' in script


def test_who_may_export_and_what_is_refused(client: TestClient, people: dict[str, Headers]) -> None:
    eve, finn, gil = people["eve"], people["finn"], people["gil"]
    project = client.post("/api/projects", json={"name": "Exports"}, headers=eve).json()
    joined = client.put(f"/api/projects/{project['id']}/members/gil", json={"role": "viewer"}, headers=eve)
    assert joined.status_code == 200, joined.text
    dataset = _upload(client, eve)
    shared = _create(client, eve, "shared", _single_model_pipeline(dataset["id"]), project_id=project["id"])
    url = f"/api/workflows/{shared['id']}/export"

    assert client.get(url, headers=gil).status_code == 200  # a viewer reads, so exports the graph
    # ... but eve's private dataset is nowhere for gil: no script of a graph that cannot run for them.
    as_gil = client.get(url, params={"format": "python"}, headers=gil)
    assert as_gil.status_code == 422
    assert "no dataset with id" in as_gil.json()["detail"]
    for fmt in ("json", "yaml", "python"):
        assert client.get(url, params={"format": fmt}, headers=finn).status_code == 404
    for workflow_id in (UNKNOWN_ID, "not-an-id"):
        assert client.get(f"/api/workflows/{workflow_id}/export", headers=eve).status_code == 404
    unknown = client.get(url, params={"format": "xml"}, headers=eve)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "format"]

    half_built = {"nodes": [{"id": "d", "type": "dataset", "position": {"x": 0, "y": 0}}], "edges": []}
    draft = _create(client, eve, "draft", half_built)
    draft_url = f"/api/workflows/{draft['id']}/export"
    assert client.get(draft_url, headers=eve).status_code == 200  # a draft's graph exports as it is
    refused = client.get(draft_url, params={"format": "python"}, headers=eve)
    assert refused.status_code == 422 and "not valid" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Titanic", "Titanic.py"),
        ("../../etc/passwd", "etc_passwd.py"),
        ('a"b\r\nc', "a_b_c.py"),
        ("ïï", "workflow.py"),
    ],
)
def test_attachment_names_carry_only_safe_characters(name: str, expected: str) -> None:
    assert attachment_name(name, ".py") == expected
