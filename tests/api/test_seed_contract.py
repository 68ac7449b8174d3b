"""The REST contract the seed's README documented, sent exactly as it wrote it: clients written from it must work.

The README's examples (training start, the /api/training aliases, preview with `rows`, the leaderboard's `models`,
predict with `data`, `data.progress` on the WebSocket, /redoc) against a real app, on a small generated table shaped
like its Titanic example. One job runs the seed's start body to the end: its `n_trials_per_model` cap, not the
5-minute budget, ends it.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from flowml.api.security_headers import REDOC_CSP
from flowml.engine.algorithms import default_registry
from flowml.engine.types import ProblemType
from flowml.events.schemas import Event, EventType, TrainingProgressData
from tests.api.conftest import upload, wait_final
from tests.conftest import api_key_for, bearer

pytestmark = [pytest.mark.db, pytest.mark.slow]

ROWS = 60
# The seed's algorithm names (its optuna_automl.py model tables), per task.
SEED_ALGORITHMS = {
    ProblemType.BINARY: [
        "logistic_regression", "random_forest", "gradient_boosting", "knn", "svm", "decision_tree", "extra_trees",
        "adaboost", "naive_bayes", "xgboost", "lightgbm", "catboost",
    ],
    ProblemType.REGRESSION: [
        "ridge", "lasso", "random_forest", "gradient_boosting", "elastic_net", "svr", "knn", "decision_tree",
        "extra_trees", "adaboost", "xgboost", "lightgbm", "catboost",
    ],
}  # fmt: skip


def seed_start_body(dataset_id: str) -> dict[str, Any]:
    """The README's "Start Training Job" body, with a real dataset id for its "uuid"."""
    return {
        "dataset_id": dataset_id,
        "target_column": "Survived",
        "problem_type": "classification",
        "time_budget": 5,
        "model_types": ["xgboost", "random_forest"],
        "n_trials_per_model": 10,
    }


@pytest.fixture(scope="module")
def passengers(client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Titanic-like table: Survived depends on Sex and Pclass, with noise."""
    rng = np.random.default_rng(7)
    path = tmp_path_factory.mktemp("seed") / "passengers.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Age", "Pclass", "Sex", "Survived"])
        for _ in range(ROWS):
            pclass, sex = int(rng.integers(1, 4)), str(rng.choice(["male", "female"]))
            survived = int((sex == "female") ^ (pclass == 3) ^ (rng.random() < 0.1))
            writer.writerow([int(rng.integers(1, 80)), pclass, sex, survived])
    response = upload(client, path)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def started(client: TestClient, passengers: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/training/start", json=seed_start_body(passengers["id"]))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def finished(client: TestClient, started: dict[str, Any]) -> dict[str, Any]:
    job: dict[str, Any] = wait_final(client, started["job_id"], timeout=240)
    assert job["status"] == "completed", job
    return job


def test_start_answers_the_seeds_job_id_and_pending(started: dict[str, Any]) -> None:
    assert started["job_id"] == started["id"]
    assert started["status"] == "pending"
    assert started["problem_type"] == "binary"  # "classification" with two classes
    assert started["algorithms"] == ["xgboost", "random_forest"]
    assert started["max_trials_per_algorithm"] == 10
    assert started["time_budget"] == 5


def test_n_trials_per_model_caps_each_algorithm_and_ends_the_search(
    client: TestClient, finished: dict[str, Any]
) -> None:
    trials = client.get(f"/api/results/job/{finished['id']}/trials").json()["items"]
    assert Counter(t["algorithm"] for t in trials) == {"xgboost": 10, "random_forest": 10}
    assert finished["n_trials"] == 20
    # The cap, not the 5-minute budget, ended the search: without it, trials would go on until at least 75% of
    # the budget (engine/search.py keeps at most 25% for the final fit).
    took = datetime.fromisoformat(finished["finished_at"]) - datetime.fromisoformat(finished["started_at"])
    assert took.total_seconds() < 200


def test_classification_with_three_classes_is_multiclass_and_the_cancel_alias_cancels(
    client: TestClient, passengers: dict[str, Any]
) -> None:
    body = {**seed_start_body(passengers["id"]), "target_column": "Pclass"}
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["problem_type"] == "multiclass"
    job_id = response.json()["job_id"]
    cancelled = client.post(f"/api/training/{job_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["id"] == job_id
    assert wait_final(client, job_id, timeout=60)["status"] == "cancelled"
    assert client.post(f"/api/training/{job_id}/cancel").status_code == 409  # the same rules as /jobs/{id}/cancel


def test_unknown_model_types_are_refused_naming_the_valid_ones(client: TestClient, passengers: dict[str, Any]) -> None:
    body = {**seed_start_body(passengers["id"]), "model_types": ["xgboost", "deep_forest"]}
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "deep_forest" in detail
    assert all(name in detail for name in SEED_ALGORITHMS[ProblemType.BINARY])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"algorithms": ["lightgbm"]}, "model_types"),  # the seed's body has model_types ["xgboost", "random_forest"]
        ({"max_trials_per_algorithm": 3}, "n_trials_per_model"),
    ],
)
def test_our_name_and_the_seeds_disagreeing_is_refused(
    client: TestClient, passengers: dict[str, Any], extra: dict[str, Any], field: str
) -> None:
    response = client.post("/api/training/start", json={**seed_start_body(passengers["id"]), **extra})
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


def test_the_seeds_algorithm_names_are_the_registrys() -> None:
    registry = default_registry()
    for task, names in SEED_ALGORITHMS.items():
        assert set(names) <= {a.name for a in registry.for_task(task)}, task


def test_training_aliases_answer_like_the_jobs_routes(client: TestClient, started: dict[str, Any]) -> None:
    job_id = started["job_id"]
    listed = client.get("/api/training")
    assert listed.status_code == 200, listed.text
    assert job_id in [job["id"] for job in listed.json()["items"]]
    one = client.get(f"/api/training/{job_id}")
    assert one.status_code == 200, one.text
    assert one.json()["id"] == job_id
    assert client.get(f"/api/training/{'0' * 32}").status_code == 404
    assert client.get("/api/training/jobs").json()["count"] == listed.json()["count"]  # /jobs is not taken as an id


def test_a_member_cannot_reach_another_users_job_through_the_aliases(
    client: TestClient, started: dict[str, Any]
) -> None:
    password = "member-password-1"
    created = client.post("/api/users", json={"username": "seedreader", "password": password, "role": "member"})
    assert created.status_code == 201, created.text
    member = bearer(api_key_for(client, "seedreader", password))
    job_id = started["job_id"]
    assert client.get(f"/api/training/{job_id}", headers=member).status_code == 404
    assert client.post(f"/api/training/{job_id}/cancel", headers=member).status_code == 404
    assert job_id not in [job["id"] for job in client.get("/api/training", headers=member).json()["items"]]


def test_aliases_are_marked_in_openapi_with_the_same_answers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    pairs = [
        (("/api/training", "get"), ("/api/training/jobs", "get")),
        (("/api/training/{job_id}", "get"), ("/api/training/jobs/{job_id}", "get")),
        (("/api/training/{job_id}/cancel", "post"), ("/api/training/jobs/{job_id}/cancel", "post")),
    ]
    for (alias, method), (original, _) in pairs:
        operation = paths[alias][method]
        assert "seed alias" in operation["summary"]
        assert original.replace("{job_id}", "") in operation["description"].replace("{job_id}", "")
        assert operation["responses"]["200"] == paths[original][method]["responses"]["200"]


def test_preview_honours_rows(client: TestClient, passengers: dict[str, Any]) -> None:
    url = f"/api/datasets/{passengers['id']}/preview"
    assert len(client.get(url, params={"rows": 10}).json()["rows"]) == 10
    assert len(client.get(url, params={"limit": 7}).json()["rows"]) == 7
    assert len(client.get(url).json()["rows"]) == 50
    assert len(client.get(url, params={"rows": 4, "limit": 4}).json()["rows"]) == 4
    both = client.get(url, params={"rows": 4, "limit": 5})
    assert both.status_code == 422
    assert "rows" in both.json()["detail"]


def test_leaderboard_also_answers_the_seeds_models(client: TestClient, finished: dict[str, Any]) -> None:
    board = client.get(f"/api/results/job/{finished['id']}/leaderboard").json()
    assert len(board["models"]) == len(board["items"]) == 20
    for model, item in zip(board["models"], board["items"], strict=True):
        assert model["algorithm"] == item["algorithm"]
        assert model["metrics"][board["metric"]] == item["score"]
        assert {"accuracy", "f1"} <= set(model["metrics"])
        assert model["training_time"] == item["fit_time"] > 0


def test_predict_takes_the_seeds_data_and_answers_its_fields(client: TestClient, finished: dict[str, Any]) -> None:
    url = f"/api/results/model/{finished['model_id']}/predict"
    response = client.post(url, json={"data": {"Age": 25, "Pclass": 3, "Sex": "male"}})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["prediction"] == answer["predictions"][0]
    assert answer["prediction"] in answer["classes"]
    assert answer["probability"] == list(answer["probabilities"][0].values())
    assert sum(answer["probability"]) == pytest.approx(1.0)
    assert answer["execution_time"] == pytest.approx(answer["latency_ms"] / 1000, abs=1e-3)

    several = client.post(url, json={"data": [{"Age": 25, "Pclass": 3, "Sex": "male"}, {"Age": 4}]}).json()
    assert len(several["predictions"]) == 2
    assert several["prediction"] is None and several["probability"] is None

    both = client.post(url, json={"data": {"Age": 25}, "row": {"Age": 25}})
    assert both.status_code == 422


def test_websocket_progress_carries_progress_at_the_top(client: TestClient, finished: dict[str, Any]) -> None:
    with client.websocket_connect(f"/ws/jobs/{finished['id']}?since=0") as socket:
        progress: list[dict[str, Any]] = []
        while True:
            message = socket.receive_json()
            if message["type"] == "training_completed":
                break
            if message["type"] == "training_progress":
                progress.append(message)
    assert progress
    assert all(message["progress"] == message["data"]["progress"] for message in progress)
    assert all(0 <= message["progress"] <= 100 for message in progress)


def test_redoc_is_served_under_a_policy_that_allows_what_it_loads(client: TestClient) -> None:
    response = client.get("/redoc")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == REDOC_CSP
    page = response.text
    assert "fonts.googleapis.com" not in page
    policy = dict(part.strip().split(" ", 1) for part in REDOC_CSP.split(";"))
    script = page.split('<script src="', 1)[1].split('"', 1)[0]
    assert any(script.startswith(source) for source in policy["script-src"].split() if source.startswith("https://"))
    assert '<redoc spec-url="/openapi.json">' in page
    assert "<script>" not in page  # no inline script for the policy to allow


def test_docs_keep_their_own_policy(client: TestClient) -> None:
    assert client.get("/docs").headers["content-security-policy"] != REDOC_CSP


def test_only_progress_events_gain_a_top_level_progress() -> None:
    data = TrainingProgressData(
        progress=42.5, stage="searching", message="", n_trials=0, best_score=None, best_algorithm=None
    )
    progress = Event.transient(EventType.TRAINING_PROGRESS, "j", data)
    message = json.loads(progress.wire_json())
    assert message["progress"] == message["data"]["progress"] == 42.5
    assert "id" not in message  # still the wire form of a non-durable event
    completed = Event(
        id=7, type=EventType.TRAINING_COMPLETED, job_id="j", timestamp=datetime.now(UTC), data={"progress": 100.0}
    )
    assert "progress" not in json.loads(completed.wire_json())
