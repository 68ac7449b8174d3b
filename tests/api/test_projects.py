"""Projects over REST: members with roles see and change the project's datasets, jobs and models by the one rule
in services/access.py; non-members get 404s; the last owner stays."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_final
from tests.conftest import api_key_for, bearer, dataset_path

pytestmark = [pytest.mark.db, pytest.mark.slow]

Headers = dict[str, str]


def member(client: TestClient, username: str) -> Headers:
    password = f"{username}-password-1"
    created = client.post("/api/users", json={"username": username, "password": password, "role": "member"})
    assert created.status_code == 201, created.text
    return bearer(api_key_for(client, username, password))


@pytest.fixture(scope="module")
def people(client: TestClient) -> dict[str, Headers]:
    """alice makes the project; bob joins it in the tests; carol never does."""
    return {name: member(client, name) for name in ("alice", "bob", "carol")}


@pytest.fixture(scope="module")
def project(client: TestClient, people: dict[str, Headers]) -> dict[str, Any]:
    """alice's project, with a dataset uploaded into it and a finished job (and so a model) trained on it."""
    alice = people["alice"]
    created = client.post("/api/projects", json={"name": "  Churn study ", "description": "HR"}, headers=alice)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "Churn study" and body["my_role"] == "owner"
    assert [(m["username"], m["role"]) for m in body["members"]] == [("alice", "owner")]
    with dataset_path("titanic.csv").open("rb") as handle:
        dataset = client.post(
            "/api/datasets/upload",
            files={"file": ("titanic.csv", handle)},
            data={"project_id": body["id"]},
            headers=alice,
        )
    assert dataset.status_code == 201, dataset.text
    assert dataset.json()["project_id"] == body["id"]
    request = {
        "dataset_id": dataset.json()["id"],
        "target_column": "survived",
        "time_budget": 0.2,
        "n_folds": 3,
        "max_trials": 2,
        "algorithms": ["logistic_regression"],
    }
    started = client.post("/api/training/start", json=request, headers=alice)
    assert started.status_code == 201, started.text
    assert started.json()["project_id"] == body["id"]  # a job on a project's dataset joins the project
    job = wait_final(client, started.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    model = client.get(f"/api/results/model/{job['model_id']}").json()
    assert model["project_id"] == body["id"]  # and so does its model
    return {"id": body["id"], "dataset_id": request["dataset_id"], "job_id": job["id"], "model_id": model["id"]}


def urls(project: dict[str, Any]) -> list[str]:
    return [
        f"/api/datasets/{project['dataset_id']}",
        f"/api/training/jobs/{project['job_id']}",
        f"/api/results/model/{project['model_id']}",
    ]


def listed(client: TestClient, headers: Headers) -> set[str]:
    ids: set[str] = set()
    for url in ("/api/datasets", "/api/training/jobs", "/api/results/models"):
        ids |= {item["id"] for item in client.get(url, headers=headers).json()["items"]}
    return ids


def set_role(client: TestClient, project: dict[str, Any], who: str, role: str, headers: Headers) -> Any:
    return client.put(f"/api/projects/{project['id']}/members/{who}", json={"role": role}, headers=headers)


def item_ids(project: dict[str, Any]) -> set[str]:
    return {project["dataset_id"], project["job_id"], project["model_id"]}


def test_a_non_member_gets_404_for_the_project_and_its_items(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    carol = people["carol"]
    for url in urls(project):
        assert client.get(url, headers=carol).status_code == 404
    assert not item_ids(project) & listed(client, carol)
    assert client.get(f"/api/projects/{project['id']}", headers=carol).status_code == 404
    assert project["id"] not in {p["id"] for p in client.get("/api/projects", headers=carol).json()["items"]}
    assert set_role(client, project, "carol", "owner", carol).status_code == 404


def test_a_viewer_sees_and_predicts_but_cannot_change(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, bob = people["alice"], people["bob"]
    assert set_role(client, project, "bob", "viewer", alice).status_code == 200
    for url in urls(project):
        assert client.get(url, headers=bob).status_code == 200
    assert item_ids(project) <= listed(client, bob)
    # The counts follow the same rule as the lists.
    models_seen = client.get("/api/results/models", headers=bob).json()["count"]
    assert models_seen >= 1 and client.get("/api/stats", headers=bob).json()["models"] == models_seen
    assert project["model_id"] in {
        m["id"]
        for m in client.get("/api/results/models", params={"project_id": project["id"]}, headers=bob).json()["items"]
    }
    row = {"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}
    predicted = client.post(f"/api/results/model/{project['model_id']}/predict", json={"row": row}, headers=bob)
    assert predicted.status_code == 200, predicted.text
    # The dashboard asks before it offers editing controls; the answer says why not.
    told = client.get(f"/api/results/model/{project['model_id']}/access", headers=bob).json()
    assert (told["can_change"], told["can_move"]) == (False, False) and "viewer" in told["reason"]
    owners = client.get(f"/api/training/jobs/{project['job_id']}/access", headers=alice).json()
    assert owners == {"can_change": True, "can_move": True, "reason": None}
    renamed = client.patch(f"/api/results/model/{project['model_id']}", json={"name": "mine"}, headers=bob)
    assert renamed.status_code == 403
    assert "viewer" in renamed.json()["detail"] and "editor" in renamed.json()["detail"]
    assert client.patch(f"/api/training/jobs/{project['job_id']}", json={"tags": ["x"]}, headers=bob).status_code == 403
    assert client.delete(f"/api/datasets/{project['dataset_id']}", headers=bob).status_code == 403
    train = {"dataset_id": project["dataset_id"], "target_column": "survived", "time_budget": 0.1}
    assert client.post("/api/training/start", json=train, headers=bob).status_code == 403
    assert set_role(client, project, "carol", "viewer", bob).status_code == 403  # only owners manage members


def test_an_editor_renames_and_trains_into_the_project_but_cannot_move_others_items(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, bob = people["alice"], people["bob"]
    assert set_role(client, project, "bob", "editor", alice).json()["members"][1] == {
        "user_id": client.get("/api/projects/" + project["id"], headers=alice).json()["members"][1]["user_id"],
        "username": "bob",
        "role": "editor",
    }
    model_url = f"/api/results/model/{project['model_id']}"
    assert client.get(f"{model_url}/access", headers=bob).json() == {
        "can_change": True,
        "can_move": False,
        "reason": None,
    }
    assert client.patch(model_url, json={"name": "Survival (shared)"}, headers=bob).status_code == 200
    moved = client.patch(model_url, json={"project_id": None}, headers=bob)
    assert moved.status_code == 403 and "owner" in moved.json()["detail"]
    train = {"dataset_id": project["dataset_id"], "target_column": "survived", "time_budget": 0.1}
    started = client.post("/api/training/start", json=train | {"project_id": "0" * 32}, headers=bob)
    assert started.status_code == 422 and "project" in started.json()["detail"]
    started = client.post("/api/training/start", json=train, headers=bob)
    assert started.status_code == 201, started.text
    assert started.json()["project_id"] == project["id"]
    client.post(f"/api/training/jobs/{started.json()['id']}/cancel", headers=bob)


def test_moving_items_needs_the_owner_and_an_editor_role_in_the_target(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, carol = people["alice"], people["carol"]
    job_url = f"/api/training/jobs/{project['job_id']}"
    assert client.patch(job_url, json={"project_id": None}, headers=alice).json()["project_id"] is None
    assert client.get(job_url, headers=people["bob"]).status_code == 404  # private again
    assert (
        client.patch(job_url, json={"project_id": project["id"]}, headers=alice).json()["project_id"] == project["id"]
    )
    # Into a project the caller is not in: not found; one where they only view: refused.
    carols = client.post("/api/projects", json={"name": "Carol's"}, headers=carol).json()
    assert client.patch(job_url, json={"project_id": carols["id"]}, headers=alice).status_code == 404
    assert set_role(client, {"id": carols["id"]}, "alice", "viewer", carol).status_code == 200
    refused = client.patch(job_url, json={"project_id": carols["id"]}, headers=alice)
    assert refused.status_code == 403 and "viewer" in refused.json()["detail"]


def test_removing_a_member_hides_the_items_again(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, bob = people["alice"], people["bob"]
    assert set_role(client, project, "bob", "viewer", alice).status_code == 200
    assert client.get(urls(project)[2], headers=bob).status_code == 200
    removed = client.delete(f"/api/projects/{project['id']}/members/bob", headers=alice)
    assert removed.status_code == 200, removed.text
    assert [m["username"] for m in removed.json()["members"]] == ["alice"]
    for url in urls(project):
        assert client.get(url, headers=bob).status_code == 404
    assert not item_ids(project) & listed(client, bob)
    assert client.delete(f"/api/projects/{project['id']}/members/bob", headers=alice).status_code == 404


def test_the_last_owner_stays_and_unknown_users_and_roles_are_refused(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, bob = people["alice"], people["bob"]
    url = f"/api/projects/{project['id']}/members"
    leaving = client.delete(f"{url}/alice", headers=alice)
    assert leaving.status_code == 409 and "last owner" in leaving.json()["detail"]
    assert set_role(client, project, "alice", "editor", alice).status_code == 409
    assert set_role(client, project, "nobody-here", "viewer", alice).status_code == 404
    assert set_role(client, project, "f" * 32, "viewer", alice).status_code == 404
    assert set_role(client, project, "bob", "admin", alice).status_code == 422
    # With a second owner the first may step down, and a member may leave on their own.
    assert set_role(client, project, "bob", "owner", alice).status_code == 200
    assert set_role(client, project, "alice", "editor", alice).status_code == 200
    assert set_role(client, project, "alice", "owner", bob).status_code == 200
    assert client.delete(f"{url}/bob", headers=bob).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [({"name": ""}, "1 to 255"), ({"name": "x" * 256}, "1 to 255"), ({"name": "p", "description": "d" * 5001}, "5000")],
)
def test_project_fields_out_of_bounds_are_refused(
    client: TestClient, people: dict[str, Headers], body: dict[str, Any], message: str
) -> None:
    response = client.post("/api/projects", json=body, headers=people["carol"])
    assert response.status_code == 422 and message in response.text


def test_deleting_a_project_returns_its_items_to_their_owners(
    client: TestClient, project: dict[str, Any], people: dict[str, Headers]
) -> None:
    alice, bob = people["alice"], people["bob"]
    assert set_role(client, project, "bob", "viewer", alice).status_code == 200
    assert client.patch(f"/api/projects/{project['id']}", json={"name": "Renamed"}, headers=bob).status_code == 403
    assert client.delete(f"/api/projects/{project['id']}", headers=bob).status_code == 403
    assert client.patch(f"/api/projects/{project['id']}", json={"name": "Renamed"}, headers=alice).json()["name"] == (
        "Renamed"
    )
    assert client.delete(f"/api/projects/{project['id']}", headers=alice).status_code == 204
    for url in urls(project):
        item = client.get(url, headers=alice)
        assert item.status_code == 200 and item.json()["project_id"] is None
        assert client.get(url, headers=bob).status_code == 404
    assert client.get(f"/api/projects/{project['id']}", headers=alice).status_code == 404


def test_deleting_a_user_dissolves_their_projects_and_keeps_others_items(
    client: TestClient, people: dict[str, Headers]
) -> None:
    """erin made a project that bob put a dataset into; an admin deletes erin (she owns no items): the project goes,
    and bob's dataset is his private one again instead of pointing at a project that no longer exists."""
    erin = member(client, "erin")
    bob = people["bob"]
    made = client.post("/api/projects", json={"name": "Erin's study"}, headers=erin).json()
    joined = client.put(f"/api/projects/{made['id']}/members/bob", json={"role": "editor"}, headers=erin)
    assert joined.status_code == 200, joined.text
    table = b"x,y\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(20))
    uploaded = client.post(
        "/api/datasets/upload", files={"file": ("tiny.csv", table)}, data={"project_id": made["id"]}, headers=bob
    )
    assert uploaded.status_code == 201, uploaded.text
    erin_id = next(u["id"] for u in client.get("/api/users").json() if u["username"] == "erin")
    assert client.delete(f"/api/users/{erin_id}").status_code == 204
    dataset = client.get(f"/api/datasets/{uploaded.json()['id']}", headers=bob)
    assert dataset.status_code == 200 and dataset.json()["project_id"] is None
    assert made["id"] not in {p["id"] for p in client.get("/api/projects", headers=bob).json()["items"]}


def test_an_owner_shares_a_private_dataset_and_takes_it_back(client: TestClient, people: dict[str, Headers]) -> None:
    """A dataset uploaded privately is moved into a project by its owner (members see it, and may train on it
    as editors), and made private again; nobody else may move it. Its own project: earlier tests delete theirs."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    project = client.post("/api/projects", json={"name": "Shared tables"}, headers=alice).json()
    assert set_role(client, project, "bob", "editor", alice).status_code == 200
    table = b"x,y\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(20))
    uploaded = client.post("/api/datasets/upload", files={"file": ("private.csv", table)}, headers=alice)
    assert uploaded.status_code == 201, uploaded.text
    url = f"/api/datasets/{uploaded.json()['id']}"
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(f"{url}/access", headers=alice).json()["can_move"] is True

    moved = client.patch(url, json={"project_id": project["id"]}, headers=alice)
    assert moved.status_code == 200 and moved.json()["project_id"] == project["id"], moved.text
    assert client.get(url, headers=bob).status_code == 200
    assert client.get(f"{url}/access", headers=bob).json() == {"can_change": True, "can_move": False, "reason": None}
    # An editor of the project may use it, but only its owner (or an admin) moves it; a stranger does not see it.
    refused = client.patch(url, json={"project_id": None}, headers=bob)
    assert refused.status_code == 403 and "owner or an admin" in refused.json()["detail"]
    assert client.patch(url, json={"project_id": None}, headers=carol).status_code == 404
    # Into a project its owner cannot add to: the same 404 as one that does not exist.
    assert client.patch(url, json={"project_id": "0" * 32}, headers=alice).status_code == 404

    private = client.patch(url, json={"project_id": None}, headers=alice)
    assert private.status_code == 200 and private.json()["project_id"] is None
    assert client.get(url, headers=bob).status_code == 404
