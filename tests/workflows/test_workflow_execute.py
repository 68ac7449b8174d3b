"""Running a workflow locally (flowml/workflows/execute.py) on the real titanic fixture: node order, the comparison
table, caching by content hash, failures that stop only their dependents, and preprocessing fitted on the training
rows alone."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from flowml.workflows.execute import WorkflowInvalidError, execute
from flowml.workflows.graph import WorkflowGraph
from tests.workflows.workflow_graphs import TITANIC, edge, node

BASE = TITANIC.parent  # dataset paths below are relative to it, as a workflow file's are to its folder
MODELS_SEED = 11


def _graph(*, automl: bool = False, c: float = 1.0) -> dict[str, Any]:
    """Dataset -> Split -> Preprocessing -> {logistic regression, a tree or AutoML} -> Evaluation, plus a ROC."""
    second = (
        node(
            "second",
            "model",
            {"mode": "automl", "time_budget_s": 8, "algorithms": ["logistic_regression", "naive_bayes"]},
        )
        if automl
        else node("second", "model", {"mode": "single", "algorithm": "decision_tree", "params": {"max_depth": 4}})
    )
    return {
        "version": 1,
        "nodes": [
            node("data", "dataset", {"path": TITANIC.name, "target": "survived"}),
            node("split", "split", {"test_size": 0.2, "seed": MODELS_SEED}),
            node("prep", "preprocessing", {"drop": ["name", "ticket", "cabin"]}),
            node("logreg", "model", {"mode": "single", "algorithm": "logistic_regression", "params": {"C": c}}),
            second,
            node("eval", "evaluation", {"metrics": ["roc_auc", "accuracy"]}),
            node("roc", "visualization", {"kind": "roc"}),
        ],
        "edges": [
            edge("data", "table", "split", "table"),
            edge("split", "train", "prep", "train"),
            edge("split", "test", "prep", "test"),
            edge("prep", "train", "logreg", "train"),
            edge("prep", "train", "second", "train"),
            edge("logreg", "model", "eval", "model"),
            edge("second", "model", "eval", "model"),
            edge("prep", "test", "eval", "test"),
            edge("logreg", "model", "roc", "model"),
            edge("prep", "test", "roc", "test"),
        ],
    }


def _run(graph: dict[str, Any], cache: Path | None = None) -> Any:
    return execute(WorkflowGraph.model_validate(graph), base_dir=BASE, cache_dir=cache, workers=1)


def _statuses(result: Any) -> dict[str, str]:
    return {node_id: state.status for node_id, state in result.nodes.items()}


def test_runs_in_dependency_order_and_compares_the_models() -> None:
    result = _run(_graph())
    assert list(result.nodes) == ["data", "split", "prep", "logreg", "second", "eval", "roc"]
    assert set(_statuses(result).values()) == {"done"}
    table = result.evaluations()["eval"]
    assert [row["node_id"] for row in table] == ["logreg", "second"]
    for row in table:
        assert 0.6 < row["roc_auc"] <= 1.0
        assert 0.6 < row["accuracy"] <= 1.0
    # scikit-learn rounds the test share up
    assert result.nodes["split"].outputs["test"]["rows"] == math.ceil(891 * 0.2)
    curve = result.nodes["roc"].outputs["figure"]["curves"][0]
    assert curve["fpr"][0] == 0.0
    assert curve["tpr"][-1] == 1.0
    assert curve["auc"] == pytest.approx(table[0]["roc_auc"])
    state = result.nodes["logreg"]
    assert state.started_at is not None and state.finished_at is not None and state.finished_at >= state.started_at


def test_same_seeds_give_the_same_test_scores() -> None:
    first = _run(_graph()).evaluations()["eval"]
    second = _run(_graph()).evaluations()["eval"]
    assert first == second


def test_a_second_run_reuses_unchanged_nodes_and_reruns_only_the_changed_branch(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(_graph(c=1.0), cache)
    assert set(_statuses(first).values()) == {"done"}
    again = _run(_graph(c=1.0), cache)
    assert set(_statuses(again).values()) == {"cached"}
    assert again.evaluations() == first.evaluations()

    changed = _run(_graph(c=0.01), cache)
    assert _statuses(changed) == {
        "data": "cached",
        "split": "cached",
        "prep": "cached",
        "logreg": "done",
        "second": "cached",
        "eval": "done",  # downstream of the changed model
        "roc": "done",
    }
    assert changed.nodes["prep"].cached and not changed.nodes["logreg"].cached
    before, after = first.evaluations()["eval"], changed.evaluations()["eval"]
    assert after[1] == before[1]  # the untouched model scores the same
    assert after[0]["accuracy"] != before[0]["accuracy"] or after[0]["roc_auc"] != before[0]["roc_auc"]


def test_a_failing_node_skips_only_its_dependents() -> None:
    graph = _graph()
    # A second branch on the same file without a target: target encoding needs one, so its preprocessing fails at
    # run time (validation cannot know), and the clustering model and chart after it cannot run.
    graph["nodes"] += [
        node("data2", "dataset", {"path": TITANIC.name}),
        node("split2", "split", {"seed": 3}),
        node("prep2", "preprocessing", {"encoding": "target"}),
        node("clusters", "model", {"mode": "clustering", "algorithms": ["kmeans"], "time_budget_s": 5}),
        node("scatter", "visualization", {"kind": "cluster_scatter"}),
    ]
    graph["edges"] += [
        edge("data2", "table", "split2", "table"),
        edge("split2", "train", "prep2", "train"),
        edge("split2", "test", "prep2", "test"),
        edge("prep2", "train", "clusters", "train"),
        edge("clusters", "model", "scatter", "model"),
        edge("prep2", "test", "scatter", "test"),
    ]
    result = _run(graph)
    statuses = _statuses(result)
    assert statuses["prep2"] == "failed"
    assert "target encoding needs a target" in (result.nodes["prep2"].error or "")
    assert statuses["clusters"] == statuses["scatter"] == "skipped"
    assert "prep2" in (result.nodes["clusters"].error or "")
    assert statuses["data2"] == statuses["split2"] == "done"
    assert all(statuses[n] == "done" for n in ("data", "split", "prep", "logreg", "second", "eval", "roc"))
    assert not result.ok
    assert result.to_json()["status"] == "failed"


def test_preprocessing_is_fitted_on_the_training_rows_only() -> None:
    result = _run(_graph())
    train = result.values["split"]["train"].frame
    test = result.values["split"]["test"].frame
    everything = result.values["data"]["table"].frame
    fitted = result.values["prep"]["fitted"]
    numeric = [c for c, kind in fitted.plan.column_kinds.items() if kind == "numeric"]
    assert numeric, "titanic has numeric columns"
    steps = fitted.transformer.named_steps["encode"].named_transformers_["numeric"]
    imputed = train[numeric].astype(float).fillna(train[numeric].astype(float).median())
    scaler_mean = steps.named_steps["scale"].mean_[: len(numeric)]
    np.testing.assert_allclose(scaler_mean, imputed.mean().to_numpy())
    whole = everything[numeric].astype(float)
    assert not np.allclose(scaler_mean, whole.fillna(whole.median()).mean().to_numpy())
    # The test rows are scaled with the training mean and deviation, not their own.
    column = numeric[0]
    scale = steps.named_steps["scale"].scale_[0]
    expected = (test[column].astype(float).fillna(train[column].astype(float).median()) - scaler_mean[0]) / scale
    out = result.values["prep"]["test"].frame
    np.testing.assert_allclose(out[f"numeric__{column}"].to_numpy(), expected.to_numpy())
    assert len(out) == len(test) and len(result.values["prep"]["train"].frame) == len(train)


def test_an_invalid_graph_is_refused_with_located_errors() -> None:
    graph = _graph()
    bad = copy.deepcopy(graph)
    bad["nodes"][0]["data"]["settings"]["target"] = "survivd"
    with pytest.raises(WorkflowInvalidError) as caught:
        _run(bad)
    assert [(e.node_id, e.field) for e in caught.value.errors] == [("data", "target")]
    assert "did you mean 'survived'" in caught.value.errors[0].message


def test_a_deploy_node_writes_the_model_package(tmp_path: Path) -> None:
    graph = _graph()
    graph["nodes"].append(node("ship", "deploy", {"name": "../titanic-logreg"}))
    graph["edges"].append(edge("logreg", "model", "ship", "model"))
    result = execute(WorkflowGraph.model_validate(graph), base_dir=BASE, output_dir=tmp_path / "out")
    assert result.nodes["ship"].status == "done"
    package = tmp_path / "out" / "titanic-logreg"  # the name's last part only: never outside the folder
    assert (package / "model.joblib").is_file()
    assert (package / "model_card.json").is_file()
    assert result.nodes["ship"].outputs["path"] == str(package)


@pytest.mark.slow
def test_an_automl_node_competes_and_is_cached_when_only_the_other_branch_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(_graph(automl=True, c=1.0), cache)
    assert set(_statuses(first).values()) == {"done"}, {n: s.error for n, s in first.nodes.items()}
    rows = first.evaluations()["eval"]
    assert [row["node_id"] for row in rows] == ["logreg", "second"]
    assert all(math.isfinite(row["roc_auc"]) for row in rows)
    assert first.nodes["second"].outputs["mode"] == "automl"
    assert first.nodes["second"].outputs["trials"] >= 1

    changed = _run(_graph(automl=True, c=0.05), cache)
    statuses = _statuses(changed)
    assert [n for n, s in statuses.items() if s == "cached"] == ["data", "split", "prep", "second"]
    assert [n for n, s in statuses.items() if s == "done"] == ["logreg", "eval", "roc"]
    assert changed.evaluations()["eval"][1] == rows[1]  # the search was not run again
