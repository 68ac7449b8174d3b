"""Problem detection, target checks, feature planning and preprocessing (fitted inside folds).

Also home of the tiny local algorithms the other engine pipeline tests import: they keep those tests fast and
independent of the full registry, which is exercised separately where it is importable.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge

from flowml.core.errors import InvalidInputError
from flowml.engine.features import load_frame, plan_features, to_category_strings
from flowml.engine.model import build_pipeline
from flowml.engine.preprocessing import build_preprocessor, prepare_X
from flowml.engine.problem import detect_problem_type, encode_target, validate_target
from flowml.engine.registry import Algorithm, Registry
from flowml.engine.space import FloatParam, IntParam, SearchSpace
from flowml.engine.trial import make_folds
from flowml.engine.types import FeaturePlan, ProblemType
from tests.conftest import dataset_path

ALL_TASKS = frozenset(ProblemType)
# The shared titanic fixture marks `name` an identifier so the model tests keep their 8 feature columns;
# TITANIC_INFERRED_KINDS is what the data layer infers (`name` as short text, used since text features exist).
TITANIC_KINDS = {
    "pclass": "numeric",
    "name": "id",
    "sex": "categorical",
    "age": "numeric",
    "sibsp": "numeric",
    "parch": "numeric",
    "ticket": "id",
    "fare": "numeric",
    "cabin": "categorical",
    "embarked": "categorical",
}
TITANIC_INFERRED_KINDS = {**TITANIC_KINDS, "name": "text"}


# --- local algorithms shared by the engine pipeline tests ----------------------------------------------------------


class LocalLinear(Algorithm):
    """Logistic regression for classification, ridge for regression; wants scaled inputs."""

    name = "local_linear"
    label = "Local linear"
    family = "linear"
    tasks = ALL_TASKS
    needs_scaling = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(params={"C": FloatParam(low=0.01, high=10.0, log=True)})

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"C": 1.0}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        if task.is_classification:
            return LogisticRegression(C=params["C"], max_iter=500, random_state=seed)
        return Ridge(alpha=1.0 / params["C"], random_state=seed)


class LocalForest(Algorithm):
    name = "local_forest"
    label = "Local forest"
    family = "bagging"
    tasks = ALL_TASKS

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace(params={"n_estimators": IntParam(low=10, high=100)})

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"n_estimators": 50}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        cls = RandomForestClassifier if task.is_classification else RandomForestRegressor
        return cls(**params, min_samples_leaf=2, random_state=seed, n_jobs=n_jobs)


class _SlowForest(RandomForestClassifier):
    """A forest whose fit takes at least `delay` seconds, to let a deadline pass between folds."""

    def __init__(self, delay: float = 0.3, n_estimators: int = 5, random_state: int | None = None) -> None:
        super().__init__(n_estimators=n_estimators, random_state=random_state)
        self.delay = delay

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _SlowForest:
        time.sleep(self.delay)
        super().fit(X, y, sample_weight=sample_weight)
        return self


class LocalSlow(Algorithm):
    name = "local_slow"
    label = "Local slow"
    family = "bagging"
    tasks = frozenset({ProblemType.BINARY, ProblemType.MULTICLASS})

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace()

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {"delay": 0.3}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        return _SlowForest(delay=params["delay"], random_state=seed)


def local_registry() -> Registry:
    return Registry.of([LocalLinear(), LocalForest(), LocalSlow()])


def titanic_frame() -> pd.DataFrame:
    return pl.read_csv(dataset_path("titanic.csv")).to_pandas()


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    pl.from_pandas(df).write_parquet(path)
    return path


def synthetic_frame(task: ProblemType, n_rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """Numeric + categorical + boolean + datetime features with missing values, and a learnable target."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n_rows)
    x2 = rng.normal(size=n_rows)
    color = rng.choice(["red", "green", "blue"], size=n_rows)
    signal = x1 + 0.5 * x2 + np.where(color == "red", 1.0, 0.0)
    df = pd.DataFrame(
        {
            "x1": x1,
            "x2": np.where(rng.random(n_rows) < 0.1, np.nan, x2),
            "color": pd.Series(color, dtype=object).where(rng.random(n_rows) > 0.05),
            "flag": rng.random(n_rows) < 0.5,
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n_rows), unit="D"),
            "row_id": np.arange(n_rows),
        }
    )
    if task is ProblemType.REGRESSION:
        df["target"] = 3.0 * signal + rng.normal(scale=0.1, size=n_rows)
    elif task is ProblemType.BINARY:
        df["target"] = np.where(signal > 0.3, "yes", "no")
    else:
        df["target"] = np.digitize(signal, [-0.5, 0.8])  # classes 0, 1, 2
    return df


SYNTHETIC_KINDS = {
    "x1": "numeric",
    "x2": "numeric",
    "color": "categorical",
    "flag": "boolean",
    "when": "datetime",
    "row_id": "id",
}


# --- problem detection and target checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b", "a", None], ProblemType.BINARY),
        ([0, 1, 1, 0], ProblemType.BINARY),
        ([True, False, True], ProblemType.BINARY),
        (["a", "b", "c", "a"], ProblemType.MULTICLASS),
        (list(range(5)) * 40, ProblemType.MULTICLASS),
        ([3.0, 4.0, 5.0, np.nan] * 50, ProblemType.MULTICLASS),  # whole numbers with gaps read as float
        (list(range(100)) * 2, ProblemType.REGRESSION),  # too many distinct integers to be classes
        (list(range(15)) * 2, ProblemType.REGRESSION),  # few values but not few relative to the rows
        ([0.5, 1.25, 3.0, 7.75], ProblemType.REGRESSION),
    ],
)
def test_detect_problem_type(values: list[Any], expected: ProblemType) -> None:
    assert detect_problem_type(pd.Series(values, name="y")) is expected


@pytest.mark.parametrize("values", [[None, None], [1, 1, 1]])
def test_detect_problem_type_refuses_unlearnable_targets(values: list[Any]) -> None:
    with pytest.raises(InvalidInputError, match="target column 'y'"):
        detect_problem_type(pd.Series(values, name="y", dtype=object))


def test_validate_target_drops_missing_rows_and_reports_them() -> None:
    y = pd.Series([1.0, None, 2.5, 3.0, None, 4.0], name="price")
    check = validate_target(y, ProblemType.REGRESSION)
    assert check.n_missing == 2
    assert check.keep.tolist() == [True, False, True, True, False, True]
    assert check.notes == ["dropped 2 row(s) with a missing target"]


def test_validate_target_errors_are_specific() -> None:
    with pytest.raises(InvalidInputError, match="every row is missing"):
        validate_target(pd.Series([None, None], name="y", dtype=object), ProblemType.BINARY)
    with pytest.raises(InvalidInputError, match="regression needs a numeric target"):
        validate_target(pd.Series(["a", "b", "c"], name="y"), ProblemType.REGRESSION)
    with pytest.raises(InvalidInputError, match=r"'lonely'.*fewer than 2 rows"):
        validate_target(pd.Series(["a"] * 10 + ["b"] * 10 + ["lonely"], name="y"), ProblemType.MULTICLASS)
    with pytest.raises(InvalidInputError, match="exactly 2 classes"):
        validate_target(pd.Series(["a", "b", "c"] * 5, name="y"), ProblemType.BINARY)


def test_validate_target_reduces_folds_for_a_rare_class() -> None:
    y = pd.Series(["common"] * 30 + ["rare"] * 3, name="y")
    check = validate_target(y, ProblemType.BINARY, n_folds=5)
    assert check.n_folds == 3
    assert "reduced cross-validation from 5 to 3 folds" in check.notes[0]
    assert "'rare'" in check.notes[0]


def test_encode_target_sorts_labels_and_restores_integers() -> None:
    codes, classes = encode_target(pd.Series([3.0, 1.0, 2.0, 1.0]), ProblemType.MULTICLASS)
    assert classes == [1, 2, 3]
    assert all(type(c) is int for c in classes)
    assert codes.tolist() == [2, 0, 1, 0]
    codes, classes = encode_target(pd.Series(["yes", "no", "yes"]), ProblemType.BINARY)
    assert classes == ["no", "yes"]
    assert codes.tolist() == [1, 0, 1]


# --- feature planning -----------------------------------------------------------------------------------------------


def test_plan_features_on_titanic_drops_ids_and_keeps_short_text() -> None:
    df = titanic_frame()
    plan = plan_features(df, "survived", TITANIC_INFERRED_KINDS)
    assert plan.target == "survived"
    assert plan.features == ["pclass", "name", "sex", "age", "sibsp", "parch", "fare", "cabin", "embarked"]
    assert plan.column_kinds["name"] == "text"
    assert "name" not in plan.categories  # free text has no vocabulary to record or report against
    assert plan.dropped == {
        "survived": "prediction target",
        "ticket": "identifier (a different value on every row)",
    }
    assert set(plan.categories["sex"]) == {"male", "female"}
    assert plan.categories["embarked"][0] == "S"  # most frequent first
    assert FeaturePlan.from_dict(plan.to_dict()) == plan


def test_plan_features_drops_constant_and_empty_columns_and_keeps_short_text() -> None:
    n = 60
    df = pd.DataFrame(
        {
            "target": [0, 1] * (n // 2),
            "constant": ["same"] * n,
            "empty": [None] * n,
            "size": (["S", "M", "L"] * n)[:n],
            "code": [f"c{i}" for i in range(n)],
            "amount": np.arange(n, dtype=float),
        }
    )
    kinds = {"constant": "categorical", "empty": "numeric", "size": "text", "code": "categorical", "amount": "numeric"}
    plan = plan_features(df, "target", kinds)
    assert plan.column_kinds == {"size": "categorical", "amount": "numeric"}  # a few repeated values: a category
    assert plan.dropped["constant"].startswith("constant")
    assert plan.dropped["empty"] == "all values missing"
    assert plan.dropped["code"].startswith("identifier")
    assert sorted(plan.categories["size"]) == ["L", "M", "S"]


def test_plan_features_refuses_unknown_kinds_and_unlabelled_columns() -> None:
    df = pd.DataFrame({"y": [0, 1], "a": [1, 2], "b": [3, 4]})
    with pytest.raises(InvalidInputError, match="allowed: numeric, categorical"):
        plan_features(df, "y", {"a": "numeric", "b": "currency"})
    with pytest.raises(InvalidInputError, match="no column kind given for: b"):
        plan_features(df, "y", {"a": "numeric"})
    with pytest.raises(InvalidInputError, match="target column 'nope'"):
        plan_features(df, "nope", {"a": "numeric", "b": "numeric", "y": "numeric"})


def test_category_spelling_is_the_same_for_int_float_and_text() -> None:
    as_float = to_category_strings(pd.Series([1.0, 2.0, np.nan]))
    as_int = to_category_strings(pd.Series([1, 2, 3]))
    as_bool = to_category_strings(pd.Series([True, None], dtype=object))
    assert as_float.tolist()[:2] == as_int.tolist()[:2] == ["1", "2"]
    assert np.isnan(as_float.iloc[2])
    assert as_bool.iloc[0] == "True"
    assert np.isnan(as_bool.iloc[1])


def test_load_frame_caches_per_file_version(tmp_path: Path) -> None:
    path = write_parquet(pd.DataFrame({"a": [1, 2, 3]}), tmp_path / "data.parquet")
    first = load_frame(path)
    first["a"] = 0  # a caller that edits its copy must not change what the next trial reads
    first["extra"] = 1
    second = load_frame(path)
    assert second["a"].tolist() == [1, 2, 3]
    assert list(second.columns) == ["a"]
    time.sleep(0.01)
    write_parquet(pd.DataFrame({"a": [7, 8, 9, 10]}), path)
    assert load_frame(path)["a"].tolist() == [7, 8, 9, 10]


# --- preprocessing --------------------------------------------------------------------------------------------------


def _synthetic_plan(df: pd.DataFrame) -> FeaturePlan:
    return plan_features(df, "target", SYNTHETIC_KINDS)


def test_prepare_x_casts_selects_and_reports() -> None:
    df = synthetic_frame(ProblemType.BINARY)
    plan = _synthetic_plan(df)
    request = df.drop(columns=["x2"]).assign(unrelated=1)
    request["x1"] = request["x1"].astype(object)
    request.loc[0, "x1"] = "not a number"
    X, warnings = prepare_X(request, plan)
    assert list(X.columns) == plan.features  # plan order; extra columns dropped
    assert X["x1"].dtype == np.float64
    assert np.isnan(X.loc[0, "x1"])
    assert X["x2"].isna().all()
    assert X["color"].dtype == object
    assert X["flag"].iloc[0] in {"True", "False"}
    assert X["when"].dtype == "datetime64[ns]"
    assert any("missing column 'x2'" in w for w in warnings)
    assert any("column 'x1': 1 value(s) are not valid numeric" in w for w in warnings)


def test_preprocessor_output_is_dense_float64_and_scales_only_when_asked() -> None:
    df = synthetic_frame(ProblemType.BINARY)
    plan = _synthetic_plan(df)
    X, _ = prepare_X(df, plan)
    scaled = build_preprocessor(plan, LocalLinear(), ProblemType.BINARY).fit_transform(X)
    raw = build_preprocessor(plan, LocalForest(), ProblemType.BINARY).fit_transform(X)
    assert isinstance(scaled, np.ndarray)
    assert scaled.dtype == np.float64
    assert scaled.shape == raw.shape
    assert not np.isnan(scaled).any()
    names = list(build_preprocessor(plan, LocalForest(), ProblemType.BINARY).fit(X).get_feature_names_out())
    x1 = names.index("numeric__x1")
    assert abs(scaled[:, x1].mean()) < 1e-9
    assert raw[:, x1] == pytest.approx(X["x1"].to_numpy())
    assert "numeric__missingindicator_x2" in names
    assert {"datetime__when_year", "datetime__when_weekday", "datetime__when_hour"} <= set(names)
    assert "onehot__color_red" in names


def test_unknown_categories_one_hot_to_zeros_and_high_cardinality_is_target_encoded() -> None:
    n = 200
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "small": rng.choice(["a", "b"], size=n),
            "big": [f"v{i % 40}" for i in range(n)],
            "target": rng.integers(0, 2, n),
        }
    )
    plan = plan_features(df, "target", {"small": "categorical", "big": "categorical"})
    X, _ = prepare_X(df, plan)
    y = df["target"].to_numpy()
    pre = build_preprocessor(plan, LocalForest(), ProblemType.BINARY).fit(X, y)
    names = list(pre.get_feature_names_out())
    assert names[-1] == "target__big"
    unseen, _ = prepare_X(pd.DataFrame({"small": ["zzz"], "big": ["never"]}), plan)
    row = pre.transform(unseen)[0]
    assert row[: len(names) - 1].tolist() == [0.0] * (len(names) - 1)  # no one-hot column lights up
    assert row[-1] == pytest.approx(y.mean())  # an unseen category gets the training prior


def test_preprocessing_is_fitted_on_the_training_fold_only() -> None:
    df = synthetic_frame(ProblemType.BINARY)
    plan = _synthetic_plan(df)
    X, _ = prepare_X(df, plan)
    y, _ = encode_target(df["target"], ProblemType.BINARY)
    train_idx, _test_idx = make_folds(y, ProblemType.BINARY, 5, seed=3)[0]
    pipeline = build_pipeline(plan, LocalForest(), {"n_estimators": 5}, ProblemType.BINARY, seed=0, n_jobs=1)
    pipeline.fit(X.iloc[train_idx], y[train_idx])
    imputer = pipeline.named_steps["preprocess"].named_transformers_["numeric"].named_steps["impute"]
    fold_median = np.nanmedian(X["x2"].to_numpy()[train_idx])
    assert imputer.statistics_[1] == pytest.approx(fold_median)
    assert imputer.statistics_[1] != pytest.approx(np.nanmedian(X["x2"].to_numpy()))


def test_fitted_pipeline_pickles_with_datetime_features() -> None:
    df = synthetic_frame(ProblemType.REGRESSION)
    plan = _synthetic_plan(df)
    X, _ = prepare_X(df, plan)
    pipeline = build_pipeline(plan, LocalLinear(), {"C": 1.0}, ProblemType.REGRESSION, seed=0, n_jobs=1)
    pipeline.fit(X, df["target"].to_numpy())
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone.predict(X) == pytest.approx(pipeline.predict(X))
