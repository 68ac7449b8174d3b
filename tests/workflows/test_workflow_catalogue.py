"""The node catalogue: seven node types, their typed ports, and settings schemas built from the live registry
(plugins included) with each algorithm's space and defaults, so the canvas can build its forms."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from flowml.engine.metrics import METRICS
from flowml.workflows import NodeType, PortType, catalogue, node_spec, ports, settings_model
from flowml.workflows.catalogue import ModelSettings, SplitSettings
from tests.workflows.workflow_graphs import builtins, example_plugin

# (name, type, required, multiple) per input and (name, type) per output, as the design fixes them.
EXPECTED_PORTS: dict[NodeType, tuple[list[tuple[str, PortType, bool, bool]], list[tuple[str, PortType]]]] = {
    NodeType.DATASET: ([], [("table", PortType.TABLE)]),
    NodeType.SPLIT: ([("table", PortType.TABLE, True, False)], [("train", PortType.TRAIN), ("test", PortType.TEST)]),
    NodeType.PREPROCESSING: (
        [("train", PortType.TRAIN, True, False), ("test", PortType.TEST, False, False)],
        [("train", PortType.TRAIN), ("test", PortType.TEST)],
    ),
    NodeType.MODEL: ([("train", PortType.TRAIN, True, False)], [("model", PortType.MODEL)]),
    NodeType.EVALUATION: (
        [("model", PortType.MODEL, True, True), ("test", PortType.TEST, True, False)],
        [("metrics", PortType.METRICS)],
    ),
    NodeType.VISUALIZATION: (
        [("model", PortType.MODEL, True, False), ("test", PortType.TEST, False, False)],
        [("figure", PortType.FIGURE)],
    ),
    NodeType.DEPLOY: ([("model", PortType.MODEL, True, False)], []),
}


def test_the_catalogue_lists_the_seven_node_types_with_their_ports() -> None:
    registry, steps = builtins()
    specs = catalogue(registry, steps)
    assert [spec.type for spec in specs] == list(NodeType) == list(EXPECTED_PORTS)
    for spec in specs:
        inputs, outputs = EXPECTED_PORTS[spec.type]
        assert [(p.name, p.type, p.required, p.multiple) for p in spec.inputs] == inputs, spec.type
        assert [(p.name, p.type) for p in spec.outputs] == outputs, spec.type
        assert not any(p.required or p.multiple for p in spec.outputs)
        assert (spec.inputs, spec.outputs) == ports(spec.type)
        assert spec.label and spec.description and spec.settings_schema["type"] == "object"
        assert spec == node_spec(spec.type, registry, steps)


def test_every_setting_has_a_description_and_a_misspelt_one_is_refused() -> None:
    for node_type in NodeType:
        model = settings_model(node_type)
        for name, field in model.model_fields.items():
            assert field.description, f"{node_type}.{name}"
        with pytest.raises(ValidationError):
            model.model_validate({"no_such_setting": 1})


def test_defaults_follow_the_issue() -> None:
    split = SplitSettings()
    assert (split.test_size, split.stratify, split.seed, split.mode) == (0.2, True, 42, "random")
    for node_type in NodeType:
        if node_type is not NodeType.VISUALIZATION:  # the chart kind has no sensible default: it is chosen
            settings_model(node_type).model_validate({})
    with pytest.raises(ValidationError):
        settings_model(NodeType.VISUALIZATION).model_validate({})
    assert ModelSettings().mode == "automl"
    with pytest.raises(ValidationError):
        SplitSettings(test_size=0.99)


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def test_schemas_come_from_the_live_registry_so_plugins_appear() -> None:
    with example_plugin() as (registry, steps):
        specs = {spec.type: spec.settings_schema for spec in catalogue(registry, steps)}
    model = specs[NodeType.MODEL]
    algorithm_enum = next(v["enum"] for v in model["properties"]["algorithm"]["anyOf"] if v.get("type") == "string")
    assert algorithm_enum == registry.names()
    assert {"random_features", "logistic_regression", "kmeans"} <= set(algorithm_enum)
    searched = next(v for v in model["properties"]["algorithms"]["anyOf"] if v.get("type") == "array")
    assert searched["items"]["enum"] == registry.names()
    # Each algorithm's space and defaults, per task, so a form is generated with the defaults filled in.
    algorithms = _by_name(model["x-flowml-algorithms"])
    plugin = algorithms["random_features"]
    assert plugin["origin"] == {"source": "plugin", "package": "flowml-plugin-example", "version": "0.1.0"}
    assert plugin["defaults"]["binary"] == {"n_components": 200, "gamma": 0.1, "C": 1.0}
    assert plugin["space"]["binary"]["params"]["C"]["kind"] == "float"
    assert algorithms["logistic_regression"]["origin"]["source"] == "builtin"
    assert set(algorithms["kmeans"]["tasks"]) == {"clustering"}
    metric_names = [m.name for m in METRICS]
    assert next(v for v in model["properties"]["metric"]["anyOf"] if v.get("type") == "string")["enum"] == metric_names
    evaluation = specs[NodeType.EVALUATION]
    listed = next(v for v in evaluation["properties"]["metrics"]["anyOf"] if v.get("type") == "array")
    assert listed["items"]["enum"] == metric_names
    assert _by_name(evaluation["x-flowml-metrics"])["silhouette"]["tasks"] == ["clustering"]
    preprocessing = specs[NodeType.PREPROCESSING]
    assert preprocessing["$defs"]["StepSettings"]["properties"]["name"]["enum"] == [
        "pca",
        "select_percentile",
        "quantile_clip",
    ]
    assert _by_name(preprocessing["x-flowml-preprocessors"])["quantile_clip"]["origin"]["source"] == "plugin"
    visualization = specs[NodeType.VISUALIZATION]
    assert "roc" in visualization["properties"]["kind"]["enum"]
    assert visualization["required"] == ["kind"]


def test_without_the_plugin_its_names_are_absent() -> None:
    registry, steps = builtins()
    model = node_spec(NodeType.MODEL, registry, steps).settings_schema
    assert "random_features" not in {a["name"] for a in model["x-flowml-algorithms"]}
    preprocessing = node_spec(NodeType.PREPROCESSING, registry, steps).settings_schema
    assert "quantile_clip" not in preprocessing["$defs"]["StepSettings"]["properties"]["name"]["enum"]


def test_only_the_dataset_file_path_is_marked_local_only() -> None:
    """The canvas leaves out settings marked x-flowml-local-only: a server reads uploads, never a path it is sent."""
    marked = {
        (spec.type, name)
        for spec in catalogue(*builtins())
        for name, field in spec.settings_schema.get("properties", {}).items()
        if field.get("x-flowml-local-only") is True
    }
    assert marked == {(NodeType.DATASET, "path")}
