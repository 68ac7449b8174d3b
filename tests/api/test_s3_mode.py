"""The whole path with STORAGE_MODE=s3 against a real S3-protocol server (moto) on loopback: upload, train,
predict and download all go through the bucket, and nothing lands in the local artifacts folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from flowml.api.app import create_app
from tests.api.conftest import make_settings, upload, wait_final
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client

pytestmark = [pytest.mark.db, pytest.mark.slow]
BUCKET = "flowml-e2e"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    ).create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()


def test_train_and_predict_with_s3_storage(s3_endpoint: str, tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(
        tmp_path,
        url,
        STORAGE_MODE="s3",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_BUCKET=BUCKET,
        S3_ACCESS_KEY="k",
        S3_SECRET_KEY="s",
        S3_PREFIX="flowml",
    )
    try:
        with signed_in_client(create_app(settings)) as client:
            assert client.get("/health").json()["storage"] == "ok"
            dataset = upload(client, dataset_path("iris.csv")).json()
            body = {
                "dataset_id": dataset["id"],
                "target_column": "target",
                "time_budget": 0.2,
                "n_folds": 3,
                "algorithms": ["logistic_regression", "decision_tree", "knn"],
            }
            job = client.post("/api/training/start", json=body).json()
            job = wait_final(client, job["id"], timeout=60)
            assert job["status"] == "completed", job
            row = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}
            prediction = client.post(f"/api/results/model/{job['model_id']}/predict", json={"row": row}).json()
            assert len(prediction["probabilities"][0]) == 3
            assert client.get(f"/api/results/model/{job['model_id']}/download").status_code == 200
        keys = [
            o["Key"]
            for o in boto3.client(
                "s3",
                endpoint_url=s3_endpoint,
                aws_access_key_id="k",
                aws_secret_access_key="s",
                region_name="us-east-1",
            ).list_objects_v2(Bucket=BUCKET)["Contents"]
        ]
        assert f"flowml/datasets/{dataset['sha256']}.parquet" in keys
        assert f"flowml/models/{job['model_id']}/model.joblib" in keys
        assert not (tmp_path / "artifacts").exists()
    finally:
        drop_test_database(dbname)
