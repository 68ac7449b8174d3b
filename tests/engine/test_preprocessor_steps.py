"""The built-in preprocessors (engine/preprocessors): each meets the plugin contract, runs in a model's pipeline
between the encoding and the estimator, and the model still explains, exports and names itself correctly when a
step changes the width (PCA) or drops columns (feature selection)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from flowml.engine.algorithms import builtin_registry, default_registry
from flowml.engine.card_facts import default_model_name
from flowml.engine.explain import Explainer
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.onnx import export_onnx
from flowml.engine.plugins import PREPROCESSOR_GROUP, load_plugins
from flowml.engine.preprocessor import (
    STEP_PREFIX,
    Preprocessor,
    default_preprocessors,
    join_params,
    pipeline_steps,
    step_labels,
)
from flowml.engine.preprocessors import builtin_preprocessors
from flowml.engine.preprocessors.selection import SelectTopPercentile
from flowml.engine.space import SearchSpace
from flowml.engine.types import ProblemType
from flowml.testing import check_preprocessor
from flowml.testing.data import FRAME_KINDS, make_frame

PCA_STEP = ("pca", {"variance": 0.9, "whiten": False})
SELECT_STEP = ("select_percentile", {"percentile": 10, "score": "f_test"})


@pytest.mark.parametrize("step", list(builtin_preprocessors()), ids=lambda step: step.name)
def test_each_builtin_preprocessor_meets_the_contract(step: Preprocessor) -> None:
    check_preprocessor(step)
    assert step.origin.source == "builtin"
    assert step.name in default_preprocessors()


class ShadowsPCA(Preprocessor):
    """A plugin step that takes a built-in step's name."""

    name = "pca"
    label = "Not the built-in PCA"

    def space(self) -> SearchSpace:
        return SearchSpace(params={})

    def default_params(self) -> dict[str, Any]:
        return {}

    def build(self, params: Mapping[str, Any], *, seed: int) -> Any:
        return Doubler()


def test_a_plugin_never_replaces_a_builtin_preprocessor() -> None:
    found = load_plugins(builtin_registry(), [EntryPoint("pca", f"{__name__}:ShadowsPCA", PREPROCESSOR_GROUP)])
    assert "pca" not in found.preprocessors
    assert "'pca' is a built-in preprocessor (built-ins win)" in found.report.broken[0].error


def test_selection_keeps_the_best_share_and_at_least_one_column() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 10))
    x[:, 9] = 1.0  # constant: the F-test's NaN ranks last rather than breaking the order
    labels = (x[:, 3] + 0.1 * rng.normal(size=200) > 0).astype(np.int64)  # class codes, as FlowML gives them
    values = 5.0 * x[:, 6] + 0.1 * rng.normal(size=200)  # a float target: the regression score
    for y, best in ((labels, 3), (values, 6)):
        for score in ("f_test", "mutual_info"):
            picked = SelectTopPercentile(percentile=10, score=score).fit(x, y).get_support(indices=True)
            assert picked.tolist() == [best], (score, y.dtype)
    assert SelectTopPercentile(percentile=30).fit(x, labels).transform(x).shape == (200, 3)  # ceil(10 * 0.3)
    one_column = x[:, :1]
    assert SelectTopPercentile(percentile=10).fit(one_column, labels).transform(one_column).shape == (200, 1)


def _train(task: ProblemType, algorithm: str, steps: list[tuple[str, dict[str, Any]]]) -> tuple[FlowMLModel, Any]:
    df = make_frame(task, 300, seed=1)
    plan = plan_features(df, "target", FRAME_KINDS)
    found = default_registry().get(algorithm)
    params = join_params(found.fast_params(task), steps)
    return FlowMLModel.train(df, plan, task, found, params, seed=0), df


def test_pca_changes_what_the_estimator_sees_and_the_model_still_predicts() -> None:
    model, df = _train(ProblemType.REGRESSION, "ridge", [PCA_STEP])
    assert pipeline_steps(model.pipeline) == ["pca"]
    encoded = model.pipeline.named_steps["preprocess"].transform(model.prepare(df)[0])
    pca = model.pipeline.named_steps[f"{STEP_PREFIX}pca"]
    assert pca.n_components_ < encoded.shape[1]  # x1, x2 and its gap flag, three colours: fewer components
    assert model.pipeline.steps[-1][1].n_features_in_ == pca.n_components_
    assert np.isfinite(model.predict(df.head(20))).all()


@pytest.mark.parametrize(
    ("task", "algorithm", "steps"),
    [
        (ProblemType.BINARY, "random_forest", [PCA_STEP]),  # a tree model: tree SHAP would see components
        (ProblemType.REGRESSION, "random_forest", [SELECT_STEP]),
        (ProblemType.MULTICLASS, "logistic_regression", [PCA_STEP, SELECT_STEP]),
    ],
)
def test_a_model_with_steps_explains_its_original_columns_exactly(
    task: ProblemType, algorithm: str, steps: list[tuple[str, dict[str, Any]]]
) -> None:
    model, df = _train(task, algorithm, steps)
    explainer = Explainer(model, df.drop(columns="target"))
    assert explainer.method == "sampled" and explainer.needs_background
    rows = df.head(3)
    for explanation, output in zip(explainer.explain(rows), _outputs(model, rows), strict=True):
        assert sorted(c.column for c in explanation.contributions) == sorted(model.plan.features)
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(explanation.output_value, abs=1e-9)
        assert explanation.output_value == pytest.approx(output, abs=1e-9)


def _outputs(model: FlowMLModel, rows: pd.DataFrame) -> list[float]:
    """The model's own output for each row on the explained scale: the positive class's or the predicted class's
    probability, or the value."""
    proba = model.predict_proba(rows)
    if proba is None:
        return [float(v) for v in model.predict(rows)]
    if proba.shape[1] == 2:
        return [float(p) for p in proba[:, 1]]
    return [float(p.max()) for p in proba]


def test_the_same_forest_without_steps_still_gets_tree_shap() -> None:
    model, _ = _train(ProblemType.BINARY, "random_forest", [])
    assert Explainer(model).method == "tree"


@pytest.mark.parametrize("steps", [[PCA_STEP], [SELECT_STEP], [PCA_STEP, SELECT_STEP]], ids=["pca", "select", "both"])
def test_models_with_builtin_steps_export_to_onnx_with_parity(steps: list[tuple[str, dict[str, Any]]]) -> None:
    model, df = _train(ProblemType.BINARY, "logistic_regression", steps)
    export = export_onnx(model, df.head(100))
    entry = export.card_entry()
    assert export.usable and entry["parity"]["passed"], entry


class Doubler(TransformerMixin, BaseEstimator):
    """A step no ONNX converter knows."""

    def fit(self, X: Any, y: Any = None) -> Doubler:
        return self

    def transform(self, X: Any) -> Any:
        return np.asarray(X) * 2.0


def test_a_step_without_a_converter_is_named_in_the_card_not_a_crash() -> None:
    model, df = _train(ProblemType.BINARY, "logistic_regression", [PCA_STEP])
    steps = list(model.pipeline.steps)
    doubler = Doubler().fit(None)
    pipeline = Pipeline([*steps[:-1], (f"{STEP_PREFIX}doubler", doubler), steps[-1]])
    patched = FlowMLModel(model.plan, model.problem_type, pipeline, model.classes, model.known_categories)
    export = export_onnx(patched, df.head(50))
    entry = export.card_entry()
    assert not export.usable and entry["supported"] is False
    assert f"{STEP_PREFIX}doubler (Doubler: no converter)" in entry["reason"]


def test_the_default_name_and_labels_name_the_steps() -> None:
    params = join_params({"alpha": 1.0}, [PCA_STEP, SELECT_STEP])
    labels = step_labels(params)
    assert labels == ["PCA (principal components)", "Feature selection (top percentile)"]
    name = default_model_name("ridge", 0, "price", default_registry(), labels)
    assert name == "Ridge Regression after PCA (principal components) + Feature selection (top percentile) · price"
    assert default_model_name("ridge", 0, "price", default_registry()) == "Ridge Regression · price"
    assert step_labels({"preprocessors": "gone"}) == ["gone"]  # a step no longer installed keeps its name
