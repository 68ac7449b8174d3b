"""A clustering job end to end through the API, on iris with its species column named as the reference (kept out
of the features, compared with the clusters afterwards): the job, its trials and events with their cluster sizes,
the model without a target, its cluster report, predictions with cluster names, a scored file, and what a clustering
model refuses (an evaluation, explanations) and a supervised one (clusters)."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload, wait_final
from tests.conftest import dataset_path

pytestmark = [pytest.mark.db, pytest.mark.slow]

BUDGET_MINUTES = 0.15
FLOWER = {"sepal length (cm)": 6.7, "sepal width (cm)": 3.0, "petal length (cm)": 5.2, "petal width (cm)": 2.3}
SMALL_FLOWER = {"sepal length (cm)": 5.0, "sepal width (cm)": 3.4, "petal length (cm)": 1.5, "petal width (cm)": 0.2}


@pytest.fixture(scope="module")
def jobs(client: TestClient) -> dict[str, dict[str, Any]]:
    """A clustering job and, beside it, a one-trial supervised job on the same table (both run at once)."""
    created = upload(client, dataset_path("iris.csv"))
    assert created.status_code == 201, created.text
    dataset_id = created.json()["id"]
    clustering = client.post(
        "/api/training/start",
        json={
            "dataset_id": dataset_id,
            "problem_type": "clustering",
            "reference_column": "target",
            "algorithms": ["kmeans", "gaussian_mixture", "agglomerative"],
            "time_budget": BUDGET_MINUTES,
            "max_trials": 6,
        },
    )
    supervised = client.post(
        "/api/training/start",
        json={
            "dataset_id": dataset_id,
            "target_column": "target",
            "algorithms": ["logistic_regression"],
            "time_budget": 0.1,
            "max_trials": 1,
            "n_folds": 3,
        },
    )
    assert clustering.status_code == 201, clustering.text
    assert supervised.status_code == 201, supervised.text
    done = {
        name: wait_final(client, r.json()["id"], timeout=120)
        for name, r in (("clustering", clustering), ("supervised", supervised))
    }
    for job in done.values():
        assert job["status"] == "completed", job
    return done


@pytest.fixture(scope="module")
def model(client: TestClient, jobs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    response = client.get(f"/api/results/model/{jobs['clustering']['model_id']}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_job_finishes_as_clustering_without_a_target(jobs: dict[str, dict[str, Any]]) -> None:
    job = jobs["clustering"]
    assert job["problem_type"] == "clustering" and job["target_column"] is None
    assert job["metric"] == "silhouette" and job["best_score"] is not None
    assert 1 <= job["n_trials"] <= 6 and job["model_id"]


def test_trials_carry_cluster_sizes_and_validity_scores(client: TestClient, jobs: dict[str, dict[str, Any]]) -> None:
    job = jobs["clustering"]
    board = client.get(f"/api/results/job/{job['id']}/leaderboard").json()
    assert board["metric"] == "silhouette" and board["greater_is_better"] is True
    items = board["items"]
    assert items, board
    for trial in items:
        sizes = trial["cluster_sizes"]
        assert sizes == sorted(sizes, reverse=True) and all(size >= 1 for size in sizes)
        assert trial["other_metrics"]["n_clusters"] == len(sizes)
        assert 0.0 <= trial["other_metrics"]["noise_fraction"] <= 1.0
        assert sum(sizes) <= 150
        assert trial["fold_scores"] == [trial["score"]], "one fit on all rows, one score"
    best = items[0]
    assert -1.0 <= best["score"] <= 1.0 and best["other_metrics"]["silhouette"] >= best["score"] - 1e-9
    supervised = client.get(f"/api/results/job/{jobs['supervised']['id']}/trials").json()["items"]
    assert all(t["cluster_sizes"] == [] for t in supervised)


def test_progress_events_carry_the_trials_clusters(client: TestClient, jobs: dict[str, dict[str, Any]]) -> None:
    job_id = jobs["clustering"]["id"]
    trials: list[dict[str, Any]] = []
    with client.websocket_connect(f"/ws/jobs/{job_id}?since=0") as socket:
        while True:
            event = socket.receive_json()
            if event["type"] == "training_progress" and event["data"].get("trial"):
                trials.append(event["data"]["trial"])
            if event["type"] == "training_completed":
                break
    completed = [t for t in trials if t["status"] == "completed"]
    assert completed and all(t["cluster_sizes"] and "n_clusters" in t["other_metrics"] for t in completed)


def test_the_model_has_no_target_and_names_its_clusters(model: dict[str, Any]) -> None:
    assert model["problem_type"] == "clustering" and model["target"] is None
    card = model["card"]
    entry = card["clustering"]
    n = entry["n_clusters"]
    assert n >= 2 and [c["id"] for c in entry["clusters"]] == list(range(n))
    names = [c["name"] for c in entry["clusters"]]
    assert len(set(names)) == n and all(names)
    assert model["classes"] == list(range(n))
    assert model["display_name"].endswith("clusters"), model["display_name"]
    assert "validity index" in model["validation_label"]
    # The species column was the reference: out of the features, compared with the clusters.
    assert "target" not in {c["name"] for c in card["input_schema"]}
    assert entry["reference_column"] == "target" and entry["reference_agreement"]
    assert max(entry["reference_agreement"].values()) > 0.4, entry["reference_agreement"]


def test_the_cluster_report_profiles_every_cluster(client: TestClient, model: dict[str, Any]) -> None:
    response = client.get(f"/api/results/model/{model['id']}/clusters")
    assert response.status_code == 200, response.text
    report = response.json()
    entry = model["card"]["clustering"]
    assert report["n_clusters"] == entry["n_clusters"] and report["metric"] == "silhouette"
    assert [p["name"] for p in report["profiles"]] == [c["name"] for c in entry["clusters"]]
    assert sum(p["size"] for p in report["profiles"]) == 150
    assert report["projection"]["n_total"] == 150 and len(report["projection"]["points"]) == 150
    assert {p["cluster"] for p in report["projection"]["points"]} <= set(range(entry["n_clusters"])) | {-1}


def test_predictions_give_each_row_a_cluster_and_its_name(client: TestClient, model: dict[str, Any]) -> None:
    response = client.post(f"/api/results/model/{model['id']}/predict", json={"rows": [FLOWER, SMALL_FLOWER]})
    assert response.status_code == 200, response.text
    answer = response.json()
    names = {c["id"]: c["name"] for c in model["card"]["clustering"]["clusters"]}
    assert answer["clusters"] == answer["predictions"] and len(answer["clusters"]) == 2
    assert answer["cluster_names"] == [names[c] for c in answer["clusters"]]
    assert answer["clusters"][0] != answer["clusters"][1], "a large and a small iris flower fall apart"
    if model["card"]["clustering"]["probabilistic"]:
        assert answer["probabilities"] and abs(sum(answer["probabilities"][0].values()) - 1) < 1e-6
    else:
        assert answer["probabilities"] is None


def test_a_scored_file_has_cluster_and_cluster_name_columns(client: TestClient, model: dict[str, Any]) -> None:
    rows = pd.DataFrame([FLOWER, SMALL_FLOWER]).assign(flower_id=["a", "b"])
    body = rows.to_csv(index=False).encode()
    url = f"/api/results/model/{model['id']}/predict/batch"
    response = client.post(url, params={"keep_columns": ["flower_id"]}, files={"file": ("rows.csv", body)})
    assert response.status_code == 200, response.text
    scored = pd.read_csv(io.StringIO(response.text))
    assert list(scored.columns[:3]) == ["flower_id", "cluster", "cluster_name"]
    names = {c["id"]: c["name"] for c in model["card"]["clustering"]["clusters"]}
    assert list(scored["cluster_name"]) == [names[c] for c in scored["cluster"]]
    clashing = rows.assign(cluster=1).to_csv(index=False).encode()
    refused = client.post(url, params={"keep_columns": ["cluster"]}, files={"file": ("rows.csv", clashing)})
    assert refused.status_code == 422 and "'cluster' would clash" in refused.json()["detail"]


def test_a_clustering_model_has_no_evaluation_or_explanations(client: TestClient, model: dict[str, Any]) -> None:
    evaluation = client.get(f"/api/results/model/{model['id']}/evaluation")
    assert evaluation.status_code == 404 and "clustering model" in evaluation.json()["detail"]
    explained = client.post(f"/api/results/model/{model['id']}/predict", json={"row": FLOWER, "explain": True})
    assert explained.status_code == 422 and "cluster profiles" in json.dumps(explained.json()["detail"])


def test_a_supervised_model_has_no_clusters(client: TestClient, jobs: dict[str, dict[str, Any]]) -> None:
    model_id = jobs["supervised"]["model_id"]
    response = client.get(f"/api/results/model/{model_id}/clusters")
    assert response.status_code == 404 and "only clustering models have clusters" in response.json()["detail"]
    assert client.get(f"/api/results/model/{'0' * 32}/clusters").status_code == 404
    answer = client.post(f"/api/results/model/{model_id}/predict", json={"row": FLOWER}).json()
    assert answer["clusters"] is None and answer["cluster_names"] is None


def test_a_clustering_trial_kept_as_its_own_model_has_its_clusters(
    client: TestClient, jobs: dict[str, dict[str, Any]], model: dict[str, Any]
) -> None:
    job_id = jobs["clustering"]["id"]
    items = client.get(f"/api/results/job/{job_id}/leaderboard").json()["items"]
    delivered = model["card"]["delivered"]["members"][0]["trial_number"]
    trial = next(t for t in items if t["trial_number"] != delivered)
    url = f"/api/results/job/{job_id}/trials/{trial['trial_number']}/model"
    assert client.post(url).status_code == 202
    deadline = time.time() + 90
    while (refit := client.get(url).json())["state"] == "running":
        assert time.time() < deadline, "the refit did not finish in 90 s"
        time.sleep(0.3)
    assert refit["state"] == "completed", refit
    kept = client.get(f"/api/results/model/{refit['model_id']}").json()
    n = len(trial["cluster_sizes"])
    assert kept["target"] is None and kept["card"]["clustering"]["n_clusters"] == n
    assert kept["display_name"].endswith(f"trial {trial['trial_number']} · {n} clusters"), kept["display_name"]
    report = client.get(f"/api/results/model/{kept['id']}/clusters")
    assert report.status_code == 200 and report.json()["n_clusters"] == n
