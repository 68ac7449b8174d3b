"""Bugs the API fuzz (test_api_fuzz.py) and its follow-up probes found, pinned as plain tests.

Each was a 500 before its fix. Some only fail on PostgreSQL (NUL characters), so this module is `db`: CI runs it on
SQLite and again on PostgreSQL (FLOWML_TEST_DATABASE_URL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.core.errors import InvalidInputError
from flowml.services.inputs import is_id, json_storable, storable_text, unicode_only
from tests.api.conftest import make_settings, upload, wait_final
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client

pytestmark = [pytest.mark.db, pytest.mark.slow]

NUL_ID = "a%00b"  # a NUL character once decoded from the path
JSON = {"Content-Type": "application/json"}


def client_for(app: FastAPI) -> TestClient:
    """Signed in as the test admin once the app has started."""
    return signed_in_client(app, raise_server_exceptions=False)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("fuzz-regressions")
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(data_dir, url, MAX_TIME_BUDGET=0.2, DEFAULT_TIME_BUDGET=0.1)
    with client_for(create_app(settings)) as test_client:
        yield test_client
    drop_test_database(dbname)


@pytest.fixture(scope="module")
def titanic(client: TestClient) -> dict[str, Any]:
    response = upload(client, dataset_path("titanic.csv"))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def model_id(client: TestClient, titanic: dict[str, Any]) -> str:
    body = {
        "dataset_id": titanic["id"],
        "target_column": "survived",
        "time_budget": 0.2,
        "max_trials": 2,
        "n_folds": 3,
        "algorithms": ["logistic_regression"],
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    job = wait_final(client, response.json()["id"], timeout=90)
    assert job["status"] == "completed", job["error"]
    return str(job["model_id"])


def _start(client: TestClient, body: dict[str, Any]) -> Any:
    response = client.post("/api/training/start", json=body)
    if response.status_code == 201:  # a regression let it through: do not leave it training
        client.post(f"/api/training/jobs/{response.json()['id']}/cancel")
    return response


# ---------------------------------------------------------------- ids and text PostgreSQL cannot hold


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/datasets/{NUL_ID}"),
        ("GET", f"/api/training/jobs/{NUL_ID}"),
        ("GET", f"/api/results/job/{NUL_ID}/trials"),
        ("GET", f"/api/results/model/{NUL_ID}"),
        ("GET", f"/api/logs/jobs/{NUL_ID}"),
        ("DELETE", f"/api/workers/tokens/{NUL_ID}"),
    ],
)
def test_an_id_with_a_nul_character_is_unknown(client: TestClient, method: str, path: str) -> None:
    # Was a 500 on PostgreSQL: asyncpg refuses NUL even in a query parameter.
    response = client.request(method, path)
    assert response.status_code == 404, response.text
    assert "not found" in response.json()["detail"]


def test_training_on_a_dataset_id_with_a_nul_character_is_unknown(client: TestClient) -> None:
    response = _start(client, {"dataset_id": "a\x00b", "target_column": "survived"})
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == "dataset a\x00b not found"


def test_worker_endpoints_treat_a_nul_id_as_unknown(client: TestClient) -> None:
    token = client.post("/api/workers/tokens", json={"name": "regressions"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    heartbeat = client.post("/api/workers/heartbeat", json={"worker_id": "w\x00"}, headers=auth)
    assert heartbeat.status_code == 404, heartbeat.text
    empty_sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    oof = client.put(f"/api/workers/oof/{NUL_ID}/0", content=b"", headers={**auth, "X-Content-SHA256": empty_sha})
    assert oof.status_code == 404, oof.text


@pytest.mark.parametrize("target", ["token", "job"])
def test_a_name_with_a_nul_character_is_refused_in_words(
    client: TestClient, titanic: dict[str, Any], target: str
) -> None:
    if target == "token":
        response = client.post("/api/workers/tokens", json={"name": "a\x00b"})
    else:
        response = _start(client, {"dataset_id": titanic["id"], "target_column": "survived", "name": "a\x00b"})
    assert response.status_code == 422, response.text
    assert "NUL character" in response.json()["detail"]
    names = [t["name"] for t in client.get("/api/workers/tokens").json()]
    assert "a\x00b" not in names  # nothing half-stored


# ---------------------------------------------------------------- numbers the database columns cannot hold


@pytest.mark.parametrize(
    ("field", "value"),
    [("seed", 2**64), ("seed", -1), ("max_trials", 2**64), ("max_trials", 2**31)],
)
def test_seed_and_max_trials_out_of_range_are_refused(
    client: TestClient, titanic: dict[str, Any], field: str, value: int
) -> None:
    # Was a 500 (SQLite and PostgreSQL INTEGER overflow); a negative seed failed the job later inside NumPy.
    response = _start(client, {"dataset_id": titanic["id"], "target_column": "survived", field: value})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


# ---------------------------------------------------------------- prediction inputs


def test_a_row_with_a_lone_surrogate_is_refused_in_words(client: TestClient, model_id: str) -> None:
    # Was a 500: Arrow-backed pandas text cannot hold "\ud800", which Python's JSON parser lets through.
    body = '{"row": {"sex": "\\ud800", "age": 30}}'
    response = client.post(f"/api/results/model/{model_id}/predict", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert "not valid Unicode" in response.json()["detail"]


def test_a_batch_file_with_integers_beyond_64_bits_is_predicted(client: TestClient, model_id: str) -> None:
    # Was a 500: polars reads 2**64 as Int128, which Arrow could not hand to pandas.
    csv = f"pclass,sex,age,fare\n3,male,{2**64},7.25\n1,female,38,71.28\n".encode()
    response = client.post(f"/api/results/model/{model_id}/predict/batch", files={"file": ("rows.csv", csv)})
    assert response.status_code == 200, response.text
    assert response.text.splitlines()[0].startswith("prediction")
    assert len(response.text.splitlines()) == 3


# ---------------------------------------------------------------- the checks themselves


def test_input_checks_accept_good_values_and_refuse_bad_ones() -> None:
    assert is_id("0123456789abcdef0123456789abcdef")
    assert not is_id("0123456789ABCDEF0123456789ABCDEF")
    assert not is_id("0123456789abcdef0123456789abcde\x00")
    assert storable_text("a name", "name") == "a name"
    assert json_storable({"gpus": [{"vram_free_gb": 7.5}]}, "capabilities") == {"gpus": [{"vram_free_gb": 7.5}]}
    rows = [{"age": float("nan")}]  # NaN is a missing value to predict with, not an error
    assert unicode_only(rows, "a row") is rows
    for call in (
        lambda: storable_text("a\x00", "name"),
        lambda: storable_text("\ud800", "name"),
        lambda: json_storable({"ram": float("nan")}, "heartbeat"),
        lambda: json_storable([{"x": "\ud800"}], "heartbeat"),
        lambda: unicode_only([{"\ud800": 1}], "a row"),
    ):
        with pytest.raises(InvalidInputError):
            call()


# ---------------------------------------------------------------- still broken, outside this change


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/training/start", '{"dataset_id": "x", "target_column": "y", "time_budget": NaN}'),
        ("/api/workers/tokens", '{"name": "\\ud800"}'),
    ],
)
def test_a_refused_value_json_cannot_encode_is_still_a_422(client: TestClient, path: str, body: str) -> None:
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert json.loads(response.text)["detail"]


@pytest.mark.parametrize("field", ["name", "table", "sheet"])
def test_upload_form_fields_with_a_nul_character_are_refused_before_reading(client: TestClient, field: str) -> None:
    before = client.get("/api/datasets").json()["count"]
    response = client.post(
        "/api/datasets/upload", files={"file": ("a.csv", b"x,y\n1,2\n3,4\n5,6\n")}, data={field: "bad\x00value"}
    )
    assert response.status_code == 422, response.text
    assert "NUL character" in response.json()["detail"] and field in response.json()["detail"]
    assert client.get("/api/datasets").json()["count"] == before
