"""predict_frame and predictions_table: faithful encoding or a report, and the CLI's column-name contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowml.core.errors import InvalidInputError
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.predict import PredictionOutput, predict_frame, predictions_table
from flowml.engine.types import ProblemType
from tests.engine.test_pipeline import (
    SYNTHETIC_KINDS,
    TITANIC_KINDS,
    LocalForest,
    LocalLinear,
    synthetic_frame,
    titanic_frame,
)


def train(task: ProblemType, n_rows: int = 200) -> tuple[FlowMLModel, pd.DataFrame]:
    df = synthetic_frame(task, n_rows=n_rows)
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    model = FlowMLModel.train(df, plan, task, LocalLinear(), {"C": 1.0}, seed=0)
    return model, df.drop(columns=["target"])


@pytest.fixture(scope="module")
def titanic_model() -> tuple[FlowMLModel, pd.DataFrame]:
    df = titanic_frame()
    plan = plan_features(df, "survived", TITANIC_KINDS)
    model = FlowMLModel.train(df, plan, ProblemType.BINARY, LocalForest(), {"n_estimators": 20}, seed=0)
    return model, df.drop(columns=["survived"]).head(50).reset_index(drop=True)


def test_binary_predictions_table(titanic_model: tuple[FlowMLModel, pd.DataFrame]) -> None:
    model, rows = titanic_model
    output = predict_frame(model, rows)
    assert output.classes == [0, 1]
    assert output.warnings == []
    assert len(output.predictions) == 50
    assert all(type(p) is int for p in output.predictions)
    assert output.probabilities is not None
    assert set(output.probabilities[0]) == {"0", "1"}
    table = predictions_table(output)
    assert list(table.columns) == ["prediction", "proba_0", "proba_1"]
    assert np.allclose(table["proba_0"] + table["proba_1"], 1.0)
    assert (table["prediction"] == (table["proba_1"] > 0.5).astype(int)).mean() > 0.95


def test_multiclass_and_regression_tables() -> None:
    model, rows = train(ProblemType.MULTICLASS)
    table = predictions_table(predict_frame(model, rows))
    assert list(table.columns) == ["prediction", "proba_0", "proba_1", "proba_2"]
    assert np.allclose(table[["proba_0", "proba_1", "proba_2"]].sum(axis=1), 1.0)
    model, rows = train(ProblemType.REGRESSION)
    output = predict_frame(model, rows)
    assert output.probabilities is None
    assert output.classes is None
    assert list(predictions_table(output).columns) == ["prediction"]


def test_string_classes_name_their_probability_columns() -> None:
    model, rows = train(ProblemType.BINARY)
    output = predict_frame(model, rows.head(10))
    assert output.classes == ["no", "yes"]
    assert set(output.predictions) <= {"no", "yes"}
    assert list(predictions_table(output).columns) == ["prediction", "proba_no", "proba_yes"]


def test_missing_column_warns_and_still_predicts(titanic_model: tuple[FlowMLModel, pd.DataFrame]) -> None:
    model, rows = titanic_model
    output = predict_frame(model, rows.drop(columns=["age"]))
    assert len(output.predictions) == len(rows)
    assert output.warnings == ["missing column 'age': treated as missing values"]


def test_unseen_category_is_reported_and_encoded_as_unknown(
    titanic_model: tuple[FlowMLModel, pd.DataFrame],
) -> None:
    model, rows = titanic_model
    changed = rows.copy()
    changed.loc[0, "embarked"] = "Atlantis"
    changed.loc[1, "embarked"] = "Mars"
    changed.loc[2, "cabin"] = "Z999"
    output = predict_frame(model, changed)
    assert len(output.warnings) == 2
    assert "column 'cabin': 1 value(s) not seen in training, encoded as unknown: 'Z999'" in output.warnings
    embarked = next(w for w in output.warnings if "'embarked'" in w)
    assert "2 value(s)" in embarked
    assert "'Atlantis'" in embarked
    assert "'Mars'" in embarked
    # encoded as the all-zero one-hot row, as a value the encoder never saw (not as another port, nor as 'missing')
    X, _ = model.prepare(changed.head(1))
    pre = model.pipeline.named_steps["preprocess"]
    names = list(pre.get_feature_names_out())
    encoded = pre.transform(X)[0]
    onehot = [encoded[i] for i, n in enumerate(names) if n.startswith("onehot__embarked_")]
    assert len(onehot) >= 3
    assert not any(onehot)


def test_extra_columns_are_ignored(titanic_model: tuple[FlowMLModel, pd.DataFrame]) -> None:
    model, rows = titanic_model
    plain = predict_frame(model, rows)
    extra = predict_frame(model, rows.assign(survived=1, comment="hello"))
    assert extra.warnings == []
    assert extra.predictions == plain.predictions
    assert extra.probabilities == plain.probabilities


def test_request_dtypes_from_json_encode_like_training(titanic_model: tuple[FlowMLModel, pd.DataFrame]) -> None:
    model, rows = titanic_model
    records = rows.head(5).astype(object).where(rows.head(5).notna(), None).to_dict(orient="records")
    from_json = predict_frame(model, pd.DataFrame.from_records(records))
    assert from_json.warnings == []
    assert from_json.predictions == predict_frame(model, rows.head(5)).predictions


def test_empty_input_and_unrelated_columns_are_refused(titanic_model: tuple[FlowMLModel, pd.DataFrame]) -> None:
    model, rows = titanic_model
    with pytest.raises(InvalidInputError, match="no rows to predict"):
        predict_frame(model, rows.head(0))
    with pytest.raises(InvalidInputError, match=r"expected: pclass, sex, age, sibsp, parch, fare, cabin, embarked"):
        predict_frame(model, pd.DataFrame({"foo": [1, 2]}))


def test_predictions_table_from_a_plain_output() -> None:
    output = PredictionOutput(
        predictions=[True, False],
        probabilities=[{"False": 0.2, "True": 0.8}, {"False": 0.9, "True": 0.1}],
        classes=[False, True],
    )
    table = predictions_table(output)
    assert list(table.columns) == ["prediction", "proba_False", "proba_True"]
    assert table["proba_True"].tolist() == [0.8, 0.1]
