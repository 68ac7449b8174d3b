"""Cluster throughput: a fixed-trial job with 1 and with 2 Celery workers, dispatch latency, hub events/s.

    python benchmarks/cluster.py                       # 60 trials, 1 then 2 workers, phoneme
    python benchmarks/cluster.py --trials 40 --workers 1,2,3 --json out.json

Everything runs on this machine with real processes: a private redis-server on a free port (broker, results,
events), a master (`flowml server`, TRIALS_ON_MASTER=false so only workers run trials), and `flowml worker`
processes with one pool process each. Per run it prints:
- trials/minute: completed trials divided by the span from the first trial dispatched to the last one finished
  (the final fit is excluded: it always runs on the master);
- pickup latency p50/p99: from the master sending a trial to a worker starting it (GET /api/cluster);
- the speed-up of each run over the 1-worker run.
Then the hub: events/s from one RedisBus publisher to N subscribed WebSocket client queues, in-process.
On a 2-core machine two single-process workers are the most it can show; the master's own work shares the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.signin import admin_env, sign_in

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
START_TIMEOUT = 120.0
DEFAULT_ALGORITHMS = "lightgbm,xgboost,random_forest,extra_trees,hist_gradient_boosting,logistic_regression"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Any, timeout: float, what: str) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = check()
            if value:
                return value
        except (httpx.HTTPError, OSError):
            pass  # not up yet
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "flowml.cli", *args],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_redis(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(root / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5), 30, "redis-server")
    return process, url


def ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def run_once(root: Path, redis_url: str, n_workers: int, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    home = root / f"run-{n_workers}"
    master_env = {
        "FLOWML_HOME": str(home / "master"),
        "PORT": str(port),
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "TRIALS_ON_MASTER": "false",
        "LOCAL_WORKERS": "1",
        "WORKER_TTL_SECONDS": "15",
        **admin_env(),
    }
    home.mkdir(parents=True)
    master = spawn(["server"], master_env, home / "master.log")
    workers: list[subprocess.Popen[bytes]] = []
    url = f"http://127.0.0.1:{port}"
    api = httpx.Client(base_url=url, timeout=60)
    try:
        wait_for(lambda: api.get("/health").status_code == 200, START_TIMEOUT, "the master")
        sign_in(api, master_env)
        token = api.post("/api/workers/tokens", json={"name": "bench"}).raise_for_status().json()["token"]
        for index in range(n_workers):
            name = f"w{index + 1}"
            worker_args = ["worker", "--master", url, "--token", token, "--name", name, "--concurrency", "1"]
            log = home / f"{name}.log"
            workers.append(spawn(worker_args, {"FLOWML_HOME": str(home / name)}, log))
            wait_for(lambda log=log: "ready" in log.read_text(errors="replace"), START_TIMEOUT, f"worker {name}")
        path = args.datasets_dir / args.dataset
        with path.open("rb") as handle:
            dataset = api.post("/api/datasets/upload", files={"file": (path.name, handle)}).raise_for_status().json()
        body = {
            "dataset_id": dataset["id"],
            "target_column": args.target,
            "time_budget": args.budget_minutes,
            "max_trials": args.trials,
            "reproducible": False,  # batches would wait for their slowest trial: this measures throughput
            "algorithms": args.algorithms.split(","),
            "n_folds": 3,
        }
        job = api.post("/api/training/start", json=body).raise_for_status().json()
        final = wait_for(
            lambda: (
                (j := api.get(f"/api/training/jobs/{job['id']}").json())["status"]
                in {"completed", "failed", "cancelled"}
                and j
            ),
            args.budget_minutes * 60 + 300,
            "the job",
        )
        trials = api.get(f"/api/results/job/{job['id']}/trials").json()["items"]
        cluster = api.get("/api/cluster").json()
    finally:
        for worker in workers:
            stop(worker)
        stop(master)
    done = [t for t in trials if t["status"] == "completed" and t.get("finished_at")]
    span = max(ts(t["finished_at"]) for t in done) - min(ts(t["started_at"]) for t in trials)
    pickup = [1000 * s for s in (cluster.get("dispatch") or {}).get("pickup_seconds", [])]
    busy = sum(ts(t["finished_at"]) - ts(t["started_at"]) for t in trials if t.get("finished_at"))
    return {
        "workers": n_workers,
        # Trial-seconds per wall second: how many trials ran at once on average. TPE picks different
        # configurations in each run, so trials/min also reflects cheaper or dearer picks; this does not.
        "parallelism": busy / span,
        "status": final["status"],
        "trials": len(trials),
        "completed": len(done),
        "by_worker": {w: sum(1 for t in trials if t["worker"] == w) for w in sorted({t["worker"] for t in trials})},
        "span_s": span,
        "trials_per_min": 60 * len(done) / span,
        "pickup_p50_ms": percentile(pickup, 0.5),
        "pickup_p99_ms": percentile(pickup, 0.99),
    }


async def hub_events_per_second(redis_url: str, clients: int, events: int) -> float:
    """One publisher, one hub subscription, `clients` bounded client queues, as an API process runs them."""
    from flowml.events.hub import WebSocketHub
    from flowml.events.redis_bus import RedisBus
    from flowml.events.schemas import Event, EventType

    async def no_replay(_since: int, _job: str | None) -> list[Event]:
        return []

    bus = RedisBus(redis_url, prefix=f"flowml-bench:{os.getpid()}")
    hub = WebSocketHub(bus, no_replay)
    await hub.start()
    queues = [await hub.connect("bench-job", None) for _ in range(clients)]
    await asyncio.sleep(0.5)  # the subscription is live before the first publish

    async def drain(queue: Any) -> int:
        received = 0
        while received < events:
            if await queue.get() is None:
                break
            received += 1
        return received

    readers = [asyncio.create_task(drain(q)) for q in queues]
    started = time.perf_counter()
    for number in range(1, events + 1):
        event = Event(id=number, type=EventType.TRAINING_COMPLETED, job_id="bench-job", timestamp=datetime.now())
        await bus.publish(event)  # a state change: never coalesced, so every client must receive every one
    received = await asyncio.gather(*readers)
    elapsed = time.perf_counter() - started
    for queue in queues:
        hub.disconnect(queue)
    await hub.stop()
    await bus.close()
    return sum(received) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to compare")
    parser.add_argument("--dataset", default="phoneme.csv")
    parser.add_argument("--datasets-dir", type=Path, default=DATASETS, help="where --dataset lies")
    parser.add_argument("--target", default="Class")
    parser.add_argument("--algorithms", default=DEFAULT_ALGORITHMS)
    parser.add_argument("--budget-minutes", type=float, default=20.0, help="a ceiling; the job stops at --trials")
    parser.add_argument("--hub-clients", type=int, default=50)
    parser.add_argument("--hub-events", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flowml-cluster-bench-") as tmp:
        root = Path(tmp)
        redis, redis_url = start_redis(root)
        try:
            rows = []
            for count in [int(n) for n in args.workers.split(",")]:
                print(f"running {args.trials} trials with {count} worker(s)...", file=sys.stderr)
                rows.append(run_once(root, redis_url, count, args))
            rate = asyncio.run(hub_events_per_second(redis_url, args.hub_clients, args.hub_events))
        finally:
            redis.terminate()
            redis.wait()
    base = rows[0]["trials_per_min"]
    print(f"{args.trials}-trial job on {args.dataset} ({args.algorithms}), 3 folds, {os.cpu_count()} CPUs\n")
    print(
        "| workers | completed | trials/min | speed-up | trials running at once | pickup p50 ms | pickup p99 ms "
        "| trials per worker |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['workers']} | {row['completed']}/{row['trials']} | {row['trials_per_min']:.1f} "
            f"| {row['trials_per_min'] / base:.2f}x | {row['parallelism']:.2f} | {row['pickup_p50_ms']:.0f} "
            f"| {row['pickup_p99_ms']:.0f} "
            f"| {row['by_worker']} |"
        )
    print(f"\nhub: {rate:,.0f} events/s delivered ({args.hub_clients} clients x {args.hub_events} events)")
    if args.json:
        args.json.write_text(json.dumps({"runs": rows, "hub_events_per_s": rate}, indent=2))


if __name__ == "__main__":
    main()
