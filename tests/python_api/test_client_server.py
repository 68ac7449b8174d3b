"""`flowml.Client` against a real `flowml up` (real HTTP and WebSocket): upload a DataFrame, train, stream the
job's typed events, predict a DataFrame, download the package, and the typed errors of the usual mistakes."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import polars as pl
import pytest

from flowml import AutoML, Client
from flowml.client import (
    BadRequestError,
    JobFailedError,
    PayloadTooLargeError,
    ServerUnreachableError,
    UnauthorizedError,
    UnknownIdError,
)
from flowml.db.tables.jobs import JobStatus
from flowml.events.schemas import EventType
from tests.cluster.procs import free_port
from tests.conftest import api_key_for
from tests.servers import flowml_up

pytestmark = pytest.mark.slow  # trains real (tiny) models

DROP = ("DATA_DIR", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "FLOWML_SERVER")
DROP_PREFIXES = ("REDIS_", "S3_", "STORAGE_", "FLOWML_API_KEY", "HOST", "PORT")
TINY: dict[str, Any] = {
    "budget_minutes": 0.2,
    "algorithms": ["logistic_regression", "decision_tree"],
    "folds": 3,
    "max_trials": 3,
}
UPLOAD_LIMIT_MB = 1


def rows(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x0, x1 = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame({"x0": x0, "x1": x1, "label": np.where(x0 + x1 > 0, "yes", "no")})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    home = tmp_path_factory.mktemp("flowml-server")
    env = {k: v for k, v in os.environ.items() if k not in DROP and not k.startswith(DROP_PREFIXES)}
    env.update({"FLOWML_HOME": str(home / "flowml"), "LOCAL_WORKERS": "1", "MAX_UPLOAD_SIZE_MB": str(UPLOAD_LIMIT_MB)})
    with flowml_up(env, home / "server.log", cwd=home) as url:
        with httpx.Client(base_url=url, timeout=30) as http:
            key = api_key_for(http)
        yield url, key


@pytest.fixture(scope="module")
def client(server: tuple[str, str]) -> Iterator[Client]:
    url, key = server
    with Client(url, api_key=key) as api:
        yield api


def test_upload_train_follow_predict_download(client: Client, tmp_path: Path) -> None:
    frame = rows()
    dataset = client.upload(frame, name="from-pandas")
    assert (dataset.name, dataset.n_rows, dataset.n_cols) == ("from-pandas", 120, 3)
    assert dataset.file_format == "parquet" and dataset.id in {d.id for d in client.datasets()}

    job = client.train(dataset.id, "label", **TINY)
    assert job.status in {JobStatus.PENDING, JobStatus.QUEUED} and job.algorithms == TINY["algorithms"]
    events = list(client.events(job.id))
    types = [event.type for event in events]
    assert types[-1] is EventType.TRAINING_COMPLETED and EventType.TRAINING_PROGRESS in types
    assert all(event.job_id == job.id for event in events)

    done = client.wait(job.id, interval=0.2)
    assert done.status is JobStatus.COMPLETED and done.model_id
    board = client.leaderboard(job.id)
    assert list(board["rank"]) == list(range(1, len(board) + 1)) and set(board["algorithm"]) <= set(TINY["algorithms"])

    model = client.model(done.model_id)
    assert model.id in {m.id for m in client.models()} and model.classes == ["no", "yes"]
    new = rows(10, seed=4).drop(columns="label")
    predicted = client.predict(done.model_id, pl.from_pandas(new))
    assert list(predicted.columns) == ["prediction", "proba_no", "proba_yes"] and len(predicted) == 10

    package = client.download(done.model_id, tmp_path / "model.zip")
    local = AutoML.load(package)  # the server's package, offline: the same predictions
    assert list(local.predict(new)) == predicted["prediction"].to_list()
    assert np.allclose(local.predict_proba(new)[:, 1], predicted["proba_yes"].to_numpy())


def test_a_prediction_warning_is_a_python_warning(client: Client) -> None:
    dataset = client.upload(rows(60, seed=2), name="warn")
    model_id = client.wait(client.train(dataset.id, "label", **TINY).id, interval=0.2).model_id
    assert model_id
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.predict(model_id, pd.DataFrame({"x0": [0.1, 0.2]}))  # x1 is missing
    assert any("x1" in str(w.message) for w in caught)


def test_a_cancelled_job_is_a_job_failed_error(client: Client) -> None:
    dataset = client.upload(rows(60, seed=3), name="cancel")
    job = client.train(dataset.id, "label", budget_minutes=5, algorithms=["logistic_regression"])
    client.cancel(job.id)
    with pytest.raises(JobFailedError, match="cancelled") as failed:
        client.wait(job.id, interval=0.2)
    assert failed.value.job.id == job.id


def test_typed_errors(client: Client, server: tuple[str, str]) -> None:
    url, _ = server
    unknown = "0" * 32
    with pytest.raises(UnknownIdError, match="not found") as missing:
        client.job(unknown)
    assert missing.value.status == 404
    dataset = client.upload(rows(30, seed=5), name="errors")
    with pytest.raises(BadRequestError, match="'nope' is not in"):
        client.train(dataset.id, "nope")
    with pytest.raises(BadRequestError, match="n_folds"):
        client.train(dataset.id, "label", folds=1)  # refused before sending, in the server's own words
    big = pd.DataFrame(np.random.default_rng(0).normal(size=(200_000, 2)), columns=["a", "b"])
    with pytest.raises(PayloadTooLargeError) as too_large:
        client.upload(big, name="big")
    assert too_large.value.status == 413
    with Client(url, api_key="fml_this-key-does-not-exist") as stranger, pytest.raises(UnauthorizedError):
        stranger.me()
    with Client(f"http://127.0.0.1:{free_port()}", api_key="x") as nobody, pytest.raises(ServerUnreachableError):
        nobody.datasets()
    with pytest.raises(UnknownIdError):
        next(iter(client.events(unknown)))


def test_a_job_names_its_preprocessors(client: Client) -> None:
    dataset = client.upload(rows(60, seed=6), name="steps")
    job = client.train(dataset.id, "label", preprocessors=["pca"], **{**TINY, "max_trials": 1})
    assert job.preprocessors == ["pca"] and client.job(job.id).preprocessors == ["pca"]
    client.cancel(job.id)
    with pytest.raises(BadRequestError, match=r"unknown preprocessor.*umap.*available: pca, select_percentile"):
        client.train(dataset.id, "label", preprocessors=["umap"])


def test_sign_in_with_a_password(server: tuple[str, str]) -> None:
    url, _ = server
    from tests.conftest import TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME

    with Client.login(url, TEST_ADMIN_USERNAME, TEST_ADMIN_PASSWORD) as signed_in:
        assert signed_in.me().username == TEST_ADMIN_USERNAME
