"""Machines that run trials. Embedded mode has one row for the local pool; remote workers register with a token."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowml.db.types import EnumString, json_column, new_id, time_column, utcnow


class WorkerPresence(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class WorkerKind(StrEnum):
    LOCAL = "local"  # the orchestrator's own process pool (one row per API process's pool, named "local")
    REMOTE = "remote"  # joined with a token


class WorkerBase(SQLModel):
    name: str = Field(max_length=255)
    hostname: str = Field(max_length=255)
    # Plain string columns (the same VARCHAR(16) as before): a new value needs no enum migration.
    status: WorkerPresence = Field(default=WorkerPresence.ONLINE, sa_type=EnumString(WorkerPresence))
    kind: WorkerKind = Field(default=WorkerKind.LOCAL, sa_type=EnumString(WorkerKind))
    concurrency: int = 1  # trials it runs at once
    version: str | None = Field(default=None, max_length=64)  # the worker's flowml version


class Worker(WorkerBase, table=True):
    __tablename__ = "workers"
    # A remote worker's name is its identity: a restarted worker registers under the same name and keeps its row
    # (and id). Partial, so it cannot clash with the local pool's row, which every API process upserts as "local".
    __table_args__ = (
        sa.Index(
            "uq_workers_remote_name",
            "name",
            unique=True,
            sqlite_where=sa.text("kind = 'remote'"),
            postgresql_where=sa.text("kind = 'remote'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Which join token registered it: revoking that token shuts the worker out at its next heartbeat.
    token_id: str | None = Field(default=None, max_length=32, foreign_key="join_tokens.id", index=True)
    capabilities: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    queues: list[str] = Field(default_factory=list, sa_column=json_column())
    # The worker's latest heartbeat payload (trials it reports, free RAM): for display, not for scheduling.
    last_report: dict[str, Any] | None = Field(default=None, sa_column=json_column(nullable=True))
    registered_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    last_heartbeat: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    # The worker's own Redis user (cluster/redis_acl.py) and its password's SHA-256, the form Redis takes it in:
    # enough to create the user again after a Redis restart, never the password. NULL: the worker has no user of its
    # own (a Redis without ACLs: it got the master's URLs).
    redis_user: str | None = Field(default=None, max_length=64)
    redis_password_sha256: str | None = Field(default=None, max_length=64)


class WorkerPublic(WorkerBase):
    id: str
    capabilities: dict[str, Any]
    queues: list[str]
    registered_at: datetime
    last_heartbeat: datetime
