"""`flowml train --task clustering` and `flowml predict` with its package, as a user runs them: a real process on
a real file with a known grouping (named as the reference, so it is compared with the clusters but never trained
on), and the one-line errors for a target where none belongs or none where one does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from tests.cli.test_cli import run

SEGMENTS = 3


@pytest.fixture
def blobs(tmp_path: Path) -> Path:
    """300 customers in three well separated groups, with the group they came from as `segment`."""
    X, y = make_blobs(n_samples=300, centers=SEGMENTS, n_features=3, cluster_std=0.6, random_state=4)
    frame = pd.DataFrame(np.round(X, 4), columns=["spend", "visits", "tenure"])
    frame["segment"] = [f"s{label}" for label in y]
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_train_clustering_then_predict_clusters(tmp_path: Path, blobs: Path) -> None:
    trained = run(
        "train",
        str(blobs),
        "--task",
        "clustering",
        "--reference",
        "segment",
        "--algorithms",
        "kmeans,gaussian_mixture",
        "--max-trials",
        "4",
        "--time-budget",
        "20",
        "--output",
        "model",
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr + trained.stdout
    out = trained.stdout
    assert "Leaderboard" in out and "silhouette" in out and "clusters" in out
    assert "column 'segment' not used: reference grouping" in out
    card = json.loads((tmp_path / "model" / "model_card.json").read_text())
    assert card["problem_type"] == "clustering" and card["target"] is None
    entry = card["clustering"]
    assert entry["n_clusters"] == SEGMENTS, "three separated blobs are found as three clusters"
    assert entry["reference_column"] == "segment" and min(entry["reference_agreement"].values()) > 0.95
    assert "agreement with 'segment'" in out
    assert all(f"cluster {c['id']}: {c['name']}" in out for c in entry["clusters"])
    report = json.loads((tmp_path / "model" / "clusters.json").read_text())
    assert report["n_clusters"] == SEGMENTS

    rows = pd.read_csv(blobs).drop(columns=["segment"]).head(5)
    rows.to_csv(tmp_path / "new.csv", index=False)
    predicted = run("predict", "model", "new.csv", "--output", "out.csv", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    with (tmp_path / "out.csv").open() as handle:
        table = list(csv.DictReader(handle))
    names = {str(c["id"]): c["name"] for c in entry["clusters"]}
    assert len(table) == 5 and "prediction" not in table[0]
    assert all(row["cluster"] in names and row["cluster_name"] == names[row["cluster"]] for row in table)
    probabilities = [key for key in table[0] if key.startswith("proba_")]
    assert len(probabilities) == (SEGMENTS if entry["probabilistic"] else 0)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--task", "clustering", "--target", "segment"], "--task clustering takes no --target"),
        ([], "--target is required"),
        (["--target", "segment", "--reference", "spend"], "--reference is for --task clustering only"),
        (["--task", "clustering", "--reference", "nope"], "'nope' is not in"),
        (["--task", "clustering", "--metric", "roc_auc"], "allowed"),
        (["--task", "clustering", "--algorithms", "random_forest"], "random_forest"),
    ],
)
def test_clustering_user_errors_are_one_line(tmp_path: Path, blobs: Path, args: list[str], words: str) -> None:
    result = run("train", str(blobs), *args, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
