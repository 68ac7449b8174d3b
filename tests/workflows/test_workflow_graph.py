"""The saved graph is React Flow's JSON plus a version: what parses, what is kept, what is refused; and the one rule
for which port types connect."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pydantic import ValidationError

from flowml.workflows import GRAPH_FORMAT_VERSION, NodeType, PortType, WorkflowGraph, accepts
from tests.workflows.workflow_graphs import edge, node, titanic_graph


def test_parses_the_canvas_json_and_keeps_what_the_canvas_owns() -> None:
    graph = WorkflowGraph.model_validate(titanic_graph())
    assert graph.version == GRAPH_FORMAT_VERSION == 1
    assert [n.type for n in graph.nodes] == [
        NodeType.DATASET,
        NodeType.SPLIT,
        NodeType.PREPROCESSING,
        NodeType.MODEL,
        NodeType.MODEL,
        NodeType.EVALUATION,
        NodeType.VISUALIZATION,
    ]
    data = graph.nodes[0]
    assert data.data == {"label": "Titanic", "settings": {"dataset_id": "ds-titanic", "target": "survived"}}
    assert data.settings == {"dataset_id": "ds-titanic", "target": "survived"}
    dumped = graph.model_dump(mode="json")
    # React Flow's own node fields (width, selected) are not the workflow's: dropped, not refused.
    assert set(dumped["nodes"][0]) == {"id", "type", "position", "data"}
    # The edge keeps React Flow's camelCase names, so the canvas reads back what it saved.
    assert dumped["edges"][0] == {
        "id": "xy-edge__datatable-splittable",
        "source": "data",
        "sourceHandle": "table",
        "target": "split",
        "targetHandle": "table",
    }
    assert WorkflowGraph.model_validate(dumped) == graph


def test_an_empty_graph_and_a_node_without_data_parse() -> None:
    assert WorkflowGraph.model_validate({}).nodes == []
    graph = WorkflowGraph.model_validate({"nodes": [{"id": "a", "type": "split", "position": {"x": 0, "y": 0}}]})
    assert graph.nodes[0].data == {}
    assert graph.nodes[0].settings == {}


def _broken(change: str) -> dict[str, Any]:
    graph = titanic_graph()
    if change == "edge_extra":
        graph["edges"][0]["animated"] = True
    elif change == "position_extra":
        graph["nodes"][0]["position"]["z"] = 1
    elif change == "version_zero":
        graph["version"] = 0
    elif change == "unknown_type":
        graph["nodes"][0]["type"] = "sql_query"
    elif change == "empty_id":
        graph["nodes"][0]["id"] = ""
    elif change == "long_id":
        graph["nodes"][0]["id"] = "n" * 65
    elif change == "no_handle":
        del graph["edges"][0]["sourceHandle"]
    elif change == "snake_case_handle":
        graph["edges"][0]["target_handle"] = graph["edges"][0].pop("targetHandle")
    elif change == "too_many_nodes":
        graph["nodes"] = [node(f"n{i}", "split") for i in range(501)]
    elif change == "too_many_edges":
        graph["edges"] = [edge("a", "train", "b", "train", f"e{i}") for i in range(2001)]
    elif change == "data_not_object":
        graph["nodes"][0]["data"] = ["settings"]
    return graph


@pytest.mark.parametrize(
    "change",
    [
        "edge_extra",
        "position_extra",
        "version_zero",
        "unknown_type",
        "empty_id",
        "long_id",
        "no_handle",
        "snake_case_handle",
        "too_many_nodes",
        "too_many_edges",
        "data_not_object",
    ],
)
def test_a_malformed_graph_is_refused(change: str) -> None:
    with pytest.raises(ValidationError):
        WorkflowGraph.model_validate(_broken(change))


def test_the_limits_themselves_parse() -> None:
    graph = {
        "nodes": [node(f"n{i}", "split") for i in range(500)],
        "edges": [edge("a", "train", "b", "train", f"e{i}") for i in range(2000)],
    }
    parsed = WorkflowGraph.model_validate(graph)
    assert (len(parsed.nodes), len(parsed.edges)) == (500, 2000)


ALLOWED = {(t, t) for t in PortType} | {(PortType.TABLE, PortType.TRAIN), (PortType.TABLE, PortType.TEST)}


@pytest.mark.parametrize(("input_type", "output_type"), list(itertools.product(PortType, PortType)))
def test_equal_types_connect_and_a_split_half_feeds_a_table(input_type: PortType, output_type: PortType) -> None:
    assert accepts(input_type, output_type) is ((input_type, output_type) in ALLOWED)


def test_the_issue_examples_of_refused_connections() -> None:
    assert not accepts(PortType.TABLE, PortType.MODEL)  # the issue's Playwright case
    assert not accepts(PortType.TRAIN, PortType.TABLE)  # a whole table is not a training half
    assert not accepts(PortType.TRAIN, PortType.TEST)  # never fit on the test rows
