"""The card's input schema says which values each input takes, with their training types, and a row built from it
predicts without "not seen in training" warnings: Yes/No text, real booleans and 0/1 flags alike."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from flowml.engine.features import match_flag_spellings, plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.package import build_model_card
from flowml.engine.predict import predict_frame
from flowml.engine.types import ProblemType
from tests.engine.test_pipeline import LocalForest

KINDS = {
    "OverTime": "boolean",
    "remote": "boolean",
    "manager": "boolean",
    "Department": "categorical",
    "Age": "numeric",
    "Income": "numeric",
    "hired": "datetime",
    "note": "text",
}


def hr_frame(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    overtime = rng.random(rows) < 0.35
    leaves = rng.random(rows) < np.where(overtime, 0.8, 0.1)  # overtime drives attrition
    words = ["likes the team", "wants a raise", "long commute", "new manager", "happy here"]
    return pd.DataFrame(
        {
            "OverTime": np.where(overtime, "Yes", "No"),  # text spelled Yes/No: a boolean kind of text
            "remote": rng.random(rows) < 0.5,  # a real bool column
            "manager": rng.integers(0, 2, rows),  # a 0/1 flag
            "Department": rng.choice(["Sales", "R&D", "HR"], rows),
            "Age": rng.integers(19, 60, rows),
            "Income": np.round(rng.lognormal(8.6, 0.4, rows), 2),
            "hired": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, rows), unit="D"),
            "note": [f"{words[i % 5]} and more words {i}" for i in range(rows)],
            "Attrition": np.where(leaves, "Yes", "No"),
        }
    )


@pytest.fixture(scope="module")
def trained() -> tuple[FlowMLModel, dict[str, Any], pd.DataFrame]:
    df = hr_frame()
    plan = plan_features(df, "Attrition", KINDS)
    model = FlowMLModel.train(df, plan, ProblemType.BINARY, LocalForest(), {"n_estimators": 40}, seed=0)
    card = build_model_card(
        model,
        metric="roc_auc",
        cv_score=None,
        algorithm="local_forest",
        params={},
        training_data_sha256="ab" * 32,
        n_rows=len(df),
        feature_importance={},
        dtypes={str(c): str(t) for c, t in df.dtypes.items()},
        frame=df,
    ).to_dict()  # the JSON form, as clients read it
    return model, card, df


def schema_of(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in card["input_schema"]}


def test_values_carry_the_training_types(trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame]) -> None:
    _, card, _ = trained
    schema = schema_of(card)
    json.dumps(card["input_schema"], allow_nan=False)  # plain JSON, no numpy scalars
    assert set(schema["OverTime"]["values"]) == {"Yes", "No"}
    assert set(schema["remote"]["values"]) == {True, False}
    assert all(isinstance(v, bool) for v in schema["remote"]["values"])
    assert set(schema["manager"]["values"]) == {0, 1}
    assert all(type(v) is int for v in schema["manager"]["values"])
    assert set(schema["Department"]["values"]) == {"Sales", "R&D", "HR"}
    # values and categories are the same seen values, in the same (most frequent first) order
    for name in ("OverTime", "remote", "manager", "Department"):
        assert [str(v) for v in schema[name]["values"]] == schema[name]["categories"]
        assert schema[name]["typical"] == schema[name]["values"][0]


def test_numbers_dates_and_text_get_a_range_and_a_typical_value(
    trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame],
) -> None:
    _, card, df = trained
    schema = schema_of(card)
    assert (schema["Age"]["min"], schema["Age"]["max"]) == (int(df["Age"].min()), int(df["Age"].max()))
    assert schema["Age"]["typical"] == round(float(df["Age"].median()))
    assert schema["Income"]["min"] == pytest.approx(float(df["Income"].min()))
    assert schema["Income"]["typical"] == pytest.approx(float(df["Income"].median()))
    assert schema["hired"]["min"] == df["hired"].min().isoformat()
    assert schema["hired"]["max"] == df["hired"].max().isoformat()
    assert isinstance(schema["hired"]["typical"], str)
    assert schema["note"]["typical"] in set(df["note"])


def test_a_row_of_typed_values_predicts_without_unseen_warnings_and_overtime_matters(
    trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame],
) -> None:
    model, card, _ = trained
    schema = schema_of(card)
    # What the Predict form sends: every field's typical value, then OverTime's two seen values in turn.
    row = {name: entry["typical"] for name, entry in schema.items()}
    yes_no = {}
    for choice in schema["OverTime"]["values"]:
        out = predict_frame(model, pd.DataFrame([{**row, "OverTime": choice}]))
        assert out.warnings == []
        assert out.probabilities is not None
        yes_no[choice] = out.probabilities[0]["Yes"]
    assert yes_no["Yes"] > yes_no["No"] + 0.2


def test_json_booleans_and_yes_no_words_are_read_with_the_training_spelling(
    trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame],
) -> None:
    model, card, _ = trained
    row = {name: entry["typical"] for name, entry in schema_of(card).items()}
    spelled = predict_frame(model, pd.DataFrame([{**row, "OverTime": "Yes", "manager": 1, "remote": True}]))
    for overtime, manager, remote in ((True, True, "yes"), ("YES", "true", "y")):
        out = predict_frame(model, pd.DataFrame([{**row, "OverTime": overtime, "manager": manager, "remote": remote}]))
        assert out.warnings == []
        assert out.probabilities == spelled.probabilities


def test_flag_matching_leaves_other_values_alone(trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame]) -> None:
    model, _, _ = trained
    frame = pd.DataFrame({"OverTime": ["Yes", None, "maybe", False], "Department": ["yes", "R&D", "HR", "Sales"]})
    matched = match_flag_spellings(frame, model.plan)
    assert matched["OverTime"].tolist()[0] == "Yes"
    assert pd.isna(matched["OverTime"].tolist()[1])
    assert matched["OverTime"].tolist()[2:] == ["maybe", "No"]
    assert matched["Department"].tolist() == ["yes", "R&D", "HR", "Sales"]  # not a flag column
    warnings = predict_frame(model, frame).warnings
    assert any("'maybe'" in w and "not seen in training" in w for w in warnings)


def test_without_the_frame_values_come_from_the_dtypes(
    trained: tuple[FlowMLModel, dict[str, Any], pd.DataFrame],
) -> None:
    model, _, df = trained
    card = build_model_card(
        model,
        metric="roc_auc",
        cv_score=None,
        algorithm="local_forest",
        params={},
        training_data_sha256="ab" * 32,
        n_rows=len(df),
        feature_importance={},
        dtypes={str(c): str(t) for c, t in df.dtypes.items()},
    ).to_dict()
    schema = schema_of(card)
    assert set(schema["remote"]["values"]) == {True, False}
    assert set(schema["manager"]["values"]) == {0, 1}
    assert set(schema["OverTime"]["values"]) == {"Yes", "No"}
    assert "min" not in schema["Age"]
