"""Workflow runs on the real app: a run is a job, its nodes report states and outputs, node events replay over the
job's WebSocket, a second run after an edit re-executes only the changed branch, an AutoML node's search is a job
whose trials make its leaderboard, Deploy serves the model, a cancel stops the run, and an invalid graph is
refused with located errors (owner isolation as for workflows)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.workflows import WorkflowGraph
from flowml.workflows.execute import execute
from tests.api.test_projects import member
from tests.api.test_workflows_api import upload_as
from tests.workflows.workflow_graphs import TITANIC, edge, node, titanic_graph

pytestmark = pytest.mark.db

Headers = dict[str, str]
FINAL = {"completed", "failed", "cancelled"}


@pytest.fixture(scope="module")
def people(client: TestClient) -> dict[str, Headers]:
    return {name: member(client, name) for name in ("rita", "sam")}


@pytest.fixture(scope="module")
def titanic_id(client: TestClient, people: dict[str, Headers]) -> str:
    return str(upload_as(client, people["rita"], "titanic.csv")["id"])


def graph_for(dataset_id: str, *, automl_budget: int = 6, c: float = 2.0) -> dict[str, Any]:
    """The issue's pipeline with a short AutoML budget, and a Deploy node for the logistic regression."""
    graph = titanic_graph()
    for item in graph["nodes"]:
        settings = item["data"].get("settings", {})
        if item["type"] == "dataset":
            settings["dataset_id"] = dataset_id
        if item["id"] == "automl":
            settings.update(time_budget_s=automl_budget, algorithms=["logistic_regression", "random_forest"])
        if item["id"] == "logreg":
            settings["params"] = {"C": c}
    graph["nodes"].append(node("serve", "deploy", {"name": "titanic-logreg"}))
    graph["edges"].append(edge("logreg", "model", "serve", "model"))
    return graph


def create(client: TestClient, headers: Headers, graph: dict[str, Any], name: str = "Run me") -> dict[str, Any]:
    response = client.post("/api/workflows", json={"name": name, "graph": graph}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def start(client: TestClient, headers: Headers, workflow_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/workflows/{workflow_id}/run", json=body or None, headers=headers)
    assert response.status_code == 202, response.text
    started: dict[str, Any] = response.json()
    return started


def wait_run(
    client: TestClient, headers: Headers, workflow_id: str, run_id: str, timeout: float = 180
) -> dict[str, Any]:
    deadline = time.time() + timeout
    run: dict[str, Any] = {}
    while time.time() < deadline:
        run = client.get(f"/api/workflows/{workflow_id}/runs/{run_id}", headers=headers).json()
        if run["status"] in FINAL:
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish: {run}")


def test_a_run_is_a_job_whose_nodes_finish_and_whose_edit_reruns_only_its_branch(
    client: TestClient, people: dict[str, Headers], titanic_id: str
) -> None:
    rita = people["rita"]
    workflow = create(client, rita, graph_for(titanic_id))
    started = start(client, rita, workflow["id"], base_version=workflow["version"])
    assert started["status"] == "queued"

    run = wait_run(client, rita, workflow["id"], started["run_id"])
    assert run["status"] == "completed", run
    assert run["job_id"] == started["job_id"] and run["workflow_version"] == workflow["version"]
    states = run["nodes"]
    assert {n: s["status"] for n, s in states.items()} == dict.fromkeys(
        ["data", "split", "prep", "logreg", "automl", "eval", "roc", "serve"], "done"
    )
    assert states["data"]["outputs"]["rows"] > 0 and states["data"]["outputs"]["preview"]["columns"]
    assert len(states["split"]["outputs"]["test"]["preview"]["rows"]) == 10
    table = states["eval"]["outputs"]["table"]
    assert [row["node_id"] for row in table] == ["logreg", "automl"]
    assert all(0.5 < row["roc_auc"] <= 1.0 for row in table)
    assert states["roc"]["outputs"]["figure"]["kind"] == "roc"

    # The same graph run locally (`flowml workflow run`'s execute), reading the file that was uploaded, gives the
    # same test scores to the single-fit model (the search stops at its budget, so its scores may differ).
    local_graph = graph_for(titanic_id)
    local_graph["nodes"][0]["data"]["settings"] = {"path": str(TITANIC), "target": "survived"}
    local_graph["nodes"] = [n for n in local_graph["nodes"] if n["id"] != "serve"]
    local_graph["edges"] = [e for e in local_graph["edges"] if e["target"] != "serve"]
    local = execute(WorkflowGraph.model_validate(local_graph), base_dir=TITANIC.parent)
    local_rows = {row["node_id"]: row for row in local.evaluations()["eval"]}
    assert local_rows["logreg"] == next(row for row in table if row["node_id"] == "logreg")

    # The run's job is listed as a job of kind workflow; the AutoML node's search is a job of its own, not listed,
    # whose trials make the node's leaderboard.
    job = client.get(f"/api/training/jobs/{run['job_id']}", headers=rita).json()
    assert job["kind"] == "workflow" and job["status"] == "completed" and job["workflow_run_id"] == run["id"]
    listed = {j["id"]: j["kind"] for j in client.get("/api/training/jobs", headers=rita).json()["items"]}
    search_job = states["automl"]["job_id"]
    assert listed.get(run["job_id"]) == "workflow" and search_job not in listed
    board = client.get(f"/api/results/job/{search_job}/leaderboard", headers=rita).json()
    assert len(board["items"]) >= 1
    assert client.get(f"/api/training/jobs/{search_job}", headers=people["sam"]).status_code == 404

    # Deploy made a served model that predicts.
    model_id = states["serve"]["outputs"]["model_id"]
    model = client.get(f"/api/results/model/{model_id}", headers=rita).json()
    assert model["name"] == "titanic-logreg"

    # The node events replay over the run's job stream.
    with client.websocket_connect(f"/ws/jobs/{run['job_id']}?since=0", headers=rita) as socket:
        seen: list[tuple[str, str | None]] = []
        while not seen or seen[-1][0] != "workflow_finished":
            event = socket.receive_json()
            seen.append((event["type"], event["data"].get("node_id")))
    assert ("node_started", "data") in seen and ("node_completed", "eval") in seen
    assert any(kind == "node_progress" and node_id == "automl" for kind, node_id in seen)

    # Change the logistic regression's C: only it and what depends on it run again.
    edited = graph_for(titanic_id, c=0.05)
    saved = client.put(f"/api/workflows/{workflow['id']}", json={"graph": edited}, headers=rita).json()
    again = wait_run(client, rita, workflow["id"], start(client, rita, workflow["id"])["run_id"])
    assert again["status"] == "completed" and again["workflow_version"] == saved["version"]
    status = {n: s["status"] for n, s in again["nodes"].items()}
    assert status == {
        "data": "cached",
        "split": "cached",
        "prep": "cached",
        "automl": "cached",
        "logreg": "done",
        "eval": "done",
        "roc": "done",
        "serve": "done",
    }
    before = {row["node_id"]: row for row in table}
    after = {row["node_id"]: row for row in again["nodes"]["eval"]["outputs"]["table"]}
    assert after["automl"] == before["automl"] and after["logreg"] != before["logreg"]
    runs = client.get(f"/api/workflows/{workflow['id']}/runs", headers=rita).json()
    assert [r["id"] for r in runs["items"]][:2] == [again["id"], run["id"]]


def test_an_invalid_workflow_is_refused_with_located_errors(
    client: TestClient, people: dict[str, Headers], titanic_id: str
) -> None:
    graph = graph_for(titanic_id)
    graph["nodes"][0]["data"]["settings"]["target"] = "Survivd"
    workflow = create(client, people["rita"], graph, name="Broken")
    response = client.post(f"/api/workflows/{workflow['id']}/run", headers=people["rita"])
    assert response.status_code == 422
    body = response.json()
    assert "not valid" in body["detail"]
    assert any(e["node_id"] == "data" and e["field"] == "target" for e in body["errors"])
    assert client.get(f"/api/workflows/{workflow['id']}/runs", headers=people["rita"]).json()["count"] == 0

    # Another member sees nothing; a stale base_version is a conflict.
    assert client.post(f"/api/workflows/{workflow['id']}/run", headers=people["sam"]).status_code == 404
    fixed = client.put(
        f"/api/workflows/{workflow['id']}", json={"graph": graph_for(titanic_id)}, headers=people["rita"]
    ).json()
    stale = client.post(
        f"/api/workflows/{workflow['id']}/run", json={"base_version": fixed["version"] - 1}, headers=people["rita"]
    )
    assert stale.status_code == 409
    unknown = client.get(f"/api/workflows/{workflow['id']}/runs/{'0' * 32}", headers=people["rita"])
    assert unknown.status_code == 404


def test_cancel_stops_a_running_search_and_marks_what_did_not_finish(
    client: TestClient, people: dict[str, Headers], titanic_id: str
) -> None:
    rita = people["rita"]
    workflow = create(client, rita, graph_for(titanic_id, automl_budget=120), name="Long")
    started = start(client, rita, workflow["id"])
    url = f"/api/workflows/{workflow['id']}/runs/{started['run_id']}"
    deadline = time.time() + 60
    while client.get(url, headers=rita).json()["nodes"]["automl"]["status"] != "running":
        assert time.time() < deadline, "the AutoML node never started"
        time.sleep(0.2)
    # A workflow with a run going is not deleted under it.
    refused = client.delete(f"/api/workflows/{workflow['id']}", headers=rita)
    assert refused.status_code == 409 and "run going" in refused.json()["detail"]
    began = time.time()
    cancelled = client.post(f"{url}/cancel", headers=rita)
    assert cancelled.status_code == 200, cancelled.text
    run = wait_run(client, rita, workflow["id"], started["run_id"], timeout=60)
    assert time.time() - began < 30
    assert run["status"] == "cancelled"
    states = run["nodes"]
    assert states["automl"]["status"] == "cancelled" and states["data"]["status"] == "done"
    assert states["eval"]["status"] in ("cancelled", "skipped")
    search = client.get(f"/api/training/jobs/{states['automl']['job_id']}", headers=rita).json()
    assert search["status"] == "cancelled"
    assert client.post(f"{url}/cancel", headers=rita).status_code == 409
    # Once it ended, the workflow goes with its runs.
    assert client.delete(f"/api/workflows/{workflow['id']}", headers=rita).status_code == 204
    assert client.get(url, headers=rita).status_code == 404
