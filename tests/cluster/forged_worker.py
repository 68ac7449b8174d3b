"""A worker that forges its trial results: a join-token holder running code of its own (ARCHITECTURE.md section 12).

It joins like `flowml worker` (same registration, heartbeat and Celery settings) and consumes the same task name,
but runs no trial: for each one it takes it returns the next forgery of FORGERIES, uploading forged out-of-fold
predictions where the forgery needs them. tests/cluster/test_forged_results.py checks that the master fails each
such trial with the reason and still delivers a model built only from what it asked for.

Run from the repository root: python -m tests.cluster.forged_worker --master URL --token TOKEN --name NAME
(FORGED_BAIT names a file the forged results point at; FLOWML_HOME holds the worker's cache).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from celery import Celery, Task

from flowml.cluster.celery_app import TRIAL_TASK
from flowml.cluster.result_check import oof_layout
from flowml.cluster.worker import WorkerOptions, run_worker
from flowml.cluster.worker_runtime import WorkerRuntime, fetch_dataset, upload_oof
from flowml.engine.types import TrialSpec

# Long enough for the master to see the task start (it polls every 50 ms), as with a real trial.
SEEMS_TO_WORK_SECONDS = 0.3


@dataclass(frozen=True)
class Trial:
    """What the forger gets with a task: the spec, the master's capability for the trial's data, its runtime."""

    spec: TrialSpec
    capability: str
    runtime: WorkerRuntime


Forge = Callable[[Trial, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Forgery:
    name: str
    forge: Forge
    reason: str  # what the master's error for the trial must say


def plausible(spec: TrialSpec) -> dict[str, Any]:
    """A report that would pass: the forgeries each change one thing about it."""
    return {
        "job_id": spec.job_id,
        "trial_number": spec.trial_number,
        "algorithm": spec.algorithm,
        "params": spec.params,
        "status": "completed",
        "score": 0.9,
        "score_std": 0.0,
        "fold_scores": [0.9] * spec.n_folds,
        "other_metrics": {},
        "fit_time": 0.01,
        "predict_time_per_row": 0.0,
        "error": None,
        "worker": "forger",
        "model_nodes": 0,
    }


def _changed(**changes: Any) -> Forge:
    return lambda trial, report: {**report, **changes}


def _beyond(trial: Trial, report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "score": 1e9, "fold_scores": [1e9] * trial.spec.n_folds}


def _other_algorithm(trial: Trial, report: dict[str, Any]) -> dict[str, Any]:
    algorithm = "knn" if trial.spec.algorithm != "knn" else "decision_tree"
    return {**report, "algorithm": algorithm, "params": {"n_neighbors": "__import__('os').system('id')"}}


def _bait(trial: Trial, report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "oof_path": os.environ["FORGED_BAIT"]}


def _uploading(make: Callable[[int, int], np.ndarray]) -> Forge:
    """Upload predictions made by `make(rows, columns)` (from the real layout) and declare their hash."""

    def forge(trial: Trial, report: dict[str, Any]) -> dict[str, Any]:
        spec, runtime = trial.spec, trial.runtime
        data = fetch_dataset(runtime, spec.dataset_sha256 or "", trial.capability)
        layout = oof_layout(spec.replace(dataset_path=str(data)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "oof.npy"
            np.save(path, make(layout.rows, layout.columns), allow_pickle=False)
            sha256 = upload_oof(runtime, spec.job_id, spec.trial_number, path, trial.capability)
        return {**report, "oof_sha256": sha256}

    return forge


def _with_nan(rows: int, columns: int) -> np.ndarray:
    array = np.full((rows, columns), 1 / columns, dtype=np.float32)
    array[0, 0] = np.nan
    return array


FORGERIES = (
    Forgery("score beyond the metric", _beyond, "accuracy 1e+09 is outside the metric's range [0, 1]"),
    Forgery("NaN score", _changed(score=math.nan), "score: Input should be a finite number"),
    Forgery("other algorithm and parameters", _other_algorithm, "it ran algorithm"),
    Forgery("a path to follow", _bait, "oof_path: Extra inputs are not permitted"),
    Forgery("wrong types", _changed(score="0.9", fold_scores=None), "score: Input should be a valid number"),
    Forgery("runaway timings", _changed(fit_time=1e7), "its timings exceed"),
    Forgery(
        "predictions of the wrong shape",
        _uploading(lambda rows, columns: np.full((3, columns), 0.5, dtype=np.float32)),
        "out-of-fold predictions have shape (3,",
    ),
    Forgery("NaN predictions", _uploading(_with_nan), "NaN or infinite values on rows the folds predict"),
)


def register_forged_tasks(app: Celery) -> None:
    """The trial task under its real name, returning FORGERIES in turn."""
    turn = itertools.count()

    @app.task(name=TRIAL_TASK, bind=True)
    def trial(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
        time.sleep(SEEMS_TO_WORK_SECONDS)
        spec = TrialSpec.from_dict(payload["spec"])
        trial = Trial(spec, str(payload.get("capability") or ""), WorkerRuntime.from_env())
        forgery = FORGERIES[next(turn) % len(FORGERIES)]
        return forgery.forge(trial, plausible(spec))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--master", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    options = WorkerOptions(
        master=args.master,
        token=args.token,
        name=args.name,
        concurrency=1,
        pool="solo",  # one process: the turn counter is the worker's own
        cache_dir=Path(os.environ["FLOWML_HOME"]) / "worker-cache",
        queues=["cpu"],
    )
    run_worker(options, tasks=register_forged_tasks)


if __name__ == "__main__":
    main()
