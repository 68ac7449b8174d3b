"""The event log: every event published is also a row, so `?since=` replay survives restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from flowml.db.types import json_column, time_column, utcnow


class JobEvent(SQLModel, table=True):
    __tablename__ = "job_events"

    id: int | None = Field(default=None, primary_key=True)
    job_id: str | None = Field(default=None, max_length=32, index=True)
    type: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
