"""The event contract: the seed's event names are public (dashboard, scripts, the Redis bus)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


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


# Progress may be coalesced under back-pressure; every other type is a state change and is never dropped.
COALESCIBLE = frozenset({EventType.TRAINING_PROGRESS, EventType.HEARTBEAT, EventType.TRIAL_RUNNING})


# The id of an event that has no row in job_events (see Event).
NOT_DURABLE_ID = 0


class Event(BaseModel):
    """One event. Durable events have the positive id of their job_events row: replay (`?since=`) serves them
    from SQL and the hub delivers each id once. An event with `id == NOT_DURABLE_ID` (0) was never written to SQL:
    a remote worker published it straight to Redis (fold progress, say). It is delivered live only, never deduped
    (it has no identity) and never replayed by `?since=` (only the short-lived Redis stream keeps it), and it is sent
    to WebSocket clients without an `id` field, like a heartbeat, so a client that resumes with `?since=<last id>`
    keeps the last durable id it saw."""

    id: int = Field(
        ge=NOT_DURABLE_ID,
        description="Monotonic id; pass the last one seen as `?since=` to replay what followed. 0: not durable",
    )
    type: EventType
    job_id: str | None = None
    timestamp: datetime
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def transient(cls, type_: EventType, job_id: str | None, data: dict[str, Any]) -> Event:
        """An event for the fast path only, from a process that cannot write job_events (a remote worker)."""
        return cls(id=NOT_DURABLE_ID, type=type_, job_id=job_id, timestamp=datetime.now(UTC), data=data)

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
