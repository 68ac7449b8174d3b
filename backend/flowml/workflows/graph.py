"""A workflow as React Flow's own JSON plus a format version, parsed at the API boundary.

The saved graph is exactly what the canvas holds (`nodes: [{id, type, position, data}]`, `edges: [{id, source,
sourceHandle, target, targetHandle}]`), so the canvas round-trips it without a translation layer. Parsing checks
shape only; whether the graph makes sense (ports, cycles, settings) is `validate.validate`'s job, because drafts
are saved half-built.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flowml.workflows.catalogue import NodeType

# Bumped when the saved JSON changes shape; older graphs are then migrated on load.
GRAPH_FORMAT_VERSION = 1
MAX_NODES = 500
MAX_EDGES = 2000
MAX_ID_LENGTH = 64
# React Flow's generated edge ids join both ends' node and handle ids ("xy-edge__n1out-n2in"), so they run longer.
MAX_EDGE_FIELD_LENGTH = 300


class Position(BaseModel):
    """Where the node sits on the canvas (React Flow's coordinates)."""

    model_config = ConfigDict(extra="forbid")

    x: float
    y: float


class Node(BaseModel):
    """One node. `data["settings"]` holds its settings; anything else in `data` (label, UI state) is the canvas's
    and is kept as-is. React Flow adds its own fields (width, selected, ...); they are dropped, not refused."""

    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    type: NodeType
    position: Position
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def settings(self) -> Any:
        """The raw settings (not yet validated): usually a dict, absent meaning every default."""
        return self.data.get("settings", {})


class Edge(BaseModel):
    """One connection from an output handle to an input handle (React Flow's camelCase names)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_EDGE_FIELD_LENGTH)
    source: str = Field(min_length=1, max_length=MAX_EDGE_FIELD_LENGTH)
    sourceHandle: str = Field(min_length=1, max_length=MAX_EDGE_FIELD_LENGTH)  # React Flow's camelCase name
    target: str = Field(min_length=1, max_length=MAX_EDGE_FIELD_LENGTH)
    targetHandle: str = Field(min_length=1, max_length=MAX_EDGE_FIELD_LENGTH)  # React Flow's camelCase name


class WorkflowGraph(BaseModel):
    """The whole saved graph. Extra top-level keys React Flow's `toObject()` adds (the viewport) are dropped."""

    version: int = Field(default=GRAPH_FORMAT_VERSION, ge=1)
    nodes: list[Node] = Field(default_factory=list, max_length=MAX_NODES)
    edges: list[Edge] = Field(default_factory=list, max_length=MAX_EDGES)
