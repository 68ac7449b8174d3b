"""`flowml train --preprocessors`: the steps run in every trial and the package names them; a mistyped step is a
one-line error listing the available ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.conftest import dataset_path


@pytest.mark.slow
def test_train_with_preprocessors(tmp_path: Path) -> None:
    trained = run(
        "train",
        str(dataset_path("titanic.csv")),
        "--target",
        "survived",
        "--algorithms",
        "logistic_regression",
        "--preprocessors",
        "select_percentile, pca",
        "--max-trials",
        "2",
        "--time-budget",
        "30",
        "--folds",
        "3",
        "--output",
        "model",
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr + trained.stdout
    assert "preprocessing before each model: select_percentile, then pca" in trained.stdout
    card = json.loads((tmp_path / "model" / "model_card.json").read_text())
    assert card["params"]["preprocessors"] == "select_percentile,pca"
    assert {"select_percentile__percentile", "pca__variance"} <= set(card["params"])
    assert card["default_name"].startswith("Logistic Regression after Feature selection (top percentile) + PCA")


def test_an_unknown_preprocessor_is_a_one_line_error(tmp_path: Path) -> None:
    titanic = str(dataset_path("titanic.csv"))
    result = run("train", titanic, "--target", "survived", "--preprocessors", "pca,umap", cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "unknown preprocessor(s): umap; available: pca, select_percentile" in result.stderr
    assert "Traceback" not in result.stderr
