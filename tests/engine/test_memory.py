"""The memory model: estimates that grow the way each algorithm's memory does, and the least shrinking that fits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from flowml.engine import memory
from flowml.engine.algorithms import default_registry
from flowml.engine.algorithms.svm import SVM_KERNEL_CACHE_BYTES
from flowml.engine.memory import (
    BASE_BYTES,
    GIB,
    MEMORY_HEADROOM,
    MIN_ROWS,
    ShrinkPlan,
    estimate_trial_bytes,
    shrink_for_memory,
)
from flowml.engine.registry import Algorithm

# Every built-in algorithm gets an estimate of its own (a plugin falls back to a generous default).
BUILTIN = default_registry().names()


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_estimate_covers_the_data_and_grows_with_the_data(name: str) -> None:
    small = estimate_trial_bytes(1_000, 20, name, 2)
    assert small >= BASE_BYTES + 3 * 1_000 * 20 * 8
    assert estimate_trial_bytes(100_000, 20, name, 2) > small
    assert estimate_trial_bytes(1_000, 200, name, 2) > small


def test_every_builtin_algorithm_has_its_own_profile() -> None:
    for algo in default_registry():
        if type(algo).__module__.startswith("flowml.engine.algorithms."):
            assert type(algo).memory_bytes is not Algorithm.memory_bytes, algo.name


def test_an_algorithm_instance_is_estimated_like_its_name() -> None:
    forest = default_registry().get("random_forest")
    assert estimate_trial_bytes(5_000, 10, forest, 2) == estimate_trial_bytes(5_000, 10, "random_forest", 2)


def test_algorithm_profiles_differ_the_way_their_memory_does() -> None:
    rows, features = 200_000, 50
    linear = estimate_trial_bytes(rows, features, "logistic_regression", 2)
    assert estimate_trial_bytes(rows, features, "random_forest", 2) > linear  # hundreds of deep trees
    assert estimate_trial_bytes(rows, features, "random_forest", 10) > estimate_trial_bytes(
        rows, features, "random_forest", 2
    )  # a value per class in every node
    assert estimate_trial_bytes(rows, features, "knn", 2) > linear  # distance blocks
    smaller_forest = {"n_estimators": 50, "min_samples_leaf": 10}
    assert estimate_trial_bytes(rows, features, "random_forest", 2, params=smaller_forest) < estimate_trial_bytes(
        rows, features, "random_forest", 2
    )  # without params: the largest forest the search may ask for
    assert estimate_trial_bytes(rows, features, "naive_bayes", 2) < linear


def test_kernel_svm_is_quadratic_in_rows_up_to_the_kernel_cache() -> None:
    def kernel_part(rows: int) -> int:
        return estimate_trial_bytes(rows, 1, "svm", 2) - estimate_trial_bytes(rows, 1, "naive_bayes", 2) - rows * 8

    assert kernel_part(2_000) == pytest.approx(4 * kernel_part(1_000), rel=1e-6)
    assert kernel_part(100_000) == SVM_KERNEL_CACHE_BYTES


def test_regression_counts_as_one_output_and_unknown_algorithms_get_a_generous_guess() -> None:
    assert estimate_trial_bytes(10_000, 10, "random_forest", 0) == estimate_trial_bytes(10_000, 10, "random_forest", 1)
    plugin = estimate_trial_bytes(10_000, 10, "someone_elses_model", 2)
    assert plugin > estimate_trial_bytes(10_000, 10, "logistic_regression", 2)
    with pytest.raises(ValueError, match="must be >= 0"):
        estimate_trial_bytes(-1, 10, "ridge", 0)


def test_no_shrinking_when_the_estimate_fits() -> None:
    plan = shrink_for_memory(50_000, 1 * GIB, available_bytes=8 * GIB)
    assert plan == ShrinkPlan(1.0, 50_000, False, 1 * GIB, int(MEMORY_HEADROOM * 8 * GIB), fits=True)
    assert not plan.shrinks
    assert plan.note is None


def test_float32_alone_when_it_is_enough() -> None:
    plan = shrink_for_memory(50_000, 6 * GIB, available_bytes=8 * GIB)  # budget 5.6 GIB; float32 -> 3.6 GIB
    assert plan.use_float32
    assert plan.row_fraction == 1.0
    assert plan.n_rows == 50_000
    assert plan.fits
    assert plan.note is not None
    assert "float32" in plan.note
    assert "rows" not in plan.note


def test_rows_are_subsampled_when_float32_is_not_enough() -> None:
    plan = shrink_for_memory(1_000_000, 40 * GIB, available_bytes=8 * GIB)
    assert plan.shrinks
    assert plan.use_float32
    assert 0.0 < plan.row_fraction < 1.0
    assert plan.n_rows == int(1_000_000 * plan.row_fraction)
    assert plan.estimated_bytes <= plan.budget_bytes
    assert plan.fits
    assert plan.note is not None
    assert f"{plan.n_rows:,} of 1,000,000 rows" in plan.note


def test_never_below_the_minimum_rows_and_says_when_it_cannot_fit() -> None:
    plan = shrink_for_memory(50_000, 500 * GIB, available_bytes=1 * GIB)
    assert plan.n_rows == MIN_ROWS
    assert not plan.fits
    tiny = shrink_for_memory(500, 500 * GIB, available_bytes=1 * GIB)
    assert tiny.n_rows == 500  # fewer rows than the minimum: keep them all
    assert tiny.row_fraction == 1.0


def test_available_memory_defaults_to_what_the_system_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory.psutil, "virtual_memory", lambda: SimpleNamespace(available=10 * GIB))
    plan = shrink_for_memory(10_000, 9 * GIB)
    assert plan.budget_bytes == int(MEMORY_HEADROOM * 10 * GIB)
    assert plan.use_float32
