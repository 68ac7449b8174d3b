"""Held-out evaluation and the ONNX download of trained models, through the API."""

from __future__ import annotations

import hashlib
import shutil
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.db.tables import TrainedModel
from flowml.services.context import AppContext
from tests.api.conftest import upload, wait_final
from tests.conftest import dataset_path
from tests.model_cards import card_dict

pytestmark = [pytest.mark.db, pytest.mark.slow]


def train(client: TestClient, file: str, target: str, algorithms: list[str]) -> dict[str, Any]:
    dataset = upload(client, dataset_path(file))
    assert dataset.status_code == 201, dataset.text
    body = {
        "dataset_id": dataset.json()["id"],
        "target_column": target,
        "time_budget": 0.2,
        "n_folds": 3,
        "algorithms": algorithms,
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    job = wait_final(client, response.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    model: dict[str, Any] = client.get(f"/api/results/model/{job['model_id']}").json()
    return model


def evaluation_of(client: TestClient, model: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/results/model/{model['id']}/evaluation")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["model_id"] == model["id"]
    # The card says the same: the evaluation is part of the stored model.
    assert model["card"]["evaluation"] == {"available": True, "source": body["source"], "n_rows": body["n_rows"]}
    assert "never saw" in body["source"]
    return body


@pytest.fixture(scope="module")
def binary_model(client: TestClient) -> dict[str, Any]:
    return train(client, "titanic.csv", "survived", ["logistic_regression", "random_forest", "knn"])


def test_binary_evaluation(client: TestClient, binary_model: dict[str, Any]) -> None:
    body = evaluation_of(client, binary_model)
    assert body["task"] == "binary" and body["regression"] is None
    assert body["n_rows"] == 891  # 3-fold cross-validation predicts every row once
    result = body["classification"]
    assert result["labels"] == ["0", "1"]  # the original labels, as text
    matrix = result["confusion_matrix"]
    assert sum(map(sum, matrix)) == 891
    assert [sum(row) for row in matrix] == [549, 342]  # rows are the actual class: titanic's 549 died, 342 lived
    (curve,) = result["roc"]
    assert curve["label"] == "1"
    # The out-of-fold AUC over all rows is close to the search's mean per-fold AUC (the model's cv_score).
    assert abs(curve["auc"] - binary_model["cv_score"]) < 0.05 and curve["auc"] > 0.75
    points = curve["points"]
    assert 2 <= len(points) <= 101
    assert points[0] == {"fpr": 0.0, "tpr": 0.0} and points[-1] == {"fpr": 1.0, "tpr": 1.0}
    if binary_model["algorithm"] == "ensemble":
        assert "ensemble members" in body["source"]


def test_evaluation_is_read_back_from_storage(client: TestClient, binary_model: dict[str, Any]) -> None:
    first = client.get(f"/api/results/model/{binary_model['id']}/evaluation").json()
    ctx: AppContext = client.app.state.ctx
    shutil.rmtree(ctx.model_cache / binary_model["id"], ignore_errors=True)  # as after a restart on a new disk
    assert client.get(f"/api/results/model/{binary_model['id']}/evaluation").json() == first


def test_multiclass_evaluation_and_onnx_download(client: TestClient) -> None:
    model = train(client, "iris.csv", "target", ["logistic_regression", "random_forest"])
    body = evaluation_of(client, model)
    assert body["task"] == "multiclass" and body["n_rows"] == 150
    result = body["classification"]
    assert result["labels"] == ["0", "1", "2"]
    matrix = result["confusion_matrix"]
    assert [sum(row) for row in matrix] == [50, 50, 50]
    assert sum(matrix[i][i] for i in range(3)) >= 130  # iris is easy: the diagonal holds nearly every row
    assert [c["label"] for c in result["roc"]] == ["0", "1", "2"]
    assert all(c["auc"] > 0.9 and len(c["points"]) <= 101 for c in result["roc"])

    assert model["card"]["onnx"]["usable"] is True, model["card"]["onnx"]
    onnx = client.get(f"/api/results/model/{model['id']}/onnx")
    assert onnx.status_code == 200
    assert onnx.headers["content-type"] == "application/octet-stream"
    assert f'filename="flowml-model-{model["id"]}.onnx"' in onnx.headers["content-disposition"]
    assert hashlib.sha256(onnx.content).hexdigest() == model["card"]["onnx_sha256"]


def test_regression_evaluation(client: TestClient) -> None:
    model = train(client, "diabetes.csv", "target", ["ridge", "random_forest"])
    body = evaluation_of(client, model)
    assert body["task"] == "regression" and body["classification"] is None and body["n_rows"] == 442
    result = body["regression"]
    assert len(result["points"]) == 442  # fewer rows than the 500-point cap: every row is shown
    bins = result["residual_bins"]
    assert 1 <= len(bins) <= 30 and sum(b["count"] for b in bins) == 442
    assert all(b["start"] < b["end"] for b in bins)
    assert 0.2 < result["r2"] < 0.8 and 0 < result["mae"] <= result["rmse"]
    errors = [p["actual"] - p["predicted"] for p in result["points"]]
    assert bins[0]["start"] == pytest.approx(min(errors)) and bins[-1]["end"] == pytest.approx(max(errors))
    assert client.get(f"/api/results/model/{model['id']}/evaluation").json() == body  # the same every time


def test_unknown_model_is_404(client: TestClient) -> None:
    for path in ("evaluation", "onnx"):
        response = client.get(f"/api/results/model/{'0' * 32}/{path}")
        assert response.status_code == 404
        assert response.json()["detail"] == f"model {'0' * 32} not found"


def test_older_model_says_why_it_has_no_evaluation_or_onnx(client: TestClient) -> None:
    ctx: AppContext = client.app.state.ctx
    # A model recorded by an earlier version: its card has neither an evaluation entry nor an ONNX export.
    older = client.portal.call(_insert_model, ctx, {"algorithm": "ridge"})
    response = client.get(f"/api/results/model/{older}/evaluation")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(f"model {older} has no evaluation data: it was trained before")
    response = client.get(f"/api/results/model/{older}/onnx")
    assert response.status_code == 404
    assert response.json()["detail"] == "this model has no ONNX export: the model card records no ONNX export"

    reason = "skipped: the export would take about 9 s and the time budget ran out"
    card = {
        "onnx": {"supported": None, "usable": False, "reason": reason, "parity": {}},
        "evaluation": {"available": False, "reason": "the evaluation could not be computed: FileNotFoundError: x"},
    }
    skipped = client.portal.call(_insert_model, ctx, card)
    response = client.get(f"/api/results/model/{skipped}/onnx")
    assert response.status_code == 404 and response.json()["detail"] == f"this model has no ONNX export: {reason}"
    response = client.get(f"/api/results/model/{skipped}/evaluation")
    assert response.status_code == 404 and "could not be computed: FileNotFoundError" in response.json()["detail"]


def test_openapi_describes_the_evaluation(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/api/results/model/{model_id}/evaluation"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/ModelEvaluation")
    evaluation = schema["components"]["schemas"]["ModelEvaluation"]["properties"]
    assert evaluation["task"]["enum"] == ["binary", "multiclass", "regression"]
    onnx = schema["paths"]["/api/results/model/{model_id}/onnx"]["get"]["responses"]["200"]
    assert "application/octet-stream" in onnx["content"]


async def _insert_model(ctx: AppContext, card: dict[str, Any]) -> str:
    model = TrainedModel(
        job_id="j" * 32,
        dataset_id="d" * 32,
        algorithm="ridge",
        problem_type="regression",
        target="y",
        metric="r2",
        sha256="0" * 64,
        storage_prefix="models/none",
        card=card_dict(
            problem_type="regression", target="y", classes=None, metric="r2", **{"algorithm": "ridge", **card}
        ),
    )
    async with ctx.sessions() as session:
        session.add(model)
        await session.commit()
    return model.id
