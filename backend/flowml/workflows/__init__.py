"""Workflows: the graph model, the node catalogue and validation (pure; no database or HTTP here)."""

from flowml.workflows.catalogue import NodeSpec, NodeType, catalogue, node_spec, ports, settings_model
from flowml.workflows.graph import GRAPH_FORMAT_VERSION, Edge, Node, Position, WorkflowGraph
from flowml.workflows.ports import PortSpec, PortType, accepts
from flowml.workflows.validate import DatasetFacts, LocatedError, validate

__all__ = [
    "GRAPH_FORMAT_VERSION",
    "DatasetFacts",
    "Edge",
    "LocatedError",
    "Node",
    "NodeSpec",
    "NodeType",
    "PortSpec",
    "PortType",
    "Position",
    "WorkflowGraph",
    "accepts",
    "catalogue",
    "node_spec",
    "ports",
    "settings_model",
    "validate",
]
