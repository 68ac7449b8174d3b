"""Listing endpoints, unknown ids, and the state checks (deleting a dataset under a running job)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_final, wait_for

pytestmark = pytest.mark.db

UNKNOWN = "0" * 32


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/api/training/jobs/{UNKNOWN}"),
        ("post", f"/api/training/jobs/{UNKNOWN}/cancel"),
        ("get", f"/api/results/job/{UNKNOWN}/leaderboard"),
        ("get", f"/api/results/job/{UNKNOWN}/trials"),
        ("get", f"/api/results/model/{UNKNOWN}"),
        ("get", f"/api/results/model/{UNKNOWN}/download"),
        ("get", f"/api/logs/jobs/{UNKNOWN}"),
    ],
)
def test_unknown_ids_are_404_with_a_message(client: TestClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert "not found" in response.json()["detail"]


def test_lists_and_system_log(client: TestClient) -> None:
    assert client.get("/api/training/jobs").json()["count"] >= 0
    assert client.get("/api/training/jobs", params={"status": "running"}).status_code == 200
    assert client.get("/api/training/jobs", params={"status": "sleeping"}).status_code == 422
    assert client.get("/api/results/models").json()["count"] >= 0
    assert isinstance(client.get("/api/logs", params={"tail": 10}).json()["lines"], list)
    assert client.get("/api/logs", params={"tail": 0}).status_code == 422
    assert client.get("/api/algorithms", params={"task": "ranking"}).status_code == 422


@pytest.mark.slow
def test_dataset_in_use_cannot_be_deleted(client: TestClient, titanic: dict[str, Any]) -> None:
    body = {"dataset_id": titanic["id"], "target_column": "survived", "time_budget": 0.5, "n_folds": 3}
    job = client.post("/api/training/start", json=body).json()
    wait_for(client, job["id"], lambda j: j["status"] == "running", timeout=30)
    response = client.delete(f"/api/datasets/{titanic['id']}")
    assert response.status_code == 409 and "cancel" in response.json()["detail"]
    client.post(f"/api/training/jobs/{job['id']}/cancel")
    assert wait_final(client, job["id"], timeout=15)["status"] == "cancelled"
    assert client.get(f"/api/datasets/{titanic['id']}").status_code == 200
