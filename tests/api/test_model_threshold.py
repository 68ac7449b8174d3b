"""A binary model's decision threshold over REST: saved in the card, used by predict (one row, rows, a batch
file, ONNX serving), baked into the downloadable model.onnx and package card; refused for other models and for
users who may not change the model."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from flowml.engine.onnx import OnnxPredictor
from flowml.services import models
from tests.api.conftest import upload, wait_final
from tests.conftest import api_key_for, bearer, dataset_path

pytestmark = [pytest.mark.db, pytest.mark.slow]

MEMBER_PASSWORD = "member-password-1"


def train(client: TestClient, name: str, target: str, algorithms: list[str]) -> dict[str, Any]:
    dataset = upload(client, dataset_path(name)).json()
    body = {
        "dataset_id": dataset["id"],
        "target_column": target,
        "time_budget": 0.2,
        "n_folds": 3,
        "algorithms": algorithms,
    }
    started = client.post("/api/training/start", json=body)
    assert started.status_code in (200, 201, 202), started.text
    job = wait_final(client, started.json()["id"], timeout=120)
    assert job["status"] == "completed", job
    model: dict[str, Any] = client.get(f"/api/results/model/{job['model_id']}").json()
    return model


@pytest.fixture(scope="module")
def titanic_model(client: TestClient) -> dict[str, Any]:
    return train(client, "titanic.csv", "survived", ["logistic_regression"])


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    frame = pd.read_csv(dataset_path("titanic.csv")).drop(columns=["survived"])
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return records


def predict(client: TestClient, model_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/results/model/{model_id}/predict", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_evaluation_has_a_threshold_table(client: TestClient, titanic_model: dict[str, Any]) -> None:
    evaluation = client.get(f"/api/results/model/{titanic_model['id']}/evaluation").json()
    table = evaluation["classification"]["thresholds"]
    assert table["positive_label"] == "1" and table["negative_label"] == "0"
    assert len(table["points"]) == 101 and len(table["gains"]) == 101
    assert table["n_positive"] + table["n_negative"] == evaluation["n_rows"]
    for point in table["points"]:
        assert point["tp"] + point["fn"] == table["n_positive"]
        assert point["fp"] + point["tn"] == table["n_negative"]
    # At 0.5 the table agrees with the argmax confusion matrix (no out-of-fold probability is exactly 0.5 here).
    at_half = next(p for p in table["points"] if p["threshold"] == 0.5)
    assert evaluation["classification"]["confusion_matrix"] == [
        [at_half["tn"], at_half["fp"]],
        [at_half["fn"], at_half["tp"]],
    ]
    assert table["gains"][0] == {"fraction": 0.0, "captured": 0.0}
    assert table["gains"][-1]["captured"] == pytest.approx(1.0)


def test_saved_threshold_is_used_by_every_prediction(
    client: TestClient, titanic_model: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    model_id = titanic_model["id"]
    assert titanic_model["card"]["onnx"]["usable"] is True, titanic_model["card"]["onnx"]
    before = predict(client, model_id, rows=rows)
    assert before["engine"] == "onnx"
    # The row the model calls "not survived" with the highest survival probability: a threshold just under it flips it.
    positive = [p["1"] for p in before["probabilities"]]
    index = max((i for i, p in enumerate(positive) if p < 0.5), key=lambda i: positive[i])
    threshold = round(positive[index] - 0.005, 4)
    assert before["predictions"][index] == 0

    saved = client.put(
        f"/api/results/model/{model_id}/threshold",
        json={"value": threshold, "chosen_by": "best_cost", "costs": {"false_positive": 1, "false_negative": 4}},
    )
    assert saved.status_code == 200, saved.text
    entry = saved.json()
    assert entry["value"] == threshold and entry["chosen_by"] == "best_cost" and entry["set_by"] == "admin"
    assert entry["costs"] == {"false_positive": 1.0, "false_negative": 4.0}
    card = client.get(f"/api/results/model/{model_id}").json()["card"]
    assert card["decision_threshold"]["value"] == threshold

    one = predict(client, model_id, row=rows[index])
    assert one["prediction"] == 1 and one["engine"] == "onnx"
    many = predict(client, model_id, rows=rows)
    expected = [int(p >= threshold) for p in positive]
    assert many["predictions"] == expected
    # The probabilities do not change, only the class they are turned into.
    assert [p["1"] for p in many["probabilities"]] == pytest.approx(positive)

    # The native pipeline (a model without a usable ONNX graph) labels by the threshold too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models, "_onnx_predictor", lambda *_args: None)
        models.forget_loaded(model_id)
        native = predict(client, model_id, rows=rows)
        assert native["engine"] == "native"
        assert native["predictions"] == expected
        models.forget_loaded(model_id)

    csv = pd.DataFrame(rows).to_csv(index=False).encode()
    batch = client.post(f"/api/results/model/{model_id}/predict/batch", files={"file": ("rows.csv", csv)})
    assert batch.status_code == 200, batch.text
    assert pd.read_csv(io.BytesIO(batch.content))["prediction"].tolist() == expected

    # The downloaded graph labels by the threshold on its own (onnxruntime), and the card records its new hash.
    onnx_bytes = client.get(f"/api/results/model/{model_id}/onnx").content
    graph = OnnxPredictor(onnx_bytes)
    assert graph.decision_threshold == pytest.approx(threshold)
    assert graph.predict(pd.DataFrame([rows[index]])).tolist() == [1]
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/results/model/{model_id}/download").content))
    package_card = json.loads(package.read("model_card.json"))
    assert package_card["decision_threshold"]["value"] == threshold
    assert package.read("model.onnx") == onnx_bytes
    assert hashlib.sha256(onnx_bytes).hexdigest() == package_card["onnx_sha256"] == card["onnx_sha256"]

    cleared = client.delete(f"/api/results/model/{model_id}/threshold")
    assert cleared.status_code == 204, cleared.text
    assert "decision_threshold" not in client.get(f"/api/results/model/{model_id}").json()["card"]
    assert predict(client, model_id, rows=rows)["predictions"] == before["predictions"]
    assert OnnxPredictor(client.get(f"/api/results/model/{model_id}/onnx").content).decision_threshold is None


def test_bad_values_and_non_binary_models_get_422(client: TestClient, titanic_model: dict[str, Any]) -> None:
    url = f"/api/results/model/{titanic_model['id']}/threshold"
    bodies = [{"value": 0}, {"value": 1}, {"value": 0.4, "chosen_by": "best_cost"}, {"value": 0.4, "chosen_by": "x"}]
    for body in bodies:
        assert client.put(url, json=body).status_code == 422, body
    zero = {"value": 0.4, "chosen_by": "best_cost", "costs": {"false_positive": 0, "false_negative": 0}}
    assert client.put(url, json=zero).status_code == 422
    regression = train(client, "tips.csv", "tip", ["ridge"])
    refused = client.put(f"/api/results/model/{regression['id']}/threshold", json={"value": 0.4})
    assert refused.status_code == 422
    assert "yes/no (two-class) models only" in refused.json()["detail"]


def test_only_who_may_change_the_model_sets_it(client: TestClient, titanic_model: dict[str, Any]) -> None:
    for username in ("thr_viewer", "thr_stranger"):
        created = client.post("/api/users", json={"username": username, "password": MEMBER_PASSWORD, "role": "member"})
        assert created.status_code == 201, created.text
    users = {u["username"]: u["id"] for u in client.get("/api/users").json()}
    project = client.post("/api/projects", json={"name": "threshold review"}).json()
    added = client.put(f"/api/projects/{project['id']}/members/{users['thr_viewer']}", json={"role": "viewer"})
    assert added.status_code in (200, 201), added.text
    moved = client.patch(f"/api/results/model/{titanic_model['id']}", json={"project_id": project["id"]})
    assert moved.status_code == 200, moved.text
    url = f"/api/results/model/{titanic_model['id']}/threshold"
    viewer = bearer(api_key_for(client, "thr_viewer", MEMBER_PASSWORD))
    stranger = bearer(api_key_for(client, "thr_stranger", MEMBER_PASSWORD))
    assert client.get(f"/api/results/model/{titanic_model['id']}", headers=viewer).status_code == 200
    assert client.put(url, json={"value": 0.3}, headers=viewer).status_code == 403
    assert client.delete(url, headers=viewer).status_code == 403
    assert client.put(url, json={"value": 0.3}, headers=stranger).status_code == 404
    assert "decision_threshold" not in client.get(f"/api/results/model/{titanic_model['id']}").json()["card"]
