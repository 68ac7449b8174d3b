"""The one Celery task: a thin wrapper that runs `engine.trial.run_trial` on a worker (ARCHITECTURE.md section 4).

The payload is JSON: the TrialSpec (its dataset path is the master's and is replaced here), the dataset's SHA-256,
the device the router chose and the trial's capability, which the worker shows the master for the trial's data.
The wrapper fetches the dataset by hash, watches the master's cancel flag, runs the trial, sends the out-of-fold
predictions back and returns a TrialReport as a dict: what the master accepts from a worker
(cluster/trial_report.py).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

from celery import Celery, Task
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flowml.cluster.celery_app import TRIAL_TASK
from flowml.cluster.probe import probe_gpu_builds, probe_gpus
from flowml.cluster.signing import SignedWorkerEvent
from flowml.cluster.trial_report import MAX_ID_CHARS, MAX_NAME_CHARS, TrialReport, bounded
from flowml.cluster.worker_runtime import (
    CancelWatcher,
    RunningTrial,
    WorkerRuntime,
    fetch_dataset,
    upload_oof,
)
from flowml.engine.executor import malformed, unfinished_result
from flowml.engine.trial import one_line_error, run_trial
from flowml.engine.types import Device, TrialSpec, TrialStatus
from flowml.events.redis_bus import publish_worker_event_sync
from flowml.events.schemas import Event, EventType, TrialRunningData


class TrialTaskPayload(BaseModel):
    """The trial task's one argument, as the master's ClusterExecutor sends it (JSON through the broker)."""

    model_config = ConfigDict(extra="forbid")

    spec: TrialSpec
    dataset_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    capability: str = Field(default="", description="The master's pass to this trial's data (cluster/signing.py)")


def run_remote_trial(payload: dict[str, Any], task_id: str, runtime: WorkerRuntime | None = None) -> dict[str, Any]:
    """Run one trial on this worker; every outcome, including a malformed payload and a failed transfer, is a
    TrialReport dict."""
    runtime = runtime or WorkerRuntime.from_env()
    try:
        task = TrialTaskPayload.model_validate(payload)
    except ValidationError as exc:
        return _refused(payload, runtime, malformed("trial payload", exc))
    spec, capability = task.spec, task.capability
    if spec.device is Device.CUDA and not gpu_build(spec.algorithm):
        # The router sends GPU-capable algorithms to GPU queues without knowing each worker's builds (PyPI's
        # LightGBM has no CUDA): on the CPU the trial still counts, on a missing CUDA build it would fail.
        spec.device = Device.CPU
    try:
        spec.dataset_path = str(fetch_dataset(runtime, task.dataset_sha256, capability))
    except Exception as exc:  # the trial cannot run here; the driver records why and goes on
        return _failed(spec, runtime, f"dataset transfer failed: {one_line_error(exc)}")
    announce(runtime, spec, capability)
    keep_oof = spec.oof_dir is not None
    oof_sha256 = None
    with tempfile.TemporaryDirectory(prefix="flowml-oof-") as oof_dir:
        cancel_path = runtime.cache_dir / "cancel" / spec.job_id
        spec.cancel_path, spec.oof_dir = str(cancel_path), oof_dir if keep_oof else None
        with (
            CancelWatcher(runtime.broker_url, spec.job_id, cancel_path),
            RunningTrial(runtime, task_id, spec.job_id, spec.trial_number, spec.algorithm),
        ):
            result = run_trial(spec)
        if result.oof_path is not None:
            try:
                oof_sha256 = upload_oof(runtime, spec.job_id, spec.trial_number, Path(result.oof_path), capability)
            except Exception as exc:
                # Without its predictions the trial cannot join the ensemble, but its score still counts.
                result.error = f"out-of-fold predictions not sent: {one_line_error(exc)}"
    # The master stores the predictions where it chooses and checks them against the hash declared here.
    return TrialReport.of(result, runtime.name, oof_sha256).model_dump(mode="json")


def announce(runtime: WorkerRuntime, spec: TrialSpec, capability: str) -> None:
    """Tell the dashboard at once which worker took the trial (fast path only; the driver records it in SQL). Signed
    with the worker's key and the trial's capability: the master drops what does not verify."""
    if runtime.events_url is None or not runtime.event_key:
        return
    data = TrialRunningData(
        trial_number=spec.trial_number, algorithm=spec.algorithm, worker=runtime.name, device=spec.device
    )
    event = Event.transient(EventType.TRIAL_RUNNING, spec.job_id, data)
    signed = SignedWorkerEvent.sign(
        event, worker_id=runtime.worker_id, worker=runtime.name, capability=capability, event_key=runtime.event_key
    )
    publish_worker_event_sync(runtime.events_url, signed.model_dump_json())


@functools.cache
def gpu_build(algorithm: str) -> bool:
    """Whether this worker can run `algorithm` on its GPU (probed once per pool process)."""
    builds = probe_gpu_builds(probe_gpus().gpus)
    return bool(builds.get(algorithm, False))


def _failed(spec: TrialSpec, runtime: WorkerRuntime, error: str) -> dict[str, Any]:
    result = unfinished_result(spec, TrialStatus.FAILED, error)
    return TrialReport.of(result, runtime.name, None).model_dump(mode="json")


def _refused(payload: object, runtime: WorkerRuntime, error: str) -> dict[str, Any]:
    """The failed report of a payload this worker could not read: it echoes what it can of the trial, so the master
    matches it to the trial it sent and records the reason (anything else the master rejects, failing the trial)."""
    sent = payload.get("spec") if isinstance(payload, dict) else None
    echo = sent if isinstance(sent, dict) else {}
    params = echo.get("params")
    report = TrialReport(
        job_id=str(echo.get("job_id", ""))[:MAX_ID_CHARS],
        trial_number=_non_negative(echo.get("trial_number")),
        algorithm=str(echo.get("algorithm", ""))[:MAX_NAME_CHARS],
        params=params if isinstance(params, dict) else {},
        status=TrialStatus.FAILED,
        score=None,
        score_std=None,
        fold_scores=[],
        other_metrics={},
        fit_time=0.0,
        predict_time_per_row=0.0,
        error=bounded(error),
        worker=runtime.name,
        model_nodes=0,
    )
    return report.model_dump(mode="json")


def _non_negative(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def register_tasks(app: Celery) -> None:
    """Add the trial task to a worker's Celery app (the orchestrator sends it by name and needs no import)."""

    @app.task(name=TRIAL_TASK, bind=True)
    def trial(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
        return run_remote_trial(payload, str(self.request.id))
