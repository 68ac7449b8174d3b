"""POST /api/training/start for clustering: what it refuses (each with a message that says what to send instead),
what it records for a request it takes, and a clone that keeps the settings. No job here runs to the end: each
accepted one is cancelled at once (tests/api/clustering/test_clustering_jobs.py trains one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload, wait_final
from tests.conftest import dataset_path

pytestmark = pytest.mark.db

IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


@pytest.fixture(scope="module")
def iris(client: TestClient) -> dict[str, Any]:
    response = upload(client, dataset_path("iris.csv"))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def start(client: TestClient, dataset_id: str, **fields: Any) -> Any:
    body = {"dataset_id": dataset_id, "problem_type": "clustering", "time_budget": 0.2, **fields}
    return client.post("/api/training/start", json=body)


def cancelled(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    client.post(f"/api/training/jobs/{job['id']}/cancel")
    final: dict[str, Any] = wait_final(client, job["id"], timeout=60)
    return final


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"target_column": "target"}, "clustering takes no target column; name a known grouping as reference_column"),
        ({"problem_type": "auto"}, "to find groups in a table with no target, send problem_type"),
        ({"problem_type": "regression"}, "problem_type regression needs a target_column"),
        (
            {"problem_type": "multiclass", "target_column": "target", "reference_column": IRIS_FEATURES[0]},
            "reference_column is for clustering only",
        ),
        ({"reference_column": "species"}, "reference_column: column 'species' is not in dataset"),
        ({"metric": "roc_auc"}, "silhouette"),
        ({"algorithms": ["kmeans", "random_forest"]}, "unknown algorithm(s) for clustering: random_forest"),
        ({"preprocessors": ["pca"]}, "clustering searches its own PCA reduction"),
    ],
)
def test_clustering_requests_that_cannot_run_are_refused_with_what_to_do(
    client: TestClient, iris: dict[str, Any], fields: dict[str, Any], words: str
) -> None:
    response = start(client, iris["id"], **fields)
    assert response.status_code == 422, response.text
    assert words in json.dumps(response.json()["detail"]), response.json()


def test_a_clustering_job_is_recorded_without_a_target_and_with_its_reference(
    client: TestClient, iris: dict[str, Any]
) -> None:
    response = start(client, iris["id"], reference_column="target", algorithms=["kmeans"])
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["problem_type"] == "clustering" and job["target_column"] is None
    assert job["reference_column"] == "target"
    assert job["metric"] == "silhouette", "the task's default metric"
    assert job["algorithms"] == ["kmeans"]
    assert job["name"] == f"{iris['name']} -> clusters"
    assert "validity index" in job["validation_label"]
    cancelled(client, job)


def test_every_clustering_algorithm_is_the_default_and_a_metric_can_be_chosen(
    client: TestClient, iris: dict[str, Any]
) -> None:
    listed = {a["name"] for a in client.get("/api/algorithms", params={"task": "clustering"}).json()}
    response = start(client, iris["id"], metric="davies_bouldin")
    assert response.status_code == 201, response.text
    job = response.json()
    assert set(job["algorithms"]) == listed and len(listed) >= 2
    assert job["metric"] == "davies_bouldin"
    cancelled(client, job)


def test_a_clone_of_a_clustering_job_keeps_no_target_and_the_reference(
    client: TestClient, iris: dict[str, Any]
) -> None:
    response = start(client, iris["id"], reference_column="target", algorithms=["kmeans"], metric="calinski_harabasz")
    assert response.status_code == 201, response.text
    source = cancelled(client, response.json())
    clone = client.get(f"/api/training/jobs/{source['id']}/clone")
    assert clone.status_code == 200, clone.text
    request = clone.json()
    assert request["problem_type"] == "clustering" and request["target_column"] is None
    assert request["reference_column"] == "target" and request["metric"] == "calinski_harabasz"
    again = client.post("/api/training/start", json={**request, "time_budget": 0.2})
    assert again.status_code == 201, again.text
    assert again.json()["cloned_from"] == source["id"] and again.json()["reference_column"] == "target"
    cancelled(client, again.json())


def test_dataset_stats_hint_at_clustering_only_when_no_column_is_the_outcome(
    client: TestClient, iris: dict[str, Any], tmp_path: Path
) -> None:
    assert client.get(f"/api/datasets/{iris['id']}/stats").json()["clustering_hint"] is None
    measurements = tmp_path / "measurements.csv"
    pd.read_csv(dataset_path("iris.csv")).drop(columns=["target"]).to_csv(measurements, index=False)
    created = upload(client, measurements)
    assert created.status_code == 201, created.text
    stats = client.get(f"/api/datasets/{created.json()['id']}/stats").json()
    assert "clustering finds groups" in stats["clustering_hint"]
