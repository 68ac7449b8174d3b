"""Workflows over REST on the real app: create, list, read, save with version history, delete; owner isolation by
the rule of services/access.py (another member's workflow is a 404, a project viewer reads but cannot save);
malformed graphs refused with 422 while half-built ones save; validation located on nodes and judged with the
caller's datasets; and the node catalogue."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.engine.algorithms import default_registry
from flowml.services.workflows import MAX_KEPT_VERSIONS
from tests.api.test_projects import member
from tests.conftest import dataset_path
from tests.workflows.workflow_graphs import edge, node, titanic_graph

pytestmark = pytest.mark.db

Headers = dict[str, str]
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def people(client: TestClient) -> dict[str, Headers]:
    """ann and ben each work alone; vic joins ann's project as a viewer in one test."""
    return {name: member(client, name) for name in ("ann", "ben", "vic")}


def upload_as(client: TestClient, headers: Headers, name: str) -> dict[str, Any]:
    with dataset_path(name).open("rb") as handle:
        response = client.post("/api/datasets/upload", files={"file": (name, handle)}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def anns_titanic(client: TestClient, people: dict[str, Headers]) -> str:
    return str(upload_as(client, people["ann"], "titanic.csv")["id"])


def pipeline(dataset_id: str) -> dict[str, Any]:
    """The issue's titanic pipeline, reading `dataset_id`."""
    graph = titanic_graph()
    for item in graph["nodes"]:
        if item["type"] == "dataset":
            item["data"]["settings"]["dataset_id"] = dataset_id
    return graph


def create(client: TestClient, headers: Headers, **body: Any) -> dict[str, Any]:
    response = client.post("/api/workflows", json={"name": "Titanic", **body}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_create_read_save_list_and_delete(client: TestClient, people: dict[str, Headers], anns_titanic: str) -> None:
    ann = people["ann"]
    created = create(client, ann, name="  Titanic survival ", description="first try")
    assert created["name"] == "Titanic survival" and created["version"] == 1 and created["can_change"]
    assert created["graph"] == {"version": 1, "nodes": [], "edges": []} and created["project_id"] is None
    url = f"/api/workflows/{created['id']}"

    graph = pipeline(anns_titanic)
    saved = client.put(url, json={"graph": graph, "base_version": 1}, headers=ann)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["version"] == 2 and body["name"] == "Titanic survival" and body["description"] == "first try"
    # What the canvas sent comes back, its own data (label) kept; React Flow's extra node fields are dropped.
    assert [n["id"] for n in body["graph"]["nodes"]] == [n["id"] for n in graph["nodes"]]
    assert body["graph"]["nodes"][0]["data"] == {"settings": graph["nodes"][0]["data"]["settings"], "label": "Titanic"}
    assert "width" not in body["graph"]["nodes"][0] and body["graph"]["edges"] == graph["edges"]
    assert client.get(url, headers=ann).json()["graph"] == body["graph"]

    # Renaming alone, or saving the same graph again, makes no new version.
    renamed = client.put(url, json={"name": "Titanic v2", "graph": graph}, headers=ann)
    assert renamed.status_code == 200 and renamed.json()["version"] == 2 and renamed.json()["name"] == "Titanic v2"
    assert renamed.json()["updated_at"] >= body["updated_at"]

    # A save from a stale copy (another tab saved since) is refused and changes nothing.
    stale = client.put(url, json={"graph": {"nodes": []}, "base_version": 1}, headers=ann)
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    assert client.get(url, headers=ann).json()["version"] == 2

    listed = client.get("/api/workflows", headers=ann).json()
    assert [w["id"] for w in listed["items"]] == [created["id"]] and listed["count"] == 1
    assert "graph" not in listed["items"][0] and listed["items"][0]["name"] == "Titanic v2"
    assert client.get("/api/workflows", params={"q": "v2"}, headers=ann).json()["count"] == 1
    assert client.get("/api/workflows", params={"q": "nothing like it"}, headers=ann).json()["count"] == 0
    assert client.get("/api/workflows", params={"project_id": "private"}, headers=ann).json()["count"] == 1

    assert client.delete(url, headers=ann).status_code == 204
    for answer in (client.get(url, headers=ann), client.get(f"{url}/versions", headers=ann)):
        assert answer.status_code == 404
    assert created["id"] not in {w["id"] for w in client.get("/api/workflows", headers=ann).json()["items"]}


def test_versions_keep_each_replaced_graph_and_only_the_newest(client: TestClient, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    first = {"nodes": [node("d", "dataset")], "edges": []}
    url = f"/api/workflows/{create(client, ann, name='history', graph=first)['id']}"
    second = {"nodes": [node("d", "dataset"), node("s", "split")], "edges": [edge("d", "table", "s", "table")]}
    assert client.put(url, json={"graph": second}, headers=ann).json()["version"] == 2

    versions = client.get(f"{url}/versions", headers=ann).json()
    assert versions["count"] == 1
    assert [(v["version"], v["nodes"], v["edges"]) for v in versions["items"]] == [(1, 1, 0)]
    old = client.get(f"{url}/versions/1", headers=ann).json()
    assert old["version"] == 1 and [n["id"] for n in old["graph"]["nodes"]] == ["d"]
    assert client.get(f"{url}/versions/2", headers=ann).status_code == 404  # the current one is the workflow's

    # Going back is a save of the old graph: the one it replaces is kept too.
    restored = client.put(url, json={"graph": old["graph"]}, headers=ann).json()
    assert restored["version"] == 3 and restored["graph"] == old["graph"]
    assert [v["version"] for v in client.get(f"{url}/versions", headers=ann).json()["items"]] == [2, 1]

    # Autosave runs long: only the newest MAX_KEPT_VERSIONS earlier graphs stay.
    moving = copy.deepcopy(first)
    for step in range(MAX_KEPT_VERSIONS + 2):
        moving["nodes"][0]["position"]["x"] = 1000.0 + step
        assert client.put(url, json={"graph": moving}, headers=ann).status_code == 200
    final = client.get(url, headers=ann).json()["version"]
    assert final == 3 + MAX_KEPT_VERSIONS + 2
    kept = [v["version"] for v in client.get(f"{url}/versions", headers=ann).json()["items"]]
    assert kept == list(range(final - 1, final - 1 - MAX_KEPT_VERSIONS, -1))
    assert client.get(f"{url}/versions/1", headers=ann).status_code == 404


def test_another_member_cannot_see_or_change_a_workflow(
    client: TestClient, people: dict[str, Headers], anns_titanic: str
) -> None:
    ann, ben = people["ann"], people["ben"]
    workflow = create(client, ann, name="ann's", graph=pipeline(anns_titanic))
    url = f"/api/workflows/{workflow['id']}"
    answers = [
        client.get(url, headers=ben),
        client.put(url, json={"name": "taken"}, headers=ben),
        client.delete(url, headers=ben),
        client.get(f"{url}/versions", headers=ben),
        client.get(f"{url}/versions/1", headers=ben),
        client.post(f"{url}/validate", headers=ben),
    ]
    # The same answer as an id that names nothing: ids are not confirmed.
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert answers[0].json() == {"detail": f"workflow {workflow['id']} not found"}
    assert workflow["id"] not in {w["id"] for w in client.get("/api/workflows", headers=ben).json()["items"]}
    after = client.get(url, headers=ann).json()
    assert after["name"] == "ann's" and after["version"] == 1
    # An admin sees everyone's.
    assert client.get(url).status_code == 200
    assert workflow["id"] in {w["id"] for w in client.get("/api/workflows").json()["items"]}


def test_a_project_viewer_reads_but_cannot_save(
    client: TestClient, people: dict[str, Headers], anns_titanic: str
) -> None:
    ann, vic, ben = people["ann"], people["vic"], people["ben"]
    project = client.post("/api/projects", json={"name": "Shared flows"}, headers=ann).json()
    joined = client.put(f"/api/projects/{project['id']}/members/vic", json={"role": "viewer"}, headers=ann)
    assert joined.status_code == 200, joined.text
    # A viewer may not add work to the project either.
    refused = client.post("/api/workflows", json={"name": "x", "project_id": project["id"]}, headers=vic)
    assert refused.status_code == 403
    assert (
        client.post("/api/workflows", json={"name": "x", "project_id": project["id"]}, headers=ben).status_code == 404
    )

    shared = create(client, ann, name="shared", graph=pipeline(anns_titanic), project_id=project["id"])
    url = f"/api/workflows/{shared['id']}"
    seen = client.get(url, headers=vic)
    assert seen.status_code == 200 and seen.json()["can_change"] is False and seen.json()["project_id"] == project["id"]
    assert shared["id"] in {w["id"] for w in client.get("/api/workflows", headers=vic).json()["items"]}
    assert client.put(url, json={"name": "mine now"}, headers=vic).status_code == 403
    assert client.delete(url, headers=vic).status_code == 403
    # Validation judges datasets as the caller sees them: ann's private titanic is nowhere for vic.
    as_vic = client.post(f"{url}/validate", headers=vic).json()
    assert not as_vic["valid"]
    assert {"node_id": "data", "field": "dataset_id", "message": f"no dataset with id {anns_titanic!r}"} in as_vic[
        "errors"
    ]
    assert client.post(f"{url}/validate", headers=ann).json() == {"valid": True, "errors": []}


def test_unknown_ids_are_404(client: TestClient, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    for workflow_id in (UNKNOWN_ID, "not-an-id"):
        url = f"/api/workflows/{workflow_id}"
        answers = [
            client.get(url, headers=ann),
            client.put(url, json={"name": "x"}, headers=ann),
            client.delete(url, headers=ann),
            client.get(f"{url}/versions", headers=ann),
            client.post(f"{url}/validate", headers=ann),
        ]
        assert [a.status_code for a in answers] == [404] * len(answers), [a.text for a in answers]


@pytest.mark.parametrize(
    ("graph", "where"),
    [
        ({"nodes": [{"id": "n1", "type": "no-such-node", "position": {"x": 0, "y": 0}}]}, "type"),
        ({"nodes": [{"id": "n1", "type": "split"}]}, "position"),
        ({"nodes": [{"id": "", "type": "split", "position": {"x": 0, "y": 0}}]}, "id"),
        ({"edges": [{"id": "e1", "source": "a", "sourceHandle": "table", "target": "b"}]}, "targetHandle"),
        ({"edges": [{**edge("a", "table", "b", "table"), "animated": True}]}, "animated"),
        ({"nodes": [node(f"n{i}", "split") for i in range(501)]}, "nodes"),
        ({"version": 0}, "version"),
        ([], "graph"),
    ],
)
def test_a_malformed_graph_is_refused_and_names_the_field(
    client: TestClient, people: dict[str, Headers], graph: Any, where: str
) -> None:
    response = client.post("/api/workflows", json={"name": "bad", "graph": graph}, headers=people["ann"])
    assert response.status_code == 422, response.text
    locations = [[str(part) for part in error["loc"]] for error in response.json()["detail"]]
    assert any(where in loc for loc in locations), locations


def test_content_json_cannot_carry_back_is_refused(client: TestClient, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    nan_position = {"nodes": [{"id": "n1", "type": "split", "position": {"x": float("nan"), "y": 0}}]}
    body = json.dumps({"name": "nan", "graph": nan_position}, allow_nan=True)
    response = client.post("/api/workflows", content=body, headers={**ann, "Content-Type": "application/json"})
    assert response.status_code == 422 and "NaN" in response.json()["detail"]
    future = client.post("/api/workflows", json={"name": "future", "graph": {"version": 99}}, headers=ann)
    assert future.status_code == 422 and "version 99" in future.json()["detail"]
    for name in ("   ", "x" * 256, "a\x00b"):
        assert client.post("/api/workflows", json={"name": name}, headers=ann).status_code == 422
    # Text the canvas put in a node's data is stored as sent, NUL included (JSON escapes it).
    odd = {"nodes": [node("n1", "split", label="a\x00b \u00e9")]}
    saved = create(client, ann, name="odd text", graph=odd)
    assert client.get(f"/api/workflows/{saved['id']}", headers=ann).json()["graph"]["nodes"][0]["data"] == {
        "label": "a\x00b \u00e9"
    }


def test_a_half_built_graph_saves_and_validate_locates_each_problem(
    client: TestClient, people: dict[str, Headers], anns_titanic: str
) -> None:
    ann, ben = people["ann"], people["ben"]
    bens_iris = str(upload_as(client, ben, "iris.csv")["id"])
    graph = pipeline(anns_titanic)
    graph["nodes"][0]["data"]["settings"]["target"] = "survivd"
    graph["nodes"] += [node("other", "dataset", {"dataset_id": bens_iris}), node("split2", "split")]
    graph["edges"] += [edge("logreg", "model", "split2", "table")]
    draft = create(client, ann, name="draft", graph=graph)  # saved as it is: drafts are half-built
    response = client.post(f"/api/workflows/{draft['id']}/validate", headers=ann)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["valid"] is False
    located = {(e["node_id"], e["field"]): e["message"] for e in report["errors"]}
    assert "'survived'" in located[("data", "target")]  # the close match is suggested
    assert located[("other", "dataset_id")] == f"no dataset with id {bens_iris!r}"  # ben's, invisible to ann
    assert located[("split2", None)] == "a model output cannot feed the table input of split 'split2'"
    # The whole pipeline, put right, is valid.
    fixed = client.put(f"/api/workflows/{draft['id']}", json={"graph": pipeline(anns_titanic)}, headers=ann)
    assert fixed.status_code == 200
    assert client.post(f"/api/workflows/{draft['id']}/validate", headers=ann).json() == {"valid": True, "errors": []}


def test_the_node_catalogue_lists_every_type_with_ports_and_schemas(client: TestClient) -> None:
    response = client.get("/api/nodes")
    assert response.status_code == 200, response.text
    specs = {spec["type"]: spec for spec in response.json()}
    assert list(specs) == ["dataset", "split", "preprocessing", "model", "evaluation", "visualization", "deploy"]
    for spec in specs.values():
        assert spec["label"] and spec["settings_schema"]["type"] == "object", spec["type"]
    assert [(p["name"], p["type"]) for p in specs["split"]["inputs"]] == [("table", "table")]
    assert [(p["name"], p["type"]) for p in specs["split"]["outputs"]] == [("train", "train"), ("test", "test")]
    evaluation_model = next(p for p in specs["evaluation"]["inputs"] if p["name"] == "model")
    assert evaluation_model["multiple"] and evaluation_model["required"]
    assert specs["split"]["settings_schema"]["properties"]["test_size"]["default"] == 0.2
    # The algorithms are the server's live registry (plugins included), the same list as GET /api/algorithms.
    model_schema = specs["model"]["settings_schema"]
    named = next(v for v in model_schema["properties"]["algorithm"]["anyOf"] if v.get("type") == "string")
    assert set(named["enum"]) == set(default_registry().names())
    assert set(named["enum"]) == {a["name"] for a in client.get("/api/algorithms").json()}
    described = {a["name"] for a in model_schema["x-flowml-algorithms"]}
    assert "logistic_regression" in described
    assert client.get("/api/nodes", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_user_who_owns_a_workflow_is_not_deleted_with_it(client: TestClient) -> None:
    """Deleting a user would cascade to their workflows: refused while one is left, as for datasets, jobs, models."""
    owner = member(client, "wendy")
    users = {u["username"]: u["id"] for u in client.get("/api/users").json()}
    workflow = create(client, owner, name="wendy's")
    refused = client.delete(f"/api/users/{users['wendy']}")
    assert refused.status_code == 409, refused.text
    assert "1 datasets, jobs, models or workflows" in refused.json()["detail"]
    assert client.get(f"/api/workflows/{workflow['id']}").status_code == 200
    assert client.delete(f"/api/workflows/{workflow['id']}", headers=owner).status_code == 204
    assert client.delete(f"/api/users/{users['wendy']}").status_code == 204
