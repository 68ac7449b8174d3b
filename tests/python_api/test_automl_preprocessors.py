"""`AutoML(preprocessors=[...])`: every trial runs the steps, the fitted model and its card carry them, and a
mistyped step or a bare string is refused with the reason."""

from __future__ import annotations

import pytest

from flowml import AutoML
from flowml.core.errors import InvalidInputError
from tests.python_api.test_automl_estimator import TINY, classes_table


@pytest.mark.slow
def test_automl_runs_the_named_steps() -> None:
    X, y = classes_table()
    automl = AutoML(algorithms=["logistic_regression"], preprocessors=["pca"], **TINY).fit(X, y)
    assert automl.model_card_.params["preprocessors"] == "pca"
    assert (automl.leaderboard_["params"].map(lambda p: p["preprocessors"]) == "pca").all()
    assert automl.predict(X.head(5)).shape == (5,)
    assert automl.get_params()["preprocessors"] == ["pca"]


def test_bad_preprocessors_are_refused() -> None:
    X, y = classes_table(n=40)
    with pytest.raises(InvalidInputError, match="preprocessors must be a list of names"):
        AutoML(preprocessors="pca", verbose=0).fit(X, y)
    with pytest.raises(InvalidInputError, match=r"unknown preprocessor.*umap.*available: pca, select_percentile"):
        AutoML(preprocessors=["umap"], **TINY).fit(X, y)
