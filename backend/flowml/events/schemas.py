"""The event contract: the seed's event names are public (dashboard, scripts, the Redis bus).

Each EventType has one payload model (`PAYLOADS`): publishers build the payload from it, so an event's `data` holds
the same keys on every path, and the master validates what a worker publishes against it. The messages a WebSocket
client receives are described by `ServerMessage`, which the API adds to its OpenAPI schema (api/event_schemas.py)
so the dashboard's TypeScript types for events are generated, not written by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flowml.core.workflow_states import NodeState, RunSummary
from flowml.db.tables import Job, JobPublic, JobStatus, TrialPublic, WorkerPublic
from flowml.db.tables.jobs import JobStage
from flowml.engine.types import Device


class EventType(StrEnum):
    TRAINING_STARTED = "training_started"
    TRAINING_PROGRESS = "training_progress"
    TRAINING_COMPLETED = "training_completed"
    TRAINING_FAILED = "training_failed"
    TRAINING_CANCELLED = "training_cancelled"
    WORKER_CONNECTED = "worker_connected"
    WORKER_DISCONNECTED = "worker_disconnected"
    HEARTBEAT = "heartbeat"
    # A remote worker started a trial: published by the worker straight to Redis (not durable, never replayed).
    TRIAL_RUNNING = "trial_running"
    # A workflow run's nodes (on the run's job stream) and the run's end.
    NODE_STARTED = "node_started"
    NODE_PROGRESS = "node_progress"
    NODE_COMPLETED = "node_completed"
    NODE_FAILED = "node_failed"
    WORKFLOW_FINISHED = "workflow_finished"


# Progress may be coalesced under back-pressure; every other type is a state change and is never dropped.
COALESCIBLE = frozenset(
    {EventType.TRAINING_PROGRESS, EventType.HEARTBEAT, EventType.TRIAL_RUNNING, EventType.NODE_PROGRESS}
)


# The id of an event that has no row in job_events (see Event).
NOT_DURABLE_ID = 0


def _absent(value: object) -> bool:
    """An optional part left out of the wire form rather than sent as null (the keys clients have always seen)."""
    return value is None


# --- payloads --------------------------------------------------------------------------------------------------


class EventData(BaseModel):
    """Base of each event type's `data`."""

    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict[str, Any]:
        """The JSON form stored in job_events and sent to clients."""
        return self.model_dump(mode="json")


class JobData(EventData):
    """training_started, training_cancelled: the job as GET /api/jobs/{id} returns it."""

    job: JobPublic


class TrainingProgressData(EventData):
    progress: float = Field(ge=0, le=100, description="Percent of the job done")
    stage: JobStage
    message: str
    n_trials: int = Field(ge=0)
    best_score: float | None
    best_algorithm: str | None
    trial: TrialPublic | None = Field(
        default=None, exclude_if=_absent, description="The trial that just finished, when one did"
    )

    @classmethod
    def of(cls, job: Job, trial: TrialPublic | None = None) -> TrainingProgressData:
        """The job's progress as its row now says (the driver's tick and the search's listener send the same)."""
        return cls(
            progress=job.progress,
            stage=job.stage,
            message=job.message,
            n_trials=job.n_trials,
            best_score=job.best_score,
            best_algorithm=job.best_algorithm,
            trial=trial,
        )


class TrainingCompletedData(EventData):
    job: JobPublic
    model_id: str = Field(description="The delivered model")


class TrainingFailedData(EventData):
    job: JobPublic
    error: str


class WorkerData(EventData):
    """worker_connected, worker_disconnected."""

    worker: WorkerPublic
    reason: str | None = Field(default=None, exclude_if=_absent, description="Why it was disconnected")


class TrialRunningData(EventData):
    """A remote worker took a trial (published by the worker, signed; cluster/signing.py)."""

    trial_number: int = Field(ge=0)
    algorithm: str
    worker: str
    device: Device


class NodeStartedData(EventData):
    node_id: str
    started_at: datetime


class NodeProgressData(EventData):
    """A search model node's progress: its search's job, trials so far and best score."""

    node_id: str
    progress: float = Field(ge=0, le=100, description="Percent of the node's search done")
    message: str
    job_id: str = Field(description="The node's search job: GET /api/jobs/{job_id}/leaderboard is its leaderboard")
    n_trials: int = Field(ge=0)
    best_score: float | None
    best_algorithm: str | None


class NodeFinishedData(EventData):
    """node_completed (state.status done or cached) and node_failed (failed, skipped or cancelled)."""

    node_id: str
    state: NodeState


class WorkflowFinishedData(EventData):
    run: RunSummary


class HeartbeatData(EventData):
    """Nothing: a heartbeat only says the connection is alive."""


PAYLOADS: Mapping[EventType, type[EventData]] = {
    EventType.TRAINING_STARTED: JobData,
    EventType.TRAINING_PROGRESS: TrainingProgressData,
    EventType.TRAINING_COMPLETED: TrainingCompletedData,
    EventType.TRAINING_FAILED: TrainingFailedData,
    EventType.TRAINING_CANCELLED: JobData,
    EventType.WORKER_CONNECTED: WorkerData,
    EventType.WORKER_DISCONNECTED: WorkerData,
    EventType.HEARTBEAT: HeartbeatData,
    EventType.TRIAL_RUNNING: TrialRunningData,
    EventType.NODE_STARTED: NodeStartedData,
    EventType.NODE_PROGRESS: NodeProgressData,
    EventType.NODE_COMPLETED: NodeFinishedData,
    EventType.NODE_FAILED: NodeFinishedData,
    EventType.WORKFLOW_FINISHED: WorkflowFinishedData,
}


def job_finished(job: JobPublic, *, model_id: str | None, error: str | None) -> tuple[EventType, EventData]:
    """The event a job that reached a final status announces, with its payload."""
    if job.status is JobStatus.COMPLETED and model_id:
        return EventType.TRAINING_COMPLETED, TrainingCompletedData(job=job, model_id=model_id)
    if job.status is JobStatus.CANCELLED:
        return EventType.TRAINING_CANCELLED, JobData(job=job)
    return EventType.TRAINING_FAILED, TrainingFailedData(job=job, error=error or job.error or "the job failed")


def checked_payload(type_: EventType, data: EventData) -> dict[str, Any]:
    """`data`'s wire form, once it is the payload `type_` carries (a publisher's mistake fails here, loudly)."""
    expected = PAYLOADS[type_]
    if type(data) is not expected:
        raise TypeError(f"a {type_.value} event carries {expected.__name__}, not {type(data).__name__}")
    return data.wire()


def parse_payload(type_: EventType, data: Mapping[str, Any]) -> EventData:
    """Validate received `data` as `type_`'s payload; raises pydantic.ValidationError (a ValueError)."""
    return PAYLOADS[type_].model_validate(data)


# --- the envelope ----------------------------------------------------------------------------------------------


class Event(BaseModel):
    """One event. Durable events have the positive id of their job_events row: replay (`?since=`) serves them
    from SQL and the hub delivers each id once. An event with `id == NOT_DURABLE_ID` (0) was never written to SQL:
    a remote worker published it straight to Redis (fold progress, say). It is delivered live only, never deduped
    (it has no identity) and never replayed by `?since=` (only the short-lived Redis stream keeps it), and it is sent
    to WebSocket clients without an `id` field, like a heartbeat, so a client that resumes with `?since=<last id>`
    keeps the last durable id it saw.

    `data` is the payload's wire form (see PAYLOADS): the hub and the buses carry it without looking inside."""

    id: int = Field(
        ge=NOT_DURABLE_ID,
        description="Monotonic id; pass the last one seen as `?since=` to replay what followed. 0: not durable",
    )
    type: EventType
    job_id: str | None = None
    timestamp: datetime
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def transient(cls, type_: EventType, job_id: str | None, data: EventData) -> Event:
        """An event for the fast path only, from a process that cannot write job_events (a remote worker)."""
        return cls(
            id=NOT_DURABLE_ID, type=type_, job_id=job_id, timestamp=datetime.now(UTC), data=checked_payload(type_, data)
        )

    @property
    def durable(self) -> bool:
        return self.id != NOT_DURABLE_ID

    def wire_json(self) -> str:
        """The JSON a WebSocket client receives: without the placeholder id when the event is not durable, and for
        training_progress with `progress` (percent, 0-100) at the top level too, where the seed's README reads it
        (`data.progress` of the parsed message); `data` keeps it as well."""
        message = self.model_dump(mode="json", exclude={"id"} if not self.durable else None)
        if self.type is EventType.TRAINING_PROGRESS and "progress" in self.data:
            message["progress"] = self.data["progress"]
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


# --- what a WebSocket client receives (schema only: documents wire_json per type) ------------------------------


class _Message(BaseModel):
    id: int | None = Field(
        default=None, description="The durable event's id (pass the last one as `?since=`); absent when not durable"
    )
    job_id: str | None
    timestamp: datetime


class TrainingStartedMessage(_Message):
    type: Literal[EventType.TRAINING_STARTED]
    data: JobData


class TrainingProgressMessage(_Message):
    type: Literal[EventType.TRAINING_PROGRESS]
    data: TrainingProgressData
    progress: float = Field(description="data.progress, at the top level where the seed's README reads it")


class TrainingCompletedMessage(_Message):
    type: Literal[EventType.TRAINING_COMPLETED]
    data: TrainingCompletedData


class TrainingFailedMessage(_Message):
    type: Literal[EventType.TRAINING_FAILED]
    data: TrainingFailedData


class TrainingCancelledMessage(_Message):
    type: Literal[EventType.TRAINING_CANCELLED]
    data: JobData


class WorkerConnectedMessage(_Message):
    type: Literal[EventType.WORKER_CONNECTED]
    data: WorkerData


class WorkerDisconnectedMessage(_Message):
    type: Literal[EventType.WORKER_DISCONNECTED]
    data: WorkerData


class TrialRunningMessage(_Message):
    type: Literal[EventType.TRIAL_RUNNING]
    data: TrialRunningData


class NodeStartedMessage(_Message):
    type: Literal[EventType.NODE_STARTED]
    data: NodeStartedData


class NodeProgressMessage(_Message):
    type: Literal[EventType.NODE_PROGRESS]
    data: NodeProgressData


class NodeCompletedMessage(_Message):
    type: Literal[EventType.NODE_COMPLETED]
    data: NodeFinishedData


class NodeFailedMessage(_Message):
    type: Literal[EventType.NODE_FAILED]
    data: NodeFinishedData


class WorkflowFinishedMessage(_Message):
    type: Literal[EventType.WORKFLOW_FINISHED]
    data: WorkflowFinishedData


class HeartbeatMessage(BaseModel):
    """Sent every few seconds on an idle socket (api/routes/ws.py): no id, no data."""

    type: Literal[EventType.HEARTBEAT]


ServerMessage = Annotated[
    TrainingStartedMessage
    | TrainingProgressMessage
    | TrainingCompletedMessage
    | TrainingFailedMessage
    | TrainingCancelledMessage
    | WorkerConnectedMessage
    | WorkerDisconnectedMessage
    | TrialRunningMessage
    | NodeStartedMessage
    | NodeProgressMessage
    | NodeCompletedMessage
    | NodeFailedMessage
    | WorkflowFinishedMessage
    | HeartbeatMessage,
    Field(discriminator="type"),
]
