"""A plugin on a real cluster (master, two Celery workers, Redis): its trials run on the worker that has the
plugin and never on the one that lacks it; with no such worker live, the job fails saying which plugin and version
to install (the master here runs no trials, as TRIALS_ON_MASTER=false)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cluster.procs import Cluster, running_cluster, wait_for
from tests.conftest import dataset_path
from tests.plugins.installs import install_example, on_pythonpath

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(600)]

FINAL = {"completed", "failed", "cancelled"}
PLUGIN_QUEUE = "plugin:flowml-plugin-example@0.1.0"


def _upload(cluster: Cluster) -> str:
    path = dataset_path("iris.csv")
    with path.open("rb") as handle:
        response = httpx.post(
            f"{cluster.url}/api/datasets/upload", files={"file": (path.name, handle)}, headers=cluster.headers
        )
    response.raise_for_status()
    return str(response.json()["id"])


def _train(cluster: Cluster, dataset_id: str) -> dict[str, Any]:
    body = {
        "dataset_id": dataset_id,
        "target_column": "target",
        "algorithms": ["random_features"],
        # max_trials ends the search; the budget only has to outlast a loaded CI machine's slow worker start-up.
        "time_budget": 1.0,
        "max_trials": 4,
        "n_folds": 3,
    }
    started = httpx.post(f"{cluster.url}/api/training/start", json=body, headers=cluster.headers, timeout=30)
    assert started.status_code == 201, started.text
    job_id = started.json()["job_id"]
    final: dict[str, Any] = wait_for(
        lambda: (j := _get(cluster, f"/api/training/jobs/{job_id}"))["status"] in FINAL and j,
        180,
        f"job {job_id} to finish:\n{cluster.logs()}",
        0.5,
    )
    return final


def _get(cluster: Cluster, path: str) -> Any:
    return httpx.get(f"{cluster.url}{path}", headers=cluster.headers, timeout=10).json()


def test_plugin_trials_run_only_where_the_plugin_is(tmp_path: Path) -> None:
    site = install_example(tmp_path / "install")
    with_plugin = on_pythonpath(site, {})
    # The other worker must not find it through a PYTHONPATH inherited from the test run either.
    without = {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    (tmp_path / "cluster").mkdir()
    with running_cluster(tmp_path / "cluster", redis_db=7, PYTHONPATH=with_plugin["PYTHONPATH"]) as cluster:
        cluster.start_worker("has-plugin", env=with_plugin, wait=False)
        cluster.start_worker("lacks-plugin", env=without, wait=False)
        cluster.wait_worker_ready("has-plugin")
        cluster.wait_worker_ready("lacks-plugin")

        workers = {w["name"]: w for w in _get(cluster, "/api/workers")}
        assert workers["has-plugin"]["capabilities"]["plugins"] == {"flowml-plugin-example": "0.1.0"}
        assert PLUGIN_QUEUE in workers["has-plugin"]["queues"]
        assert workers["lacks-plugin"]["capabilities"]["plugins"] == {}
        assert PLUGIN_QUEUE not in workers["lacks-plugin"]["queues"]

        dataset_id = _upload(cluster)
        done = _train(cluster, dataset_id)
        assert done["status"] == "completed", f"{done.get('error')}\n{cluster.logs()}"
        ran_on = Counter(t["worker"] for t in _get(cluster, f"/api/results/job/{done['id']}/trials")["items"])
        assert set(ran_on) == {"has-plugin"}, ran_on

        cluster.workers["has-plugin"].stop()
        wait_for(lambda: not cluster.worker_online("has-plugin"), 60, "has-plugin to be marked offline")
        refused = _train(cluster, dataset_id)
        assert refused["status"] == "failed", refused
        assert "needs plugin flowml-plugin-example 0.1.0 and no live worker has this version" in refused["error"]
        assert "this master runs no trials" in refused["error"]
