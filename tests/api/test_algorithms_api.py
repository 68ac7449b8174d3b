"""GET /api/algorithms: each algorithm's search space and defaults per task, GPU library and origin, as data a form
can be drawn from."""

from __future__ import annotations

from fastapi.testclient import TestClient

from flowml.engine.algorithms import default_registry
from flowml.engine.space import SearchSpace
from flowml.engine.types import ProblemType


def test_algorithms_carry_their_space_defaults_and_origin(client: TestClient) -> None:
    listed = client.get("/api/algorithms").json()
    assert [a["name"] for a in listed] == default_registry().names()
    for entry in listed:
        assert set(entry["space"]) == set(entry["tasks"]) == set(entry["defaults"])
        for task, space in entry["space"].items():
            parsed = SearchSpace.model_validate(space)  # the served JSON is a space again
            assert parsed.problems(entry["defaults"][task]) == [], (entry["name"], task)
        assert entry["origin"]["source"] in ("builtin", "plugin")
    lightgbm = next(a for a in listed if a["name"] == "lightgbm")
    assert lightgbm["gpu"] == "lightgbm" and lightgbm["native_categorical"] is True
    assert lightgbm["space"]["binary"]["params"]["n_estimators"] == {
        "kind": "int",
        "low": 50,
        "high": 3000,
        "log": True,
        "step": 1,
        "when": None,
        "help": "",
    }
    assert lightgbm["origin"] == {"source": "builtin", "package": None, "version": None}


def test_algorithms_for_one_task_are_those_that_serve_it(client: TestClient) -> None:
    listed = client.get("/api/algorithms", params={"task": "regression"}).json()
    assert listed and all("regression" in a["tasks"] for a in listed)
    assert "logistic_regression" not in {a["name"] for a in listed}
    clustering = client.get("/api/algorithms", params={"task": "clustering"}).json()
    assert {a["name"] for a in clustering} == {a.name for a in default_registry().for_task(ProblemType.CLUSTERING)}
    kmeans = next(a for a in clustering if a["name"] == "kmeans")
    assert kmeans["tasks"] == ["clustering"] and "n_clusters" in kmeans["space"]["clustering"]["params"]
    assert not {a["name"] for a in clustering} & {a["name"] for a in listed}  # no clustering in a supervised list
    assert client.get("/api/algorithms", params={"task": "ranking"}).status_code == 422
