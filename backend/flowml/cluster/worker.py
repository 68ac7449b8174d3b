"""`flowml worker`: join a master, consume the queues this machine qualifies for, report in until stopped.

Order: probe the hardware; register with the master's join token (the reply carries the broker URLs with this
worker's own Redis user, its event key and the Celery settings every process of the cluster shares); start a
heartbeat thread; run a Celery worker on the probed queues; deregister on the way out. The worker never sees
database credentials (ARCHITECTURE.md section 3).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from celery import Celery
from loguru import logger

from flowml import __version__
from flowml.cluster.celery_app import create_celery, node_name
from flowml.cluster.probe import Capabilities, probe
from flowml.cluster.queues import ALL_QUEUES, is_plugin_queue, queues_for
from flowml.cluster.tasks import register_tasks
from flowml.cluster.worker_runtime import WorkerRuntime, running_trials
from flowml.core.paths import make_private_dir

REQUEST_TIMEOUT_SECONDS = 10.0
# One thread per numeric library in each pool process: the pool's processes are the parallelism.
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


class JoinError(RuntimeError):
    """The master refused this worker or could not be reached; the message says what to do."""


@dataclass(frozen=True)
class WorkerOptions:
    master: str
    token: str
    name: str
    concurrency: int
    pool: str  # prefork (Linux, macOS) or solo (Windows, or one trial at a time)
    cache_dir: Path
    queues: list[str] | None = None  # None: what the probe qualifies this machine for
    ollama_url: str | None = None
    loglevel: str = "INFO"


@dataclass(frozen=True)
class Joined:
    worker_id: str
    broker_url: str
    result_backend: str | None
    visibility_timeout: int
    heartbeat_seconds: float
    events_url: str | None = None
    event_key: str = ""  # signs what it publishes to Redis (cluster/signing.py)
    broker_transport_options: dict[str, str] = field(default_factory=dict)  # its own kombu keys


class MasterClient:
    """The worker's side of /api/workers: register, heartbeat, deregister."""

    def __init__(self, master: str, token: str) -> None:
        self.master = master.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    def register(self, name: str, capabilities: Capabilities, queues: list[str], concurrency: int) -> Joined:
        body = {
            "name": name,
            "hostname": capabilities.hostname,
            "capabilities": capabilities.to_dict(),
            "queues": queues,
            "concurrency": concurrency,
            "version": __version__,
        }
        data = self._post("/api/workers/register", body)
        return Joined(
            worker_id=str(data["worker_id"]),
            broker_url=str(data["broker_url"]),
            result_backend=data.get("result_backend"),
            visibility_timeout=int(data["visibility_timeout"]),
            heartbeat_seconds=float(data["heartbeat_seconds"]),
            events_url=data.get("events_url"),
            event_key=str(data.get("event_key") or ""),
            broker_transport_options={str(k): str(v) for k, v in (data.get("broker_transport_options") or {}).items()},
        )

    def heartbeat(self, worker_id: str, current_trials: list[dict[str, Any]], ram_available_gb: float) -> int:
        """The HTTP status: 200 ok, 401 token revoked, 404 unknown worker (register again)."""
        response = httpx.post(
            f"{self.master}/api/workers/heartbeat",
            json={"worker_id": worker_id, "current_trials": current_trials, "ram_available_gb": ram_available_gb},
            headers=self._headers,
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        return response.status_code

    def deregister(self, worker_id: str) -> None:
        self._post("/api/workers/deregister", {"worker_id": worker_id})

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = httpx.post(
                f"{self.master}{path}", json=body, headers=self._headers, timeout=REQUEST_TIMEOUT_SECONDS
            )
        except httpx.HTTPError as exc:
            raise JoinError(f"cannot reach the master at {self.master}: {exc}") from exc
        if response.status_code != 200:
            raise JoinError(f"the master refused ({response.status_code}): {_detail(response)}")
        data: dict[str, Any] = response.json()
        return data


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:300]


class Heartbeat:
    """Reports to the master every `interval` seconds from a thread of the worker's main process.

    A 404 means the master forgot this worker (its database was reset): stop and start over in a fresh process,
    which registers again. Its id, Redis user and event key are new then, and neither Celery's connections nor the
    pool processes' environment can change in place. A 401 means the join token was revoked: stop consuming
    (SIGTERM is Celery's warm shutdown: running trials finish, nothing new starts). A master that does not answer
    is retried: trials keep flowing through the broker meanwhile."""

    def __init__(self, client: MasterClient, joined: Joined, runtime: WorkerRuntime) -> None:
        self._client = client
        self.worker_id = joined.worker_id
        self._interval = joined.heartbeat_seconds
        self._runtime = runtime
        self.start_over = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flowml-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + REQUEST_TIMEOUT_SECONDS)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self._interval):
            available = round(psutil.virtual_memory().available / 2**30, 2)
            try:
                status = self._client.heartbeat(self.worker_id, running_trials(self._runtime), available)
            except httpx.HTTPError as exc:
                logger.warning("heartbeat failed, will retry: {}", exc)
                continue
            if status == 404:
                logger.warning("the master no longer knows this worker; restarting to register again")
                self.start_over = True
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if status == 401:
                logger.error("the master revoked this worker's join token; stopping")
                os.kill(os.getpid(), signal.SIGTERM)
                return


def default_name() -> str:
    return socket.gethostname().split(".")[0] or "worker"


def default_concurrency() -> int:
    return max(1, os.cpu_count() or 1)


def run_worker(options: WorkerOptions, tasks: Callable[[Celery], None] = register_tasks) -> None:
    """Join and work until stopped (Ctrl+C or SIGTERM: warm shutdown, running trials finish first).

    `tasks` adds the task the worker runs; tests pass a forger's (tests/cluster/forged_worker.py) to check what the
    master does with results it cannot trust."""
    capabilities = probe(options.ollama_url)
    queues = options.queues or queues_for(capabilities)
    unknown = sorted(q for q in set(queues) - set(ALL_QUEUES) if not is_plugin_queue(q))
    if unknown:
        raise JoinError(f"unknown queue(s) {', '.join(unknown)}; known: {', '.join(ALL_QUEUES)}")
    client = MasterClient(options.master, options.token)
    joined = client.register(options.name, capabilities, queues, options.concurrency)
    logger.info("joined {} as {} ({}), queues {}", client.master, options.name, joined.worker_id, ", ".join(queues))
    runtime = WorkerRuntime(
        options.master,
        options.token,
        options.name,
        options.cache_dir,
        joined.broker_url,
        joined.events_url,
        worker_id=joined.worker_id,
        event_key=joined.event_key,
    )
    _prepare_environment(runtime)
    heartbeat = Heartbeat(client, joined, runtime)
    app = create_celery(
        joined.broker_url,
        joined.result_backend,
        joined.visibility_timeout,
        joined.broker_transport_options,
        plugin_queues=[queue for queue in queues if is_plugin_queue(queue)],
    )
    tasks(app)
    heartbeat.start()
    try:
        app.worker_main(
            [
                "worker",
                f"--queues={','.join(queues)}",
                f"--concurrency={options.concurrency}",
                f"--hostname={node_name(options.name, capabilities.hostname)}",
                f"--pool={options.pool}",
                f"--loglevel={options.loglevel}",
                # Gossip and mingle talk to every other worker at start; trials need neither.
                "--without-gossip",
                "--without-mingle",
                # Celery's worker heartbeats are events nobody here reads (the master tracks liveness by HTTP
                # heartbeats in SQL); without them the worker's Redis user needs no event channel, where it could
                # speak for any other worker.
                "--without-heartbeat",
            ]
        )
    finally:
        heartbeat.stop()
        if heartbeat.start_over:
            os.execv(sys.executable, sys.orig_argv)  # the same command line, in a fresh process
        try:
            client.deregister(heartbeat.worker_id)
        except JoinError as exc:
            logger.warning("could not deregister: {}", exc)


def _prepare_environment(runtime: WorkerRuntime) -> None:
    """Everything pool processes inherit: the runtime's settings, one thread per library, a clean run list."""
    os.environ.update(runtime.to_env())
    for name in _THREAD_ENV:
        os.environ.setdefault(name, "1")
    # Trials marked running by a previous run of this worker (killed without cleanup) are not running now.
    shutil.rmtree(runtime.running_dir, ignore_errors=True)
    make_private_dir(runtime.cache_dir)  # datasets fetched from the master: this user's only
