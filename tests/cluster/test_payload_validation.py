"""What crosses the broker is validated where it arrives: a malformed trial payload fails its trial with the reason
(never a crash in the worker), and a worker's announcement that is not the payload its event type carries is
dropped by the master."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flowml.cluster.result_check import OofLayouts, RejectedReport, accept_report
from flowml.cluster.signing import SignedWorkerEvent, TrialCapability, WorkerEventVerifier, worker_event_key
from flowml.cluster.tasks import run_remote_trial
from flowml.cluster.trial_report import TrialReport
from flowml.cluster.worker_runtime import WorkerRuntime
from flowml.engine.types import Device, TrialSpec, TrialStatus
from flowml.events.schemas import NOT_DURABLE_ID, Event, EventType, TrialRunningData

SIGNING_KEY = "k" * 48
DATASET_SHA256 = "ab" * 32


def trial_spec() -> TrialSpec:
    return TrialSpec(
        job_id="job-7",
        trial_number=3,
        dataset_path="/master/data.parquet",
        problem_type="binary",
        feature_plan={"target": "y", "column_kinds": {"x": "numeric"}},
        algorithm="random_forest",
        params={"n_estimators": 20},
        metric="roc_auc",
        n_folds=3,
        seed=0,
        deadline=time.time() + 60,
        dataset_sha256=DATASET_SHA256,
    )


def runtime(tmp_path: Path) -> WorkerRuntime:
    # Nothing here is reached: a payload that does not parse is answered before any transfer.
    return WorkerRuntime(master_url="http://127.0.0.1:9", token="t", name="w1", cache_dir=tmp_path, broker_url=None)


def payload(spec: dict[str, Any]) -> dict[str, Any]:
    return {"spec": spec, "dataset_sha256": DATASET_SHA256, "capability": ""}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"problem_type": "ranking"},
            "spec.problem_type: Input should be 'binary', 'multiclass', 'regression' or 'clustering'",
        ),
        ({"device": "tpu"}, "spec.device: Input should be 'cpu' or 'cuda'"),
        ({"validation": "bootstrap"}, "spec.validation: Input should be 'cv' or 'holdout'"),
        ({"n_folds": "many"}, "spec.n_folds: Input should be a valid integer"),
        ({"feature_plan": {"target": "y", "column_kinds": {"x": "pixels"}}}, "spec.feature_plan.column_kinds.x"),
        ({"dataset_path": None}, "spec.dataset_path: Input should be a valid string"),
        ({"shell": "rm -rf /"}, "spec.shell: Extra inputs are not permitted"),
    ],
)
def test_a_malformed_spec_fails_its_trial_with_the_reason(tmp_path: Path, change: dict[str, Any], reason: str) -> None:
    spec = trial_spec()
    report = run_remote_trial(payload({**spec.to_dict(), **change}), "task-1", runtime(tmp_path))
    assert TrialReport.model_validate(report).status is TrialStatus.FAILED
    # The master records it as the failure of the trial it sent, with the worker's reason.
    result = accept_report(spec, report, elapsed_seconds=1.0, layouts=OofLayouts())
    assert result.status is TrialStatus.FAILED and result.trial_number == spec.trial_number
    assert result.error is not None and "malformed trial payload" in result.error and reason in result.error


def test_a_payload_missing_its_dataset_hash_is_refused_before_any_transfer(tmp_path: Path) -> None:
    spec = trial_spec()
    report = run_remote_trial({"spec": spec.to_dict()}, "task-2", runtime(tmp_path))
    result = accept_report(spec, report, elapsed_seconds=1.0, layouts=OofLayouts())
    assert result.status is TrialStatus.FAILED and "dataset_sha256: Field required" in (result.error or "")


def test_a_payload_that_is_not_a_trial_at_all_fails_the_trial_it_was_sent_for(tmp_path: Path) -> None:
    report = run_remote_trial({"junk": True}, "task-3", runtime(tmp_path))
    assert TrialReport.model_validate(report).status is TrialStatus.FAILED
    # Nothing to echo: the master cannot match it to its trial, so it rejects it (the executor fails the trial).
    with pytest.raises(RejectedReport, match="trial 3 of job job-7 was sent"):
        accept_report(trial_spec(), report, elapsed_seconds=1.0, layouts=OofLayouts())


def test_the_wire_form_of_a_spec_is_what_a_worker_parses() -> None:
    spec = trial_spec()
    wire = spec.to_dict()
    assert wire["problem_type"] == "binary" and wire["device"] == "cpu" and wire["validation"] == "cv"
    assert TrialSpec.from_dict(wire) == spec


def signed(event: Event, worker: str = "w1", worker_id: str = "id-1") -> str:
    capability = TrialCapability.for_trial("job-7", 3, DATASET_SHA256, time.time() + 60).issue(SIGNING_KEY)
    key = worker_event_key(SIGNING_KEY, worker_id, worker)
    return SignedWorkerEvent.sign(
        event, worker_id=worker_id, worker=worker, capability=capability, event_key=key
    ).model_dump_json()


def test_a_signed_announcement_must_carry_its_types_payload() -> None:
    verify = WorkerEventVerifier(SIGNING_KEY)
    good = Event.transient(
        EventType.TRIAL_RUNNING,
        "job-7",
        TrialRunningData(trial_number=3, algorithm="xgboost", worker="w1", device=Device.CPU),
    )
    assert verify(signed(good)) == good
    # Correctly signed, for the right trial, but not a trial_running payload: dropped, never shown to a client.
    bad = Event(
        id=NOT_DURABLE_ID,
        type=EventType.TRIAL_RUNNING,
        job_id="job-7",
        timestamp=datetime.now(UTC),
        data={"trial_number": 3, "worker": "w1", "device": "quantum", "html": "<script>"},
    )
    assert verify(signed(bad)) is None


def test_a_publisher_cannot_send_another_types_payload() -> None:
    data = TrialRunningData(trial_number=3, algorithm="xgboost", worker="w1", device=Device.CUDA)
    with pytest.raises(TypeError, match="a training_progress event carries TrainingProgressData"):
        Event.transient(EventType.TRAINING_PROGRESS, "job-7", data)
