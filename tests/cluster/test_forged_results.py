"""A worker that forges its results cannot get them counted (ARCHITECTURE.md section 12).

A real master and a real worker process whose trial task returns forged results (tests/cluster/forged_worker.py):
each forged trial is recorded as failed with the reason, the job still completes with a model fitted only with
an algorithm and parameters the master asked for (its own pool runs honest trials), and no path a worker sent is
read or written next to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.cluster.forged_worker import FORGERIES
from tests.cluster.procs import Cluster, Proc, running_cluster
from tests.cluster.test_cluster_e2e import start_job, trials, upload, wait_final
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(600)]

FORGER = "forger"
REJECTED = "the worker's result was rejected: "


def start_forger(cluster: Cluster, bait: Path) -> None:
    """The forging worker as its own process group, stopped with the cluster."""
    token = cluster.token or cluster.create_token()
    log = cluster.root / f"{FORGER}.log"
    args = ["--master", cluster.url, "--token", token, "--name", FORGER]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.cluster.forged_worker", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "FLOWML_HOME": str(cluster.root / FORGER), "FORGED_BAIT": str(bait)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    cluster.workers[FORGER] = Proc(process, log)
    cluster.wait_worker_ready(FORGER)


def delivered(model: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(algorithm, params) of every estimator in the package: the single model, or each ensemble member."""
    card = model["card"]
    members = card["params"].get("members") if isinstance(card["params"], dict) else None
    if members:
        return [(m["algorithm"], m["params"]) for m in members]
    return [(card["algorithm"], card["params"])]


def test_forged_results_fail_their_trials_and_never_reach_the_model(tmp_path: Path) -> None:
    bait = tmp_path / "bait" / "0.npy"
    bait.parent.mkdir()
    np.save(bait, np.full((150, 3), 1 / 3), allow_pickle=False)
    original = bait.read_bytes()
    # The master's pool trains too, so honest trials exist beside the forged ones.
    with running_cluster(tmp_path, redis_db=9, TRIALS_ON_MASTER="true") as cluster:
        try:
            start_forger(cluster, bait)
            job_id = start_job(cluster, upload(cluster, "iris.csv"), "target", 0.5, metric="accuracy")
            final = wait_final(cluster, job_id, 180)
            rows = trials(cluster, job_id)
            model = httpx.get(
                f"{cluster.url}/api/results/model/{final['model_id']}", headers=cluster.headers, timeout=10
            ).json()
        except BaseException:
            print(cluster.logs())
            raise

    assert final["status"] == "completed", final
    forged = [t for t in rows if t["worker"] == FORGER]
    assert len(forged) >= len(FORGERIES), f"only {len(forged)} trials reached the forger"
    for trial in forged:
        assert trial["status"] == "failed" and trial["score"] is None, trial
        assert trial["error"].startswith(REJECTED), trial["error"]
    for forgery in FORGERIES:
        assert any(forgery.reason in t["error"] for t in forged), f"{forgery.name}: {forgery.reason!r} not reported"

    # What was trained and recorded is what the master asked for, never what a report claimed.
    assert "__import__" not in str(rows)
    honest = [(t["algorithm"], t["params"]) for t in rows if t["status"] == "completed"]
    assert honest and all(t["worker"] != FORGER for t in rows if t["status"] == "completed")
    assert all(member in honest for member in delivered(model)), (delivered(model), honest)
    # The path a forged result named was neither overwritten nor given company (no `<name>.subset.npy` beside it).
    assert sorted(bait.parent.iterdir()) == [bait] and bait.read_bytes() == original
