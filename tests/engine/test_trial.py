"""run_trial: scores on real data, reproducibility, and every way a trial can end without raising."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from flowml.engine.features import plan_features
from flowml.engine.registry import Registry
from flowml.engine.trial import run_trial, run_trial_dict
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus
from tests.engine.test_pipeline import (
    SYNTHETIC_KINDS,
    TITANIC_KINDS,
    local_registry,
    synthetic_frame,
    titanic_frame,
    write_parquet,
)


def real_registry() -> Registry:
    algorithms = pytest.importorskip("flowml.engine.algorithms")
    registry: Registry = algorithms.default_registry()
    return registry


@pytest.fixture(scope="module")
def titanic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    df = titanic_frame()
    path = write_parquet(df, tmp_path_factory.mktemp("titanic") / "titanic.parquet")
    return path, plan_features(df, "survived", TITANIC_KINDS)


def make_spec(
    path: Path,
    plan: FeaturePlan,
    algorithm: str,
    params: dict[str, Any],
    *,
    task: ProblemType = ProblemType.BINARY,
    metric: str = "roc_auc",
    n_folds: int = 5,
    seconds: float = 120.0,
    cancel_path: str | None = None,
) -> TrialSpec:
    return TrialSpec(
        job_id="job-1",
        trial_number=3,
        dataset_path=str(path),
        problem_type=task.value,
        feature_plan=plan.to_dict(),
        algorithm=algorithm,
        params=params,
        metric=metric,
        n_folds=n_folds,
        seed=11,
        deadline=time.time() + seconds,
        cancel_path=cancel_path,
    )


def assert_completed(result: TrialResult, n_folds: int = 5) -> None:
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.error is None
    assert result.score is not None
    assert result.score_std is not None
    assert len(result.fold_scores) == n_folds
    assert result.fit_time > 0
    assert result.predict_time_per_row > 0


def test_local_forest_on_titanic_is_good_and_reproducible(titanic: tuple[Path, FeaturePlan]) -> None:
    path, plan = titanic
    spec = make_spec(path, plan, "local_forest", {"n_estimators": 25})
    first = run_trial(spec, local_registry())
    second = run_trial(spec, local_registry())
    assert_completed(first)
    assert first.score is not None
    assert first.score > 0.8
    assert first.fold_scores == second.fold_scores
    assert first.other_metrics == second.other_metrics
    assert first.other_metrics["roc_auc"] == pytest.approx(first.score)
    assert {"accuracy", "log_loss", "f1"} <= set(first.other_metrics)


@pytest.mark.parametrize(
    ("algorithm", "overrides"),
    [("random_forest", {"n_estimators": 25}), ("logistic_regression", {}), ("lightgbm", {"n_estimators": 50})],
)
def test_registry_algorithms_on_titanic(
    titanic: tuple[Path, FeaturePlan], algorithm: str, overrides: dict[str, Any]
) -> None:
    registry = real_registry()
    path, plan = titanic
    params = {**registry.get(algorithm).default_params(ProblemType.BINARY), **overrides}
    spec = make_spec(path, plan, algorithm, params, n_folds=3)
    result = run_trial(spec, registry)
    assert_completed(result, n_folds=3)
    assert result.score is not None
    assert result.score > 0.8
    assert run_trial(spec, registry).fold_scores == result.fold_scores


@pytest.mark.parametrize("task", [ProblemType.MULTICLASS, ProblemType.REGRESSION])
def test_multiclass_and_regression_trials(tmp_path: Path, task: ProblemType) -> None:
    df = synthetic_frame(task)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    metric = "log_loss" if task is ProblemType.MULTICLASS else "rmse"
    for algorithm in ("local_linear", "local_forest"):
        params = local_registry().get(algorithm).default_params(task)
        result = run_trial(make_spec(path, plan, algorithm, params, task=task, metric=metric), local_registry())
        assert_completed(result)
        assert result.score is not None
        assert result.score < (0.9 if task is ProblemType.MULTICLASS else 1.5)  # lower is better for both
    if task is ProblemType.REGRESSION:
        assert set(result.other_metrics) == {"r2", "rmse", "mae", "mape"}
        assert result.other_metrics["r2"] > 0.7


def test_rows_without_target_are_dropped_and_folds_reduced_for_rare_classes(tmp_path: Path) -> None:
    df = synthetic_frame(ProblemType.BINARY)
    df.loc[:2, "target"] = None
    df.loc[3:5, "target"] = "rare"  # 3 rows: only 3 stratified folds fit
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    spec = make_spec(path, plan, "local_linear", {"C": 1.0}, task=ProblemType.MULTICLASS, metric="accuracy")
    result = run_trial(spec, local_registry())
    assert_completed(result, n_folds=3)


def test_deadline_already_past_is_a_timeout(titanic: tuple[Path, FeaturePlan]) -> None:
    path, plan = titanic
    result = run_trial(make_spec(path, plan, "local_forest", {"n_estimators": 10}, seconds=-1), local_registry())
    assert result.status == TrialStatus.TIMEOUT
    assert result.score is None
    assert result.fold_scores == []


def test_deadline_between_folds_keeps_partial_scores_but_no_score(tmp_path: Path) -> None:
    df = synthetic_frame(ProblemType.BINARY, n_rows=100)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    spec = make_spec(path, plan, "local_slow", {"delay": 0.4}, seconds=0.6)
    result = run_trial(spec, local_registry())
    assert result.status == TrialStatus.TIMEOUT
    assert result.score is None
    assert 1 <= len(result.fold_scores) < 5


def test_cancel_file_cancels(titanic: tuple[Path, FeaturePlan], tmp_path: Path) -> None:
    path, plan = titanic
    cancel = tmp_path / "cancel"
    cancel.touch()
    spec = make_spec(path, plan, "local_forest", {"n_estimators": 10}, cancel_path=str(cancel))
    result = run_trial(spec, local_registry())
    assert result.status == TrialStatus.CANCELLED
    assert result.score is None


@pytest.mark.parametrize(
    ("algorithm", "params", "message"),
    [
        ("local_linear", {"C": -1.0}, "InvalidParameterError: The 'C' parameter of LogisticRegression"),
        ("local_forest", {"n_estimators": 10, "no_such_param": 1}, "TypeError:"),
        ("nope", {}, "KeyError:"),
    ],
)
def test_bad_configuration_fails_with_a_one_line_message(
    titanic: tuple[Path, FeaturePlan], algorithm: str, params: dict[str, Any], message: str
) -> None:
    path, plan = titanic
    result = run_trial(make_spec(path, plan, algorithm, params), local_registry())
    assert result.status == TrialStatus.FAILED
    assert result.error is not None
    assert result.error.startswith(message)
    assert "\n" not in result.error
    assert len(result.error) <= 500
    assert result.score is None


def test_wrong_metric_for_the_task_fails_cleanly(titanic: tuple[Path, FeaturePlan]) -> None:
    path, plan = titanic
    result = run_trial(make_spec(path, plan, "local_forest", {"n_estimators": 10}, metric="r2"), local_registry())
    assert result.status == TrialStatus.FAILED
    assert result.error is not None
    assert "InvalidInputError" in result.error


def test_run_trial_dict_round_trips_json(tmp_path: Path) -> None:
    params = real_registry().get("logistic_regression").default_params(ProblemType.BINARY)
    df = synthetic_frame(ProblemType.BINARY, n_rows=120)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    spec = make_spec(path, plan, "logistic_regression", params, n_folds=3)
    payload = run_trial_dict(json.loads(json.dumps(spec.to_dict())))
    assert json.loads(json.dumps(payload)) == payload
    result = TrialResult.from_dict(payload)
    assert (result.job_id, result.trial_number, result.algorithm) == ("job-1", 3, "logistic_regression")
    assert_completed(result, n_folds=3)


def test_a_trial_that_cannot_finish_in_time_stops_after_its_first_fold(tmp_path: Path) -> None:
    df = synthetic_frame(ProblemType.BINARY, n_rows=100)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    # Five folds of 0.3 s need 1.5 s; after the first one, the other four clearly cannot finish in the 1 s left.
    spec = make_spec(path, plan, "local_slow", {"delay": 0.3}, seconds=1.0)
    started = time.monotonic()
    result = run_trial(spec, local_registry())
    assert result.status == TrialStatus.TIMEOUT
    assert len(result.fold_scores) == 1
    assert time.monotonic() - started < 0.9  # it did not run on to the deadline
