"""The final fit of a clustering job (engine/final.py dispatching to engine/clustering/final.py) on iris, with the
species as the reference grouping: the package it writes, the card's clustering entry, and what a deadline that
has already passed still delivers."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from flowml.engine.features import plan_features
from flowml.engine.final import fit_final
from flowml.engine.package import CLUSTERS_FILE, load_package, read_cluster_report
from flowml.engine.predict import predict_frame
from flowml.engine.types import FeaturePlan, FinalResult, FinalSpec, ProblemType
from tests.conftest import dataset_path
from tests.engine.test_pipeline import write_parquet

LEADERBOARD = [
    {"rank": 1, "trial_number": 2, "algorithm": "kmeans", "score": 0.46, "cluster_sizes": [53, 50, 47]},
    {"rank": 2, "trial_number": 0, "algorithm": "kmeans", "score": 0.58, "cluster_sizes": [100, 50]},
]
FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeaturePlan]:
    frame = pd.read_csv(dataset_path("iris.csv"))
    kinds = {c: "numeric" for c in FEATURES} | {"target": "categorical"}
    path = write_parquet(frame, tmp_path_factory.mktemp("data") / "iris.parquet")
    return path, plan_features(frame, None, kinds, reference="target")


def _spec(data: tuple[Path, FeaturePlan], output_dir: Path, **overrides: Any) -> FinalSpec:
    path, plan = data
    values: dict[str, Any] = {
        "job_id": "cluster-job",
        "dataset_path": str(path),
        "dataset_sha256": "cd" * 32,
        "problem_type": ProblemType.CLUSTERING,
        "feature_plan": plan.to_dict(),
        "algorithm": "kmeans",
        "params": {"n_clusters": 3, "init": "k-means++", "n_init": 4, "reduce": None},
        "metric": "silhouette",
        "cv_score": 0.46,
        "seed": 7,
        "output_dir": str(output_dir),
        "deadline": time.time() + 60,
        "leaderboard": LEADERBOARD,
    }
    return FinalSpec(**(values | overrides))


@pytest.fixture(scope="module")
def package(iris: tuple[Path, FeaturePlan], tmp_path_factory: pytest.TempPathFactory) -> FinalResult:
    return fit_final(_spec(iris, tmp_path_factory.mktemp("package") / "model"))


def test_the_package_holds_the_model_its_card_and_the_cluster_report(package: FinalResult) -> None:
    out = Path(package.output_dir)
    names = {p.name for p in out.iterdir()}
    assert {"model.joblib", "model_card.json", "leaderboard.json", CLUSTERS_FILE} <= names
    assert json.loads((out / "model_card.json").read_text()) == package.card.to_dict()
    assert json.loads((out / "leaderboard.json").read_text())[0]["cluster_sizes"] == [53, 50, 47]
    report = read_cluster_report(out)
    assert report is not None and report.n_clusters == 3 and report.metric == "silhouette"
    assert sum(p.size for p in report.profiles) == 150


def test_the_card_says_what_the_clustering_found(package: FinalResult) -> None:
    card = package.card
    assert card.problem_type == "clustering" and card.target is None and card.classes == [0, 1, 2]
    assert [c.name for c in card.input_schema] == FEATURES  # the reference is no input
    entry = card.clustering
    assert entry is not None and entry.n_clusters == 3 and entry.assigner == "native"
    assert not entry.probabilistic and entry.noise_fraction == 0.0 and entry.reduction is None
    assert [c.id for c in entry.clusters] == [0, 1, 2]
    sizes = [c.size for c in entry.clusters]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == 150
    assert pytest.approx(sum(c.share for c in entry.clusters)) == 1.0
    # The names come from the report's profiles, one per cluster, all different.
    report = read_cluster_report(Path(package.output_dir))
    assert report is not None
    assert [c.name for c in entry.clusters] == [p.name for p in report.profiles]
    assert len({c.name for c in entry.clusters}) == 3
    assert 0.0 < entry.scores["silhouette"] <= 1.0 and entry.scores["davies_bouldin"] > 0
    # k-means on scaled iris finds the setosa group exactly and mixes the other two a little.
    assert entry.reference_column == "target" and entry.reference_agreement is not None
    assert 0.4 < entry.reference_agreement["adjusted_rand"] < 1.0
    assert 0.4 < entry.reference_agreement["adjusted_mutual_info"] < 1.0
    assert entry.stability_resamples == 5 and entry.stability is not None and entry.stability > 0.5
    # Importance: the share of rows that change cluster when a column is shuffled.
    assert set(card.feature_importance) == set(FEATURES)
    assert all(0.0 < v < 1.0 for v in card.feature_importance.values())
    assert any("move to another cluster" in note for note in card.notes)
    assert card.onnx is not None  # exported, or the reason it was not


def test_the_loaded_package_assigns_new_rows_to_clusters(package: FinalResult) -> None:
    model, card = load_package(Path(package.output_dir))
    assert card.model_sha256 == package.model_sha256
    frame = pd.read_csv(dataset_path("iris.csv"))
    rows = frame.drop(columns=["target"]).iloc[::10]
    output = predict_frame(model, rows)
    assert output.clustering and output.classes == [0, 1, 2]
    # Training rows get the clusters the fit gave them.
    assert output.predictions == model.pipeline[-1].labels_[rows.index].tolist()


def test_a_passed_deadline_still_delivers_the_model_and_says_what_it_skipped(
    iris: tuple[Path, FeaturePlan], tmp_path: Path
) -> None:
    result = fit_final(_spec(iris, tmp_path / "model", deadline=time.time() - 1))
    out = Path(result.output_dir)
    assert (out / "model.joblib").is_file() and not (out / CLUSTERS_FILE).exists()
    assert read_cluster_report(out) is None
    entry = result.card.clustering
    assert entry is not None and entry.n_clusters == 3
    assert [c.name for c in entry.clusters] == ["cluster 0", "cluster 1", "cluster 2"]
    assert entry.stability is None and entry.stability_resamples == 0
    # What costs one pass is still measured: the scores and the agreement with the reference.
    assert "silhouette" in entry.scores and entry.reference_agreement is not None
    notes = " | ".join(result.card.notes)
    assert "cluster report skipped" in notes and "stability skipped" in notes
    assert "feature importance skipped" in notes and result.card.feature_importance == {}
    assert result.card.onnx is not None and not result.card.onnx.usable
    model, _ = load_package(out)
    assert set(model.predict(pd.read_csv(dataset_path("iris.csv"))).tolist()) == {0, 1, 2}


def test_importance_tells_the_columns_that_shape_the_clusters_from_noise(tmp_path: Path) -> None:
    # Four well-separated groups in x0 and x1; `noise` is unrelated to them.
    X, _ = make_blobs(n_samples=300, centers=[[0, 0], [10, 0], [0, 10], [10, 10]], cluster_std=1.2, random_state=0)
    noise = np.random.default_rng(0).normal(size=300)
    frame = pd.DataFrame({"x0": X[:, 0], "x1": X[:, 1], "noise": noise})
    plan = plan_features(frame, None, dict.fromkeys(frame.columns, "numeric"))
    path = write_parquet(frame, tmp_path / "blobs.parquet")
    params = {"n_clusters": 4, "init": "k-means++", "n_init": 4, "reduce": None}
    result = fit_final(_spec((path, plan), tmp_path / "model", params=params))
    importance = result.card.feature_importance
    assert importance["noise"] < 0.05 and min(importance["x0"], importance["x1"]) > 0.3
    assert result.card.clustering is not None and result.card.clustering.reference_agreement is None
