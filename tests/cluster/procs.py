"""Real processes for cluster tests: a master (`flowml server`) and workers (`flowml worker`), on loopback.

Each test cluster gets its own Redis database number, flushed before use, so it never sees another test's tasks
and never touches the keys of anything else using the shared Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from flowml.cluster.signing import TrialCapability
from tests.conftest import api_key_for, bearer, in_ci, require_service
from tests.events.conftest import PrivateRedis

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fresh_redis_db(db: int, port: int = REDIS_PORT) -> str:
    require_service("Redis", REDIS_HOST, port)
    client = redis.Redis(host=REDIS_HOST, port=port, db=db)
    client.flushdb()
    client.close()
    return f"redis://{REDIS_HOST}:{port}/{db}"


def wait_for(condition: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Proc:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL the whole process group: a worker's pool processes die with it, as when a machine fails."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _spawn(args: list[str], env: dict[str, str], log: Path, prefix: list[str] | None = None) -> Proc:
    handle = log.open("wb")
    process = subprocess.Popen(
        [*(prefix or []), sys.executable, "-m", "flowml.cli", *args],
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so kill() reaches the pool processes too
    )
    return Proc(process, log)


@dataclass
class Cluster:
    root: Path
    redis_url: str
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"  # the master's bind address; another host's workers reach it there
    master_env: dict[str, str] = field(default_factory=dict)
    master: Proc | None = None
    workers: dict[str, Proc] = field(default_factory=dict)
    token: str | None = None
    master_starts: int = 0
    api_key: str | None = None  # the test admin's, made at first use; it lives in SQL, so it outlives restarts

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start_master(self, **extra: str) -> None:
        self.master_starts += 1
        # Each start logs to its own file, so a restarted master's log does not overwrite its predecessor's.
        log = "master.log" if self.master_starts == 1 else f"master.{self.master_starts}.log"
        env = {
            "FLOWML_HOME": str(self.root / "master"),
            "HOST": self.host,
            "PORT": str(self.port),
            "CELERY_BROKER_URL": self.redis_url,
            "REDIS_URL": self.redis_url,
            "LOCAL_WORKERS": "1",
            "TRIALS_ON_MASTER": "false",
            "WORKER_TTL_SECONDS": "3",
            "MAX_CONCURRENT_JOBS": "1",
            **self.master_env,
            **extra,
        }
        self.master = _spawn(["server"], env, self.root / log)
        wait_for(self._healthy, START_TIMEOUT, f"the master on {self.url}:\n{self.master.tail()}", 0.3)

    def restart_master(self, **extra: str) -> None:
        """SIGKILL the master's process group (API, job driver, local pool), as when its machine fails, and start a
        new one on the same port, data dir (FLOWML_HOME) and Redis: the workers' --master URL still points at it."""
        assert self.master is not None, "no master to restart"
        self.master.kill()
        self.start_master(**extra)

    @property
    def headers(self) -> dict[str, str]:
        """What every API request and WebSocket of the tests sends: the test admin's API key."""
        if self.api_key is None:
            with httpx.Client(base_url=self.url, timeout=30) as client:
                self.api_key = api_key_for(client)
        return bearer(self.api_key)

    def trial_capability(self, job_id: str, trial_number: int, sha256: str) -> str:
        """What the master's executor puts into a trial's task: the test plays the master, with its signing key
        (generated into its data dir at the first start, auth/secret.py)."""
        key = (self.root / "master" / "secret_key").read_text().strip()
        return TrialCapability.for_trial(job_id, trial_number, sha256, time.time() + 600).issue(key)

    def ws_url(self, job_id: str, since: int) -> str:
        return f"ws://{self.host}:{self.port}/ws/jobs/{job_id}?since={since}"

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def create_token(self) -> str:
        response = httpx.post(
            f"{self.url}/api/workers/tokens", json={"name": "tests"}, headers=self.headers, timeout=10
        )
        response.raise_for_status()
        self.token = str(response.json()["token"])
        return self.token

    def start_worker(
        self,
        name: str,
        *,
        concurrency: int = 1,
        wait: bool = True,
        netns: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Proc:
        """A `flowml worker` process; with `netns`, inside that network namespace, as on another machine; `env`:
        variables of its own (a PYTHONPATH with a plugin, say)."""
        token = self.token or self.create_token()
        args = ["worker", "--master", self.url, "--token", token, "--name", name, "--concurrency", str(concurrency)]
        env = {**(env or {}), "FLOWML_HOME": str(self.root / name)}
        prefix = ["ip", "netns", "exec", netns] if netns else []
        proc = _spawn(args, env, self.root / f"{name}.log", prefix)
        self.workers[name] = proc
        if wait:
            self.wait_worker_ready(name)
        return proc

    def wait_worker_ready(self, name: str) -> None:
        proc = self.workers[name]
        wait_for(lambda: self.worker_online(name), START_TIMEOUT, f"worker {name}:\n{proc.tail()}", 0.3)
        # Registered is not consuming yet: Celery connects to the broker just after.
        wait_for(lambda: "ready" in proc.tail(200), 60, f"worker {name} consuming:\n{proc.tail()}", 0.3)

    def start_workers(self, *names: str) -> None:
        """Start several workers side by side (each spends seconds importing and probing), then wait for all."""
        for name in names:
            self.start_worker(name, wait=False)
        for name in names:
            self.wait_worker_ready(name)

    def worker_online(self, name: str) -> bool:
        listed = httpx.get(f"{self.url}/api/workers", headers=self.headers, timeout=5).json()
        return any(w["name"] == name and w["status"] == "online" for w in listed)

    def logs(self, lines: int = 60) -> str:
        """The last lines of every process's log, newest master last."""
        return "\n".join(
            f"----- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            for path in sorted(self.root.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in self.workers.values():
            proc.stop()
        if self.master is not None:
            self.master.stop()


@contextmanager
def running_cluster(root: Path, redis_db: int, **master_env: str) -> Iterator[Cluster]:
    cluster = Cluster(root=root, redis_url=fresh_redis_db(redis_db), master_env=master_env)
    try:
        cluster.start_master()
        yield cluster
    finally:
        cluster.stop()


def private_redis(workdir: Path, password: str | None = None) -> PrivateRedis:
    """A started redis-server of the test's own on a free port (no persistence), so a test may kill and restart
    it without touching the shared Redis; the caller kills it at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        if in_ci():
            pytest.fail("redis-server is not installed; CI must install it")
        pytest.skip("redis-server is not installed")
    workdir.mkdir(parents=True, exist_ok=True)
    server = PrivateRedis(binary, workdir, password=password)
    server.start()
    return server


@contextmanager
def cluster_on_private_redis(root: Path) -> Iterator[tuple[Cluster, PrivateRedis]]:
    """A master on a private redis-server (broker, result backend and event bus), workers added by the test."""
    server = private_redis(root / "redis")
    cluster = Cluster(root=root, redis_url=server.url)
    try:
        cluster.start_master()
        yield cluster, server
    except BaseException:
        print(cluster.logs())  # pytest shows it with the failure: what each process said last
        raise
    finally:
        cluster.stop()
        server.kill()
