"""Training end to end through the API: validation, a real job, results, prediction, download, logs, events."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_final

pytestmark = [pytest.mark.db, pytest.mark.slow]

PASSENGER = {"pclass": 3, "sex": "male", "age": 22.0, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}


def start(client: TestClient, dataset_id: str, **overrides: Any) -> Any:
    body = {"dataset_id": dataset_id, "target_column": "survived", "time_budget": 0.3, "n_folds": 3, **overrides}
    return client.post("/api/training/start", json=body)


@pytest.fixture(scope="module")
def finished_job(client: TestClient, titanic: dict[str, Any]) -> dict[str, Any]:
    response = start(client, titanic["id"])
    assert response.status_code == 201, response.text
    job = wait_final(client, response.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    return dict(job)


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"target_column": "nope"}, 422, "not in dataset"),
        ({"metric": "r2"}, 422, "allowed"),
        ({"algorithms": ["random_forest", "bogus"]}, 422, "bogus"),
        ({"time_budget": 10_000}, 422, "maximum"),
        ({"problem_type": "regression", "target_column": "sex"}, 422, "regression"),
        ({"n_folds": 1}, 422, ""),
    ],
)
def test_start_rejects_bad_requests(
    client: TestClient, titanic: dict[str, Any], overrides: dict[str, Any], status: int, words: str
) -> None:
    response = start(client, titanic["id"], **overrides)
    assert response.status_code == status, response.text
    assert words in json.dumps(response.json()["detail"])


def test_start_on_unknown_dataset_is_404(client: TestClient) -> None:
    assert start(client, "f" * 32).status_code == 404


def test_job_completes_within_budget(finished_job: dict[str, Any]) -> None:
    from datetime import datetime

    started = datetime.fromisoformat(finished_job["started_at"])
    finished = datetime.fromisoformat(finished_job["finished_at"])
    # A gross overrun fails here; the 5% adherence claim is measured by benchmarks/ on a quiet machine.
    assert (finished - started).total_seconds() <= 0.3 * 60 * 1.2 + 2.0
    assert finished_job["progress"] == 100 and finished_job["model_id"]
    assert finished_job["problem_type"] == "binary" and finished_job["metric"] == "roc_auc"


def test_leaderboard_ranks_many_algorithms(client: TestClient, finished_job: dict[str, Any]) -> None:
    board = client.get(f"/api/results/job/{finished_job['id']}/leaderboard").json()
    items = board["items"]
    assert board["greater_is_better"] is True
    assert len({t["algorithm"] for t in items}) >= 5
    assert [t["rank"] for t in items] == list(range(1, len(items) + 1))
    scores = [t["score"] for t in items]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.8
    assert all(len(t["fold_scores"]) == 3 and t["fit_time"] > 0 for t in items)
    trials = client.get(f"/api/results/job/{finished_job['id']}/trials").json()
    assert trials["count"] >= len(items)
    assert not [t for t in trials["items"] if t["status"] == "running"]


def test_best_score_curve_only_improves(client: TestClient, finished_job: dict[str, Any]) -> None:
    curve = client.get(f"/api/results/job/{finished_job['id']}/curve").json()
    points = curve["points"]
    assert points and curve["metric"] == "roc_auc"
    assert [p["best_score"] for p in points] == sorted(p["best_score"] for p in points)
    assert [p["seconds"] for p in points] == sorted(p["seconds"] for p in points)
    assert points[0]["seconds"] < 0.3 * 60


def test_model_detail_predict_and_download(client: TestClient, finished_job: dict[str, Any]) -> None:
    model_id = finished_job["model_id"]
    model = client.get(f"/api/results/model/{model_id}").json()
    assert model["target"] == "survived" and model["sha256"]
    assert {c["name"] for c in model["card"]["input_schema"]} >= {"pclass", "sex", "age"}
    assert model["feature_importance"]

    one = client.post(f"/api/results/model/{model_id}/predict", json={"row": PASSENGER}).json()
    assert one["predictions"][0] in (0, 1)
    assert abs(sum(one["probabilities"][0].values()) - 1) < 1e-6
    many = client.post(f"/api/results/model/{model_id}/predict", json={"rows": [PASSENGER, PASSENGER]}).json()
    assert len(many["predictions"]) == 2

    csv = "pclass,sex,age,sibsp,parch,fare,embarked\n1,female,30,0,0,80,C\n3,male,40,0,0,8,S\n"
    batch = client.post(f"/api/results/model/{model_id}/predict/batch", files={"file": ("rows.csv", csv.encode())})
    assert batch.status_code == 200
    header = batch.text.splitlines()[0].split(",")
    assert header[0] == "prediction" and "proba_1" in header

    download = client.get(f"/api/results/model/{model_id}/download")
    assert download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert {"model.joblib", "model_card.json"} <= set(names)


def test_predict_errors(client: TestClient, finished_job: dict[str, Any]) -> None:
    model_id = finished_job["model_id"]
    assert client.post(f"/api/results/model/{'0' * 32}/predict", json={"row": PASSENGER}).status_code == 404
    assert client.post(f"/api/results/model/{model_id}/predict", json={}).status_code == 422
    assert client.post(f"/api/results/model/{model_id}/predict", json={"rows": []}).status_code == 422
    unknown = client.post(f"/api/results/model/{model_id}/predict", json={"row": {"colour": "red"}})
    assert unknown.status_code == 422 and "pclass" in unknown.json()["detail"]
    partial = client.post(f"/api/results/model/{model_id}/predict", json={"row": {"sex": "female", "pclass": 1}})
    assert partial.status_code == 200 and partial.json()["warnings"]


def test_logs_and_stats(client: TestClient, finished_job: dict[str, Any]) -> None:
    lines = client.get(f"/api/logs/jobs/{finished_job['id']}").json()["lines"]
    assert any("trial" in line for line in lines) and any("completed" in line for line in lines)
    assert client.get(f"/api/logs/jobs/{'0' * 32}").status_code == 404
    stats = client.get("/api/stats").json()
    assert stats["jobs"]["by_status"].get("completed", 0) >= 1 and stats["models"] >= 1
    assert stats["workers_online"] == 1


def test_websocket_replays_the_whole_job(client: TestClient, finished_job: dict[str, Any]) -> None:
    with client.websocket_connect(f"/ws/jobs/{finished_job['id']}?since=0") as socket:
        types: list[str] = []
        while "training_completed" not in types:
            event = socket.receive_json()
            assert event["job_id"] == finished_job["id"]
            types.append(event["type"])
    assert types[0] == "training_started"
    progress = [t for t in types if t == "training_progress"]
    assert len(progress) >= 3


def test_registries_list_algorithms_and_metrics(client: TestClient) -> None:
    algos = client.get("/api/algorithms", params={"task": "regression"}).json()
    assert len(algos) >= 15 and any(a["gpu"] for a in algos)
    metrics = client.get("/api/metrics", params={"task": "binary"}).json()
    assert any(m["name"] == "roc_auc" and m["default_for"] == ["binary"] for m in metrics)


def test_health_and_docs(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health == {**health, "status": "ok", "database": "ok", "storage": "ok"}
    assert client.get("/docs").status_code == 200
    assert "/api/training/start" in client.get("/openapi.json").json()["paths"]
