"""`flowml.AutoML` as scikit-learn users use it: fit on pandas, polars or NumPy, predict, score, clone, Pipeline,
cross_val_score, save/load and ONNX. Real (tiny) runs: two cheap algorithms, three trials, seconds each."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pandas as pd
import polars as pl
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from flowml import AutoML
from flowml.core.errors import InvalidInputError
from flowml.engine.package import CARD_FILE, LEADERBOARD_FILE, MODEL_FILE

pytestmark = pytest.mark.slow  # trains real (tiny) models

TINY: dict[str, Any] = {"time_budget": 60.0, "max_trials": 3, "n_jobs": 1, "folds": 3, "verbose": 0, "seed": 7}
CLASSIFIERS = ["logistic_regression", "decision_tree"]


def classes_table(n: int = 120, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Two numeric columns and a text column; the label follows x0 + x1, with some noise."""
    rng = np.random.default_rng(seed)
    x0, x1 = rng.normal(size=n), rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    label = np.where(x0 + x1 + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    return pd.DataFrame({"x0": x0, "x1": x1, "colour": colour}), pd.Series(label, name="label")


def numbers_table(n: int = 120, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, 3 * X[:, 0] - X[:, 1] + rng.normal(scale=0.1, size=n)


@pytest.fixture(scope="module")
def fitted() -> tuple[AutoML, pd.DataFrame, pd.Series]:
    X, y = classes_table()
    return AutoML(algorithms=CLASSIFIERS, **TINY).fit(X, y), X, y


def test_fit_predict_and_the_fitted_attributes(fitted: tuple[AutoML, pd.DataFrame, pd.Series]) -> None:
    model, X, y = fitted
    assert list(model.classes_) == ["no", "yes"]
    assert list(model.feature_names_in_) == ["x0", "x1", "colour"] and model.n_features_in_ == 3
    predicted = model.predict(X)
    assert predicted.shape == (len(X),) and set(predicted) <= {"no", "yes"}
    assert (predicted == y.to_numpy()).mean() > 0.8  # the label is learnable: the model learned it
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1.0)
    # predict follows the probabilities' most likely class (no threshold was set)
    assert (model.classes_[proba.argmax(axis=1)] == predicted).all()


def test_the_leaderboard_is_a_ranked_dataframe(fitted: tuple[AutoML, pd.DataFrame, pd.Series]) -> None:
    model, _, _ = fitted
    board = model.leaderboard_
    assert isinstance(board, pd.DataFrame)
    assert list(board.columns[:7]) == [
        "rank",
        "algorithm",
        "score",
        "score_std",
        "fit_time",
        "predict_time_per_row",
        "params",
    ]
    assert list(board["rank"]) == list(range(1, len(board) + 1)) and 1 <= len(board) <= 3
    assert set(board["algorithm"]) <= set(CLASSIFIERS)
    # log_loss (the default for two classes... or roc_auc): ranked best first by the metric's own direction
    scores = board["score"].to_list()
    assert scores == sorted(scores, reverse=model.metric_ in {"roc_auc", "accuracy"})


def test_score_is_the_metric_signed_greater_is_better(fitted: tuple[AutoML, pd.DataFrame, pd.Series]) -> None:
    model, X, y = fitted
    value = model.score(X, y)
    flipped = model.score(X, y.map({"yes": "no", "no": "yes"}))
    assert value > flipped  # the true labels score better than the swapped ones, whatever the metric's direction
    with pytest.raises(InvalidInputError, match="never saw in training: 'maybe'"):
        model.score(X.head(2), pd.Series(["yes", "maybe"]))


def test_save_and_load_a_folder_and_a_zip(fitted: tuple[AutoML, pd.DataFrame, pd.Series], tmp_path: Path) -> None:
    model, X, _ = fitted
    folder = model.save(tmp_path / "package")
    assert {MODEL_FILE, CARD_FILE, LEADERBOARD_FILE} <= {p.name for p in folder.iterdir()}
    archive = model.save(tmp_path / "model.zip")
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == sorted(p.name for p in folder.iterdir())
    for path in (folder, archive):
        loaded = AutoML.load(path)
        assert (loaded.predict(X) == model.predict(X)).all()
        assert np.allclose(loaded.predict_proba(X), model.predict_proba(X))
        assert list(loaded.classes_) == ["no", "yes"]
        pd.testing.assert_frame_equal(loaded.leaderboard_, model.leaderboard_, check_dtype=False)


def test_the_package_is_what_flowml_predict_reads(
    fitted: tuple[AutoML, pd.DataFrame, pd.Series], tmp_path: Path
) -> None:
    model, X, _ = fitted
    model.save(tmp_path / "package")
    X.head(10).to_csv(tmp_path / "rows.csv", index=False)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flowml.cli",
            "predict",
            str(tmp_path / "package"),
            str(tmp_path / "rows.csv"),
            "-o",
            str(tmp_path / "out.csv"),
            "--trust",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(tmp_path / "out.csv")["prediction"].to_list() == list(model.predict(X.head(10)))


def test_to_onnx_writes_a_graph_onnx_runtime_runs(
    fitted: tuple[AutoML, pd.DataFrame, pd.Series], tmp_path: Path
) -> None:
    model, _, _ = fitted
    card = model.model_card_
    if card.onnx is None or not card.onnx.usable:
        with pytest.raises(InvalidInputError, match="has no ONNX export"):
            model.to_onnx(tmp_path / "model.onnx")
        return
    path = model.to_onnx(tmp_path / "model.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert session.get_inputs()  # a real graph with inputs


def test_polars_and_numpy_inputs(tmp_path: Path) -> None:
    X, y = classes_table(seed=3)
    from_polars = AutoML(algorithms=CLASSIFIERS, **TINY).fit(pl.from_pandas(X), pl.Series("label", y.to_numpy()))
    assert list(from_polars.predict(pl.from_pandas(X.head(3)))) == list(from_polars.predict(X.head(3)))

    numbers, target = numbers_table()
    regressor = AutoML(algorithms=["ridge", "decision_tree"], task="regression", **TINY)
    regressor.fit(numbers, target)
    assert list(regressor.feature_names_in_) == ["x0", "x1", "x2"]
    assert regressor.predict(numbers[:5]).dtype == np.float64
    assert (
        regressor.score(numbers, target) > 0.9 if regressor.metric_ == "r2" else regressor.score(numbers, target) > -1.0
    )
    assert not hasattr(regressor, "predict_proba")  # a regressor has no probabilities, as in scikit-learn
    assert not hasattr(regressor, "classes_")


def test_sklearn_conventions_clone_and_params() -> None:
    automl = AutoML(time_budget=30, algorithms=CLASSIFIERS, seed=3)
    assert automl.get_params()["time_budget"] == 30 and automl.get_params()["seed"] == 3
    automl.set_params(max_trials=2, verbose=0)
    copy = clone(automl)
    assert copy.get_params() == automl.get_params() and copy is not automl
    assert not hasattr(copy, "leaderboard_")  # no work in __init__, nothing fitted is copied
    assert is_classifier(AutoML(task="binary")) and is_regressor(AutoML(task="regression"))
    assert not is_classifier(AutoML()) and not is_regressor(AutoML())  # "auto": unknown until fitted


def test_inside_a_pipeline_and_cross_val_score() -> None:
    X, y = classes_table(n=90, seed=5)
    pipeline = Pipeline(
        [
            ("scale", FunctionTransformer(lambda frame: frame.assign(x0=frame["x0"] * 10))),
            ("automl", AutoML(algorithms=CLASSIFIERS, **{**TINY, "max_trials": 2})),
        ]
    )
    scores = cross_val_score(pipeline, X, y, cv=KFold(n_splits=2, shuffle=True, random_state=0))
    assert scores.shape == (2,) and np.isfinite(scores).all()
    assert pipeline.fit(X, y).predict(X.head(4)).shape == (4,)


def test_refused_inputs_say_why() -> None:
    X, y = classes_table(n=20)
    with pytest.raises(InvalidInputError, match="time_budget must be at least 5"):
        AutoML(time_budget=1).fit(X, y)
    with pytest.raises(InvalidInputError, match="folds must be between 2 and 10"):
        AutoML(folds=1).fit(X, y)
    with pytest.raises(InvalidInputError, match="X has 20 rows but y has 19"):
        AutoML(verbose=0).fit(X, y[:19])
    with pytest.raises(InvalidInputError, match="X must be a table"):
        AutoML(verbose=0).fit(np.arange(5), np.arange(5))
    with pytest.raises(InvalidInputError, match="unknown metric 'nope'"):
        AutoML(metric="nope", algorithms=CLASSIFIERS, **{**TINY, "max_trials": 1}).fit(X, y)


def test_verbose_0_is_silent_and_verbose_1_shows_progress(capfd: pytest.CaptureFixture[str]) -> None:
    X, y = classes_table(n=60, seed=9)
    AutoML(algorithms=["decision_tree"], **{**TINY, "max_trials": 1}).fit(X, y)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    AutoML(algorithms=["decision_tree"], **{**TINY, "max_trials": 1, "verbose": 1}).fit(X, y)
    _, err = capfd.readouterr()
    assert "optimizing" in err and "trials" in err


def test_import_flowml_stays_light() -> None:
    """`import flowml` (the `flowml` command imports it) loads neither the estimator nor the client until used."""
    code = (
        "import sys, flowml; heavy = [m for m in ('sklearn', 'pandas', 'httpx', 'flowml.automl') if m in sys.modules];"
        "print(heavy); from flowml import AutoML, Client; print(AutoML.__module__, Client.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.splitlines() == ["[]", "flowml.automl.estimator flowml.client.client"]
