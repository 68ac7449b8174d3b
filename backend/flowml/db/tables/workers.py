"""Machines that run trials. Embedded mode has one row for the local pool; the cluster issue adds remote ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from flowml.db.types import json_column, new_id, time_column, utcnow


class WorkerBase(SQLModel):
    name: str = Field(max_length=255)
    hostname: str = Field(max_length=255)
    status: str = Field(default="online", max_length=16)  # online | offline
    kind: str = Field(default="local", max_length=16)  # local | remote


class Worker(WorkerBase, table=True):
    __tablename__ = "workers"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    capabilities: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    queues: list[str] = Field(default_factory=list, sa_column=json_column())
    registered_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    last_heartbeat: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))


class WorkerPublic(WorkerBase):
    id: str
    capabilities: dict[str, Any]
    queues: list[str]
    registered_at: datetime
    last_heartbeat: datetime
