"""End-to-end timing through a real `flowml up` server, the path a user takes.

For each dataset: upload it, start a job with the given budget, follow /ws/jobs/{id}, then predict one row and
download the model. Prints a Markdown table: job wall time against budget, and time from the upload request to the
first trial starting and finishing.

    python benchmarks/e2e.py --budget 1 titanic penguins diabetes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.signin import admin_env, sign_in

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(home: Path, port: int, admin: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **admin, "FLOWML_HOME": str(home), "PORT": str(port), "MAX_CONCURRENT_JOBS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flowml.cli", "up"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("server did not come up within 120 s")


async def follow(port: int, job_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    url = f"ws://127.0.0.1:{port}/ws/jobs/{job_id}?since=0"
    async with websockets.connect(url, additional_headers=headers) as socket_:
        while True:
            event = json.loads(await socket_.recv())
            if event.get("type") == "heartbeat":
                continue
            event["received"] = time.time()
            events.append(event)
            if event["type"] in {"training_completed", "training_failed", "training_cancelled"}:
                return events


def ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def run_one(port: int, name: str, budget: float, manifest_path: Path, admin: dict[str, str]) -> dict[str, Any]:
    manifest = {d["name"]: d for d in json.loads(manifest_path.read_text())}
    entry = manifest[name]
    api = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
    headers = sign_in(api, admin)
    t_upload = time.time()
    with (manifest_path.parent / entry["file"]).open("rb") as handle:
        dataset = api.post("/api/datasets/upload", files={"file": (entry["file"], handle)}).raise_for_status().json()
    t_uploaded = time.time()
    features = [c["name"] for c in dataset["columns"] if c["name"] not in {entry["target"], *entry["drop_columns"]}]
    body = {
        "dataset_id": dataset["id"],
        "target_column": entry["target"],
        "time_budget": budget,
        "problem_type": entry["task"],
    }
    job = api.post("/api/training/start", json=body).raise_for_status().json()
    events = asyncio.run(follow(port, job["id"], headers))
    job = api.get(f"/api/training/jobs/{job['id']}").json()
    trials = api.get(f"/api/results/job/{job['id']}/trials").json()["items"]
    board = api.get(f"/api/results/job/{job['id']}/leaderboard").json()["items"]
    first_start = min(ts(t["started_at"]) for t in trials)
    first_done = min(ts(t["finished_at"]) for t in trials if t["finished_at"])
    row = {f: None for f in features}
    preview = api.get(f"/api/datasets/{dataset['id']}/preview", params={"limit": 1}).json()["rows"][0]
    row.update({f: preview[f] for f in features})
    t0 = time.perf_counter()
    prediction = api.post(f"/api/results/model/{job['model_id']}/predict", json={"row": row}).raise_for_status()
    predict_ms = (time.perf_counter() - t0) * 1000
    download = api.get(f"/api/results/model/{job['model_id']}/download").raise_for_status()
    wall = ts(job["finished_at"]) - ts(job["started_at"])
    return {
        "dataset": name,
        "rows": dataset["n_rows"],
        "status": job["status"],
        "budget_s": budget * 60,
        "wall_s": wall,
        "ratio": wall / (budget * 60),
        "upload_s": t_uploaded - t_upload,
        "upload_to_first_trial_start_s": first_start - t_upload,
        "upload_to_first_trial_done_s": first_done - t_upload,
        "trials": len(trials),
        "algorithms": len({t["algorithm"] for t in board}),
        "best": f"{board[0]['algorithm']} {job['metric']}={board[0]['score']:.4f}",
        "events": len(events),
        "predict_ms": predict_ms,
        "package_kb": len(download.content) / 1024,
        "prediction": prediction.json()["predictions"][0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", nargs="*", default=["titanic", "penguins", "diabetes"])
    parser.add_argument("--budget", type=float, default=1.0, help="minutes per job")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--manifest", type=Path, default=DATASETS / "manifest.json", help="the dataset list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flowml-bench-") as home:
        port = free_port()
        admin = admin_env()
        server = start_server(Path(home), port, admin)
        try:
            rows = [run_one(port, name, args.budget, args.manifest, admin) for name in args.datasets]
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        "| dataset | rows | status | budget s | wall s | wall/budget | upload s | upload->1st trial start s "
        "| upload->1st trial done s | trials | algorithms | best | events | predict ms |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['rows']} | {r['status']} | {r['budget_s']:.0f} | {r['wall_s']:.1f} | "
            f"{r['ratio']:.3f} | {r['upload_s']:.2f} | {r['upload_to_first_trial_start_s']:.2f} | "
            f"{r['upload_to_first_trial_done_s']:.2f} | {r['trials']} | {r['algorithms']} | {r['best']} | "
            f"{r['events']} | {r['predict_ms']:.1f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
