"""A real `flowml up` on a free loopback port, for the tests that use the product as a user starts it (tests/cli/
test_remote.py, tests/e2e): one place that starts it, waits until it answers and stops its whole process tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cluster.procs import free_port

# `flowml up` migrates a fresh database and starts its worker pool before /health answers: slow on 2 busy cores.
START_TIMEOUT = 90.0
# Enough of the server's log to show why it did not come up, short enough to read in a failure report.
LOG_TAIL_CHARS = 3000


@contextmanager
def flowml_up(env: Mapping[str, str], log: Path, cwd: Path | None = None) -> Iterator[str]:
    """`python -m flowml.cli up` on 127.0.0.1 and a free port, with exactly `env` and its output in `log`; yields
    its URL once /health answers. It runs in its own session so the whole process tree (the local worker pool too)
    stops with it."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flowml.cli", "up", "--host", "127.0.0.1", "--port", str(port)],
            env=dict(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        _stop(process)


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL_CHARS:]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"flowml up exited with {process.returncode}:\n{_log_tail(log)}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.3)
    pytest.fail(f"flowml up did not answer /health in {START_TIMEOUT:.0f} s:\n{_log_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole process group, SIGKILL when it has not ended in 20 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
