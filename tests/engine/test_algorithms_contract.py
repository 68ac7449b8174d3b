"""The contract every registered algorithm passes, for every task it declares: the checks of `flowml.testing` (the
same kit a plugin author runs), parametrized over `default_registry()` so a new algorithm or plugin is covered by
being registered. ONNX parity of the built-ins is tested on richer data in test_onnx.py.
"""

from __future__ import annotations

import re

import pytest

from flowml.engine.algorithms import default_registry
from flowml.engine.registry import Algorithm, AlgorithmOrigin, Registry
from flowml.engine.types import ProblemType
from flowml.testing import ALGORITHM_CHECKS, TASK_CHECKS, check_algorithm, check_onnx_export
from flowml.testing.algorithm import AlgorithmCheck, TaskCheck

ALGORITHMS = list(default_registry())
WHOLE = [
    pytest.param(check, algo, id=f"{check.__name__}-{algo.name}") for check in ALGORITHM_CHECKS for algo in ALGORITHMS
]
PER_TASK = [
    pytest.param(check, algo, task, id=f"{check.__name__}-{algo.name}-{task.value}")
    for check in TASK_CHECKS
    if check is not check_onnx_export
    for algo in ALGORITHMS
    for task in sorted(algo.tasks)
]


@pytest.mark.parametrize(("check", "algo"), WHOLE)
def test_algorithm_contract(check: AlgorithmCheck, algo: Algorithm) -> None:
    check(algo)


@pytest.mark.parametrize(("check", "algo", "task"), PER_TASK)
def test_algorithm_contract_per_task(check: TaskCheck, algo: Algorithm, task: ProblemType) -> None:
    check(algo, task)


# -- the registry as a whole ------------------------------------------------------------------------------------


# Each supervised task gets 15 or more; clustering has fewer established methods (centroid, mixture, hierarchical,
# density-based, graph-based), and each of those families is there.
MIN_ALGORITHMS = {ProblemType.CLUSTERING: 8}


@pytest.mark.parametrize("task", list(ProblemType))
def test_registry_has_enough_algorithms_per_task(task: ProblemType) -> None:
    assert len(default_registry().for_task(task)) >= MIN_ALGORITHMS.get(task, 15)


def test_registry_is_cached() -> None:
    assert default_registry() is default_registry()


def test_built_in_algorithms_say_they_are_built_in() -> None:
    for algo in ALGORITHMS:
        built_in = type(algo).__module__.startswith("flowml.engine.algorithms.")
        assert (algo.describe().origin.source == "builtin") is built_in, algo.name


# -- the kit itself fails when the contract is broken -----------------------------------------------------------


def _broken(base: Algorithm, **overrides: object) -> Algorithm:
    """An instance of a subclass of `base`'s class with some attributes or methods replaced."""
    return type(f"Broken{type(base).__name__}", (type(base),), dict(overrides))()


def test_the_kit_passes_a_good_algorithm_given_as_a_class() -> None:
    check_algorithm(type(default_registry().get("ridge")))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "Not Snake"}, "check_class_facts: name"),
        ({"default_params": lambda self, task: {"alpha": 1e9}}, r"check_space\[regression\]: defaults lie outside"),
        ({"tasks": frozenset(ProblemType)}, r"check_defaults_fit\[binary\]: predict returned labels"),
        ({"memory_bytes": lambda self, *a, **k: -1.0}, r"check_memory_estimate\[regression\]"),
    ],
    ids=["bad-name", "defaults-outside-space", "undeclared-task-shape", "negative-memory"],
)
def test_the_kit_names_the_broken_check(overrides: dict[str, object], message: str) -> None:
    broken = _broken(default_registry().get("ridge"), **overrides)
    with pytest.raises(AssertionError, match=message):
        check_algorithm(broken)


def test_the_kit_checks_a_declared_onnx_export() -> None:
    lightgbm = default_registry().get("lightgbm")
    assert lightgbm.onnx
    check_onnx_export(lightgbm, ProblemType.BINARY)


def test_the_kit_refuses_an_onnx_claim_that_does_not_hold() -> None:
    # CatBoost trained on native category codes has no ONNX export; claiming one must fail the contract.
    claims = _broken(default_registry().get("catboost"), onnx=True)
    with pytest.raises(AssertionError, match="onnx = True but the export is not usable"):
        check_onnx_export(claims, ProblemType.BINARY)


def test_the_kit_refuses_a_build_that_ignores_an_undeclared_task() -> None:
    ridge = default_registry().get("ridge")
    lax = _broken(
        ridge,
        build=lambda self, params, task, *, seed, n_jobs=1: type(ridge).build(
            self, params, ProblemType.REGRESSION, seed=seed
        ),
    )
    with pytest.raises(AssertionError, match=re.escape("check_unsupported_tasks: build for undeclared task")):
        check_algorithm(lax)


def test_a_registry_built_from_the_contract_alone_accepts_a_checked_algorithm() -> None:
    # What a plugin host does: a registry of one checked algorithm, with its own origin.
    ridge_class = type(default_registry().get("ridge"))
    origin = AlgorithmOrigin(source="plugin", package="someone-ridge", version="1.0")
    registry = Registry.of([ridge_class()], origin=origin)
    assert registry.get("ridge").describe().origin == origin
    assert default_registry().get("ridge").origin.source == "builtin"  # a fresh instance: the built-in is unchanged
