"""The state of one node in a workflow run, and of the run: what the runner (flowml.workflows.runner) records, the
REST API answers and the node events carry. In core, below both, so the event schemas need not import the ML stack."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

NodeStatus = Literal["queued", "running", "done", "failed", "cached", "skipped", "cancelled"]
FINISHED_OK: frozenset[str] = frozenset({"done", "cached"})


class NodeState(BaseModel):
    """One node's state in a run, as `GET /api/workflows/{id}/runs/{run_id}` reports it."""

    status: NodeStatus
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cached: bool = False
    error: str | None = Field(default=None, description="One line: why it failed, or which upstream node did")
    outputs: dict[str, Any] = Field(default_factory=dict, description="A JSON summary: rows, scores, chart data")
    progress: float | None = Field(default=None, description="A search's percent done while it runs")
    job_id: str | None = Field(default=None, description="A search model node's job on the server: its trials")


RunStatus = Literal["queued", "running", "completed", "failed", "cancelled"]


class RunSummary(BaseModel):
    """One run of a workflow on the server, without its graph and node states."""

    id: str
    workflow_id: str
    workflow_version: int = Field(description="The workflow's version when it was run: the graph it ran")
    job_id: str = Field(description="The job that carries the run (its events stream on /ws/jobs/{job_id})")
    status: RunStatus
    error: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class RunDetail(RunSummary):
    graph: dict[str, Any] = Field(description="The graph as it was run (later edits do not change it)")
    nodes: dict[str, NodeState] = Field(description="Every node's state by node id; 'queued' until reached")
