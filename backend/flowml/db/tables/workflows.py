"""Workflows: a canvas graph (React Flow's JSON, flowml.workflows.graph) with a name, saved by its owner, and the
graphs it had before, so autosave keeps a version history, and its runs: the graph each ran and every node's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowml.db.types import json_column, new_id, time_column, utcnow


class Workflow(SQLModel, table=True):
    __tablename__ = "workflows"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Unlike datasets (owner_id nullable from before accounts), every workflow has an owner; it goes with them.
    owner_id: str = Field(foreign_key="users.id", max_length=32, index=True, ondelete="CASCADE")
    # The shared project it belongs to; deleting the project makes it private again (as its datasets become).
    project_id: str | None = Field(
        default=None, foreign_key="projects.id", max_length=32, index=True, ondelete="SET NULL"
    )
    name: str = Field(max_length=255)
    description: str = Field(default="", max_length=5000)
    # The graph as saved: WorkflowGraph.model_dump(mode="json"); parsed again on every read.
    graph: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # 1 when created, +1 on every save; the previous graph is then kept in workflow_versions under its number.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False, index=True))


class WorkflowVersion(SQLModel, table=True):
    """An earlier graph of a workflow, as it was at `version` (the newest MAX_KEPT_VERSIONS are kept)."""

    __tablename__ = "workflow_versions"
    __table_args__ = (sa.UniqueConstraint("workflow_id", "version", name="uq_workflow_versions_workflow_version"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workflow_id: str = Field(foreign_key="workflows.id", max_length=32, index=True, ondelete="CASCADE")
    version: int
    graph: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # When this graph was saved (the workflow's updated_at then), not when it was replaced.
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))


class WorkflowRun(SQLModel, table=True):
    """One run of a workflow on the server: the graph it ran (a snapshot: later edits do not change it), the job
    that carries it through the job lifecycle (jobs.kind "workflow"), and each node's state and output summary."""

    __tablename__ = "workflow_runs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workflow_id: str = Field(foreign_key="workflows.id", max_length=32, index=True, ondelete="CASCADE")
    workflow_version: int
    job_id: str = Field(max_length=32, index=True)
    # queued, running, completed, failed, cancelled: the job's status, kept here so a list of runs needs no join.
    status: str = Field(default="queued", sa_type=sa.String(16))
    error: str | None = Field(default=None, max_length=1000)
    graph: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # node id -> NodeRunState (flowml.workflows.execute) as JSON; nodes not reached yet are "queued".
    nodes: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False, index=True))
    started_at: datetime | None = Field(default=None, sa_column=time_column())
    finished_at: datetime | None = Field(default=None, sa_column=time_column())
