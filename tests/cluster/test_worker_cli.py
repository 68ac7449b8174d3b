"""`flowml worker` refuses clearly: an unreachable master, an unknown token, an unknown queue, a taken name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.cluster.procs import free_port, running_cluster

pytestmark = [pytest.mark.timeout(300)]


def worker(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowml.cli", "worker", *args],
        env={"FLOWML_HOME": str(home), "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_master_is_reported(tmp_path: Path) -> None:
    result = worker("--master", f"http://127.0.0.1:{free_port()}", "--token", "fmw_x", home=tmp_path)
    assert result.returncode == 2
    assert "cannot reach the master" in result.stderr


def test_an_empty_token_is_refused_before_anything_is_contacted(tmp_path: Path) -> None:
    master = f"http://127.0.0.1:{free_port()}"
    for result in (
        worker("--master", master, "--token", "  ", home=tmp_path),
        worker("--master", master, home=tmp_path, FLOWML_WORKER_TOKEN=""),
    ):
        assert result.returncode == 2
        assert "join token is empty" in result.stderr or "Missing option '--token'" in result.stderr, result.stderr


def test_the_token_may_come_from_the_environment(tmp_path: Path) -> None:
    result = worker("--master", f"http://127.0.0.1:{free_port()}", home=tmp_path, FLOWML_WORKER_TOKEN="fmw_x")
    assert result.returncode == 2
    assert "cannot reach the master" in result.stderr  # it got past the token and tried to register


@pytest.mark.services
def test_unknown_token_and_queue_are_refused(tmp_path: Path) -> None:
    with running_cluster(tmp_path, redis_db=15) as cluster:
        refused = worker("--master", cluster.url, "--token", "fmw_not-a-token", home=tmp_path / "w")
        assert refused.returncode == 2
        assert "the master refused (401)" in refused.stderr
        token = cluster.create_token()
        bad_queue = worker("--master", cluster.url, "--token", token, "--queues", "cpu,gpu.vram99", home=tmp_path / "w")
        assert bad_queue.returncode == 2
        assert "unknown queue(s) gpu.vram99" in bad_queue.stderr


@pytest.mark.services
def test_a_live_workers_name_is_refused_with_a_hint(tmp_path: Path) -> None:
    # A TTL longer than the CLI's start-up, so the worker registered below is still live when the CLI registers.
    with running_cluster(tmp_path, redis_db=14, WORKER_TTL_SECONDS="60") as cluster:
        owner = cluster.create_token()
        body = {"name": "taken", "hostname": "gpu-box", "queues": ["cpu"]}
        joined = httpx.post(
            f"{cluster.url}/api/workers/register", json=body, headers={"Authorization": f"Bearer {owner}"}, timeout=10
        )
        assert joined.status_code == 200, joined.text
        impostor = cluster.create_token()
        refused = worker("--master", cluster.url, "--token", impostor, "--name", "taken", home=tmp_path / "w")
        assert refused.returncode == 2
        assert "the master refused (409): the name 'taken' is in use by a live worker" in refused.stderr
        assert "start this worker with another --name" in refused.stderr
