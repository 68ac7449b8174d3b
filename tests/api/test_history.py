"""Experiment history over REST: rename, notes and tags on jobs and models, the list filters, and clone."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload, wait_final
from tests.conftest import api_key_for, bearer, dataset_path

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
def finished(client: TestClient) -> dict[str, Any]:
    """One small finished job on the Titanic table, with its model."""
    dataset = upload(client, dataset_path("titanic.csv"))
    assert dataset.status_code == 201, dataset.text
    body = {
        "dataset_id": dataset.json()["id"],
        "target_column": "survived",
        "time_budget": 0.2,
        "n_folds": 3,
        "max_trials": 2,
        "algorithms": ["logistic_regression"],
    }
    started = client.post("/api/training/start", json=body)
    assert started.status_code == 201, started.text
    job = wait_final(client, started.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    return {"job": job, "model_id": job["model_id"], "dataset_id": body["dataset_id"]}


@pytest.fixture(scope="module")
def outsider(client: TestClient) -> dict[str, str]:
    """A member who owns none of it and shares no project with the admin."""
    password = "outsider-password-1"
    created = client.post("/api/users", json={"username": "historyoutsider", "password": password, "role": "member"})
    assert created.status_code == 201, created.text
    return bearer(api_key_for(client, "historyoutsider", password))


def test_rename_notes_and_tags_are_trimmed_and_deduplicated(client: TestClient, finished: dict[str, Any]) -> None:
    job_url = f"/api/training/jobs/{finished['job']['id']}"
    model_url = f"/api/results/model/{finished['model_id']}"
    for url in (job_url, model_url):
        edit = {"name": "  Survival v1  ", "notes": " first try, 3 folds ", "tags": [" churn ", "Churn", "q3", "q3"]}
        response = client.patch(url, json=edit)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["name"], body["notes"], body["tags"]) == ("Survival v1", "first try, 3 folds", ["churn", "q3"])
        # Fields left out stay as they are; the stored row says the same as the answer.
        assert client.patch(url, json={"notes": "second"}).json()["name"] == "Survival v1"
        stored = client.get(url).json()
        assert (stored["name"], stored["notes"], stored["tags"]) == ("Survival v1", "second", ["churn", "q3"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"name": ""}, "1 to 255"),
        ({"name": "   "}, "1 to 255"),
        ({"name": "x" * 256}, "1 to 255"),
        ({"name": None}, "cannot be null"),
        ({"notes": "n" * 5001}, "at most 5000"),
        ({"tags": [f"t{i}" for i in range(21)]}, "at most 20"),
        ({"tags": ["t" * 41]}, "1 to 40"),
        ({"tags": ["  "]}, "1 to 40"),
        ({"name": "bad\x00name"}, "NUL"),
    ],
)
def test_edits_out_of_bounds_are_refused_with_a_message(
    client: TestClient, finished: dict[str, Any], edit: dict[str, Any], message: str
) -> None:
    for url in (f"/api/training/jobs/{finished['job']['id']}", f"/api/results/model/{finished['model_id']}"):
        response = client.patch(url, json=edit)
        assert response.status_code == 422, response.text
        assert message in response.text


def test_another_members_job_and_model_are_not_found(
    client: TestClient, finished: dict[str, Any], outsider: dict[str, str]
) -> None:
    job_id, model_id = finished["job"]["id"], finished["model_id"]
    assert client.patch(f"/api/training/jobs/{job_id}", json={"name": "x"}, headers=outsider).status_code == 404
    assert client.patch(f"/api/results/model/{model_id}", json={"name": "x"}, headers=outsider).status_code == 404
    assert client.get(f"/api/training/jobs/{job_id}/clone", headers=outsider).status_code == 404


def test_list_filters_search_tags_status_and_project(client: TestClient, finished: dict[str, Any]) -> None:
    job_id, model_id = finished["job"]["id"], finished["model_id"]
    client.patch(f"/api/training/jobs/{job_id}", json={"name": "Passenger survival", "tags": ["Baseline"]})
    client.patch(f"/api/results/model/{model_id}", json={"name": "Passenger survival", "tags": ["Baseline"]})

    def job_ids(**params: str) -> list[str]:
        response = client.get("/api/training/jobs", params=params)
        assert response.status_code == 200, response.text
        return [job["id"] for job in response.json()["items"]]

    def model_ids(**params: str) -> list[str]:
        response = client.get("/api/results/models", params=params)
        assert response.status_code == 200, response.text
        return [model["id"] for model in response.json()["items"]]

    for ids, item in ((job_ids, job_id), (model_ids, model_id)):
        assert item in ids(q="passenger SURVIVAL")  # every word, any case
        assert item in ids(q="survived")  # the target
        assert item in ids(q="logistic")  # the algorithm
        assert item in ids(q="baseline")  # a tag
        assert item not in ids(q="passenger nowhere")
        assert item in ids(tag="BASELINE")
        assert item not in ids(tag="base")  # a tag filter is the whole tag
        assert item in ids(project_id="private")
        assert item not in ids(project_id="0" * 32)
    assert job_id in job_ids(status="completed", tag="baseline")
    assert job_id not in job_ids(status="failed", tag="baseline")


def test_clone_gives_the_settings_and_a_started_clone_records_its_source(
    client: TestClient, finished: dict[str, Any], outsider: dict[str, str]
) -> None:
    job = finished["job"]
    response = client.get(f"/api/training/jobs/{job['id']}/clone")
    assert response.status_code == 200, response.text
    settings = response.json()
    assert settings["dataset_id"] == finished["dataset_id"]
    assert settings["target_column"] == "survived"
    assert settings["problem_type"] == job["problem_type"] == "binary"
    assert (settings["time_budget"], settings["n_folds"], settings["max_trials"]) == (0.2, 3, 2)
    assert settings["algorithms"] == ["logistic_regression"]
    assert settings["metric"] == job["metric"]
    assert settings["cloned_from"] == job["id"]
    assert settings["name"].endswith(" (copy)")
    # Change the budget and the algorithms, then start it as any training request.
    settings |= {"time_budget": 0.3, "algorithms": ["knn"]}
    started = client.post("/api/training/start", json=settings)
    assert started.status_code == 201, started.text
    clone = started.json()
    assert (clone["cloned_from"], clone["time_budget"], clone["algorithms"]) == (job["id"], 0.3, ["knn"])
    client.post(f"/api/training/jobs/{clone['id']}/cancel")
    # A clone names a job the caller may see, else it is not found (ids are not confirmed).
    unknown = settings | {"cloned_from": "f" * 32}
    assert client.post("/api/training/start", json=unknown).status_code == 404
