"""`flowml worker` refuses clearly: an unreachable master, an unknown token, an unknown queue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cluster.procs import free_port, running_cluster

pytestmark = [pytest.mark.timeout(300)]


def worker(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowml.cli", "worker", *args],
        env={"FLOWML_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_master_is_reported(tmp_path: Path) -> None:
    result = worker("--master", f"http://127.0.0.1:{free_port()}", "--token", "fmw_x", home=tmp_path)
    assert result.returncode == 2
    assert "cannot reach the master" in result.stderr


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
