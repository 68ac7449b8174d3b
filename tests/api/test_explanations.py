"""Explanations over REST: `explain: true` on predict, a file scored with explanations in the background with
columns passed through, and the refusals (unknown column, too many rows, someone else's model or batch)."""

from __future__ import annotations

import io
import json
import math
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from flowml.core.settings import Settings
from flowml.services.batch_scoring import looks_like_id
from flowml.storage import local_artifacts_root
from tests.api.conftest import upload, wait_final
from tests.conftest import api_key_for, bearer
from tests.e2e.tables import HR_TARGET, hr_attrition

pytestmark = [pytest.mark.db, pytest.mark.slow]

PASSWORD = "member-password-1"


@pytest.fixture(scope="module")
def hr_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hr") / "hr_attrition.csv"
    hr_attrition(400).to_csv(path, index=False)
    return path


def train(client: TestClient, path: Path, algorithms: list[str]) -> dict[str, Any]:
    dataset = upload(client, path).json()
    # One trial: the job's model is that algorithm itself, never an ensemble of its trials.
    body = {"dataset_id": dataset["id"], "target_column": HR_TARGET, "time_budget": 0.2, "n_folds": 3, "max_trials": 1}
    started = client.post("/api/training/start", json={**body, "algorithms": algorithms})
    assert started.status_code in (200, 201, 202), started.text
    job = wait_final(client, started.json()["id"], timeout=150)
    assert job["status"] == "completed", job
    model: dict[str, Any] = client.get(f"/api/results/model/{job['model_id']}").json()
    return model


@pytest.fixture(scope="module")
def forest(client: TestClient, hr_csv: Path) -> dict[str, Any]:
    return train(client, hr_csv, ["random_forest"])


@pytest.fixture(scope="module")
def linear(client: TestClient, hr_csv: Path) -> dict[str, Any]:
    return train(client, hr_csv, ["logistic_regression"])


def rows_of(path: Path, n: int) -> list[dict[str, Any]]:
    frame = pd.read_csv(path).drop(columns=[HR_TARGET]).head(n)
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return records


def predict(client: TestClient, model_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/results/model/{model_id}/predict", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def added_up(explanation: dict[str, Any]) -> float:
    return float(explanation["base_value"] + sum(c["contribution"] for c in explanation["contributions"]))


def on_scale(scale: str, probability: float) -> float:
    return math.log(probability / (1 - probability)) if scale == "log_odds" else probability


def test_explain_true_returns_contributions_that_add_up(
    client: TestClient, forest: dict[str, Any], hr_csv: Path
) -> None:
    rows = rows_of(hr_csv, 3)
    plain = predict(client, forest["id"], rows=rows)
    assert plain["explanations"] is None
    answer = predict(client, forest["id"], rows=rows, explain=True)
    assert answer["predictions"] == plain["predictions"]
    assert len(answer["explanations"]) == 3
    for row, probabilities, explanation in zip(rows, answer["probabilities"], answer["explanations"], strict=True):
        assert explanation["method"] == "tree"
        assert explanation["explained_class"] == "Yes"
        scale = explanation["output_scale"]
        assert scale in {"probability", "log_odds"}
        assert added_up(explanation) == pytest.approx(explanation["output_value"], abs=1e-9)
        assert explanation["output_value"] == pytest.approx(on_scale(scale, probabilities["Yes"]), abs=1e-4)
        contributions = explanation["contributions"]
        sizes = [abs(c["contribution"]) for c in contributions if c["column"] != "other columns"]
        assert sizes == sorted(sizes, reverse=True)
        assert len(contributions) <= 11
        by_column = {c["column"]: c for c in contributions}
        if "OverTime" in by_column:
            assert by_column["OverTime"]["value"] == row["OverTime"]  # the value as sent: "Yes"/"No"
        assert "EmployeeNumber" not in by_column  # dropped in training as an identifier


def test_a_linear_model_is_explained_by_sampling(client: TestClient, linear: dict[str, Any], hr_csv: Path) -> None:
    answer = predict(client, linear["id"], row=rows_of(hr_csv, 1)[0], explain=True)
    explanation = answer["explanations"][0]
    assert explanation["method"] == "sampled"
    assert explanation["output_scale"] == "probability"
    assert explanation["output_value"] == pytest.approx(answer["probabilities"][0]["Yes"], abs=1e-6)
    assert added_up(explanation) == pytest.approx(explanation["output_value"], abs=1e-9)


def test_too_many_rows_to_explain_get_422(client: TestClient, forest: dict[str, Any], hr_csv: Path) -> None:
    response = client.post(
        f"/api/results/model/{forest['id']}/predict", json={"rows": rows_of(hr_csv, 101), "explain": True}
    )
    assert response.status_code == 422
    assert "at most 100 rows" in response.json()["detail"]


def test_pass_through_suggests_the_id_column(client: TestClient, forest: dict[str, Any]) -> None:
    columns = client.get(f"/api/results/model/{forest['id']}/pass-through").json()
    assert columns["suggested"] == ["EmployeeNumber"]
    assert "OverTime" in columns["columns"] and "EmployeeNumber" in columns["columns"]
    assert HR_TARGET not in columns["columns"]


def test_id_like_names() -> None:
    ids = ["id", "ID", "order_id", "customer key", "Code", "EmployeeNumber", "customerId", "row-no", "uuid"]
    others = ["paid", "Humid", "valid", "Age", "number_of_items", "keyboard", "economy"]
    assert all(looks_like_id(name) for name in ids)
    assert not any(looks_like_id(name) for name in others)


def score(client: TestClient, model_id: str, path: Path, **params: Any) -> Any:
    with path.open("rb") as handle:
        return client.post(
            f"/api/results/model/{model_id}/predict/batch", params=params, files={"file": (path.name, handle)}
        )


def test_batch_keeps_the_chosen_columns(client: TestClient, forest: dict[str, Any], hr_csv: Path) -> None:
    response = score(client, forest["id"], hr_csv, keep_columns=["EmployeeNumber", "Department"])
    assert response.status_code == 200, response.text
    table = pd.read_csv(io.StringIO(response.text))
    assert list(table.columns) == ["EmployeeNumber", "Department", "prediction", "proba_No", "proba_Yes"]
    assert table["EmployeeNumber"].tolist() == pd.read_csv(hr_csv)["EmployeeNumber"].tolist()


def test_unknown_keep_column_gets_422_naming_it(client: TestClient, forest: dict[str, Any], hr_csv: Path) -> None:
    for explain in (False, True):
        response = score(client, forest["id"], hr_csv, keep_columns=["EmployeeNumber", "employee_no"], explain=explain)
        assert response.status_code == 422, response.text
        assert "'employee_no'" in response.json()["detail"]


def test_a_kept_column_may_not_clash_with_the_output(
    client: TestClient, forest: dict[str, Any], hr_csv: Path, tmp_path: Path
) -> None:
    clashing = tmp_path / "scored_before.csv"
    pd.read_csv(hr_csv).assign(prediction="old").to_csv(clashing, index=False)
    response = score(client, forest["id"], clashing, keep_columns=["EmployeeNumber", "prediction"])
    assert response.status_code == 422
    assert "'prediction' would clash" in response.json()["detail"]


def wait_batch(client: TestClient, url: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status: dict[str, Any] = client.get(url).json()
        if status["state"] != "running":
            return status
        time.sleep(0.3)
    raise AssertionError(f"batch still running after {timeout} s")


@pytest.mark.parametrize("which", ["forest", "linear"])
def test_batch_with_explanations_runs_in_the_background(
    client: TestClient, forest: dict[str, Any], linear: dict[str, Any], hr_csv: Path, which: str
) -> None:
    model = forest if which == "forest" else linear
    response = score(client, model["id"], hr_csv, keep_columns=["EmployeeNumber"], explain="true")
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["state"] == "running" and accepted["rows_total"] == 400
    status = wait_batch(client, accepted["status_url"])
    assert status["state"] == "done", status
    assert status["rows_done"] == 400
    result = client.get(accepted["result_url"])
    assert result.status_code == 200
    table = pd.read_csv(io.StringIO(result.text))
    features = [entry["name"] for entry in model["card"]["input_schema"]]
    expected = ["EmployeeNumber", "prediction", "proba_No", "proba_Yes", "explained", "base_value"]
    assert list(table.columns) == [*expected, *(f"contribution_{name}" for name in features), "top_reasons"]
    assert table["EmployeeNumber"].tolist() == pd.read_csv(hr_csv)["EmployeeNumber"].tolist()
    scale = "log_odds" if table["explained"][0].startswith("log-odds") else "probability"
    assert table["explained"][0].endswith("of Yes")
    total = table["base_value"] + table[[f"contribution_{name}" for name in features]].sum(axis=1)
    expected_output = [on_scale(scale, p) for p in table["proba_Yes"]]
    assert total.tolist() == pytest.approx(expected_output, abs=1e-4)
    assert "=" in table["top_reasons"][0]


def test_someone_elses_model_and_batch_are_404(client: TestClient, forest: dict[str, Any], hr_csv: Path) -> None:
    response = score(client, forest["id"], hr_csv, explain="true")
    assert response.status_code == 202, response.text
    accepted = response.json()
    wait_batch(client, accepted["status_url"])
    created = client.post("/api/users", json={"username": "explain_stranger", "password": PASSWORD, "role": "member"})
    assert created.status_code == 201, created.text
    stranger = bearer(api_key_for(client, "explain_stranger", PASSWORD))
    body = {"row": rows_of(hr_csv, 1)[0], "explain": True}
    assert client.post(f"/api/results/model/{forest['id']}/predict", json=body, headers=stranger).status_code == 404
    assert client.get(accepted["status_url"], headers=stranger).status_code == 404
    assert client.get(accepted["result_url"], headers=stranger).status_code == 404
    # A batch id under another model is not found either.
    other = client.get(f"/api/results/model/{forest['id']}/predict/batch/{'0' * 32}")
    assert other.status_code == 404


def test_a_batch_that_stopped_moving_reads_as_failed(
    client: TestClient, app_settings: Settings, forest: dict[str, Any], hr_csv: Path
) -> None:
    response = score(client, forest["id"], hr_csv, explain="true")
    assert response.status_code == 202, response.text
    accepted = response.json()
    wait_batch(client, accepted["status_url"])
    # The status as a server that died mid-run leaves it: running, last moved long ago.
    stored = local_artifacts_root(app_settings) / "batches" / forest["id"] / accepted["batch_id"] / "status.json"
    status = json.loads(stored.read_text())
    status.update(state="running", rows_done=120, updated_at=(datetime.now(UTC) - timedelta(minutes=30)).isoformat())
    stored.write_text(json.dumps(status))
    seen = client.get(accepted["status_url"]).json()
    assert seen["state"] == "failed"
    assert "stopped making progress at 120 of 400 rows" in seen["error"]
    result = client.get(accepted["result_url"])
    assert result.status_code == 409
    assert "failed, so it has no result" in result.json()["detail"]
