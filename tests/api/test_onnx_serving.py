"""A model whose ONNX export passed parity is served by ONNX Runtime, and the package carries model.onnx."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload, wait_final
from tests.conftest import dataset_path

pytestmark = [pytest.mark.db, pytest.mark.slow]


def test_onnx_is_exported_checked_and_served(client: TestClient) -> None:
    dataset = upload(client, dataset_path("iris.csv")).json()
    body = {
        "dataset_id": dataset["id"],
        "target_column": "target",
        "time_budget": 0.2,
        "n_folds": 3,
        "algorithms": ["logistic_regression", "random_forest"],
    }
    job = wait_final(client, client.post("/api/training/start", json=body).json()["id"], timeout=60)
    assert job["status"] == "completed", job
    model: dict[str, Any] = client.get(f"/api/results/model/{job['model_id']}").json()
    onnx = model["card"]["onnx"]
    assert onnx["usable"] is True, onnx
    assert onnx["parity"]["max_abs_diff"] <= 1e-4
    row = {"sepal length (cm)": 6.3, "sepal width (cm)": 3.3, "petal length (cm)": 6.0, "petal width (cm)": 2.5}
    prediction = client.post(f"/api/results/model/{job['model_id']}/predict", json={"row": row}).json()
    assert prediction["engine"] == "onnx"
    assert prediction["predictions"] == [2]
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/api/results/model/{job['model_id']}/download").content)).namelist()
    assert "model.onnx" in names
