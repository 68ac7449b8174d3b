"""A real app (database, storage, worker processes) per test module, on SQLite or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.core.settings import Settings
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client

pytestmark = pytest.mark.db

FINAL = {"completed", "failed", "cancelled"}


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "DATABASE_URL": database_url,
        "LOCAL_WORKERS": 2,
        "MAX_CONCURRENT_JOBS": 2,
        "MAX_UPLOAD_SIZE_MB": 2,
        "ENVIRONMENT": "test",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("flowml")
    url, dbname = make_test_database_url(data_dir)
    yield make_settings(data_dir, url)
    drop_test_database(dbname)


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    with signed_in_client(create_app(app_settings)) as test_client:
        yield test_client


def upload(client: TestClient, path: Path, **form: str) -> Any:
    with path.open("rb") as handle:
        return client.post("/api/datasets/upload", files={"file": (path.name, handle)}, data=form)


@pytest.fixture(scope="module")
def titanic(client: TestClient) -> dict[str, Any]:
    response = upload(client, dataset_path("titanic.csv"))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_for(client: TestClient, job_id: str, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> Any:
    deadline = time.time() + timeout
    job: dict[str, Any] = {}
    while time.time() < deadline:
        job = client.get(f"/api/training/jobs/{job_id}").json()
        if predicate(job):
            return job
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting on job {job_id}: {job}")


def wait_final(client: TestClient, job_id: str, timeout: float = 120) -> Any:
    return wait_for(client, job_id, lambda j: j["status"] in FINAL, timeout)
