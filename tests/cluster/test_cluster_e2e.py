"""A real cluster on loopback: a master, Celery workers in their own processes, Redis as broker.

What the issue's "done means" asks, each against real processes: a job spreads over two workers; a worker killed
mid-trial costs nothing (the job completes, no trial counted twice, nothing left running); cancel reaches trials
running on workers within 5 s.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from flowml.cluster.worker_runtime import WorkerRuntime, running_trials
from tests.cluster.procs import Cluster, running_cluster, wait_for
from tests.conftest import dataset_path

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(600)]

FINAL = {"completed", "failed", "cancelled"}


class EventCollector:
    """A WebSocket client on /ws/jobs/{id} in a thread, from now until stop() or the job's final event."""

    def __init__(self, cluster: Cluster, job_id: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._url = cluster.url.replace("http://", "ws://") + f"/ws/jobs/{job_id}?since=0"
        self._headers = cluster.headers
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with connect(self._url, additional_headers=self._headers) as socket:
            while not self._done.is_set():
                try:
                    event = json.loads(socket.recv(timeout=0.5))
                except TimeoutError:
                    continue
                self.events.append(event)
                if event["type"] in {"training_completed", "training_failed", "training_cancelled"}:
                    return

    def stop(self) -> list[dict[str, Any]]:
        self._done.set()
        self._thread.join(timeout=10)
        return self.events


def upload(cluster: Cluster, name: str) -> str:
    path = dataset_path(name)
    with path.open("rb") as handle:
        response = httpx.post(
            f"{cluster.url}/api/datasets/upload",
            files={"file": (path.name, handle)},
            headers=cluster.headers,
            timeout=60,
        )
    response.raise_for_status()
    return str(response.json()["id"])


def start_job(cluster: Cluster, dataset_id: str, target: str, minutes: float, **extra: Any) -> str:
    body = {"dataset_id": dataset_id, "target_column": target, "time_budget": minutes, **extra}
    response = httpx.post(f"{cluster.url}/api/training/start", json=body, headers=cluster.headers, timeout=30)
    assert response.status_code in (200, 201, 202), response.text
    return str(response.json()["job_id"] if "job_id" in response.json() else response.json()["id"])


def job(cluster: Cluster, job_id: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(
        f"{cluster.url}/api/training/jobs/{job_id}", headers=cluster.headers, timeout=10
    ).json()
    return data


def trials(cluster: Cluster, job_id: str) -> list[dict[str, Any]]:
    data = httpx.get(f"{cluster.url}/api/results/job/{job_id}/trials", headers=cluster.headers, timeout=10).json()
    return list(data["items"] if isinstance(data, dict) else data)


def wait_running_on(cluster: Cluster, job_id: str, worker: str, timeout: float) -> None:
    wait_for(
        lambda: any(t["worker"] == worker and t["status"] == "running" for t in trials(cluster, job_id)),
        timeout,
        f"a trial running on {worker}",
        0.1,
    )


def wait_final(cluster: Cluster, job_id: str, timeout: float) -> dict[str, Any]:
    result: dict[str, Any] = wait_for(
        lambda: (j := job(cluster, job_id))["status"] in FINAL and j,
        timeout,
        f"job {job_id} to finish; master log:\n{cluster.master.tail() if cluster.master else ''}",
        0.5,
    )
    return result


def test_a_job_spreads_over_two_workers(tmp_path: Path) -> None:
    with running_cluster(tmp_path, redis_db=11) as cluster:
        cluster.start_worker("alpha")
        cluster.start_worker("beta")
        dataset_id = upload(cluster, "iris.csv")
        job_id = start_job(cluster, dataset_id, "target", 0.5)
        live = EventCollector(cluster, job_id)
        final = wait_final(cluster, job_id, 120)
        assert final["status"] == "completed", final
        # Workers announce each trial they start straight through Redis (fast path, not durable).
        running = [e["data"] for e in live.stop() if e["type"] == "trial_running"]
        assert {e["worker"] for e in running} == {"alpha", "beta"}
        assert all("id" not in e for e in live.events if e["type"] == "trial_running")
        rows = trials(cluster, job_id)
        by_worker = Counter(t["worker"] for t in rows)
        assert by_worker["alpha"] > 0 and by_worker["beta"] > 0, by_worker
        assert "local" not in by_worker  # TRIALS_ON_MASTER=false: the master only fits the final model
        assert all(t["status"] != "running" for t in rows)


def test_a_worker_killed_mid_trial_costs_nothing(tmp_path: Path) -> None:
    with running_cluster(tmp_path, redis_db=12) as cluster:
        victim = cluster.start_worker("victim")
        cluster.start_worker("survivor")
        dataset_id = upload(cluster, "titanic.csv")
        job_id = start_job(cluster, dataset_id, "survived", 0.75)
        wait_running_on(cluster, job_id, "victim", 60)
        victim.kill()
        final = wait_final(cluster, job_id, 150)
        assert final["status"] == "completed", final
        rows = trials(cluster, job_id)
        numbers = [t["trial_number"] for t in rows]
        assert len(numbers) == len(set(numbers))  # no trial counted twice
        assert all(t["status"] != "running" for t in rows)
        assert any(t["worker"] == "survivor" and t["status"] == "completed" for t in rows)
        listed = {
            w["name"]: w["status"]
            for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
        }
        assert listed["victim"] == "offline"


def test_cancel_reaches_remote_trials_within_five_seconds(tmp_path: Path) -> None:
    with running_cluster(tmp_path, redis_db=13) as cluster:
        worker = cluster.start_worker("busy")
        dataset_id = upload(cluster, "adult.csv")
        job_id = start_job(cluster, dataset_id, "income >50K", 3.0)
        wait_running_on(cluster, job_id, "busy", 90)
        cancelled_at = time.time()
        response = httpx.post(f"{cluster.url}/api/training/jobs/{job_id}/cancel", headers=cluster.headers, timeout=10)
        assert response.status_code == 200, response.text
        runtime = WorkerRuntime(cluster.url, "", "busy", cluster.root / "busy" / "worker-cache", None)
        wait_for(lambda: not running_trials(runtime), 5, "the worker to stop its trial", 0.05)
        assert time.time() - cancelled_at <= 5.0
        final = wait_final(cluster, job_id, 30)
        assert final["status"] == "cancelled"
        assert worker.process.poll() is None  # the worker survives a cancel and takes new work
