"""Workflows as files: JSON (the canvas's own export) or YAML (easier to write and review by hand).

Both hold the same graph as the REST API. A hand-written file may leave out what only the canvas needs: a node
without a `position` is placed left to right in the order listed, and an edge without an `id` gets one made of its
ends. A Dataset node's `path` is relative to the file's folder; `execute` is given that folder as `base_dir`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from flowml.core.errors import InvalidInputError
from flowml.workflows.graph import WorkflowGraph

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
NODE_SPACING = 220.0  # canvas units between nodes placed by `load_workflow`
MAX_FILE_BYTES = 10 * 1024 * 1024  # a 500-node graph is well under 1 MB


def load_workflow(path: Path) -> WorkflowGraph:
    """The graph in `path` (.json, .yaml or .yml), parsed; InvalidInputError saying what is wrong otherwise."""
    if not path.is_file():
        raise InvalidInputError(f"file not found: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInputError(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return parse_workflow(path.read_text(encoding="utf-8"), _format(path), name=path.name)


def parse_workflow(text: str, fmt: str, *, name: str = "workflow") -> WorkflowGraph:
    """`text` as a graph; `fmt` is "json" or "yaml"."""
    try:
        # safe_load: a workflow file builds plain data only, never Python objects.
        raw = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{name} is not valid {fmt.upper()}: {_first_line(exc)}") from None
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{name} must hold an object with nodes and edges")
    try:
        return WorkflowGraph.model_validate(_filled(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)[:5]
        )
        raise InvalidInputError(f"{name} is not a workflow graph: {problems}") from None


def dump_workflow(graph: WorkflowGraph, fmt: str) -> str:
    """The graph as JSON or YAML text; `parse_workflow` reads it back to an equal graph."""
    data = graph.model_dump(mode="json")
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_workflow(graph: WorkflowGraph, path: Path) -> Path:
    """Write the graph to `path`, as YAML or JSON by its suffix."""
    path.write_text(dump_workflow(graph, _format(path)), encoding="utf-8")
    return path


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in JSON_SUFFIXES:
        return "json"
    raise InvalidInputError(f"{path.name}: a workflow file ends in .json, .yaml or .yml")


def _filled(raw: dict[str, Any]) -> dict[str, Any]:
    """Positions and edge ids a hand-written file left out (the canvas always writes them)."""
    nodes = raw.get("nodes")
    edges = raw.get("edges")
    out = dict(raw)
    if isinstance(nodes, list):
        out["nodes"] = [
            {"position": {"x": index * NODE_SPACING, "y": 0.0}, **node} if isinstance(node, dict) else node
            for index, node in enumerate(nodes)
        ]
    if isinstance(edges, list):
        out["edges"] = [
            {"id": _edge_id(edge), **edge} if isinstance(edge, dict) and "id" not in edge else edge for edge in edges
        ]
    return out


def _edge_id(edge: dict[str, Any]) -> str:
    ends = (edge.get(k) for k in ("source", "sourceHandle", "target", "targetHandle"))
    return "{}.{}->{}.{}".format(*ends)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
