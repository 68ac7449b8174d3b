"""The event contract: the seed's event names are public (dashboard, scripts, the Redis bus later)."""

from __future__ import annotations

from datetime import datetime
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


# Progress may be coalesced under back-pressure; every other type is a state change and is never dropped.
COALESCIBLE = frozenset({EventType.TRAINING_PROGRESS, EventType.HEARTBEAT})


class Event(BaseModel):
    id: int = Field(description="Monotonic id; pass the last one seen as `?since=` to replay what followed")
    type: EventType
    job_id: str | None = None
    timestamp: datetime
    data: dict[str, Any] = Field(default_factory=dict)
