"""ONNX export contract: every registered algorithm, for every task it supports, either exports a graph that matches
the native model (probabilities within 1e-4, labels equal) or says why not; plus the graph's input handling
(unseen categories, missing columns and values, dates), ensembles and the predictor's loading paths.

Data: numeric (with gaps), a few-valued categorical (one-hot), a many-valued one (target encoding / native codes),
a boolean, a date (with gaps, before and after 1970) and short text, so every converter of the pipeline runs.
Expensive defaults are cut (each algorithm's `fast_params`): parity does not depend on the number of trees. An
algorithm declares whether it exports (`onnx`); CatBoost does not: with native category codes it trains on
`cat_features`, which CatBoost's ONNX export refuses (numeric-only CatBoost is tested below).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import Int64TensorType, StringTensorType
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from flowml.engine.algorithms import default_registry
from flowml.engine.ensemble import EnsembleModel
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel, as_float32
from flowml.engine.onnx import ONNX_FILE, OnnxExport, OnnxPredictor, create_session, export_onnx
from flowml.engine.onnx._converters import register_converters
from flowml.engine.onnx._schema import NAT
from flowml.engine.preprocessing import MISSING_CATEGORY, CategoryCodes, DatetimeFeatures
from flowml.engine.registry import Algorithm
from flowml.engine.types import ProblemType

SEED = 3
KINDS = {
    "x1": "numeric",
    "x2": "numeric",
    "color": "categorical",
    "city": "categorical",
    "member": "boolean",
    "joined": "datetime",
    "note": "text",
}
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "café", "naïve", "x9", "data_set"]
# Supervised tasks: clustering models have their own contract (tests/engine/clustering/test_onnx_clustering.py).
CASES = [
    pytest.param(algo, task, id=f"{algo.name}-{task.value}")
    for algo in default_registry().algorithms.values()
    for task in sorted(algo.tasks)
    if task.is_supervised
]


def make_frame(task: ProblemType, n_rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n_rows)
    # "purple" and missing are rare: one-hot puts them in one "infrequent" column together.
    color = rng.choice(["red", "green", "blue", "purple"], size=n_rows, p=[0.4, 0.3, 0.28, 0.02])
    city = rng.choice([f"city{i:02d}" for i in range(30)], size=n_rows)  # > 20 values: not one-hot encoded
    note = [" ".join(rng.choice(WORDS, size=rng.integers(1, 6))).capitalize() for _ in range(n_rows)]
    days = rng.integers(-8000, 20000, n_rows)  # 1948 to 2024
    joined = (
        pd.Timestamp("1970-01-01")
        + pd.to_timedelta(days, unit="D")
        + pd.to_timedelta(rng.integers(0, 24, n_rows), unit="h")
    )
    signal = x1 + np.where(color == "red", 1.0, 0.0) + (np.char.str_len(city.astype(str)) > 5) * 0.2
    signal += np.array(["fox" in text for text in note]) * 0.8 + (days > 5000) * 0.5
    df = pd.DataFrame(
        {
            "x1": x1,
            "x2": np.where(rng.random(n_rows) < 0.1, np.nan, rng.normal(size=n_rows)),
            "color": pd.Series(color, dtype=object).where(rng.random(n_rows) > 0.015),
            "city": pd.Series(city, dtype=object).where(rng.random(n_rows) > 0.05),
            "member": rng.random(n_rows) < 0.4,
            "joined": pd.Series(joined).where(rng.random(n_rows) > 0.1),
            "note": pd.Series(note, dtype=object).where(rng.random(n_rows) > 0.1),
        }
    )
    if task is ProblemType.REGRESSION:
        df["target"] = 4.0 * signal + 50.0 + rng.normal(scale=0.1, size=n_rows)
    elif task is ProblemType.BINARY:
        df["target"] = np.where(signal > 0.5, "yes", "no")
    else:
        df["target"] = np.digitize(signal, [0.0, 1.2])
    return df


def train(algo: Algorithm, task: ProblemType, frame: pd.DataFrame, kinds: dict[str, str] = KINDS) -> FlowMLModel:
    plan = plan_features(frame, "target", kinds)
    params = algo.fast_params(task)
    return FlowMLModel.train(frame, plan, task, algo, params, seed=SEED)


@cache
def exported(name: str, task: ProblemType) -> tuple[FlowMLModel, OnnxExport, pd.DataFrame]:
    """One trained model per (algorithm, task), its export checked on held-out rows, and those rows."""
    model = train(default_registry().get(name), task, make_frame(task, 240, seed=0))
    holdout = make_frame(task, 120, seed=1)
    return model, export_onnx(model, holdout), holdout


@pytest.mark.parametrize(("algo", "task"), CASES)
def test_export_matches_native_or_says_why_not(algo: Algorithm, task: ProblemType) -> None:
    model, export, holdout = exported(algo.name, task)
    if not algo.onnx:
        assert not export.usable, f"{algo.name} now exports with parity: declare onnx = True on its class"
        assert export.reason, "an export that is not usable must say why"
        return
    assert export.usable, f"{algo.name}/{task.value}: {export.reason}"
    parity = export.parity
    assert parity["passed"] and parity["rows"] == len(holdout)
    assert parity["max_abs_diff"] <= parity["tolerance"]
    if task.is_classification:
        assert parity["label_agreement"] == 1.0
    assert export.onnx_bytes is not None
    predictor = OnnxPredictor(export.onnx_bytes)  # the serving path: raw rows in, original labels out
    if task.is_classification:
        np.testing.assert_array_equal(predictor.predict(holdout), model.predict(holdout))
    else:
        np.testing.assert_allclose(predictor.predict(holdout), model.predict(holdout), atol=parity["tolerance"])


@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("logistic_regression", ProblemType.BINARY),
        ("lightgbm", ProblemType.BINARY),
        ("xgboost", ProblemType.MULTICLASS),
        ("random_forest", ProblemType.BINARY),
        ("ridge", ProblemType.REGRESSION),
        ("lightgbm", ProblemType.REGRESSION),
        ("xgboost", ProblemType.REGRESSION),
    ],
)
def test_unseen_values_and_missing_columns_do_not_crash(name: str, task: ProblemType) -> None:
    model, export, holdout = exported(name, task)
    assert export.onnx_bytes is not None
    rows = holdout.head(6).copy()
    rows["color"] = ["purple", "red", None, "RED", "", "green"]
    rows["city"] = ["atlantis", "city01", None, "city99", "x", "city02"]
    rows["member"] = [None, True, False, "maybe", True, False]
    rows["note"] = ["zebra unicorn", "", None, "fox fox fox", "ÉTÉ café", "42"]
    rows["joined"] = [None, "1900-02-28", "2262-01-01", "not a date", "2000-02-29T23:59:59+02:00", pd.NaT]
    rows = rows.drop(columns=["x2"]).assign(extra=1)  # a missing column, an extra one
    predictor = OnnxPredictor(export.onnx_bytes)
    got = predictor.predict(rows)
    if task.is_classification:
        np.testing.assert_array_equal(got, model.predict(rows))
        np.testing.assert_allclose(predictor.predict_proba(rows), model.predict_proba(rows), atol=1e-4)
    else:
        np.testing.assert_allclose(got, model.predict(rows), atol=export.parity["tolerance"])


def test_ensemble_exports_as_one_graph() -> None:
    task = ProblemType.MULTICLASS
    members = [exported(name, task)[0] for name in ("lightgbm", "logistic_regression", "decision_tree")]
    ensemble = EnsembleModel(members, [0.5, 0.3, 0.2])
    holdout = make_frame(task, 120, seed=1)
    export = export_onnx(ensemble, holdout)
    assert export.usable, export.reason
    assert export.onnx_bytes is not None
    predictor = OnnxPredictor(export.onnx_bytes)
    np.testing.assert_allclose(predictor.predict_proba(holdout), ensemble.predict_proba(holdout), atol=1e-4)


def test_ensemble_of_members_with_clashing_node_names_exports() -> None:
    # skl2onnx names some initializers "weight"; under the member's prefix that was the ensemble's own share name.
    task = ProblemType.BINARY
    members = [exported(name, task)[0] for name in ("linear_svc", "logistic_regression", "adaboost")]
    ensemble = EnsembleModel(members, [0.2, 0.3, 0.5])
    holdout = make_frame(task, 120, seed=1)
    export = export_onnx(ensemble, holdout)
    assert export.usable, export.reason
    assert export.onnx_bytes is not None
    predictor = OnnxPredictor(export.onnx_bytes)
    np.testing.assert_allclose(predictor.predict_proba(holdout), ensemble.predict_proba(holdout), atol=1e-4)


def test_regression_ensemble_averages_predictions() -> None:
    task = ProblemType.REGRESSION
    members = [exported(name, task)[0] for name in ("ridge", "random_forest")]
    ensemble = EnsembleModel(members, [1.0, 3.0])
    export = export_onnx(ensemble, make_frame(task, 120, seed=1))
    assert export.usable, export.reason


def test_catboost_without_categorical_columns_exports() -> None:
    numeric = {"x1": "numeric", "x2": "numeric", "joined": "datetime"}
    for task in (ProblemType.BINARY, ProblemType.MULTICLASS, ProblemType.REGRESSION):
        frame = make_frame(task, 240, seed=0)[[*numeric, "target"]]
        model = train(default_registry().get("catboost"), task, frame, numeric)
        export = export_onnx(model, make_frame(task, 120, seed=1))
        assert export.usable, f"{task.value}: {export.reason}"


def test_catboost_with_categorical_columns_names_the_part() -> None:
    _, export, _ = exported("catboost", ProblemType.BINARY)
    assert not export.supported and export.onnx_bytes is None
    assert export.reason is not None and "pipeline/model" in export.reason and "categorical" in export.reason


def test_part_without_converter_is_reported_by_path() -> None:
    class HomeMadeClassifier(LogisticRegression):
        pass

    model, _, holdout = exported("logistic_regression", ProblemType.BINARY)
    steps = [
        model.pipeline.steps[0],
        (
            "model",
            HomeMadeClassifier().fit(
                model.pipeline[:-1].transform(model.prepare(holdout)[0]), np.arange(len(holdout)) % 2
            ),
        ),
    ]
    custom = FlowMLModel(model.plan, model.problem_type, Pipeline(steps), model.classes, {})
    export = export_onnx(custom, holdout)
    assert not export.supported and not export.usable and export.onnx_bytes is None
    assert export.reason == "cannot convert to ONNX: pipeline/model (HomeMadeClassifier: no converter)"


def test_predictor_loads_from_a_path_and_reads_its_metadata(tmp_path: Path) -> None:
    model, export, holdout = exported("lightgbm", ProblemType.MULTICLASS)
    assert export.onnx_bytes is not None
    path = tmp_path / ONNX_FILE
    path.write_bytes(export.onnx_bytes)
    predictor = OnnxPredictor(path)
    assert predictor.problem_type is ProblemType.MULTICLASS
    assert predictor.classes == model.classes
    assert predictor.plan.column_kinds == model.plan.column_kinds
    X, _ = model.prepare(holdout)
    labels, proba = predictor.run_prepared(X)
    assert proba is not None and proba.shape == (len(holdout), 3)
    np.testing.assert_array_equal(labels, model.predict_prepared(X))
    assert export.card_entry()["parity"]["passed"] is True


def test_datetime_parts_match_pandas_across_calendar_edges() -> None:
    register_converters()
    texts = ["1677-09-22", "1899-12-31 23:00", "1900-03-01", "1969-12-31 23:59:59", "1970-01-01", "2000-02-29 12:00"]
    texts += ["2000-12-31", "2023-03-01 05:00", "2024-12-31 23:00", "2100-03-01", "2262-04-11", None]
    stamps = pd.Series(pd.to_datetime(texts, format="mixed")).astype("datetime64[ns]")
    frame = pd.DataFrame({"a": stamps, "b": stamps[::-1].reset_index(drop=True).fillna(pd.Timestamp("2001-01-01"))})
    parts = DatetimeFeatures().fit(frame)
    graph = convert_sklearn(
        parts, initial_types=[("a", Int64TensorType([None, 1])), ("b", Int64TensorType([None, 1]))], target_opset=17
    )
    session = create_session(graph.SerializeToString())
    feeds = {name: frame[[name]].to_numpy().view(np.int64) for name in ("a", "b")}
    assert feeds["a"][-1, 0] == NAT
    got = session.run(None, feeds)[0]
    np.testing.assert_array_equal(got, parts.transform(frame).astype(np.float32))


def test_category_codes_with_an_other_code() -> None:
    register_converters()
    train_rows = pd.DataFrame({"a": ["x"] * 5 + ["y"] * 3 + ["z"] * 2 + ["w"] + [None], "b": ["p", "q"] * 6})
    codes = CategoryCodes(max_categories=2).fit(train_rows)  # a: x, y kept; z, w share "other"
    rows = pd.DataFrame({"a": ["x", "y", "z", "w", "new", None], "b": ["q", "p", None, "r", "p", "q"]})
    graph = convert_sklearn(
        codes, initial_types=[(c, StringTensorType([None, 1])) for c in rows.columns], target_opset=17
    )
    feeds = {c: rows[[c]].fillna(MISSING_CATEGORY).to_numpy(dtype=object) for c in rows.columns}
    got = create_session(graph.SerializeToString()).run(None, feeds)[0]
    np.testing.assert_array_equal(got, codes.transform(rows).astype(np.float32))


def test_float32_step_converts_as_identity() -> None:
    model, _, holdout = exported("lightgbm", ProblemType.BINARY)
    cast = FunctionTransformer(as_float32).fit(np.zeros((1, 1)))
    pipeline = Pipeline([model.pipeline.steps[0], ("float32", cast), model.pipeline.steps[-1]])
    shrunk = FlowMLModel(model.plan, model.problem_type, pipeline, model.classes, model.known_categories)
    export = export_onnx(shrunk, holdout)
    assert export.usable, export.reason
