"""Preprocessing steps through the API: the catalogue, the request's validation, and a PCA job end to end (stored
on the job, run by every trial, named on the card, predicting, explaining a row and exporting to ONNX, cloned)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_final

pytestmark = [pytest.mark.db, pytest.mark.slow]

PASSENGER = {"pclass": 3, "sex": "male", "age": 22.0, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}


def start(client: TestClient, dataset_id: str, **overrides: Any) -> Any:
    body = {"dataset_id": dataset_id, "target_column": "survived", "time_budget": 0.3, "n_folds": 3, **overrides}
    return client.post("/api/training/start", json=body)


def finished(client: TestClient, dataset_id: str, algorithm: str, steps: list[str]) -> dict[str, Any]:
    # One trial of one algorithm: the delivered model is that trial, never an ensemble.
    response = start(client, dataset_id, algorithms=[algorithm], max_trials=1, preprocessors=steps)
    assert response.status_code == 201, response.text
    assert response.json()["preprocessors"] == steps
    job = wait_final(client, response.json()["id"], timeout=120)
    assert job["status"] == "completed", job
    return dict(job)


@pytest.fixture(scope="module")
def pca_job(client: TestClient, titanic: dict[str, Any]) -> dict[str, Any]:
    return finished(client, titanic["id"], "random_forest", ["pca"])


def test_the_catalogue_lists_the_builtin_steps(client: TestClient) -> None:
    steps = {s["name"]: s for s in client.get("/api/preprocessors").json()}
    assert {"pca", "select_percentile"} <= set(steps)
    assert steps["pca"]["origin"]["source"] == "builtin"
    assert steps["pca"]["defaults"] == {"variance": 0.95, "whiten": False}
    assert steps["select_percentile"]["space"]["params"]["percentile"]["kind"] == "int"


def test_an_unknown_step_is_refused_naming_the_known_ones(client: TestClient, titanic: dict[str, Any]) -> None:
    response = start(client, titanic["id"], preprocessors=["pca", "umap"])
    assert response.status_code == 422, response.text
    detail = str(response.json()["detail"])
    assert "umap" in detail and "pca, select_percentile" in detail
    not_a_list = start(client, titanic["id"], preprocessors="pca")
    assert not_a_list.status_code == 422, not_a_list.text


def test_the_job_and_its_trials_run_the_step(client: TestClient, pca_job: dict[str, Any]) -> None:
    assert client.get(f"/api/training/jobs/{pca_job['id']}").json()["preprocessors"] == ["pca"]
    [trial] = client.get(f"/api/results/job/{pca_job['id']}/leaderboard").json()["items"]
    assert trial["params"]["preprocessors"] == "pca" and 0.5 <= trial["params"]["pca__variance"] <= 0.99


def test_the_model_names_its_step_predicts_explains_and_exports(
    client: TestClient, titanic: dict[str, Any], pca_job: dict[str, Any]
) -> None:
    inputs = {c["name"] for c in titanic["columns"]} - {"survived"}
    model = client.get(f"/api/results/model/{pca_job['model_id']}").json()
    card = model["card"]
    assert card["params"]["preprocessors"] == "pca"
    assert card["default_name"] == "Random Forest after PCA (principal components) · survived"
    assert any("PCA (principal components)" in note for note in card["notes"])
    # PCA converts, but the graph computes the components in float32: a tree split that a component meets almost
    # exactly can go the other way. Then the card says why and the server serves the native model.
    onnx, download = card["onnx"], client.get(f"/api/results/model/{model['id']}/onnx")
    assert onnx["supported"] is True
    assert download.status_code == 200 if onnx["usable"] else onnx["reason"] in download.json()["detail"]

    response = client.post(f"/api/results/model/{model['id']}/predict", json={"row": PASSENGER, "explain": True})
    assert response.status_code == 200, response.text
    answer = response.json()
    [explanation] = answer["explanations"]
    # The forest sees components, not columns: explained over the inputs by sampling, exactly adding up.
    assert explanation["method"] == "sampled"
    total = explanation["base_value"] + sum(c["contribution"] for c in explanation["contributions"])
    assert total == pytest.approx(explanation["output_value"], abs=1e-9)
    assert explanation["output_value"] == pytest.approx(answer["probabilities"][0]["1"], abs=1e-6)
    assert {c["column"] for c in explanation["contributions"]} <= inputs | {"other columns"}
    assert set(card["feature_importance"]) <= inputs  # per input column, whatever PCA mixed


def test_a_clone_keeps_the_steps(client: TestClient, pca_job: dict[str, Any]) -> None:
    clone = client.get(f"/api/training/jobs/{pca_job['id']}/clone").json()
    assert clone["preprocessors"] == ["pca"] and clone["cloned_from"] == pca_job["id"]


def test_a_linear_model_after_both_steps_exports_with_parity(client: TestClient, titanic: dict[str, Any]) -> None:
    job = finished(client, titanic["id"], "logistic_regression", ["select_percentile", "pca"])
    model = client.get(f"/api/results/model/{job['model_id']}").json()
    assert model["card"]["onnx"]["usable"] is True, model["card"]["onnx"]
    assert client.get(f"/api/results/model/{model['id']}/onnx").status_code == 200
    response = client.post(f"/api/results/model/{model['id']}/predict", json={"rows": [PASSENGER, PASSENGER]})
    assert response.status_code == 200, response.text
    assert response.json()["engine"] == "onnx"
