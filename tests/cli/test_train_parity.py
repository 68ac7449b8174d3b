"""One training pipeline (engine/run.py): the same table, seed, max_trials, algorithms and folds through `flowml
train` and through a job of a real `flowml up` give the same leaderboard, the same model card (ids, times and
hashes of files aside) and the same predictions. Real processes, a small generated table, a few trials."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from flowml.engine.package import load_package
from flowml.engine.predict import predict_frame
from tests.conftest import api_key_for, bearer
from tests.servers import flowml_up

pytestmark = pytest.mark.slow  # two real trainings

SEED = 7
MAX_TRIALS = 4
FOLDS = 3
ALGORITHMS = ["logistic_regression", "decision_tree"]
# Generous: with max_trials the search ends after its trials, long before; a budget that ran out would end the
# two searches at different trials.
BUDGET_MINUTES = 3
SERVER_ENV_DROP = ("DATA_DIR", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "FLOWML_SERVER")
SERVER_ENV_DROP_PREFIXES = ("REDIS_", "S3_", "STORAGE_", "FLOWML_API_KEY", "HOST", "PORT")
# What differs between two packages of the same model by construction: which model it is, when it was made, and
# the files' hashes (two pickles of equal models need not be equal bytes).
VARYING_CARD_KEYS = {"model_id", "created_at", "model_sha256", "onnx_sha256"}


def _table(path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 240
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50_000, 12_000, n).round(2),
            "plan": rng.choice(["basic", "plus", "pro"], n),
        }
    )
    signal = 0.04 * (frame["age"] - 50) + (frame["plan"] == "pro") * 1.2 + rng.normal(0, 1, n)
    frame["churned"] = np.where(signal > 0.3, "yes", "no")
    frame.to_csv(path, index=False)
    return frame


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in SERVER_ENV_DROP and not k.startswith(SERVER_ENV_DROP_PREFIXES)
    }
    # One worker each: trials run in batches of the pool's size, so both sides need the same size to propose alike.
    env.update({"FLOWML_HOME": str(home), "LOCAL_WORKERS": "1", "COLUMNS": "200"})
    return env


def _train_cli(data: Path, out: Path, home: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "flowml.cli",
        "train",
        str(data),
        "--target",
        "churned",
        "--time-budget",
        str(BUDGET_MINUTES * 60),
        "--algorithms",
        ",".join(ALGORITHMS),
        "--folds",
        str(FOLDS),
        "--max-trials",
        str(MAX_TRIALS),
        "--seed",
        str(SEED),
        "--output",
        str(out),
    ]
    done = subprocess.run(
        command, env=_env(home), cwd=home.parent, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _train_server(data: Path, out: Path, home: Path) -> None:
    log = home.parent / "server.log"
    with flowml_up(_env(home), log, cwd=home.parent) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.headers.update(bearer(api_key_for(client)))
        with data.open("rb") as handle:
            uploaded = client.post("/api/datasets/upload", files={"file": (data.name, handle)})
        assert uploaded.status_code == 201, uploaded.text
        started = client.post(
            "/api/training/start",
            json={
                "dataset_id": uploaded.json()["id"],
                "target_column": "churned",
                "algorithms": ALGORITHMS,
                "n_folds": FOLDS,
                "max_trials": MAX_TRIALS,
                "seed": SEED,
                "time_budget": BUDGET_MINUTES,
            },
        )
        assert started.status_code in (200, 201), started.text
        job = _wait_completed(client, started.json()["id"])
        package = client.get(f"/api/results/model/{job['model_id']}/download")
        assert package.status_code == 200, package.text
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        archive.extractall(out)


def _wait_completed(client: httpx.Client, job_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/training/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            assert job["status"] == "completed", job
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _comparable(package: Path) -> dict[str, Any]:
    """The package's card without what varies by construction (VARYING_CARD_KEYS, the ONNX export's duration)."""
    card: dict[str, Any] = _json(package / "model_card.json")
    parity = (card.get("onnx") or {}).get("parity") or {}
    parity.pop("export_seconds", None)
    return {k: v for k, v in card.items() if k not in VARYING_CARD_KEYS}


def test_cli_and_server_jobs_deliver_the_same_model(tmp_path: Path) -> None:
    data = tmp_path / "churn.csv"
    frame = _table(data)
    cli_out, server_out = tmp_path / "cli-model", tmp_path / "server-model"
    (tmp_path / "cli").mkdir()
    (tmp_path / "server").mkdir()
    _train_cli(data, cli_out, tmp_path / "cli" / "home")
    _train_server(data, server_out, tmp_path / "server" / "home")

    cli_board, server_board = _json(cli_out / "leaderboard.json"), _json(server_out / "leaderboard.json")
    assert len(cli_board) == MAX_TRIALS
    assert [(r["rank"], r["trial_number"], r["algorithm"], r["params"]) for r in cli_board] == [
        (r["rank"], r["trial_number"], r["algorithm"], r["params"]) for r in server_board
    ]
    assert [r["score"] for r in cli_board] == pytest.approx([r["score"] for r in server_board], rel=1e-12)
    assert [r["other_metrics"] for r in cli_board] == [r["other_metrics"] for r in server_board]

    cli_card, server_card = _comparable(cli_out), _comparable(server_out)
    assert set(cli_card) == set(server_card)
    for key in sorted(cli_card):
        assert cli_card[key] == server_card[key], key
    # The card's facts about the delivery, which the two front ends once made apart, are there in both.
    assert cli_card["validation"] == {"method": "cv", "folds": FOLDS}
    assert cli_card["delivered"]["members"]
    assert cli_card["evaluation"]["available"] is True

    cli_model, _ = load_package(cli_out)
    server_model, _ = load_package(server_out)
    rows = frame.drop(columns=["churned"])
    cli_predicted, server_predicted = predict_frame(cli_model, rows), predict_frame(server_model, rows)
    assert cli_predicted.predictions == server_predicted.predictions
    assert cli_predicted.classes == server_predicted.classes == ["no", "yes"]
    assert cli_predicted.probabilities is not None and server_predicted.probabilities is not None
    for mine, theirs in zip(cli_predicted.probabilities, server_predicted.probabilities, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-12)
