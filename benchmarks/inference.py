"""ONNX Runtime against the native scikit-learn pipeline: single-row latency and batch throughput.

Trains LightGBM and a random forest (default parameters) on shared/datasets/titanic.csv (target `survived`) with
`FlowMLModel.train`, exports each with `export_onnx` (which checks parity first), then times, on the same raw rows:
- single row: `predict_proba` on a one-row frame, p50 and p99 over --repeats calls after a warm-up;
- batch: `predict_proba` on 10,000 rows (titanic resampled), best of three, as rows per second;
each twice: from raw rows (`predict_proba`, casting with `prepare_X` included, what a request costs) and from
prepared rows (`predict_proba_prepared`, the engine alone). Both engines run on one thread (ONNX Runtime
intra_op_num_threads=1; estimators built with n_jobs=1).

With `--server URL --model-id ID` it also times `POST {URL}/api/results/model/{ID}/predict` with one row, end to end
(HTTP, validation, the server's own engine choice), 200 requests after 10 warm-ups; loopback addresses only.

    python benchmarks/inference.py
    python benchmarks/inference.py --server http://127.0.0.1:8000 --model-id <id>
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pandas as pd

from flowml.engine.algorithms import default_registry
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.onnx import OnnxPredictor, export_onnx
from flowml.engine.types import ProblemType

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "titanic.csv"
TARGET = "survived"
KINDS = {
    "pclass": "numeric",
    "name": "text",
    "sex": "categorical",
    "age": "numeric",
    "sibsp": "numeric",
    "parch": "numeric",
    "ticket": "id",
    "fare": "numeric",
    "cabin": "categorical",
    "embarked": "categorical",
}
ALGORITHMS = ("lightgbm", "random_forest")
BATCH_ROWS = 10_000
SERVER_REQUESTS = 200
WARMUP = 10
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Row:
    """One line of the results table."""

    model: str
    engine: str
    rows_in: str
    p50_ms: float
    p99_ms: float
    rows_per_s: float | None


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    frame = pd.read_csv(args.dataset)
    plan = plan_features(frame, TARGET, {k: v for k, v in KINDS.items() if k in frame.columns})
    features = frame.drop(columns=[TARGET])
    rng = np.random.default_rng(0)
    batch = features.iloc[rng.integers(0, len(features), BATCH_ROWS)].reset_index(drop=True)
    singles = [features.iloc[[i]] for i in rng.integers(0, len(features), args.repeats)]
    rows: list[Row] = []
    for name in ALGORITHMS:
        algorithm = default_registry().get(name)
        params = algorithm.default_params(ProblemType.BINARY)
        model = FlowMLModel.train(frame, plan, ProblemType.BINARY, algorithm, params, seed=0)
        export = export_onnx(model, frame)
        if not export.usable or export.onnx_bytes is None:
            print(f"{name}: no usable ONNX graph ({export.reason}); native only")
        else:
            print(f"{name}: parity {export.parity}")
        engines: list[tuple[str, Any]] = [("native", model)]
        if export.usable and export.onnx_bytes is not None:
            engines.append(("onnx", OnnxPredictor(export.onnx_bytes)))
        prepared_singles = [model.prepare(frame_)[0] for frame_ in singles]
        prepared_batch = model.prepare(batch)[0]
        for engine, predictor in engines:
            p50, p99 = latencies(predictor.predict_proba, singles)
            rows.append(Row(name, engine, "raw", p50, p99, throughput(predictor.predict_proba, batch)))
            prepared = predictor.predict_proba_prepared
            p50, p99 = latencies(prepared, prepared_singles)
            rows.append(Row(name, engine, "prepared", p50, p99, throughput(prepared, prepared_batch)))
    if args.server:
        p50, p99 = server_latencies(args.server, args.model_id, features)
        rows.append(Row(f"server model {args.model_id}", "POST /predict", "raw (JSON)", p50, p99, None))
    print(table(rows))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--repeats", type=int, default=1000, help="single-row calls timed per engine")
    parser.add_argument("--server", help="base URL of a running FlowML server (loopback only)")
    parser.add_argument("--model-id", help="a model on that server")
    args = parser.parse_args(argv)
    if bool(args.server) != bool(args.model_id):
        parser.error("--server and --model-id go together")
    if args.server and urlsplit(args.server).hostname not in LOOPBACK:
        parser.error(f"--server must be a loopback address ({', '.join(sorted(LOOPBACK))})")
    return args


def latencies(predict: Callable[[pd.DataFrame], Any], singles: Sequence[pd.DataFrame]) -> tuple[float, float]:
    """p50 and p99 in milliseconds of one call per frame, after a warm-up."""
    for frame in singles[:WARMUP]:
        predict(frame)
    timings = []
    for frame in singles:
        started = time.perf_counter()
        predict(frame)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 50), percentile(timings, 99)


def throughput(predict: Callable[[pd.DataFrame], Any], batch: pd.DataFrame) -> float:
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        predict(batch)
        best = min(best, time.perf_counter() - started)
    return len(batch) / best


def server_latencies(server: str, model_id: str, features: pd.DataFrame) -> tuple[float, float]:
    url = f"{server.rstrip('/')}/api/results/model/{model_id}/predict"
    records = features.astype(object).where(features.notna(), None).to_dict(orient="records")
    timings = []
    with httpx.Client(timeout=30) as client:
        for i in range(WARMUP + SERVER_REQUESTS):
            started = time.perf_counter()
            response = client.post(url, json={"row": records[i % len(records)]})
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if i >= WARMUP:
                timings.append(elapsed)
    return percentile(timings, 50), percentile(timings, 99)


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| model | engine | rows | 1-row p50 (ms) | 1-row p99 (ms) | batch rows/s (10k rows) |",
        "|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        rate = "" if row.rows_per_s is None else f"{row.rows_per_s:,.0f}"
        lines.append(f"| {row.model} | {row.engine} | {row.rows_in} | {row.p50_ms:.3f} | {row.p99_ms:.3f} | {rate} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
