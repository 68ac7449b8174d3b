"""engine/explain.py: SHAP contributions per original column that add up to the model's output."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from flowml.engine.algorithms import default_registry
from flowml.engine.ensemble import EnsembleModel
from flowml.engine.explain import OTHER_COLUMNS, Explainer, permutation_shap, source_columns
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.types import ProblemType
from tests.e2e.tables import DELIVERY_TARGET, HR_TARGET, delivery_times, hr_attrition
from tests.engine.test_pipeline import SYNTHETIC_KINDS, synthetic_frame

HR_KINDS = {
    "EmployeeNumber": "id",
    "Age": "numeric",
    "Department": "categorical",
    "MaritalStatus": "categorical",
    "DistanceFromHome": "numeric",
    "JobSatisfaction": "numeric",
    "MonthlyIncome": "numeric",
    "OverTime": "categorical",
    "YearsAtCompany": "numeric",
}
REGISTRY = default_registry()
TREES = [
    "random_forest",
    "extra_trees",
    "decision_tree",
    "gradient_boosting",
    "hist_gradient_boosting",
    "lightgbm",
    "xgboost",
    "catboost",
]


@pytest.fixture(scope="module")
def hr() -> pd.DataFrame:
    df = hr_attrition(400)
    df.loc[df.index[:40], "MonthlyIncome"] = np.nan  # a missing-value flag: one more encoded feature per column
    return df


def train(df: pd.DataFrame, task: ProblemType, name: str, target: str = HR_TARGET) -> FlowMLModel:
    kinds = {c: k for c, k in HR_KINDS.items() if c != target}
    if target != HR_TARGET:
        kinds[HR_TARGET] = "categorical"
    algorithm = REGISTRY.get(name)
    params = dict(algorithm.default_params(task))
    for budget in ("n_estimators", "iterations"):
        if budget in params:
            params[budget] = 30
    plan = plan_features(df, target, kinds)
    return FlowMLModel.train(df, plan, task, algorithm, params, seed=0)


def rows(df: pd.DataFrame, n: int = 25) -> pd.DataFrame:
    return df.drop(columns=[HR_TARGET]).head(n).reset_index(drop=True)


def expected_output(model: FlowMLModel, frame: pd.DataFrame, scale: str) -> np.ndarray:
    if not model.is_classifier:
        return model.predict(frame)
    positive = model.predict_proba(frame)[:, 1]  # type: ignore[index]
    return np.log(positive / (1 - positive)) if scale == "log_odds" else positive


@pytest.mark.parametrize("name", TREES)
def test_tree_explanations_add_up_to_the_binary_output(hr: pd.DataFrame, name: str) -> None:
    model = train(hr, ProblemType.BINARY, name)
    explainer = Explainer(model)
    assert explainer.method == "tree"
    frame = rows(hr)
    explanations = explainer.explain(frame)
    scale = explanations[0].output_scale
    # Forests and single trees average leaf probabilities; boosting adds log-odds.
    assert scale == ("probability" if name in {"random_forest", "extra_trees", "decision_tree"} else "log_odds")
    target = expected_output(model, frame, scale)
    for explanation, expected in zip(explanations, target, strict=True):
        assert explanation.method == "tree"
        assert explanation.explained_class == "Yes"
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(expected, rel=1e-3, abs=1e-4)
        assert explanation.output_value == pytest.approx(total, abs=1e-9)
        # One entry per ORIGINAL column the model uses, none for encoded parts or the dropped id.
        assert sorted(c.column for c in explanation.contributions) == sorted(model.plan.features)
        sizes = [abs(c.contribution) for c in explanation.contributions]
        assert sizes == sorted(sizes, reverse=True)


def test_contributions_sum_the_encoded_features_of_each_column(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.BINARY, "gradient_boosting")  # one-hot categories, a missing flag on income
    sources = source_columns(model)
    assert sources.count("MonthlyIncome") == 2  # the value and its missing-value indicator
    assert sources.count("MaritalStatus") == 3  # one one-hot column per status
    assert set(sources) == set(model.plan.features)
    frame = rows(hr, 5)
    explanation = Explainer(model).explain(frame)[0]
    by_column = {c.column: c for c in explanation.contributions}
    assert by_column["OverTime"].value == frame.loc[0, "OverTime"]  # the value as sent, not its encoding
    assert by_column["Age"].value == int(frame.loc[0, "Age"])
    assert "EmployeeNumber" not in by_column


def test_overtime_drives_attrition(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.BINARY, "lightgbm")
    frame = rows(hr, 200)
    explanations = Explainer(model).explain(frame)
    mean_size = pd.DataFrame([{c.column: abs(c.contribution) for c in e.contributions} for e in explanations]).mean()
    assert mean_size.idxmax() == "OverTime"
    yes = [e for e, ot in zip(explanations, frame["OverTime"], strict=True) if ot == "Yes"]
    assert all(next(c for c in e.contributions if c.column == "OverTime").contribution > 0 for e in yes)


def test_multiclass_explains_the_predicted_class(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.MULTICLASS, "lightgbm", target="MaritalStatus")
    frame = hr.drop(columns=["MaritalStatus"]).head(10)
    explanations = Explainer(model).explain(frame)
    predicted = model.predict(frame)
    for explanation, label in zip(explanations, predicted, strict=True):
        assert explanation.explained_class == str(label)
        assert explanation.output_scale == "margin"
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(explanation.output_value, abs=1e-9)
    assert explanations[0].output_value != pytest.approx(explanations[0].base_value)


def test_regression_trees_add_up_to_the_prediction() -> None:
    df = delivery_times(300)
    kinds = {c: ("categorical" if df[c].dtype == object else "numeric") for c in df.columns if c != DELIVERY_TARGET}
    kinds["order_id"] = "id"
    plan = plan_features(df, DELIVERY_TARGET, kinds)
    model = FlowMLModel.train(
        df, plan, ProblemType.REGRESSION, REGISTRY.get("random_forest"), {"n_estimators": 20}, seed=0
    )
    frame = df.drop(columns=[DELIVERY_TARGET]).head(10)
    explanations = Explainer(model).explain(frame)
    for explanation, predicted in zip(explanations, model.predict(frame), strict=True):
        assert explanation.output_scale == "value"
        assert explanation.explained_class is None
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(predicted, rel=1e-6)
    top = explanations[0].top(3)
    assert [c.column for c in top][-1] == OTHER_COLUMNS and len(top) == 4
    assert sum(c.contribution for c in top) == pytest.approx(sum(c.contribution for c in explanations[0].contributions))


def test_linear_model_uses_the_sampled_explainer(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.BINARY, "logistic_regression")
    without = Explainer(model)
    assert without.method == "sampled" and without.needs_background
    with pytest.raises(Exception, match="sample of its training rows"):
        without.explain(rows(hr, 1))
    explainer = Explainer(model, background=hr.drop(columns=[HR_TARGET]))
    frame = rows(hr, 12)
    explanations = explainer.explain(frame)
    positive = model.predict_proba(frame)[:, 1]  # type: ignore[index]
    for explanation, expected in zip(explanations, positive, strict=True):
        assert explanation.method == "sampled"
        assert explanation.output_scale == "probability"
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(expected, abs=1e-9)  # the permutation sum telescopes: exact
        assert sorted(c.column for c in explanation.contributions) == sorted(model.plan.features)
    # On average over rows, the top driver of the generated table is the top contribution.
    mean_size = pd.DataFrame([{c.column: abs(c.contribution) for c in e.contributions} for e in explanations]).mean()
    assert mean_size.idxmax() in {"OverTime", "MonthlyIncome", "JobSatisfaction", "YearsAtCompany"}


def test_ensemble_explains_its_blended_probability(hr: pd.DataFrame) -> None:
    members = [train(hr, ProblemType.BINARY, "random_forest"), train(hr, ProblemType.BINARY, "lightgbm")]
    ensemble = EnsembleModel(members, [0.7, 0.3])
    explainer = Explainer(ensemble, background=hr)
    assert explainer.method == "sampled"  # a forest's probabilities and a booster's log-odds do not add up together
    frame = rows(hr, 5)
    explanations = explainer.explain(frame)
    blended = ensemble.predict_proba(frame)[:, 1]  # type: ignore[index]
    for explanation, expected in zip(explanations, blended, strict=True):
        assert explanation.output_scale == "probability"
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(expected, abs=1e-9)


def test_one_row_takes_under_a_second(hr: pd.DataFrame) -> None:
    tree = Explainer(train(hr, ProblemType.BINARY, "lightgbm"))
    sampled = Explainer(train(hr, ProblemType.BINARY, "logistic_regression"), background=hr)
    one = rows(hr, 1)
    tree.explain(one), sampled.explain(one)  # first calls import SHAP and compile its kernels
    for explainer in (tree, sampled):
        started = time.perf_counter()
        explainer.explain(rows(hr.iloc[5:], 1))
        assert time.perf_counter() - started < 1.0, explainer.method


def test_unseen_and_missing_values_are_explained(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.BINARY, "xgboost")  # native category codes: unseen becomes missing
    frame = rows(hr, 3)
    frame.loc[0, "Department"] = "Never seen"
    frame = frame.drop(columns=["YearsAtCompany"])
    explanations = Explainer(model).explain(frame)
    by_column = {c.column: c for c in explanations[0].contributions}
    assert by_column["Department"].value == "Never seen"
    assert by_column["YearsAtCompany"].value is None
    positive = model.predict_proba(frame)[:, 1]  # type: ignore[index]
    total = explanations[0].base_value + sum(c.contribution for c in explanations[0].contributions)
    assert 1 / (1 + np.exp(-total)) == pytest.approx(positive[0], abs=1e-4)


def test_permutation_estimator_matches_shap_and_the_exact_values() -> None:
    import shap

    rng = np.random.default_rng(3)
    background = rng.normal(size=(30, 4))
    rows = rng.normal(size=(3, 4))
    weights = np.array([2.0, -1.0, 0.5, 0.0])

    def additive(x: np.ndarray) -> np.ndarray:
        return (x @ weights + 3.0)[:, None]

    values, base = permutation_shap(additive, rows, background, 2, np.random.default_rng(0))
    # An additive model's Shapley values are exact whatever the order: w_j * (x_j - mean of the background's x_j).
    expected = weights * (rows - background.mean(axis=0))
    assert values[:, :, 0] == pytest.approx(expected)
    assert base[0] == pytest.approx(float(additive(background).mean()))
    reference = shap.explainers.Permutation(
        lambda x: additive(x)[:, 0], shap.maskers.Independent(background, max_samples=30), seed=0
    )(rows, max_evals=20, silent=True)
    assert values[:, :, 0] == pytest.approx(reference.values)

    def interacting(x: np.ndarray) -> np.ndarray:
        return np.column_stack([x[:, 0] * x[:, 1], np.maximum(x[:, 2], 0.0)])

    values, base = permutation_shap(interacting, rows, background, 3, np.random.default_rng(1))
    assert (base + values.sum(axis=1)) == pytest.approx(interacting(rows))  # exact for every output


def test_values_echoed_back_are_json_ready(hr: pd.DataFrame) -> None:
    model = train(hr, ProblemType.BINARY, "decision_tree")
    frame = rows(hr.iloc[50:], 2).astype({"MonthlyIncome": float, "Department": object})  # 50+: income given
    frame.loc[1, "MonthlyIncome"] = np.nan
    frame.loc[1, "Department"] = None
    first, second = Explainer(model).explain(frame)
    income = next(c.value for c in first.contributions if c.column == "MonthlyIncome")
    assert type(income) is float and income == frame.loc[0, "MonthlyIncome"]
    assert next(c.value for c in second.contributions if c.column == "MonthlyIncome") is None
    assert next(c.value for c in second.contributions if c.column == "Department") is None
    assert type(next(c.value for c in first.contributions if c.column == "Age")) is int


@pytest.mark.parametrize("name", ["gradient_boosting", "logistic_regression"])
def test_dates_text_and_flags_are_explained_as_one_column_each(name: str) -> None:
    df = synthetic_frame(ProblemType.BINARY, n_rows=240)
    words = np.array(["late delivery again", "great service", "slow reply today", "friendly staff", "no answer"])
    df["note"] = np.random.default_rng(0).choice(words, size=len(df)) + " " + df["row_id"].astype(str) + " extra"
    plan = plan_features(df, "target", {**SYNTHETIC_KINDS, "note": "text"})
    assert plan.column_kinds["note"] == "text" and plan.column_kinds["when"] == "datetime"
    algorithm = REGISTRY.get(name)
    model = FlowMLModel.train(
        df, plan, ProblemType.BINARY, algorithm, algorithm.default_params(ProblemType.BINARY), seed=0
    )
    frame = df.drop(columns=["target"]).head(6)
    explanations = Explainer(model, background=df).explain(frame)
    positive = model.predict_proba(frame)[:, 1]  # type: ignore[index]
    for explanation, p in zip(explanations, positive, strict=True):
        # Trees map 20 text components, date parts and missing flags back to their columns.
        assert explanation.method == ("tree" if name == "gradient_boosting" else "sampled")
        assert sorted(c.column for c in explanation.contributions) == sorted(plan.features)
        scale = explanation.output_scale
        expected = np.log(p / (1 - p)) if scale == "log_odds" else p
        total = explanation.base_value + sum(c.contribution for c in explanation.contributions)
        assert total == pytest.approx(expected, abs=1e-4)
    when = next(c.value for c in explanations[0].contributions if c.column == "when")
    assert when == frame.loc[0, "when"].isoformat()
