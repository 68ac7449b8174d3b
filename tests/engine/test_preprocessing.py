"""Encodings chosen per column kind and algorithm: native category codes, target encoding, text, datetime parts.

Also full trials on real data with the built-in linear model and forest, to check the encodings score sensibly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel, build_pipeline
from flowml.engine.preprocessing import (
    MAX_NATIVE_CATEGORIES,
    TEXT_COMPONENTS,
    UNKNOWN_CODE,
    CategoryCodes,
    DatetimeFeatures,
    TextFeatures,
    build_preprocessor,
    categorical_columns,
    n_categorical,
    prepare_X,
)
from flowml.engine.registry import Algorithm, FitContext
from flowml.engine.space import SearchSpace
from flowml.engine.trial import run_trial
from flowml.engine.types import FeaturePlan, ProblemType, TrialStatus
from tests.conftest import dataset_path
from tests.engine.test_pipeline import (
    ALL_TASKS,
    TITANIC_INFERRED_KINDS,
    LocalForest,
    LocalLinear,
    titanic_frame,
    write_parquet,
)
from tests.engine.test_trial import make_spec, real_registry

# The tasks with a target to encode and predict; clustering's encoding is tested in tests/engine/clustering.
SUPERVISED = [task for task in ProblemType if task.is_supervised]
WORDS = [
    *("red", "green", "blue", "quick", "slow", "lazy", "dog", "cat", "fox", "jumps"),
    *("runs", "sleeps", "over", "under", "the", "a", "big", "small", "old", "new"),
]


class LocalNative(Algorithm):
    """Histogram boosting told which leading columns are category codes, as a native-categorical algorithm is."""

    name = "local_native"
    label = "Local native"
    family = "boosting"
    tasks = ALL_TASKS
    native_categorical = True

    def space(self, task: ProblemType) -> SearchSpace:
        return SearchSpace()

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return {}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        return self.build_for(params, task, seed=seed, n_jobs=n_jobs, context=FitContext())

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        cls = HistGradientBoostingClassifier if task.is_classification else HistGradientBoostingRegressor
        categorical = list(range(context.n_categorical)) or None
        estimator = cls(max_iter=20, categorical_features=categorical, random_state=seed)
        estimator.flowml_context = context  # read back by the tests
        return estimator


def mixed_frame(task: ProblemType, n_rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Every kind a plan keeps, with missing values: numeric, low and high cardinality, boolean, datetime, text."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n_rows)
    big = rng.integers(0, 40, n_rows)
    color = rng.choice(["red", "green", "blue"], size=n_rows)
    sentences = [" ".join(rng.choice(WORDS, size=rng.integers(3, 8))) for _ in range(n_rows)]
    signal = x + (big % 3 == 0) + np.array(["fox" in s for s in sentences])
    df = pd.DataFrame(
        {
            "x": np.where(rng.random(n_rows) < 0.1, np.nan, x),
            "color": pd.Series(color, dtype=object).where(rng.random(n_rows) > 0.05),
            "big": [f"b{v}" for v in big],
            "flag": rng.random(n_rows) < 0.5,
            "when": pd.Series(
                pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 900, n_rows), unit="D")
            ).where(rng.random(n_rows) > 0.1),
            "note": pd.Series(sentences, dtype=object).where(rng.random(n_rows) > 0.1),
        }
    )
    if task is ProblemType.REGRESSION:
        df["target"] = 2.0 * signal + rng.normal(scale=0.1, size=n_rows)
    elif task is ProblemType.BINARY:
        df["target"] = np.where(signal > 0.8, "yes", "no")
    else:
        df["target"] = np.digitize(signal, [0.3, 1.3])
    return df


MIXED_KINDS = {
    "x": "numeric",
    "color": "categorical",
    "big": "categorical",
    "flag": "boolean",
    "when": "datetime",
    "note": "text",
}


def mixed(task: ProblemType) -> tuple[pd.DataFrame, FeaturePlan, pd.DataFrame, np.ndarray]:
    df = mixed_frame(task)
    plan = plan_features(df, "target", MIXED_KINDS)
    X, _ = prepare_X(df, plan)
    y = df["target"].to_numpy()
    if task.is_classification:
        y = np.unique(y, return_inverse=True)[1]
    return df, plan, X, y


# --- the plan ------------------------------------------------------------------------------------------------------


def test_plan_keeps_short_text_and_drops_long_or_id_like_text_with_a_reason() -> None:
    n = 300
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "target": rng.integers(0, 2, n),
            "note": [" ".join(rng.choice(WORDS, size=5)) + f" {i}" for i in range(n)],
            "essay": [" ".join(rng.choice(WORDS, size=150)) for _ in range(n)],
            "token": [f"u{i:06d}x" for i in range(n)],
            "city": [f"city{i % 120}" for i in range(n)],  # single words, repeated: a category with many values
            "size": rng.choice(["S", "M", "L"], size=n),
            "blank": [None] * n,
        }
    )
    plan = plan_features(df, "target", dict.fromkeys(["note", "essay", "token", "city", "size", "blank"], "text"))
    assert plan.column_kinds == {"note": "text", "city": "categorical", "size": "categorical"}
    assert plan.dropped["essay"].startswith("long text (mean ")
    assert plan.dropped["token"] == "identifier-like text (mostly unique single words)"
    assert plan.dropped["blank"] == "all values missing"
    assert "note" not in plan.categories
    assert len(plan.categories["city"]) == 120


# --- native categorical layout ---------------------------------------------------------------------------------------


def test_native_layout_puts_category_codes_first() -> None:
    _, plan, X, y = mixed(ProblemType.BINARY)
    assert categorical_columns(plan) == ["color", "big", "flag"]
    assert n_categorical(plan, LocalNative()) == 3
    assert n_categorical(plan, LocalForest()) == 0

    pipeline = build_pipeline(plan, LocalNative(), {}, ProblemType.BINARY, seed=0, n_jobs=1).fit(X, y)
    assert pipeline.named_steps["model"].categorical_features == [0, 1, 2]
    pre = pipeline.named_steps["preprocess"]
    names = list(pre.get_feature_names_out())
    assert names[:3] == ["categories__color", "categories__big", "categories__flag"]
    assert not any(name.startswith(("onehot__", "target__")) for name in names)
    encoded = pre.transform(X)
    codes = encoded[:, :3]
    assert np.array_equal(codes, np.round(codes))
    assert codes.min() == UNKNOWN_CODE
    color = X["color"]
    assert (codes[color.isna().to_numpy(), 0] == UNKNOWN_CODE).all()
    most_frequent = color.value_counts().index[0]
    assert (codes[(color == most_frequent).to_numpy(), 0] == 0).all()
    assert set(np.unique(codes[:, 2])) == {0.0, 1.0}  # booleans are categories too
    assert not np.isnan(encoded[:, 3:]).any()

    unseen, _ = prepare_X(pd.DataFrame({"color": ["purple"], "big": ["never"], "flag": [None]}), plan)
    assert pre.transform(unseen)[0, :3].tolist() == [UNKNOWN_CODE] * 3
    assert pipeline.predict_proba(unseen).shape == (1, 2)


def test_category_codes_cap_rare_categories_into_one_other_code() -> None:
    counts = {"a": 50, "b": 40, "c": 30, "d": 2, "e": 1}
    column = pd.Series([v for v, n in counts.items() for _ in range(n)] + [np.nan], dtype=object)
    codes = CategoryCodes(max_categories=3).fit(column.to_frame("c"))
    out = codes.transform(pd.DataFrame({"c": ["a", "b", "c", "d", "e", "unseen", np.nan]}, dtype=object))
    assert out[:, 0].tolist() == [0, 1, 2, 3, 3, UNKNOWN_CODE, UNKNOWN_CODE]

    many = pd.DataFrame({"c": [f"v{i}" for i in range(400) for _ in range(1 + i % 3)]}, dtype=object)
    assert CategoryCodes().fit_transform(many).max() == MAX_NATIVE_CATEGORIES  # codes 0..254, then "other"


# --- target encoding -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", SUPERVISED)
def test_target_encoding_is_fitted_on_the_training_fold_only(task: ProblemType) -> None:
    _, plan, X, y = mixed(task)
    assert len(plan.categories["big"]) > 20
    only_in_b = X["big"].isin([f"b{i}" for i in range(30, 40)]).to_numpy()
    fold_a, fold_b = np.flatnonzero(~only_in_b), np.flatnonzero(only_in_b)
    pipeline = build_pipeline(plan, LocalForest(), {"n_estimators": 5}, task, seed=0, n_jobs=1)
    pipeline.fit(X.iloc[fold_a], y[fold_a])

    pre = pipeline.named_steps["preprocess"]
    encoder = pre.named_transformers_["target"].named_steps["encode"]
    assert set(encoder.categories_[0]) <= set(X["big"].iloc[fold_a])
    if task is ProblemType.MULTICLASS:
        prior = np.bincount(y[fold_a], minlength=3) / len(fold_a)
    else:
        prior = np.array([y[fold_a].astype(np.float64).mean()])
    assert encoder.target_mean_ == pytest.approx(prior if task is ProblemType.MULTICLASS else prior[0])
    names = list(pre.get_feature_names_out())
    columns = [i for i, name in enumerate(names) if name.startswith("target__big")]
    assert len(columns) == (3 if task is ProblemType.MULTICLASS else 1)  # one column per class for multiclass
    encoded_b = pre.transform(X.iloc[fold_b])[:, columns]
    assert encoded_b == pytest.approx(np.tile(prior, (len(fold_b), 1)))


def test_target_encoding_cross_fits_the_training_rows() -> None:
    _, plan, X, y = mixed(ProblemType.BINARY)
    pre = build_preprocessor(plan, LocalForest(), ProblemType.BINARY, seed=0)
    column = list(pre.fit(X, y).get_feature_names_out()).index("target__big")
    in_fit = build_preprocessor(plan, LocalForest(), ProblemType.BINARY, seed=0).fit_transform(X, y)[:, column]
    after_fit = pre.transform(X)[:, column]
    assert not np.allclose(in_fit, after_fit)  # a training row is never encoded with its own target
    again = build_preprocessor(plan, LocalForest(), ProblemType.BINARY, seed=0).fit_transform(X, y)[:, column]
    assert np.array_equal(in_fit, again)  # seeded folds: reproducible trials


# --- text and datetime ---------------------------------------------------------------------------------------------


def test_text_becomes_a_fixed_number_of_dense_columns() -> None:
    _, plan, X, y = mixed(ProblemType.BINARY)
    pre = build_preprocessor(plan, LocalLinear(), ProblemType.BINARY).fit(X, y)
    names = list(pre.get_feature_names_out())
    text = [i for i, name in enumerate(names) if name.startswith("text__note_")]
    assert len(text) == TEXT_COMPONENTS
    encoded = pre.transform(X)
    assert encoded.dtype == np.float64
    assert not np.isnan(encoded).any()
    assert np.linalg.matrix_rank(encoded[:, text]) == TEXT_COMPONENTS

    docs = pd.DataFrame({"note": ["the quick fox", np.nan, "", "lazy dog sleeps"]}, dtype=object)
    small = TextFeatures().fit(docs)  # a vocabulary smaller than the width: zero-padded to the same width
    out = small.transform(docs)
    assert out.shape == (4, TEXT_COMPONENTS)
    assert out[1].tolist() == out[2].tolist() == [0.0] * TEXT_COMPONENTS  # missing text is the empty text
    empty = TextFeatures().fit(pd.DataFrame({"note": [np.nan, "?!"]}, dtype=object))  # no word at all
    assert empty.transform(docs).tolist() == np.zeros((4, TEXT_COMPONENTS)).tolist()


def test_text_fit_transform_matches_transform_and_samples_large_inputs() -> None:
    rng = np.random.default_rng(0)
    docs = pd.DataFrame({"t": [" ".join(rng.choice(WORDS, size=6)) for _ in range(500)]}, dtype=object)
    whole = TextFeatures(seed=1)
    assert whole.fit_transform(docs) == pytest.approx(whole.transform(docs))
    sampled = TextFeatures(max_fit_rows=100, seed=1)
    out = sampled.fit_transform(docs)
    assert out.shape == (500, TEXT_COMPONENTS)
    assert out == pytest.approx(sampled.transform(docs))


def test_datetime_parts_and_missing_dates() -> None:
    when = pd.Series(pd.to_datetime(["2024-03-09 14:30", None, "2024-12-31 00:00"]))
    parts = DatetimeFeatures().fit(when.to_frame("when"))
    names = list(parts.get_feature_names_out())
    assert names == [
        "when_year",
        "when_month",
        "when_day",
        "when_weekday",
        "when_hour",
        "when_dayofyear",
        "when_weekend",
        "when_missing",
    ]
    out = parts.transform(when.to_frame("when"))
    assert out[0].tolist() == [2024, 3, 9, 5, 14, 69, 1, 0]  # a Saturday
    assert out[2].tolist() == [2024, 12, 31, 1, 0, 366, 0, 0]
    assert np.isnan(out[1, :7]).all()
    assert out[1, 7] == 1.0
    complete = DatetimeFeatures().fit(when.dropna().to_frame("when"))
    assert "when_missing" not in complete.get_feature_names_out()  # flagged only when the fit saw a gap

    _, plan, X, y = mixed(ProblemType.BINARY)
    encoded = build_preprocessor(plan, LocalForest(), ProblemType.BINARY).fit_transform(X, y)
    assert not np.isnan(encoded).any()  # missing parts are imputed inside the pipeline


# --- the whole pipeline --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", SUPERVISED)
@pytest.mark.parametrize("algorithm", [LocalLinear(), LocalForest(), LocalNative()], ids=lambda a: a.name)
def test_every_kind_round_trips_through_joblib(tmp_path: Path, task: ProblemType, algorithm: Algorithm) -> None:
    df = mixed_frame(task)
    plan = plan_features(df, "target", MIXED_KINDS)
    params = {"n_estimators": 10} if isinstance(algorithm, LocalForest) else algorithm.default_params(task)
    model = FlowMLModel.train(df, plan, task, algorithm, params, seed=0)
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    rows = df.drop(columns=["target"])
    assert np.array_equal(loaded.predict(rows), model.predict(rows))
    if task.is_classification:
        assert np.array_equal(loaded.predict_proba(rows), model.predict_proba(rows))


def test_build_pipeline_passes_the_fit_context_and_can_cast_to_float32() -> None:
    _, plan, X, y = mixed(ProblemType.BINARY)
    pipeline = build_pipeline(
        plan, LocalNative(), {}, ProblemType.BINARY, seed=0, n_jobs=1, deadline=123.0, cancel_path="/tmp/cancel"
    )
    assert pipeline.named_steps["model"].flowml_context == FitContext(3, 123.0, "/tmp/cancel")
    plain = build_pipeline(plan, LocalForest(), {"n_estimators": 5}, ProblemType.BINARY, seed=0, n_jobs=1)
    assert plain.named_steps["model"].n_estimators == 5  # algorithms without build_for overrides build as before
    narrow = build_pipeline(plan, LocalLinear(), {"C": 1.0}, ProblemType.BINARY, seed=0, n_jobs=1, float32=True)
    narrow.fit(X, y)
    assert narrow[:-1].transform(X).dtype == np.float32
    assert joblib.load(_dumped(narrow)).predict(X).tolist() == narrow.predict(X).tolist()


def _dumped(obj: Any) -> Any:
    import io

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return buffer


def test_unseen_categories_are_reported_for_every_encoding() -> None:
    df = mixed_frame(ProblemType.BINARY)
    plan = plan_features(df, "target", MIXED_KINDS)
    request = df.drop(columns=["target", "note"]).head(3).copy()
    request.loc[0, "big"] = "b999"
    request.loc[1, "color"] = "purple"
    for algorithm in (LocalLinear(), LocalNative()):
        model = FlowMLModel.train(
            df, plan, ProblemType.BINARY, algorithm, algorithm.default_params(ProblemType.BINARY), seed=0
        )
        _, warnings = model.prepare(request)
        assert "missing column 'note': treated as missing values" in warnings
        assert any("column 'big': 1 value(s) not seen in training" in w for w in warnings)
        assert any("column 'color': 1 value(s) not seen in training" in w for w in warnings)
        assert not any("'note'" in w and "not seen" in w for w in warnings)  # free text has no vocabulary
        assert len(model.predict(request)) == 3


# --- real data -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def titanic_with_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    df = titanic_frame()
    path = write_parquet(df, tmp_path_factory.mktemp("titanic_text") / "titanic.parquet")
    plan = plan_features(df, "survived", TITANIC_INFERRED_KINDS)
    assert plan.column_kinds["name"] == "text"
    return path, plan


@pytest.mark.parametrize(
    ("algorithm", "overrides", "floor"),
    [("logistic_regression", {}, 0.84), ("random_forest", {"n_estimators": 50}, 0.84)],
)
def test_trials_on_titanic_use_the_name_text(
    titanic_with_text: tuple[Path, FeaturePlan], algorithm: str, overrides: dict[str, Any], floor: float
) -> None:
    registry = real_registry()
    path, plan = titanic_with_text
    params = {**registry.get(algorithm).default_params(ProblemType.BINARY), **overrides}
    result = run_trial(make_spec(path, plan, algorithm, params, n_folds=3), registry)
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.score is not None
    assert result.score > floor


@pytest.fixture(scope="module")
def adult(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    from flowml.data.schema import infer_column_kinds

    frame = pl.read_csv(dataset_path("adult.csv"))
    target = "income >50K"
    kinds = {name: kind.value for name, kind in infer_column_kinds(frame).items() if name != target}
    df = frame.to_pandas()
    path = write_parquet(df, tmp_path_factory.mktemp("adult") / "adult.parquet")
    return path, plan_features(df, target, kinds)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("algorithm", "overrides"),
    [("logistic_regression", {}), ("random_forest", {"n_estimators": 30, "min_samples_leaf": 4})],
)
def test_trials_on_adult(adult: tuple[Path, FeaturePlan], algorithm: str, overrides: dict[str, Any]) -> None:
    registry = real_registry()
    path, plan = adult
    assert len(plan.categories["native-country"]) > 20  # target-encoded for both
    params = {**registry.get(algorithm).default_params(ProblemType.BINARY), **overrides}
    result = run_trial(make_spec(path, plan, algorithm, params, n_folds=3, seconds=600), registry)
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.score is not None
    assert result.score > 0.89
