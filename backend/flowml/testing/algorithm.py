"""The checks every algorithm passes: its facts, its search space, its estimator, its memory estimate and its ONNX
export. Each raises AssertionError (or the estimator's own error) when the algorithm breaks the contract."""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from collections.abc import Callable, Iterable
from functools import partial
from types import MappingProxyType
from typing import Any

import joblib
import numpy as np
import optuna
from sklearn.base import clone

from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.onnx import export_onnx
from flowml.engine.registry import Algorithm, AlgorithmInfo, FitContext, GpuSupport
from flowml.engine.space import SearchSpace
from flowml.engine.types import ProblemType
from flowml.testing.clustering import NEW_ROWS_SEED, SPACE_ROWS, check_cluster_fit, check_cluster_samples
from flowml.testing.data import FRAME_KINDS, N_CLASSES, make_data, make_frame, with_category_codes

SEED = 7
N_SAMPLED_CONFIGS = 3
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")

AlgorithmCheck = Callable[[Algorithm], None]
TaskCheck = Callable[[Algorithm, ProblemType], None]


# -- the algorithm as a whole -------------------------------------------------------------------------------------


def check_class_facts(algo: Algorithm) -> None:
    """The class attributes the search, the router, the packager and the UI read are present and sane."""
    assert isinstance(algo, Algorithm), f"{algo!r} is not a flowml.engine.registry.Algorithm"
    assert NAME_PATTERN.fullmatch(algo.name), f"name {algo.name!r} is not a snake_case id"
    assert algo.label.strip(), "label is empty"
    assert algo.family.strip(), "family is empty"
    assert algo.tasks, "tasks is empty"
    assert all(isinstance(task, ProblemType) for task in algo.tasks), f"tasks {algo.tasks!r} are not ProblemTypes"
    assert algo.cost > 0, f"cost {algo.cost} must be > 0"
    assert algo.max_rows is None or algo.max_rows > 0, f"max_rows {algo.max_rows} must be None or > 0"
    assert algo.requires and all(isinstance(d, str) and d for d in algo.requires), "requires names no distribution"
    if algo.gpu is not None:
        assert isinstance(algo.gpu, GpuSupport), f"gpu {algo.gpu!r} is not a GpuSupport"
        assert algo.gpu.library in algo.requires, f"gpu library {algo.gpu.library!r} is not in requires"


def check_describe(algo: Algorithm) -> None:
    """`describe()` is what GET /api/algorithms serves: it survives a JSON round trip and matches the class."""
    info = algo.describe()
    assert AlgorithmInfo.model_validate_json(info.model_dump_json()) == info, "describe() does not round-trip JSON"
    assert info.name == algo.name and set(info.tasks) == set(algo.tasks)
    assert set(info.space) == set(algo.tasks) == set(info.defaults)


def check_unsupported_tasks(algo: Algorithm) -> None:
    """A task the algorithm does not declare is neither offered nor built (ValueError from `require_task`)."""
    some_task = min(algo.tasks)
    for task in sorted(set(ProblemType) - algo.tasks):
        assert not algo.supports(task, n_rows=10), f"supports({task.value}) although tasks lacks it"
        try:
            algo.build(algo.default_params(some_task), task, seed=SEED)
        except ValueError as exc:
            message = str(exc)
        else:
            raise AssertionError(f"build for undeclared task {task.value} did not raise (call self.require_task)")
        assert "does not support task" in message, f"build for {task.value} raised another ValueError: {message}"


# -- the algorithm, for one task it declares ------------------------------------------------------------------


def check_space(algo: Algorithm, task: ProblemType) -> None:
    """The space is data (JSON round trip); the defaults lie inside it, and warm-start exactly as the search does;
    for tables of several sizes, the defaults a job starts from lie in the space it searches (`space_for`)."""
    space = algo.space(task)
    assert isinstance(space, SearchSpace), f"space({task.value}) returned {type(space).__name__}, not a SearchSpace"
    assert SearchSpace.model_validate_json(space.model_dump_json()) == space, "the space does not round-trip JSON"
    defaults = algo.default_params(task)
    assert json.loads(json.dumps(defaults)) == defaults, "defaults are not plain JSON (params travel as JSON)"
    problems = space.problems(defaults)
    assert not problems, f"defaults lie outside the space: {problems}"
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    # Exactly how the search warm-starts; Optuna only warns when an enqueued value is out of range.
    study.enqueue_trial({algo.optuna_prefix + name: value for name, value in defaults.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampled = algo.sample(study.ask(), task)
    assert sampled == defaults, f"the enqueued defaults came back as {sampled}"
    for n_rows in SPACE_ROWS:  # the spaces a job searches may depend on its rows (clustering's number of clusters)
        sized = algo.space_for(task, n_rows)
        assert isinstance(sized, SearchSpace), f"space_for({task.value}, {n_rows}) is not a SearchSpace"
        first = algo.default_params_for(task, n_rows)
        assert json.loads(json.dumps(first)) == first, f"defaults for {n_rows} rows are not plain JSON"
        assert not sized.problems(first), f"defaults for {n_rows} rows lie outside its space: {sized.problems(first)}"


def check_samples_build(algo: Algorithm, task: ProblemType) -> None:
    """Configurations drawn from the space lie in it, and each builds an estimator that fits and predicts."""
    x, y = make_data(task, n_rows=120)
    if task is ProblemType.CLUSTERING:
        check_cluster_samples(algo, x)
        return
    space = algo.space(task)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    for _ in range(N_SAMPLED_CONFIGS):
        trial = study.ask()
        params = algo.sample(trial, task)
        assert not space.problems(params), f"a sample lies outside the space: {space.problems(params)}"
        # A read-only mapping proves build neither mutates nor keeps the caller's dict for later mutation.
        estimator = algo.build(MappingProxyType(params), task, seed=SEED, n_jobs=1)
        estimator.fit(x, y)
        assert np.asarray(estimator.predict(x)).shape == (len(x),), f"predict's shape is wrong for {params}"
        study.tell(trial, 0.0)


def check_defaults_fit(algo: Algorithm, task: ProblemType) -> None:
    """The defaults build a scikit-learn estimator that clones, fits, predicts (probabilities for classifiers),
    pickles, and gives the same predictions for the same seed (for clustering, see `check_cluster_fit`)."""
    x, y = make_data(task)
    estimator = algo.build(algo.default_params(task), task, seed=SEED, n_jobs=1)
    twin = clone(estimator)
    assert type(twin) is type(estimator), "clone() changed the estimator's type"
    assert twin.get_params(deep=False).keys() == estimator.get_params(deep=False).keys()
    if task is ProblemType.CLUSTERING:
        check_cluster_fit(algo, x, make_data(task, seed=NEW_ROWS_SEED)[0])
        return
    estimator.fit(x, y)
    predictions = np.asarray(estimator.predict(x))
    assert predictions.shape == (len(x),), f"predict returned shape {predictions.shape}"
    if task.is_classification:
        k = N_CLASSES[task]
        assert set(np.unique(predictions)) <= set(range(k)), "predict returned labels outside 0..k-1"
        proba = estimator.predict_proba(x)
        assert proba.shape == (len(x), k), f"predict_proba returned shape {proba.shape}"
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    else:
        assert np.isfinite(predictions).all(), "predict returned non-finite values"
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(_outputs(loaded, task, x), _outputs(estimator, task, x))
    again = algo.build(algo.default_params(task), task, seed=SEED, n_jobs=1).fit(x, y)
    np.testing.assert_array_equal(_outputs(again, task, x), _outputs(estimator, task, x))


def check_native_categorical(algo: Algorithm, task: ProblemType) -> None:
    """An algorithm that takes category codes fits on a first column of codes with -1 for missing."""
    if not algo.native_categorical:
        return
    x, y = make_data(task)
    coded = with_category_codes(x)
    estimator = algo.build_for(
        algo.default_params(task), task, seed=SEED, n_jobs=1, context=FitContext(n_categorical=1)
    )
    estimator.fit(coded, y)
    assert np.asarray(estimator.predict(coded)).shape == (len(x),)


def check_memory_estimate(algo: Algorithm, task: ProblemType) -> None:
    """`memory_bytes` is a finite, non-negative number that does not shrink when the data grow."""
    params = algo.default_params(task)
    classes = N_CLASSES.get(task, 1)
    small = algo.memory_bytes(1_000, 20, params, n_classes=classes)
    assert math.isfinite(small) and small >= 0, f"memory_bytes(1000 rows) = {small}"
    assert algo.memory_bytes(100_000, 20, params, n_classes=classes) >= small, "the estimate shrinks with rows"
    assert algo.memory_bytes(1_000, 200, params, n_classes=classes) >= small, "the estimate shrinks with columns"


def check_onnx_export(algo: Algorithm, task: ProblemType) -> None:
    """An algorithm that declares `onnx = True` exports a whole model (preprocessing included) to an ONNX graph
    whose outputs match the native model's on held-out rows."""
    if not algo.onnx:
        return
    frame = make_frame(task, 240, seed=0)
    plan = plan_features(frame, "target" if task.is_supervised else None, FRAME_KINDS)
    model = FlowMLModel.train(frame, plan, task, algo, algo.fast_params(task), seed=SEED)
    export = export_onnx(model, make_frame(task, 120, seed=1))
    assert export.usable, f"onnx = True but the export is not usable: {export.reason}"


ALGORITHM_CHECKS: tuple[AlgorithmCheck, ...] = (check_class_facts, check_describe, check_unsupported_tasks)
TASK_CHECKS: tuple[TaskCheck, ...] = (
    check_space,
    check_samples_build,
    check_defaults_fit,
    check_native_categorical,
    check_memory_estimate,
    check_onnx_export,
)


def check_algorithm(algorithm: Algorithm | type[Algorithm], *, tasks: Iterable[ProblemType] | None = None) -> None:
    """Run every check on `algorithm` (an instance, or a class built without arguments) for each of `tasks` (all it
    declares by default). Raises AssertionError naming the failed check and task."""
    algo = algorithm() if isinstance(algorithm, type) else algorithm
    for check in ALGORITHM_CHECKS:
        _run(check.__name__, partial(check, algo))
    for task in sorted(algo.tasks if tasks is None else tasks):
        for task_check in TASK_CHECKS:
            _run(f"{task_check.__name__}[{task.value}]", partial(task_check, algo, task))


def _run(label: str, check: Callable[[], None]) -> None:
    try:
        check()
    except AssertionError as exc:
        raise AssertionError(f"{label}: {exc}") from exc
    except Exception as exc:  # the estimator's own failure is a contract failure too; say where it happened
        raise AssertionError(f"{label}: {type(exc).__name__}: {exc}") from exc


def _outputs(estimator: Any, task: ProblemType, x: np.ndarray) -> np.ndarray:
    """The richest prediction an estimator gives: probabilities for classifiers, values for regressors."""
    return np.asarray(estimator.predict_proba(x) if task.is_classification else estimator.predict(x))
