"""A clustering run through the one training pipeline (engine/run.py) on the real process pool: iris without its
species, which is kept as the reference grouping. What prepare_data decides, and what the run delivers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from flowml.core.errors import InvalidInputError
from flowml.data.formats import sha256_of_bytes, write_parquet_bytes
from flowml.engine.executor import LocalExecutor
from flowml.engine.features import load_frame
from flowml.engine.package import CLUSTERS_FILE, load_package, read_cluster_report
from flowml.engine.predict import predict_frame, predictions_table
from flowml.engine.run import DirectoryStorage, RunPorts, RunRequest, prepare_data, run_training
from flowml.engine.types import ProblemType, Validation
from tests.conftest import dataset_path

pytestmark = pytest.mark.slow

CLUSTERING = ProblemType.CLUSTERING
MAX_TRIALS = 4
IRIS_KINDS = {
    "sepal length (cm)": "numeric",
    "sepal width (cm)": "numeric",
    "petal length (cm)": "numeric",
    "petal width (cm)": "numeric",
    "target": "categorical",
}


def _iris(tmp_path: Path) -> tuple[Path, str, pd.DataFrame]:
    path = tmp_path / "iris.parquet"
    parquet = write_parquet_bytes(pl.read_csv(dataset_path("iris.csv")))
    path.write_bytes(parquet)
    return path, sha256_of_bytes(parquet), load_frame(str(path))


def test_prepare_data_plans_clustering_without_a_target(tmp_path: Path) -> None:
    _, _, frame = _iris(tmp_path)
    prepared = prepare_data(frame, None, CLUSTERING, IRIS_KINDS, 5, 30, reference="target")
    assert prepared.plan.target is None and prepared.plan.reference == "target"
    assert "target" not in prepared.plan.features and "target" in prepared.plan.dropped
    assert prepared.n_rows == 150 and prepared.n_folds == 1 and prepared.validation is Validation.CV
    with pytest.raises(InvalidInputError, match="clustering takes no target column"):
        prepare_data(frame, "target", CLUSTERING, IRIS_KINDS, 5, 30)
    with pytest.raises(InvalidInputError, match="needs a target column"):
        prepare_data(frame, None, ProblemType.MULTICLASS, IRIS_KINDS, 5, 30)
    with pytest.raises(InvalidInputError, match="'species' is not in the data"):
        prepare_data(frame, None, CLUSTERING, IRIS_KINDS, 5, 30, reference="species")
    with pytest.raises(InvalidInputError, match="at least 10 rows"):
        prepare_data(frame.head(6), None, CLUSTERING, IRIS_KINDS, 5, 30)


async def test_a_clustering_run_searches_fits_and_packages(tmp_path: Path, executor: LocalExecutor) -> None:
    path, sha256, frame = _iris(tmp_path)
    prepared = prepare_data(frame, None, CLUSTERING, IRIS_KINDS, 5, 30, reference="target")
    now = time.time()
    request = RunRequest(
        job_id="clusters",
        dataset_path=str(path),
        dataset_sha256=sha256,
        problem=CLUSTERING,
        plan=prepared.plan,
        n_rows=prepared.n_rows,
        metric="silhouette",
        algorithms=["kmeans", "gaussian_mixture"],
        n_folds=5,
        folds_used=prepared.n_folds,
        seed=2,
        started_at=now,
        deadline=now + 60,
        validation=prepared.validation,
        max_trials=MAX_TRIALS,
    )
    storage = DirectoryStorage(package=tmp_path / "model", scratch=tmp_path / "scratch")
    outcome = await run_training(request, RunPorts(executor=executor, storage=storage))

    assert outcome.choice.ensemble == [] and outcome.leaderboard
    scores = [row.score for row in outcome.leaderboard if row.score is not None]
    assert scores == sorted(scores, reverse=True)  # silhouette: higher is better
    for row in outcome.leaderboard:
        assert row.validation is None and sum(row.cluster_sizes) <= 150 and len(row.cluster_sizes) >= 2
        assert row.cluster_sizes == sorted(row.cluster_sizes, reverse=True)
    written = json.loads((tmp_path / "model" / "leaderboard.json").read_text())
    assert [r["cluster_sizes"] for r in written] == [r.cluster_sizes for r in outcome.leaderboard]

    card = outcome.card
    assert card.problem_type == "clustering" and card.algorithm == outcome.best.algorithm
    assert card.clustering is not None and card.clustering.reference_agreement is not None
    assert card.clustering.n_clusters == len(outcome.best.cluster_sizes)
    assert card.default_name is not None and card.default_name.endswith(f"· {card.clustering.n_clusters} clusters")
    assert card.evaluation is not None and not card.evaluation.available and card.evaluation.reason
    assert card.validation is not None and card.validation.method is None
    assert card.delivered is not None and card.delivered.members[0].trial_number == outcome.best.trial_number
    on_disk = json.loads((tmp_path / "model" / "model_card.json").read_text())
    assert on_disk["delivered"]["kind"] == "trial" and on_disk["clustering"]["n_clusters"] >= 2

    report = read_cluster_report(tmp_path / "model")
    assert report is not None and (tmp_path / "model" / CLUSTERS_FILE).is_file()
    assert [p.name for p in report.profiles] == [c.name for c in card.clustering.clusters]
    model, _ = load_package(tmp_path / "model", outcome.final.model_sha256)
    table = predictions_table(predict_frame(model, frame.drop(columns=["target"]).head(8)))
    assert table["cluster"].between(0, card.clustering.n_clusters - 1).all()
