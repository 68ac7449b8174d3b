"""The boosted trees (LightGBM, XGBoost, CatBoost): native category codes, early stopping, budget and cancel checks.

Each test runs for the three algorithms through `build_for`, as the trial runner builds them. Data are small and
synthetic so the file stays well under a minute on two cores.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.preprocessing import OneHotEncoder

from flowml.engine.algorithms import default_registry
from flowml.engine.algorithms._common import MIN_ROWS_EARLY_STOPPING, BoostingOptions, validation_split
from flowml.engine.algorithms.catboost_ import FlatCatBoostClassifier
from flowml.engine.deadline import BudgetExhausted, Cancelled
from flowml.engine.registry import Algorithm, FitContext
from flowml.engine.types import ProblemType

SEED = 3
LEVELS = 50
# The algorithms whose estimators carry FlowML's boosting options (category codes, early stopping, budget checks).
BOOSTED = [
    pytest.param(algo, id=algo.name)
    for algo in default_registry()
    if isinstance(algo.build(algo.default_params(min(algo.tasks)), min(algo.tasks), seed=0), BoostingOptions)
]


def rounds_param(algo: Algorithm) -> str:
    """The parameter that caps the boosting rounds (CatBoost calls it `iterations`)."""
    defaults = algo.default_params(ProblemType.BINARY)
    return "iterations" if "iterations" in defaults else "n_estimators"


def coded_data(task: ProblemType, n_rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Column 0: a 50-level category code (5% are -1, missing) that drives the target; then 3 numeric columns."""
    rng = np.random.default_rng(seed)
    effect = np.random.default_rng(99).normal(size=LEVELS)  # the same level effects for every seed
    codes = rng.integers(0, LEVELS, n_rows)
    numeric = rng.normal(size=(n_rows, 3))
    signal = 2.0 * effect[codes] + 0.5 * numeric[:, 0]
    if task is ProblemType.REGRESSION:
        y = signal + rng.normal(scale=0.5, size=n_rows)
    elif task is ProblemType.BINARY:
        y = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-signal))).astype(np.int64)
    else:
        noisy = signal + rng.normal(scale=0.5, size=n_rows)
        y = np.digitize(noisy, np.quantile(noisy, [1 / 3, 2 / 3]))
    code_column = codes.astype(np.float64)
    code_column[rng.random(n_rows) < 0.05] = -1.0
    return np.column_stack([code_column, numeric]), y


def build(algo: Algorithm, task: ProblemType, *, context: FitContext | None = None, **params: Any) -> Any:
    return algo.build_for(
        {**algo.default_params(task), **params}, task, seed=SEED, n_jobs=1, context=context or FitContext()
    )


def trained_rounds(model: Any) -> int:
    """How many boosting rounds the fitted model holds, and would use to predict."""
    if hasattr(model, "booster_"):  # LightGBM
        return int(model.best_iteration_ or model.booster_.current_iteration())
    if hasattr(model, "get_booster"):  # XGBoost predicts with the best round, keeping the patience rounds after it
        return int(model.best_iteration + 1) if hasattr(model, "best_iteration") else model.n_estimators
    return int(model.tree_count_)  # CatBoost cuts the model back to its best iteration


@pytest.mark.parametrize("algo", BOOSTED)
def test_native_codes_score_at_least_as_well_as_one_hot(algo: Algorithm) -> None:
    task = ProblemType.BINARY
    X, y = coded_data(task, 3000)
    train, test = slice(0, 2000), slice(2000, None)
    native = build(algo, task, context=FitContext(n_categorical=1)).fit(X[train], y[train])
    native_auc = roc_auc_score(y[test], native.predict_proba(X[test])[:, 1])

    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(X[train, :1])

    def one_hot(rows: slice) -> np.ndarray:
        return np.hstack([encoder.transform(X[rows, :1]), X[rows, 1:]])

    plain = build(algo, task).fit(one_hot(train), y[train])
    one_hot_auc = roc_auc_score(y[test], plain.predict_proba(one_hot(test))[:, 1])
    assert native_auc >= one_hot_auc - 0.005, (native_auc, one_hot_auc)
    assert native_auc > 0.75

    missing = X[test].copy()
    missing[:, 0] = -1.0  # every code missing (or unseen): still a valid input
    proba = native.predict_proba(missing)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("algo", BOOSTED)
def test_early_stopping_stops_and_the_best_round_survives_joblib(algo: Algorithm, tmp_path: Path) -> None:
    task = ProblemType.BINARY
    X, y = coded_data(task, 1000)
    max_rounds = 1000
    params = {rounds_param(algo): max_rounds, "learning_rate": 0.3}
    model = build(algo, task, context=FitContext(n_categorical=1), **params).fit(X, y)
    assert 0 < trained_rounds(model) < max_rounds

    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert (loaded.n_categorical, loaded.n_iter_no_change) == (1, model.n_iter_no_change)


@pytest.mark.parametrize("algo", BOOSTED)
def test_tiny_data_runs_the_configured_rounds(algo: Algorithm) -> None:
    task = ProblemType.BINARY
    X, y = coded_data(task, MIN_ROWS_EARLY_STOPPING - 50)
    model = build(algo, task, **{rounds_param(algo): 30}).fit(X, y)
    assert trained_rounds(model) == 30


@pytest.mark.parametrize("algo", BOOSTED)
@pytest.mark.parametrize("task", [ProblemType.MULTICLASS, ProblemType.REGRESSION], ids=lambda t: t.value)
def test_multiclass_and_regression_with_codes(algo: Algorithm, task: ProblemType) -> None:
    X, y = coded_data(task, 800)
    model = build(algo, task, context=FitContext(n_categorical=1)).fit(X[:600], y[:600])
    predictions = np.asarray(model.predict(X[600:]))
    assert predictions.shape == (200,)
    if task is ProblemType.REGRESSION:
        assert r2_score(y[600:], predictions) > 0.5
    else:
        assert set(np.unique(predictions)) <= {0, 1, 2}
        proba = model.predict_proba(X[600:])
        assert proba.shape == (200, 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
        assert (predictions == y[600:]).mean() > 0.6


@pytest.mark.parametrize("algo", BOOSTED)
def test_a_past_deadline_raises_before_training(algo: Algorithm) -> None:
    X, y = coded_data(ProblemType.BINARY, 2000)
    model = build(algo, ProblemType.BINARY, context=FitContext(n_categorical=1, deadline=time.time() - 1))
    started = time.perf_counter()
    with pytest.raises(BudgetExhausted):
        model.fit(X, y)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("algo", BOOSTED)
def test_the_deadline_stops_training_between_rounds(algo: Algorithm) -> None:
    X, y = coded_data(ProblemType.BINARY, 2000)
    context = FitContext(n_categorical=1, deadline=time.time() + 0.3)
    model = build(algo, ProblemType.BINARY, context=context, **{rounds_param(algo): 100_000})
    model.set_params(n_iter_no_change=None)  # nothing else would end 100 000 rounds soon
    started = time.perf_counter()
    with pytest.raises(BudgetExhausted):
        model.fit(X, y)
    assert time.perf_counter() - started < 3.0  # 0.3 s, one check interval, and slack for a busy machine


@pytest.mark.parametrize("algo", BOOSTED)
def test_a_cancel_file_raises_cancelled(algo: Algorithm, tmp_path: Path) -> None:
    cancel = tmp_path / "cancel"
    cancel.touch()
    X, y = coded_data(ProblemType.BINARY, 500)
    model = build(algo, ProblemType.BINARY, context=FitContext(deadline=time.time() + 60, cancel_path=str(cancel)))
    with pytest.raises(Cancelled):
        model.fit(X, y)


@pytest.mark.parametrize("algo", BOOSTED)
def test_options_stay_out_of_the_libraries_parameters(algo: Algorithm, tmp_path: Path) -> None:
    # LightGBM passes its parameters to C++ as "key=value" text: a path with a space would break it if it leaked.
    cancel = str(tmp_path / "job dir" / "cancel")
    X, y = coded_data(ProblemType.BINARY, 500)
    model = build(algo, ProblemType.BINARY, context=FitContext(n_categorical=1, cancel_path=cancel))
    before = model.get_params()
    model.fit(X, y)
    assert model.get_params() == before  # XGBoost's per-fit settings (feature types, callbacks) are undone
    assert model.predict(X).shape == (len(X),)


@pytest.mark.parametrize("algo", BOOSTED)
def test_clone_keeps_the_context(algo: Algorithm) -> None:
    context = FitContext(n_categorical=2, deadline=123.0, cancel_path="/tmp/flowml-cancel")
    model = build(algo, ProblemType.MULTICLASS, context=context)
    twin = clone(model)
    assert type(twin) is type(model)
    assert twin.get_params() == model.get_params()
    assert (twin.n_categorical, twin.deadline, twin.cancel_path) == (2, 123.0, "/tmp/flowml-cancel")
    twin.set_params(n_categorical=0, deadline=None)
    assert (twin.n_categorical, twin.deadline, model.n_categorical) == (0, None, 2)


@pytest.mark.parametrize("algo", BOOSTED)
def test_build_without_context_has_no_codes_and_no_deadline(algo: Algorithm) -> None:
    model = algo.build(algo.default_params(ProblemType.BINARY), ProblemType.BINARY, seed=SEED)
    assert (model.n_categorical, model.deadline, model.cancel_path) == (0, None, None)


def test_catboost_pickled_without_options_loads_with_defaults() -> None:
    X, y = coded_data(ProblemType.BINARY, 150)
    model = FlatCatBoostClassifier(iterations=10, verbose=False, allow_writing_files=False).fit(X, y)
    state = model.__getstate__()
    state.pop("__flowml_options")  # what a model pickled before BoostingOptions existed holds
    old = FlatCatBoostClassifier.__new__(FlatCatBoostClassifier)
    old.__setstate__(state)
    assert (old.n_categorical, old.deadline) == (0, None)
    np.testing.assert_array_equal(old.predict_proba(X), model.predict_proba(X))


def test_validation_split_is_stratified_and_keeps_every_class_in_training() -> None:
    y = np.array([0] * 600 + [1] * 300 + [2] * 6 + [3] * 1)
    train, valid = validation_split(y, 0.1, seed=0, stratify=True)
    assert np.intersect1d(train, valid).size == 0
    assert np.union1d(train, valid).size == len(y)
    assert set(y[train]) == {0, 1, 2, 3}
    assert np.bincount(y[valid], minlength=4).tolist() == [60, 30, 1, 0]
    again, _ = validation_split(y, 0.1, seed=0, stratify=True)
    np.testing.assert_array_equal(train, again)


def test_validation_split_without_strata_holds_out_the_fraction() -> None:
    train, valid = validation_split(np.zeros(1000), 0.15, seed=1, stratify=False)
    assert (len(train), len(valid)) == (850, 150)
