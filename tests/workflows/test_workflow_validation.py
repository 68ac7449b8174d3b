"""Validation finds every problem of a graph at once, each on its node and settings field, in a stable order; a
valid titanic pipeline passes; one mistake gives one error (no cascade onto what depends on it)."""

from __future__ import annotations

from typing import Any

from flowml.engine.registry import Registry
from flowml.workflows import LocatedError, WorkflowGraph, validate
from tests.workflows.workflow_graphs import (
    TITANIC_ID,
    ColumnsByDataset,
    builtins,
    edge,
    example_plugin,
    node,
    titanic_columns,
    titanic_facts,
    titanic_graph,
)

Found = list[tuple[str | None, str | None, str]]


def check(graph: dict[str, Any], facts: ColumnsByDataset | None = None, registry: Registry | None = None) -> Found:
    """(node_id, field, message) of every error, in the order validation gives them."""
    builtin, steps = builtins()
    errors = validate(
        WorkflowGraph.model_validate(graph), registry or builtin, facts or titanic_facts(), preprocessors=steps
    )
    assert all(isinstance(error, LocatedError) for error in errors)
    return [(error.node_id, error.field, error.message) for error in errors]


def located(found: Found) -> list[tuple[str | None, str | None]]:
    return [(node_id, field) for node_id, field, _ in found]


def settings_of(graph: dict[str, Any], node_id: str) -> dict[str, Any]:
    settings: dict[str, Any] = next(n for n in graph["nodes"] if n["id"] == node_id)["data"]["settings"]
    return settings


def drop_edge(graph: dict[str, Any], source: str, target: str, target_handle: str) -> None:
    graph["edges"] = [
        e for e in graph["edges"] if (e["source"], e["target"], e["targetHandle"]) != (source, target, target_handle)
    ]


def test_the_titanic_pipeline_is_valid_and_each_dataset_is_looked_up_once() -> None:
    facts = titanic_facts()
    assert check(titanic_graph(), facts) == []
    assert facts.asked == [TITANIC_ID]


def test_a_plugin_algorithm_is_valid_with_the_plugin_and_unknown_without_it() -> None:
    graph = titanic_graph()
    settings_of(graph, "logreg").update(algorithm="random_features", params={"gamma": 0.5})
    with example_plugin() as (registry, _):
        assert check(graph, registry=registry) == []
    assert located(check(graph)) == [("logreg", "algorithm")]


def test_duplicate_node_and_edge_ids() -> None:
    graph = titanic_graph()
    graph["nodes"].append(node("roc", "deploy"))
    graph["edges"].append(edge("logreg", "model", "eval", "model", edge_id=graph["edges"][0]["id"]))
    found = check(graph)
    assert found[:2] == [
        ("roc", None, "two nodes share the id 'roc'; each node needs its own"),
        (None, None, "two edges share the id 'xy-edge__datatable-splittable'; each edge needs its own"),
    ]


def test_edges_naming_missing_nodes_or_handles() -> None:
    graph = titanic_graph()
    graph["edges"] += [
        edge("ghost", "model", "eval", "model", "e-ghost"),
        edge("split", "validation", "logreg", "train", "e-out"),
        edge("split", "train", "logreg", "features", "e-in"),
    ]
    found = check(graph)
    assert found == [
        ("eval", None, "edge 'e-ghost' connects a node that does not exist: 'ghost'"),
        ("split", None, "edge 'e-out': split 'split' has no output 'validation' (its outputs: train, test)"),
        ("logreg", None, "edge 'e-in': model 'logreg' has no input 'features' (its inputs: train)"),
    ]


def test_a_model_output_into_a_table_input_is_refused_and_nothing_else_is_said() -> None:
    graph = titanic_graph()
    graph["nodes"].append(node("other", "model", {"mode": "single", "algorithm": "ridge"}))
    graph["edges"] += [edge("prep", "train", "other", "train"), edge("other", "model", "split", "table")]
    drop_edge(graph, "data", "split", "table")
    assert check(graph) == [("split", None, "a model output cannot feed the table input of split 'split'")]


def test_every_node_on_a_cycle_is_reported() -> None:
    graph = titanic_graph()
    graph["nodes"] += [node("p2", "preprocessing", {}), node("p3", "preprocessing", {}), node("p4", "preprocessing")]
    graph["edges"] += [
        edge("p2", "train", "p3", "train"),
        edge("p3", "train", "p2", "train"),
        edge("p4", "train", "p4", "train"),
    ]
    found = check(graph)
    assert located(found) == [("p2", None), ("p3", None), ("p4", None)]
    assert all("cycle" in message for _, _, message in found)


def test_a_required_input_unconnected_and_a_single_input_with_two_edges() -> None:
    graph = titanic_graph()
    drop_edge(graph, "split", "prep", "train")
    graph["edges"].append(edge("automl", "model", "roc", "model"))
    assert check(graph) == [
        ("prep", None, "preprocessing 'prep' needs its train input connected"),
        ("roc", None, "the model input of visualization 'roc' takes one connection; it has 2"),
    ]


def test_the_same_connection_twice_is_refused_even_on_a_multiple_input() -> None:
    graph = titanic_graph()
    graph["edges"].append(edge("logreg", "model", "eval", "model", "again"))
    assert check(graph) == [("eval", None, "edge 'again' repeats a connection already made to evaluation 'eval'")]


def test_invalid_settings_are_located_by_dotted_path_without_echoing_the_value() -> None:
    graph = titanic_graph()
    settings_of(graph, "split").update(test_size=2, seed="SECRET-VALUE")
    settings_of(graph, "prep")["steps"] = [{"params": {"n_components": 3}}]
    settings_of(graph, "roc")["kind"] = "pie_chart"
    graph["nodes"][2]["data"]["settings"]["typo_setting"] = "SECRET-VALUE"
    found = check(graph)
    assert located(found) == [
        ("split", "test_size"),
        ("split", "seed"),
        ("prep", "steps.0.name"),
        ("prep", "typo_setting"),
        ("roc", "kind"),
    ]
    assert found[0][2] == "split 'split': test_size: Input should be less than or equal to 0.95"
    assert not any("SECRET-VALUE" in message or "pie_chart" in message for _, _, message in found)


def test_settings_that_are_not_an_object() -> None:
    graph = titanic_graph()
    graph["nodes"][1]["data"]["settings"] = [0.2]
    assert check(graph) == [("split", None, "the settings of split 'split' must be an object")]


def test_unknown_algorithms_metrics_and_preprocessors_with_suggestions() -> None:
    graph = titanic_graph()
    settings_of(graph, "logreg")["algorithm"] = "logistic_regresion"
    settings_of(graph, "automl").update(algorithms=["lightgbm", "xgbost"], metric="roc_aux")
    settings_of(graph, "eval")["metrics"] = ["accuracy", "f1_scor"]
    settings_of(graph, "prep")["steps"] = [{"name": "pcaa"}]
    found = check(graph)
    assert found == [
        ("prep", "steps.0.name", "unknown preprocessor 'pcaa'; did you mean 'pca'?"),
        ("logreg", "algorithm", "unknown algorithm 'logistic_regresion'; did you mean 'logistic_regression'?"),
        ("automl", "algorithms.1", "unknown algorithm 'xgbost'; did you mean 'xgboost'?"),
        ("automl", "metric", "unknown metric 'roc_aux'; did you mean 'roc_auc' or 'roc_auc_ovr'?"),
        ("eval", "metrics.1", "unknown metric 'f1_scor'; did you mean 'f1_macro'?"),
    ]


def test_algorithm_parameters_and_mode_rules() -> None:
    graph = titanic_graph()
    settings_of(graph, "logreg")["params"] = {"C": 1e9, "max_depth": 3}
    settings_of(graph, "automl").update(algorithms=["kmeans"], metric="silhouette")
    settings_of(graph, "prep")["steps"] = [{"name": "pca", "params": {"n_components": -4}}]
    graph["nodes"].append(node("lone", "model", {"mode": "single"}))
    graph["edges"].append(edge("prep", "train", "lone", "train"))
    found = check(graph)
    assert located(found) == [
        ("prep", "steps.0.params"),
        ("logreg", "params"),
        ("logreg", "params"),
        ("automl", "algorithms.0"),
        ("automl", "metric"),
        ("lone", "algorithm"),
    ]
    assert "'max_depth' is not one of its parameters" in found[1][2]
    assert found[2][2] == "Logistic Regression: C must be a number from 0.001 to 100.0"
    assert found[3][2] == "algorithm 'kmeans' cannot be used in a supervised (single or automl) model"
    assert found[4][2] == "metric 'silhouette' does not score supervised models"
    assert found[5][2] == "model 'lone': choose an algorithm"


def test_dataset_missing_invisible_and_a_target_that_is_not_a_column() -> None:
    graph = titanic_graph()
    settings_of(graph, "data")["target"] = "Survived"
    found = check(graph)
    assert found == [("data", "target", "target 'Survived' is not a column of the dataset; did you mean 'survived'?")]

    settings_of(graph, "data")["dataset_id"] = "ds-someone-elses"
    assert check(graph) == [("data", "dataset_id", "no dataset with id 'ds-someone-elses'")]

    settings_of(graph, "data")["dataset_id"] = None
    assert check(graph) == [("data", "dataset_id", "dataset 'data': choose a dataset")]


def test_columns_named_in_split_and_preprocessing_must_exist_upstream() -> None:
    graph = titanic_graph()
    settings_of(graph, "split").update(mode="group", group_column="cabn")
    settings_of(graph, "prep").update(columns=["age", "fare", "sexx"], drop=["survived"])
    found = check(graph)
    assert found == [
        ("split", "group_column", "group column 'cabn' is not a column of the dataset; did you mean 'cabin'?"),
        ("prep", "columns.2", "column 'sexx' is not a column of the dataset; did you mean 'sex'?"),
        ("prep", "drop.0", "preprocessing 'prep' drops the target 'survived'"),
    ]


def test_a_column_dropped_upstream_is_gone_downstream() -> None:
    graph = titanic_graph()
    graph["nodes"].append(node("prep2", "preprocessing", {"drop": ["name"]}))
    graph["edges"] += [edge("prep", "train", "prep2", "train"), edge("prep", "test", "prep2", "test")]
    assert check(graph) == [("prep2", "drop.0", "column 'name' is not a column of the dataset")]


def test_a_time_or_group_split_needs_its_column() -> None:
    graph = titanic_graph()
    settings_of(graph, "split")["mode"] = "time"
    assert check(graph) == [("split", "order_column", "split 'split': a time split needs an order column")]
    settings_of(graph, "split")["mode"] = "group"
    assert check(graph) == [("split", "group_column", "split 'split': a group split needs a group column")]


def test_evaluation_without_a_split_upstream() -> None:
    graph = {
        "nodes": [node("m", "model", {"mode": "single", "algorithm": "ridge"}), node("ev", "evaluation", {})],
        "edges": [edge("m", "model", "ev", "model")],
    }
    assert check(graph) == [
        ("m", None, "model 'm' needs its train input connected"),
        ("ev", None, "evaluation 'ev' needs its test input connected"),
        ("ev", None, "evaluation 'ev' needs a train/test split upstream: it scores on held-out rows"),
    ]


def test_inputs_from_two_datasets_are_refused() -> None:
    graph = titanic_graph()
    graph["nodes"] += [node("data2", "dataset", {"dataset_id": "ds-b", "target": "y"}), node("split2", "split", {})]
    graph["edges"] += [edge("data2", "table", "split2", "table"), edge("split2", "test", "roc", "test")]
    drop_edge(graph, "prep", "roc", "test")
    facts = ColumnsByDataset({TITANIC_ID: titanic_columns(), "ds-b": ["x", "y"]})
    assert check(graph, facts) == [
        ("roc", None, "the inputs of visualization 'roc' come from different datasets ('data', 'data2')")
    ]


def test_a_supervised_model_needs_a_target_and_a_clustering_one_does_not() -> None:
    graph = titanic_graph()
    settings_of(graph, "data")["target"] = None
    settings_of(graph, "split")["stratify"] = False
    found = check(graph)
    assert found == [
        ("logreg", None, "model 'logreg' needs a target: choose one on dataset 'data'"),
        ("automl", None, "model 'automl' needs a target: choose one on dataset 'data'"),
    ]
    settings_of(graph, "logreg").update(mode="clustering", algorithms=["kmeans"], metric="silhouette")
    settings_of(graph, "automl").update(mode="clustering", metric=None)
    settings_of(graph, "eval")["metrics"] = ["silhouette", "davies_bouldin"]
    settings_of(graph, "roc")["kind"] = "cluster_scatter"
    assert check(graph) == []


def test_charts_and_metrics_must_suit_the_models_mode() -> None:
    graph = titanic_graph()
    settings_of(graph, "eval")["metrics"] = ["accuracy", "silhouette"]
    settings_of(graph, "roc")["kind"] = "learning_curve"  # logreg is one fit: no trials to draw
    graph["nodes"] += [
        node("clusters", "model", {"mode": "clustering"}),
        node("scatter", "visualization", {"kind": "cluster_scatter"}),
        node("cm", "visualization", {"kind": "confusion_matrix"}),
        node("mixed", "evaluation", {}),
    ]
    graph["edges"] += [
        edge("prep", "train", "clusters", "train"),
        edge("automl", "model", "scatter", "model"),
        edge("prep", "test", "scatter", "test"),
        edge("clusters", "model", "cm", "model"),
        edge("clusters", "model", "mixed", "model"),
        edge("logreg", "model", "mixed", "model"),
        edge("prep", "test", "mixed", "test"),
    ]
    found = check(graph)
    assert found == [
        ("eval", "metrics.1", "metric 'silhouette' does not score supervised models"),
        ("roc", "kind", "a learning_curve chart needs a search (automl or clustering mode)"),
        ("scatter", "kind", "a cluster_scatter chart needs a clustering model"),
        ("cm", "kind", "a confusion_matrix chart needs the test input connected"),
        ("cm", "kind", "a confusion_matrix chart needs a supervised model, not a clustering one"),
        ("mixed", None, "evaluation 'mixed' cannot compare clustering models with supervised ones"),
    ]


def test_every_problem_is_found_in_one_pass_and_the_order_is_stable() -> None:
    graph = titanic_graph()
    graph["nodes"].append(node("data", "dataset"))
    settings_of(graph, "split")["test_size"] = 0
    settings_of(graph, "logreg")["algorithm"] = "nope"
    graph["edges"].append(edge("eval", "metrics", "roc", "model"))
    first = check(graph)
    assert located(first) == [("data", None), ("roc", None), ("split", "test_size"), ("logreg", "algorithm")]
    assert check(graph) == first


def hundred_node_graph() -> dict[str, Any]:
    """A dataset, a split, 20 chained preprocessing nodes, and 25 models each with a chart and a deployment,
    compared by 3 evaluations: 100 nodes, 219 edges."""
    nodes = [
        node("data", "dataset", {"dataset_id": TITANIC_ID, "target": "survived"}),
        node("split", "split", {"seed": 1}),
    ]
    edges = [edge("data", "table", "split", "table")]
    previous = "split"
    for i in range(20):
        nodes.append(node(f"prep{i}", "preprocessing", {"drop": ["name"]} if i == 0 else {}))
        edges += [edge(previous, "train", f"prep{i}", "train"), edge(previous, "test", f"prep{i}", "test")]
        previous = f"prep{i}"
    algorithms = ["logistic_regression", "random_forest", "extra_trees", "decision_tree", "knn"]
    for i in range(25):
        nodes += [
            node(f"m{i}", "model", {"mode": "single", "algorithm": algorithms[i % 5]}),
            node(f"v{i}", "visualization", {"kind": "confusion_matrix"}),
            node(f"d{i}", "deploy", {"name": f"model {i}"}),
        ]
        edges += [
            edge(previous, "train", f"m{i}", "train"),
            edge(f"m{i}", "model", f"v{i}", "model"),
            edge(previous, "test", f"v{i}", "test"),
            edge(f"m{i}", "model", f"d{i}", "model"),
        ]
    for j in range(3):
        nodes.append(node(f"ev{j}", "evaluation", {"metrics": ["accuracy"]}))
        edges += [edge(f"m{i}", "model", f"ev{j}", "model") for i in range(25)]
        edges.append(edge(previous, "test", f"ev{j}", "test"))
    return {"nodes": nodes, "edges": edges}


def test_a_hundred_node_graph_validates_and_one_error_deep_inside_is_found() -> None:
    graph = hundred_node_graph()
    assert (len(graph["nodes"]), len(graph["edges"])) == (100, 219)
    assert check(graph) == []
    settings_of(graph, "prep7")["columns"] = ["name", "age"]  # prep0 dropped name already
    assert check(graph) == [("prep7", "columns.0", "column 'name' is not a column of the dataset")]
