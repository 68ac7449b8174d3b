"""GET /api/training/limits: the time budget's default and maximum as this server is configured, which the Train
form starts from and checks against; signed-in users only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir: Path = tmp_path_factory.mktemp("flowml-limits")
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(data_dir, url, DEFAULT_TIME_BUDGET=2.5, MAX_TIME_BUDGET=30.0)
    with signed_in_client(create_app(settings)) as client:
        yield client
    drop_test_database(dbname)


def test_the_limits_are_the_servers_settings(configured: TestClient) -> None:
    response = configured.get("/api/training/limits")
    assert response.status_code == 200, response.text
    assert response.json() == {"default_time_budget": 2.5, "max_time_budget": 30.0, "min_time_budget_exclusive": 0.0}


def test_a_budget_over_the_reported_maximum_is_refused(configured: TestClient) -> None:
    limits = configured.get("/api/training/limits").json()
    body = {"dataset_id": "missing", "target_column": "y", "time_budget": limits["max_time_budget"] + 1}
    response = configured.post("/api/training/start", json=body)
    assert response.status_code in (404, 422), response.text
    assert response.status_code == 404 or "time_budget" in response.text


def test_signed_out_visitors_are_refused(configured: TestClient) -> None:
    token = configured.headers.pop("Authorization", None)
    try:
        assert configured.get("/api/training/limits").status_code == 401
    finally:
        if token is not None:
            configured.headers["Authorization"] = token
