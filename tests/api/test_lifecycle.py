"""Job lifecycle: the concurrency limit, cancellation, and resuming after the server stops mid-job."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.core.settings import Settings
from tests.api.conftest import make_settings, upload, wait_final, wait_for
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture
def one_slot_settings(tmp_path: Path) -> Iterator[Settings]:
    url, dbname = make_test_database_url(tmp_path)
    yield make_settings(tmp_path, url, MAX_CONCURRENT_JOBS=1)
    drop_test_database(dbname)


def _start(client: TestClient, dataset_id: str, budget: float) -> dict[str, Any]:
    body = {"dataset_id": dataset_id, "target_column": "survived", "time_budget": budget, "n_folds": 3}
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_limit_queues_then_cancel_stops_quickly(one_slot_settings: Settings) -> None:
    with signed_in_client(create_app(one_slot_settings)) as client:
        dataset = upload(client, dataset_path("titanic.csv")).json()
        first = _start(client, dataset["id"], budget=1.0)
        second = _start(client, dataset["id"], budget=1.0)
        wait_for(client, first["id"], lambda j: j["status"] == "running" and j["n_trials"] >= 1, timeout=60)
        assert client.get(f"/api/training/jobs/{second['id']}").json()["status"] == "queued"

        # A queued job is cancelled at once; it never runs.
        cancelled = client.post(f"/api/training/jobs/{second['id']}/cancel").json()
        assert cancelled["status"] == "cancelled"

        asked = time.monotonic()
        assert client.post(f"/api/training/jobs/{first['id']}/cancel").status_code == 200
        job = wait_final(client, first["id"], timeout=10)
        assert job["status"] == "cancelled"
        assert time.monotonic() - asked < 5.0
        trials = client.get(f"/api/results/job/{first['id']}/trials").json()["items"]
        assert trials and not [t for t in trials if t["status"] == "running"]

        again = client.post(f"/api/training/jobs/{first['id']}/cancel")
        assert again.status_code == 409 and "already" in again.json()["detail"]
        with client.websocket_connect(f"/ws/jobs/{first['id']}?since=0") as socket:
            types = []
            while "training_cancelled" not in types:
                types.append(socket.receive_json()["type"])


def test_stop_early_finishes_with_the_best_model_so_far(one_slot_settings: Settings) -> None:
    with signed_in_client(create_app(one_slot_settings)) as client:
        dataset = upload(client, dataset_path("titanic.csv")).json()
        job = _start(client, dataset["id"], budget=2.0)
        too_soon = client.post(f"/api/training/jobs/{job['id']}/stop")
        assert too_soon.status_code == 409  # nothing has finished yet (or it is still queued)
        wait_for(client, job["id"], lambda j: j["best_score"] is not None, timeout=60)
        asked = time.monotonic()
        assert client.post(f"/api/training/jobs/{job['id']}/stop").status_code == 200
        done = wait_final(client, job["id"], timeout=60)
        assert done["status"] == "completed" and done["model_id"]
        assert time.monotonic() - asked < 30  # far less than the 2-minute budget
        row = {"pclass": 1, "sex": "female", "age": 30}
        assert client.post(f"/api/results/model/{done['model_id']}/predict", json={"row": row}).status_code == 200


def test_job_running_at_shutdown_resumes_at_next_start(one_slot_settings: Settings) -> None:
    with signed_in_client(create_app(one_slot_settings)) as client:
        dataset = upload(client, dataset_path("titanic.csv")).json()
        job = _start(client, dataset["id"], budget=0.4)
        wait_for(client, job["id"], lambda j: j["n_trials"] >= 2, timeout=60)
    # The server stopped: the job is not lost and not left to look alive forever.
    with signed_in_client(create_app(one_slot_settings)) as client:
        before = client.get(f"/api/results/job/{job['id']}/trials").json()["items"]
        assert len(before) >= 2
        resumed = wait_final(client, job["id"], timeout=90)
        assert resumed["status"] == "completed", resumed
        after = client.get(f"/api/results/job/{job['id']}/trials").json()["items"]
        numbers = [t["trial_number"] for t in after]
        assert len(numbers) == len(set(numbers)) and len(after) > len(before)
        assert not [t for t in after if t["status"] == "running"]
        # The model is the best of all trials, those from before the restart included.
        model = client.get(f"/api/results/model/{resumed['model_id']}").json()
        assert model["cv_score"] == pytest.approx(resumed["best_score"])
        lines = client.get(f"/api/logs/jobs/{job['id']}").json()["lines"]
        assert any("resumed" in line for line in lines)
