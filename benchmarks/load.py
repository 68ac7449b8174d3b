"""Load while training: many API and WebSocket clients against one server whose job is training.

    python benchmarks/load.py                                   # 60 s, 50 API clients, 200 WebSocket clients
    python benchmarks/load.py --seconds 30 --clients 20 --ws-clients 100
    python benchmarks/load.py --url http://127.0.0.1:8000 --server-pid 1234

Without --url it starts `python -m flowml.cli up` on a free loopback port with a temporary FLOWML_HOME in
embedded mode (no broker, no Redis, SQLite). It uploads the dataset, trains a tiny model first (so predictions
have a target), then starts the job under load with a budget as long as the load window. For --seconds, --clients
API clients (one httpx.AsyncClient each, no think time unless --think-ms) send the dashboard's mix of requests and
single-row predictions; --ws-clients WebSocket clients follow /ws/jobs/{id}?since=0 until the job's final event.
Afterwards one more client replays the job's events from SQL (?since=0 once the job is over): every client must
have received exactly those events, each once. Prints Markdown tables (HTTP latency per endpoint, WebSocket
delivery, server memory and CPU) and exits 1 when anything failed: a non-2xx answer, a request that raised, a
WebSocket that could not connect or missed, repeated or never got the final event, or a job that did not complete.

Bounded on purpose: loopback targets only (unless --allow-remote), and hard caps on clients and seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import ipaddress
import json
import math
import os
import random
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "titanic.csv"
MAX_CLIENTS = 500
MAX_WS_CLIENTS = 2000
MAX_SECONDS = 600.0
START_TIMEOUT = 120.0
FINAL_TYPES = frozenset({"training_completed", "training_failed", "training_cancelled"})
# The hub may coalesce these under back-pressure (flowml.events.hub): progress without a finished trial.
COALESCIBLE_TYPES = frozenset({"training_progress", "heartbeat", "trial_running"})
# The settings the server reads from its environment; the benchmark's own server must not inherit any of them
# (a CELERY_BROKER_URL, REDIS_URL or DATABASE_URL would turn it into something other than embedded mode).
SERVER_ENV_DROP = ("FLOWML_HOME", "DATA_DIR", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
SERVER_ENV_DROP_PREFIXES = ("REDIS_", "S3_", "STORAGE_", "UPLOAD_", "MODELS_", "LOGS_", "CACHE_", "HOST", "PORT")
# A dashboard's mix: mostly the job page's polling, some listings, and predictions against a trained model.
ENDPOINT_WEIGHTS: dict[str, int] = {
    "GET /api/training/jobs/{id}": 25,
    "GET /api/results/job/{id}/trials": 20,
    "GET /api/datasets": 10,
    "GET /api/datasets/{id}/stats": 10,
    "GET /api/stats": 10,
    "GET /api/workers": 5,
    "GET /health": 5,
    "POST /api/results/model/{id}/predict": 15,
}
ERROR_SAMPLES = 20
STEADY = "all, once the WebSocket clients are connected"
STORM = "all, while the WebSocket clients connect"


@dataclass(frozen=True)
class LoadConfig:
    seconds: float = 60.0
    clients: int = 50
    ws_clients: int = 200
    data: Path = DEFAULT_DATA
    target: str = "survived"
    url: str | None = None  # None: start a server of our own
    allow_remote: bool = False
    server_pid: int | None = None  # the server to watch when --url names one we did not start
    think_ms: float = 0.0
    final_timeout: float = 180.0  # how long after the load window the WebSocket clients wait for the final event
    local_workers: int | None = None
    # Sent with every HTTP request and WebSocket handshake. Empty: an API key made on the server we start, or
    # FLOWML_API_KEY for a --url server.
    headers: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Refuse what would turn the benchmark into a load on someone else's machine or an unbounded run."""
        if not 1 <= self.clients <= MAX_CLIENTS:
            raise ValueError(f"--clients must be between 1 and {MAX_CLIENTS}")
        if not 0 <= self.ws_clients <= MAX_WS_CLIENTS:
            raise ValueError(f"--ws-clients must be between 0 and {MAX_WS_CLIENTS}")
        if not 1 <= self.seconds <= MAX_SECONDS:
            raise ValueError(f"--seconds must be between 1 and {MAX_SECONDS:.0f}")
        if self.url is not None and not self.allow_remote and not is_loopback_url(self.url):
            raise ValueError(f"{self.url} is not a loopback address; pass --allow-remote to load another machine")
        if self.url is None and not self.data.is_file():
            raise ValueError(f"no dataset at {self.data}; pass --data")


@dataclass(frozen=True)
class EndpointStats:
    name: str
    seconds: float  # the span the requests were sent in
    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class WsStats:
    clients: int
    connected: int
    connect_p99_ms: float
    reference_events: int  # the job's durable events, replayed from SQL after it ended
    received_min: int
    received_max: int
    complete: int  # clients that received exactly the reference events
    missed: int  # events missing, summed over clients
    missed_coalescible: int  # of those, time-only progress the hub may drop for a slow client
    duplicates: int
    disconnects: int  # closes before the final event (each client reconnects with ?since= after a 1013)
    final: int  # clients that received the final event


@dataclass(frozen=True)
class ProcessStats:
    name: str
    rss_start_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    cpu_cores: float  # CPU seconds per wall second over the load window


@dataclass
class LoadResult:
    config: LoadConfig
    job_id: str
    job_status: str
    job_trials: int
    job_wall_s: float
    load_s: float
    endpoints: list[EndpointStats]
    ws: WsStats
    processes: list[ProcessStats]
    errors: int
    error_samples: list[str]
    storm_s: float = 0.0  # seconds from the window's start until the last WebSocket client had connected
    generator_lag_p99_ms: float = float("nan")  # how late the load generator's own event loop ran, p99 and max
    generator_lag_max_ms: float = float("nan")
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (s into the load, latency ms) per request

    def endpoint(self, name: str) -> EndpointStats:
        return next(e for e in self.endpoints if e.name == name or e.name.startswith(f"{name} ("))

    def process(self, name: str) -> ProcessStats | None:
        return next((p for p in self.processes if p.name == name), None)

    def markdown(self) -> str:
        lines = [
            f"job: {self.job_status}, {self.job_trials} trials, {self.job_wall_s:.1f} s from start to final event; "
            f"load window {self.load_s:.1f} s, {self.config.clients} API clients, {self.config.ws_clients} "
            f"WebSocket clients; errors: {self.errors}; load generator's event loop late by "
            f"{self.generator_lag_p99_ms:.0f} ms p99, {self.generator_lag_max_ms:.0f} ms max",
            "",
            "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for e in self.endpoints:
            rate = e.count / e.seconds if e.seconds else 0.0
            lines.append(
                f"| {e.name} | {e.count} | {rate:.1f} | {e.p50_ms:.1f} | {e.p95_ms:.1f} | "
                f"{e.p99_ms:.1f} | {e.max_ms:.1f} | {e.errors} |"
            )
        w = self.ws
        lines += [
            "",
            "| WS clients | connected | connect p99 ms | job events (SQL) | received min | received max "
            "| complete | missed | duplicates | disconnects | final event |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {w.clients} | {w.connected} | {w.connect_p99_ms:.0f} | {w.reference_events} | {w.received_min} | "
            f"{w.received_max} | {w.complete} | {w.missed} ({w.missed_coalescible} coalescible) | {w.duplicates} | "
            f"{w.disconnects} | {w.final} |",
        ]
        if self.processes:
            lines += [
                "",
                "| process | RSS start MB | RSS peak MB | RSS end MB | CPU cores |",
                "|---|---:|---:|---:|---:|",
            ]
            for p in self.processes:
                lines.append(
                    f"| {p.name} | {p.rss_start_mb:.0f} | {p.rss_peak_mb:.0f} | {p.rss_end_mb:.0f} | "
                    f"{p.cpu_cores:.2f} |"
                )
        if self.error_samples:
            lines += ["", "errors (first ones):", *(f"- {s}" for s in self.error_samples)]
        return "\n".join(lines)


def is_loopback_url(url: str) -> bool:
    """True when every address the URL's host resolves to is a loopback address."""
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# ---------------------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(home: Path, local_workers: int | None, admin_password: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in SERVER_ENV_DROP and not k.startswith(SERVER_ENV_DROP_PREFIXES)
    }
    env["FLOWML_HOME"] = str(home)
    env["FLOWML_ADMIN_PASSWORD"] = admin_password  # the first admin of this fresh data dir
    if local_workers is not None:
        env["LOCAL_WORKERS"] = str(local_workers)
    return env


@contextlib.contextmanager
def own_server(home: Path, local_workers: int | None, admin_password: str) -> Iterator[tuple[str, int]]:
    """`flowml up` on a free loopback port, in its own session so the whole tree stops with it."""
    port = free_port()
    log = home / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "flowml.cli", "up", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env(home / "flowml", local_workers, admin_password),
        cwd=home,  # no .env from the caller's working directory
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield url, process.pid
    finally:
        stop_server(process)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer /health within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# ---------------------------------------------------------------------------------------------- resources


class ResourceMonitor:
    """Samples the server's RSS and CPU times every `interval` s in a thread, so a busy event loop does not skew it.
    'API process' is the server itself; 'process tree' adds its children (the training pool)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="resource-monitor", daemon=True)
        self._rss: dict[str, list[float]] = {"API process": [], "process tree": []}
        self._cpu_first: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}
        self._started = 0.0
        self._wall = 0.0

    def start(self) -> None:
        self._started = time.monotonic()
        self._sample()
        self._thread.start()

    def stop(self) -> list[ProcessStats]:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._wall = time.monotonic() - self._started
        root = self._root.pid
        api_cpu = self._cpu_last.get(root, 0.0) - self._cpu_first.get(root, 0.0)
        tree_cpu = sum(self._cpu_last[pid] - self._cpu_first[pid] for pid in self._cpu_last)
        return [self._stats("API process", api_cpu), self._stats("process tree", tree_cpu)]

    def _stats(self, name: str, cpu_seconds: float) -> ProcessStats:
        mb = [v / 2**20 for v in self._rss[name]]
        return ProcessStats(name, mb[0], max(mb), mb[-1], cpu_seconds / self._wall if self._wall else 0.0)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def _sample(self) -> None:
        try:
            processes = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return  # the server is gone; the last sample stands
        api_rss = 0
        tree_rss = 0
        for process in processes:
            try:
                rss = process.memory_info().rss
                times = process.cpu_times()
            except psutil.Error:
                continue  # a pool process that just ended
            cpu = times.user + times.system
            self._cpu_first.setdefault(process.pid, cpu)
            self._cpu_last[process.pid] = cpu
            tree_rss += rss
            if process.pid == self._root.pid:
                api_rss = rss
        self._rss["API process"].append(api_rss)
        self._rss["process tree"].append(tree_rss)


# ---------------------------------------------------------------------------------------------- setup


async def upload(api: httpx.AsyncClient, name: str, content: bytes) -> dict[str, Any]:
    response = await api.post("/api/datasets/upload", files={"file": (name, content)})
    return checked(response, 201)


def checked(response: httpx.Response, expected: int = 200) -> dict[str, Any]:
    if response.status_code != expected:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}"
        )
    body: dict[str, Any] = response.json()
    return body


async def train_tiny_model(api: httpx.AsyncClient, dataset_id: str, target: str) -> str:
    """A 6-second job with one cheap algorithm: the model the predict requests use during the load."""
    body = {
        "dataset_id": dataset_id,
        "target_column": target,
        "time_budget": 0.1,
        "algorithms": ["logistic_regression"],
        "n_folds": 3,
        "name": "load-benchmark predict target",
    }
    job = checked(await api.post("/api/training/start", json=body), 201)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = checked(await api.get(f"/api/training/jobs/{job['id']}"))
        if job["status"] == "completed":
            return str(job["model_id"])
        if job["status"] in {"failed", "cancelled"}:
            raise RuntimeError(f"the tiny model's job ended {job['status']}: {job.get('error')}")
        await asyncio.sleep(0.5)
    raise RuntimeError("the tiny model's job did not finish within 120 s")


async def sample_rows(api: httpx.AsyncClient, dataset_id: str, target: str) -> list[dict[str, Any]]:
    preview = checked(await api.get(f"/api/datasets/{dataset_id}/preview", params={"limit": 50}))
    return [{k: v for k, v in row.items() if k != target} for row in preview["rows"]]


# ---------------------------------------------------------------------------------------------- HTTP clients


@dataclass
class HttpRecorder:
    # (seconds into the load window when the request was sent, endpoint, latency ms) of every answered request
    answered: list[tuple[float, str, float]] = field(default_factory=list)
    # (seconds into the window, endpoint, whether it raised instead of answering) of every failed request
    failed: list[tuple[float, str, bool]] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)

    def error(self, at: float, endpoint: str, what: str, *, raised: bool = False) -> None:
        self.failed.append((at, endpoint, raised))
        if len(self.samples) < ERROR_SAMPLES:
            self.samples.append(f"{endpoint}: {what}")

    def stats(self, name: str, endpoints: frozenset[str], start: float, end: float) -> EndpointStats:
        """Requests to `endpoints` sent between `start` and `end` s into the window."""
        values = [ms for at, e, ms in self.answered if e in endpoints and start <= at < end]
        failed = [raised for at, e, raised in self.failed if e in endpoints and start <= at < end]
        return EndpointStats(
            name,
            end - start,
            len(values) + sum(failed),
            len(failed),
            percentile(values, 0.5),
            percentile(values, 0.95),
            percentile(values, 0.99),
            max(values, default=float("nan")),
        )


def make_api_clients(config: LoadConfig, url: str) -> list[httpx.AsyncClient]:
    """Built before the load window: each httpx client builds an SSL context unless given one (about 50-70 ms of
    CPU on the 2-core machine), and 50 of those inside the window stalled this process's event loop for seconds,
    which showed up as server latency although the server was idle."""
    context = ssl.create_default_context()
    return [
        httpx.AsyncClient(base_url=url, timeout=30, headers=dict(config.headers), verify=context)
        for _ in range(config.clients)
    ]


async def api_client(
    index: int,
    client: httpx.AsyncClient,
    config: LoadConfig,
    ids: dict[str, str],
    rows: list[dict[str, Any]],
    window: tuple[float, float],
    recorder: HttpRecorder,
) -> None:
    rng = random.Random(index)
    names = list(ENDPOINT_WEIGHTS)
    weights = list(ENDPOINT_WEIGHTS.values())
    start, until = window
    while time.monotonic() < until:
        name = rng.choices(names, weights)[0]
        method, template = name.split(" ", 1)
        path = template.replace("{id}", ids[name])
        body = {"row": rng.choice(rows)} if method == "POST" else None
        sent = time.monotonic()
        try:
            response = await client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            recorder.error(sent - start, name, f"{type(exc).__name__}: {exc}", raised=True)
            continue
        recorder.answered.append((sent - start, name, (time.monotonic() - sent) * 1000))
        if not response.is_success:
            recorder.error(sent - start, name, f"{response.status_code} {response.text[:200]}")
        if config.think_ms:
            await asyncio.sleep(rng.uniform(0, 2 * config.think_ms) / 1000)


async def loop_lag(until: float, lags_ms: list[float], period: float = 0.05) -> None:
    """How late this process's own event loop wakes up: every latency measured here includes that delay, so it is
    reported next to them (a load generator sharing 2 cores with the server is part of what it measures)."""
    while time.monotonic() < until:
        before = time.monotonic()
        await asyncio.sleep(period)
        lags_ms.append(max(0.0, (time.monotonic() - before - period) * 1000))


# ---------------------------------------------------------------------------------------------- WebSocket clients


@dataclass
class WsClientResult:
    ids: list[int] = field(default_factory=list)
    connect_ms: float | None = None
    final: str | None = None
    disconnects: int = 0
    error: str | None = None


async def ws_client(url: str, job_id: str, headers: Mapping[str, str], result: WsClientResult) -> None:
    """Follow the job from ?since=0 until its final event. A 1013 (the hub's "too slow") is answered as the API
    asks: reconnect with ?since=<last id>. Any other close or failure is recorded as this client's error."""
    since = 0
    while result.final is None:
        started = time.perf_counter()
        try:
            async with ws_connect(
                f"{url}/ws/jobs/{job_id}?since={since}", additional_headers=dict(headers), open_timeout=60
            ) as socket_:
                if result.connect_ms is None:
                    result.connect_ms = (time.perf_counter() - started) * 1000
                async for raw in socket_:
                    event = json.loads(raw)
                    if "id" not in event:
                        continue  # heartbeat or a non-durable event: nothing to count or resume from
                    result.ids.append(int(event["id"]))
                    since = max(since, int(event["id"]))
                    if event["type"] in FINAL_TYPES:
                        result.final = str(event["type"])
                        return
            result.disconnects += 1
            result.error = "the server closed the socket before the final event"
            return
        except ConnectionClosed as exc:
            result.disconnects += 1
            if exc.rcvd is not None and exc.rcvd.code == 1013:
                continue
            result.error = f"closed before the final event: {exc}"
            return
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            return


async def reference_events(url: str, job_id: str, headers: Mapping[str, str]) -> dict[int, dict[str, Any]]:
    """The job's durable events as SQL has them: a replay from ?since=0 once the job is over."""
    events: dict[int, dict[str, Any]] = {}
    async with (
        asyncio.timeout(60),
        ws_connect(f"{url}/ws/jobs/{job_id}?since=0", additional_headers=dict(headers), open_timeout=60) as socket_,
    ):
        async for raw in socket_:
            event = json.loads(raw)
            if "id" in event:
                events[int(event["id"])] = event
                if event["type"] in FINAL_TYPES:
                    break
    return events


def coalescible(event: dict[str, Any]) -> bool:
    return event["type"] in COALESCIBLE_TYPES and "trial" not in event.get("data", {})


def ws_stats(results: list[WsClientResult], reference: dict[int, dict[str, Any]]) -> tuple[WsStats, list[str]]:
    """Compare what each client received with the reference; returns the stats and one problem line per client."""
    problems: list[str] = []
    missed = missed_coalescible = duplicates = complete = 0
    expected = set(reference)
    for index, r in enumerate(results):
        got = set(r.ids)
        missing = expected - got
        dup = len(r.ids) - len(got)
        extra = got - expected
        missed += len(missing)
        missed_coalescible += sum(1 for i in missing if coalescible(reference[i]))
        duplicates += dup
        if r.error:
            problems.append(f"ws client {index}: {r.error}")
        elif missing or dup or extra:
            problems.append(
                f"ws client {index}: {len(missing)} events missing (first ids {sorted(missing)[:5]}), "
                f"{dup} duplicates, {len(extra)} not in the job's record"
            )
        else:
            complete += 1
    connects = [r.connect_ms for r in results if r.connect_ms is not None]
    counts = [len(set(r.ids)) for r in results] or [0]
    stats = WsStats(
        clients=len(results),
        connected=len(connects),
        connect_p99_ms=percentile(connects, 0.99),
        reference_events=len(reference),
        received_min=min(counts),
        received_max=max(counts),
        complete=complete,
        missed=missed,
        missed_coalescible=missed_coalescible,
        duplicates=duplicates,
        disconnects=sum(r.disconnects for r in results),
        final=sum(1 for r in results if r.final is not None),
    )
    return stats, problems


# ---------------------------------------------------------------------------------------------- the run


def run_load(config: LoadConfig) -> LoadResult:
    """The whole run: a server of our own unless config.url names one, the setup, the load, the comparison."""
    config.check()
    content = config.data.read_bytes()
    if config.url is not None:
        if not config.headers:
            key = os.environ.get("FLOWML_API_KEY")
            if not key:
                raise ValueError("set FLOWML_API_KEY to an API key of the --url server (made in its dashboard)")
            config = dataclasses.replace(config, headers={"Authorization": f"Bearer {key}"})
        return run_async(_against(config, content, config.url.rstrip("/"), config.server_pid))
    admin_password = secrets.token_urlsafe(18)
    with (
        tempfile.TemporaryDirectory(prefix="flowml-load-") as tmp,
        own_server(Path(tmp), config.local_workers, admin_password) as (url, pid),
    ):
        if not config.headers:
            config = dataclasses.replace(config, headers={"Authorization": f"Bearer {api_key(url, admin_password)}"})
        return run_async(_against(config, content, url, pid))


def api_key(url: str, admin_password: str) -> str:
    """Sign in as the first admin of the server we started and make a key: it lasts the whole run (an access token
    would expire after ACCESS_TOKEN_MINUTES)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = checked(client.post("/api/auth/login", json={"username": "admin", "password": admin_password}))
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        created = checked(client.post("/api/auth/keys", json={"name": "load benchmark"}, headers=headers), 201)
        key: str = created["key"]
        return key


def run_async(main: Coroutine[Any, Any, LoadResult]) -> LoadResult:
    """On uvloop when it is installed (uvicorn[standard] brings it): the generator's own overhead is part of every
    latency it measures, and uvloop roughly halves it."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


async def _against(config: LoadConfig, content: bytes, url: str, pid: int | None) -> LoadResult:
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=dict(config.headers)) as api:
        dataset = await upload(api, config.data.name, content)
        model_id = await train_tiny_model(api, dataset["id"], config.target)
        rows = await sample_rows(api, dataset["id"], config.target)
        # Warm the model cache so the first predict under load is not a package load from disk.
        checked(await api.post(f"/api/results/model/{model_id}/predict", json={"row": rows[0]}))
        ws_url = "ws" + url.removeprefix("http")
        ws_results = [WsClientResult() for _ in range(config.ws_clients)]
        recorder = HttpRecorder()
        lags: list[float] = []
        monitor = ResourceMonitor(pid) if pid is not None else None
        async with contextlib.AsyncExitStack() as stack:
            clients = [await stack.enter_async_context(c) for c in make_api_clients(config, url)]
            client_cpu_start = psutil.Process().cpu_times()
            if monitor is not None:
                monitor.start()
            body = {
                "dataset_id": dataset["id"],
                "target_column": config.target,
                "time_budget": config.seconds / 60,  # the job trains through the whole load window
                "name": "load-benchmark job under load",
            }
            job = checked(await api.post("/api/training/start", json=body), 201)
            started = time.monotonic()
            until = started + config.seconds
            ids = {name: job["id"] for name in ENDPOINT_WEIGHTS}
            ids["GET /api/datasets/{id}/stats"] = dataset["id"]
            ids["POST /api/results/model/{id}/predict"] = model_id
            ws_tasks = [asyncio.create_task(ws_client(ws_url, job["id"], config.headers, r)) for r in ws_results]
            await asyncio.gather(
                loop_lag(until, lags),
                *(
                    api_client(i, client, config, ids, rows, (started, until), recorder)
                    for i, client in enumerate(clients)
                ),
            )
            load_s = time.monotonic() - started
        _, pending = await asyncio.wait(ws_tasks, timeout=config.final_timeout) if ws_tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for r in ws_results:
            if r.final is None and r.error is None:
                r.error = f"no final event within {config.final_timeout:.0f} s after the load window"
        job = await wait_job_final(api, job["id"], time.monotonic() + config.final_timeout)
        job_wall = time.monotonic() - started
        processes = monitor.stop() if monitor is not None else []
        client_cpu_end = psutil.Process().cpu_times()
        client_cpu = (client_cpu_end.user + client_cpu_end.system) - (client_cpu_start.user + client_cpu_start.system)
        processes.append(ProcessStats("load generator (this process)", *_own_rss(), client_cpu / job_wall))
        trials = checked(await api.get(f"/api/results/job/{job['id']}/trials"))["count"]
        reference = await reference_events(ws_url, job["id"], config.headers) if ws_results else {}

    # Requests sent while the WebSocket clients were still connecting (each replaying the job from SQL) get a row
    # of their own: that burst is a different load from the steady state the per-endpoint rows describe.
    storm_s = max((r.connect_ms for r in ws_results if r.connect_ms is not None), default=0.0) / 1000
    storm_s = min(storm_s, load_s)
    everything = frozenset(ENDPOINT_WEIGHTS)
    endpoints = [recorder.stats(name, frozenset({name}), storm_s, load_s) for name in ENDPOINT_WEIGHTS]
    endpoints.append(recorder.stats(STEADY, everything, storm_s, load_s))
    endpoints.append(recorder.stats(f"{STORM} (first {storm_s:.1f} s)", everything, 0.0, storm_s))
    ws, ws_problems = ws_stats(ws_results, reference)
    samples = list(recorder.samples)
    if job["status"] != "completed":
        samples.insert(0, f"the job under load ended {job['status']}: {job.get('error')}")
    samples += ws_problems[: max(0, ERROR_SAMPLES - len(samples))]
    errors = len(recorder.failed) + len(ws_problems) + (job["status"] != "completed")
    return LoadResult(
        config=config,
        job_id=job["id"],
        job_status=job["status"],
        job_trials=int(trials),
        job_wall_s=job_wall,
        load_s=load_s,
        endpoints=endpoints,
        ws=ws,
        processes=processes,
        errors=errors,
        error_samples=samples,
        generator_lag_p99_ms=percentile(lags, 0.99),
        generator_lag_max_ms=max(lags, default=float("nan")),
        storm_s=storm_s,
        timeline=sorted((at, ms) for at, _, ms in recorder.answered),
    )


def _own_rss() -> tuple[float, float, float]:
    rss = psutil.Process().memory_info().rss / 2**20
    return rss, rss, rss


async def wait_job_final(api: httpx.AsyncClient, job_id: str, deadline: float) -> dict[str, Any]:
    """The job once it is final, or as it stands at the monotonic `deadline`."""
    while True:
        job = checked(await api.get(f"/api/training/jobs/{job_id}"))
        if job["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help=f"load window, at most {MAX_SECONDS:.0f}")
    parser.add_argument("--clients", type=int, default=50, help=f"API clients, at most {MAX_CLIENTS}")
    parser.add_argument("--ws-clients", type=int, default=200, help=f"WebSocket clients, at most {MAX_WS_CLIENTS}")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dataset to upload (default: titanic)")
    parser.add_argument("--target", default="survived", help="its target column")
    parser.add_argument("--url", help="an existing server (loopback only, unless --allow-remote)")
    parser.add_argument("--allow-remote", action="store_true", help="allow a --url that is not loopback")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's pid, to measure its memory and CPU")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between an API client's requests")
    parser.add_argument("--local-workers", type=int, help="LOCAL_WORKERS of the server started here")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()
    config = LoadConfig(
        seconds=args.seconds,
        clients=args.clients,
        ws_clients=args.ws_clients,
        data=args.data,
        target=args.target,
        url=args.url,
        allow_remote=args.allow_remote,
        server_pid=args.server_pid,
        think_ms=args.think_ms,
        local_workers=args.local_workers,
    )
    try:
        config.check()
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    result = run_load(config)
    print(result.markdown())
    if args.json:
        from dataclasses import asdict

        args.json.write_text(json.dumps(asdict(result), indent=2, default=str))
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
