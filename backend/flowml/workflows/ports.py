"""Typed ports: what flows along a workflow edge, and the one rule deciding which outputs may feed which inputs.

The canvas refuses a connection the server would refuse, so both ask the same rule (`accepts`), which `GET
/api/nodes` describes through each port's type.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PortType(StrEnum):
    """What a port carries: a whole table, one half of a split, a fitted model, scores, or a chart."""

    TABLE = "table"
    TRAIN = "train"
    TEST = "test"
    MODEL = "model"
    METRICS = "metrics"
    FIGURE = "figure"


class PortSpec(BaseModel):
    """One input or output of a node type; `name` is the React Flow handle id an edge names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="The handle id edges use (sourceHandle for outputs, targetHandle for inputs)")
    type: PortType = Field(description="What the port carries; see `accepts` for which types connect")
    required: bool = Field(default=False, description="An input the node cannot run without (outputs: false)")
    multiple: bool = Field(default=False, description="An input that accepts several edges (outputs: false)")
    description: str = Field(default="", description="Shown next to the handle on the canvas")


# A split half is still a table, so anything that reads a table reads either half; nothing else converts.
_WIDENINGS: frozenset[tuple[PortType, PortType]] = frozenset(
    {(PortType.TABLE, PortType.TRAIN), (PortType.TABLE, PortType.TEST)}
)


def accepts(input_type: PortType, output_type: PortType) -> bool:
    """Whether an output of `output_type` may feed an input of `input_type`."""
    return input_type == output_type or (input_type, output_type) in _WIDENINGS
