"""Contract every registered algorithm must pass, for every task it declares.

Parametrized over `default_registry()`, so a new algorithm (or, later, a plugin) is covered by adding it to the
registry. Data are small and synthetic so the whole suite stays well under a minute on two cores.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import joblib
import numpy as np
import optuna
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from flowml.engine.algorithms import default_registry
from flowml.engine.registry import Algorithm, Suggest
from flowml.engine.types import ProblemType

SEED = 7
N_SAMPLED_CONFIGS = 3
FAMILIES = {"linear", "tree", "bagging", "boosting", "neighbors", "svm", "bayes", "neural"}
N_CLASSES = {ProblemType.BINARY: 2, ProblemType.MULTICLASS: 3}
NATIVE_CATEGORICAL = {"lightgbm", "xgboost", "catboost"}

ALGORITHMS = list(default_registry().algorithms.values())
CASES = [pytest.param(algo, task, id=f"{algo.name}-{task.value}") for algo in ALGORITHMS for task in sorted(algo.tasks)]
UNSUPPORTED = [
    pytest.param(algo, task, id=f"{algo.name}-{task.value}")
    for algo in ALGORITHMS
    for task in sorted(set(ProblemType) - algo.tasks)
]


def make_data(task: ProblemType, n_rows: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """What the caller hands an estimator: dense float64, standardized, labels encoded as 0..k-1."""
    if task is ProblemType.REGRESSION:
        # noise and a target far from unit scale exercise the target standardization of the linear/SVM/MLP models
        x, y = make_regression(n_samples=n_rows, n_features=8, n_informative=5, noise=10.0, random_state=seed)
    else:
        x, y = make_classification(
            n_samples=n_rows,
            n_features=8,
            n_informative=5,
            n_classes=N_CLASSES[task],
            random_state=seed,
        )
    return StandardScaler().fit_transform(x).astype(np.float64), y


def outputs(estimator: Any, task: ProblemType, x: np.ndarray) -> np.ndarray:
    """The richest prediction an estimator gives: probabilities for classifiers, values for regressors."""
    return estimator.predict_proba(x) if task.is_classification else estimator.predict(x)


FitDefaults = Callable[[Algorithm, ProblemType], tuple[Any, np.ndarray]]


def fit_defaults(algo: Algorithm, task: ProblemType) -> tuple[Any, np.ndarray]:
    x, y = make_data(task)
    estimator = algo.build(algo.default_params(task), task, seed=SEED, n_jobs=1)
    return estimator.fit(x, y), x


@pytest.fixture(scope="module")
def fitted_defaults() -> FitDefaults:
    """`fit_defaults`, memoized: three tests inspect the same default fit, and fitting dominates the suite's time.

    Fits on first request, so tests stay independent of order; tests only read the fitted estimators.
    """
    fitted: dict[tuple[str, ProblemType], tuple[Any, np.ndarray]] = {}

    def get(algo: Algorithm, task: ProblemType) -> tuple[Any, np.ndarray]:
        key = (algo.name, task)
        if key not in fitted:
            fitted[key] = fit_defaults(algo, task)
        return fitted[key]

    return get


# -- the registry as a whole ------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", list(ProblemType))
def test_registry_has_enough_algorithms_per_task(task: ProblemType) -> None:
    assert len(default_registry().for_task(task)) >= 15


def test_registry_is_cached() -> None:
    assert default_registry() is default_registry()


def test_names_are_unique_snake_case_ids() -> None:
    names = default_registry().names()
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name), name


@pytest.mark.parametrize("algo", ALGORITHMS, ids=lambda a: a.name)
def test_class_attributes_and_describe(algo: Algorithm) -> None:
    assert algo.label
    assert algo.family in FAMILIES
    assert algo.tasks
    assert algo.tasks <= set(ProblemType)
    assert algo.cost > 0
    assert algo.max_rows is None or algo.max_rows > 0
    # Only the boosted trees take category codes natively; every other algorithm gets one-hot/ordinal numbers.
    assert algo.native_categorical is (algo.name in NATIVE_CATEGORICAL)
    description = algo.describe()
    assert description["name"] == algo.name
    assert description["tasks"] == sorted(t.value for t in algo.tasks)
    json.dumps(description)  # served as-is by GET /api/algorithms


# -- each algorithm, for each task it supports ----------------------------------------------------------------


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_defaults_fit_and_predict(algo: Algorithm, task: ProblemType, fitted_defaults: FitDefaults) -> None:
    estimator, x = fitted_defaults(algo, task)
    predictions = np.asarray(estimator.predict(x))
    assert predictions.shape == (len(x),)
    if task.is_classification:
        k = N_CLASSES[task]
        assert set(np.unique(predictions)) <= set(range(k))
        proba = estimator.predict_proba(x)
        assert proba.shape == (len(x), k)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    else:
        assert np.isfinite(predictions).all()


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_defaults_lie_inside_the_search_space(algo: Algorithm, task: ProblemType) -> None:
    defaults = algo.default_params(task)
    assert json.loads(json.dumps(defaults)) == defaults  # params travel as JSON in TrialSpec
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    # Exactly how the search warm-starts; Optuna only warns when an enqueued value is out of range.
    study.enqueue_trial({f"{algo.name}__{k}": v for k, v in defaults.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trial = study.ask()
        suggested = algo.search_space(Suggest(trial, algo.name), task)
    assert suggested == defaults


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_sampled_configurations_build_and_fit(algo: Algorithm, task: ProblemType) -> None:
    x, y = make_data(task, n_rows=120)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    for _ in range(N_SAMPLED_CONFIGS):
        trial = study.ask()
        params = algo.search_space(Suggest(trial, algo.name), task)
        assert set(params) == set(algo.default_params(task))
        # A read-only mapping proves build neither mutates nor keeps the caller's dict for later mutation.
        estimator = algo.build(MappingProxyType(params), task, seed=SEED, n_jobs=1)
        estimator.fit(x, y)
        assert np.asarray(estimator.predict(x)).shape == (len(x),)
        study.tell(trial, 0.0)


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_unfitted_estimator_clones(algo: Algorithm, task: ProblemType) -> None:
    estimator = algo.build(algo.default_params(task), task, seed=SEED)
    twin = clone(estimator)
    assert type(twin) is type(estimator)
    assert twin.get_params(deep=False).keys() == estimator.get_params(deep=False).keys()


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_joblib_round_trip(algo: Algorithm, task: ProblemType, tmp_path: Path, fitted_defaults: FitDefaults) -> None:
    estimator, x = fitted_defaults(algo, task)
    path = tmp_path / "model.joblib"
    joblib.dump(estimator, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(x), estimator.predict(x))
    np.testing.assert_array_equal(outputs(loaded, task, x), outputs(estimator, task, x))


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_same_seed_same_predictions(algo: Algorithm, task: ProblemType, fitted_defaults: FitDefaults) -> None:
    first, x = fitted_defaults(algo, task)
    second, _ = fit_defaults(algo, task)  # a fresh fit, not the memoized one
    np.testing.assert_array_equal(outputs(first, task, x), outputs(second, task, x))


@pytest.mark.parametrize(("algo", "task"), UNSUPPORTED)
def test_unsupported_task_is_refused(algo: Algorithm, task: ProblemType) -> None:
    assert not algo.supports(task, n_rows=10)
    params = algo.default_params(next(iter(algo.tasks)))
    with pytest.raises(ValueError, match="does not support task"):
        algo.build(params, task, seed=SEED)
