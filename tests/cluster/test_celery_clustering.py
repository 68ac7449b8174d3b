"""Clustering on the cluster: a worker's report of a real clustering trial passes the master's check with its
cluster sizes and counts, forged ones do not, a clustering job runs its trials on a real Celery worker, and it
survives a worker killed mid-trial as a supervised job does (issue 14)."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from flowml.cluster.result_check import OofLayouts, RejectedReport, accept_report
from flowml.cluster.trial_report import TrialReport
from flowml.engine.features import plan_features
from flowml.engine.trial import run_trial
from flowml.engine.types import ProblemType, TrialSpec, TrialStatus
from tests.cluster.procs import Cluster, running_cluster, wait_for
from tests.cluster.test_cluster_e2e import job, trials, upload, wait_final
from tests.conftest import dataset_path
from tests.engine.test_pipeline import write_parquet

IRIS_KINDS = {
    name: "numeric" for name in ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> TrialSpec:
    """A k-means trial on iris, its species column left out as the reference grouping."""
    root = tmp_path_factory.mktemp("cluster-report")
    frame = pd.read_csv(dataset_path("iris.csv"))
    path = write_parquet(frame, root / "iris.parquet")
    plan = plan_features(frame, None, IRIS_KINDS, reference="target")
    return TrialSpec(
        job_id="job-c",
        trial_number=2,
        dataset_path=str(path),
        problem_type=ProblemType.CLUSTERING.value,
        feature_plan=plan.to_dict(),
        algorithm="kmeans",
        params={"n_clusters": 3, "init": "k-means++", "n_init": 4, "reduce": None},
        metric="silhouette",
        n_folds=1,
        seed=3,
        deadline=time.time() + 600,
    )


@pytest.fixture(scope="module")
def honest(spec: TrialSpec) -> dict[str, Any]:
    result = run_trial(spec)
    assert result.status == TrialStatus.COMPLETED, result.error
    return TrialReport.of(result, "alpha", None).model_dump(mode="json")


def accept(spec: TrialSpec, payload: dict[str, Any]) -> Any:
    return accept_report(spec, json.loads(json.dumps(payload)), 60.0, OofLayouts())


def test_an_honest_clustering_report_keeps_its_sizes_and_counts(spec: TrialSpec, honest: dict[str, Any]) -> None:
    result = accept(spec, honest)
    assert result.status == TrialStatus.COMPLETED and result.worker == "alpha"
    assert len(result.cluster_sizes) == 3 and sum(result.cluster_sizes) == 150
    assert result.cluster_sizes == sorted(result.cluster_sizes, reverse=True)
    assert result.other_metrics["n_clusters"] == 3 and result.other_metrics["noise_fraction"] == 0.0
    assert result.fold_scores == [result.score] and -1 <= (result.score or -2) <= 1


def forged(honest: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(honest)
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cluster_sizes": [10, 50, 90]}, "not largest first"),
        ({"cluster_sizes": [140, 10]}, "2 cluster sizes for 3 clusters"),
        ({"cluster_sizes": [150, 0, 0]}, "cluster_sizes.1: Input should be greater than or equal to 1"),
        ({"oof_sha256": "0" * 64}, "a clustering trial makes none"),
        ({"score": 2.0, "fold_scores": [2.0]}, "silhouette 2 is outside the metric's range"),
    ],
)
def test_forged_clustering_reports_are_refused(
    spec: TrialSpec, honest: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RejectedReport, match=reason.replace("(", r"\(").replace(")", r"\)")):
        accept(spec, forged(honest, **changes))


@pytest.mark.parametrize(
    ("name", "value"), [("noise_fraction", 1.5), ("n_clusters", -1.0), ("degenerate", 2.0), ("clusters", 3.0)]
)
def test_clustering_counts_out_of_range_are_refused(
    spec: TrialSpec, honest: dict[str, Any], name: str, value: float
) -> None:
    payload = forged(honest, other_metrics={**honest["other_metrics"], name: value})
    with pytest.raises(RejectedReport, match=name):
        accept(spec, payload)


def test_a_supervised_report_may_not_carry_cluster_sizes(spec: TrialSpec, honest: dict[str, Any]) -> None:
    supervised = spec.model_copy(update={"problem_type": ProblemType.MULTICLASS.value, "metric": "accuracy"})
    payload = forged(honest, cluster_sizes=[100, 50], other_metrics={}, score=0.5, fold_scores=[0.5])
    with pytest.raises(RejectedReport, match="cluster sizes for a multiclass trial"):
        accept(supervised, payload)


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_clustering_job_runs_its_trials_on_a_worker(tmp_path: Path) -> None:
    with running_cluster(tmp_path, redis_db=8) as cluster:
        cluster.start_worker("alpha")
        dataset_id = upload(cluster, "iris.csv")
        body = {
            "dataset_id": dataset_id,
            "problem_type": "clustering",
            "reference_column": "target",
            "algorithms": ["kmeans", "agglomerative"],
            "time_budget": 0.25,
            "max_trials": 4,
        }
        started = httpx.post(f"{cluster.url}/api/training/start", json=body, headers=cluster.headers, timeout=30)
        assert started.status_code == 201, started.text
        job_id = started.json()["id"]
        final = wait_final(cluster, job_id, 180)
        assert final["status"] == "completed", (final, cluster.logs())
        done = [t for t in trials(cluster, job_id) if t["status"] == "completed"]
        # `any`, not `all`: on a loaded machine a trial may run on the master while alpha's heartbeat looks late
        # (cluster/executor.py); the Celery path is what this test is about, and every trial must carry its sizes.
        assert any(t["worker"] == "alpha" for t in done), done
        assert all(t["cluster_sizes"] and t["other_metrics"]["n_clusters"] == len(t["cluster_sizes"]) for t in done)
        model = httpx.get(f"{cluster.url}/api/results/model/{final['model_id']}", headers=cluster.headers).json()
        assert model["target"] is None and model["card"]["clustering"]["n_clusters"] >= 2
        assert job(cluster, job_id)["reference_column"] == "target"


def upload_frame(cluster: Cluster, frame: pd.DataFrame, path: Path) -> str:
    """Upload a table made by the test (test_cluster_e2e.upload takes only the bundled datasets)."""
    frame.to_csv(path, index=False)
    with path.open("rb") as handle:
        response = httpx.post(
            f"{cluster.url}/api/datasets/upload",
            files={"file": (path.name, handle)},
            headers=cluster.headers,
            timeout=60,
        )
    response.raise_for_status()
    return str(response.json()["id"])


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_clustering_job_survives_a_worker_killed_mid_trial(tmp_path: Path) -> None:
    """test_cluster_e2e.test_a_worker_killed_mid_trial_costs_nothing for clustering: SIGKILL a worker while a trial
    runs on it, and the job still completes on the other one, the lost trial given up, not blamed on OPTICS."""
    # OPTICS visits every row in a Python loop: 3,000 rows take a few seconds a trial, long enough to see a trial
    # running on the victim and kill it before it ends (agglomerative and spectral take about 1 s here).
    points, _ = make_blobs(n_samples=3000, n_features=4, centers=4, random_state=0)
    frame = pd.DataFrame(points, columns=[f"x{i}" for i in range(4)])
    with running_cluster(tmp_path, redis_db=6) as cluster:
        cluster.start_workers("victim", "survivor")
        dataset_id = upload_frame(cluster, frame, tmp_path / "blobs.csv")
        body = {"dataset_id": dataset_id, "problem_type": "clustering", "algorithms": ["optics"], "time_budget": 0.4}
        started = httpx.post(f"{cluster.url}/api/training/start", json=body, headers=cluster.headers, timeout=30)
        assert started.status_code == 201, started.text
        job_id = started.json()["id"]
        running: dict[str, Any] = wait_for(
            lambda: next(
                (t for t in trials(cluster, job_id) if t["worker"] == "victim" and t["status"] == "running"), None
            ),
            60,
            "a clustering trial running on victim",
            0.1,
        )
        cluster.workers["victim"].kill()
        final = wait_final(cluster, job_id, 150)
        assert final["status"] == "completed" and final["model_id"], (final, cluster.logs())
        rows = trials(cluster, job_id)
        numbers = [t["trial_number"] for t in rows]
        assert len(numbers) == len(set(numbers))  # no trial counted twice
        assert all(t["status"] != "running" for t in rows)
        # The lost trial is given up as a timeout when victim stops heartbeating: the search asks again instead of
        # counting a failure against OPTICS (two failures would end the algorithm, here the whole search).
        killed = next(t for t in rows if t["trial_number"] == running["trial_number"])
        assert killed["worker"] == "victim" and killed["status"] == "timeout", killed
        assert "victim" in (killed["error"] or ""), killed
        done = [t for t in rows if t["worker"] == "survivor" and t["status"] == "completed"]
        assert done, rows
        assert all(t["cluster_sizes"] and t["other_metrics"]["n_clusters"] == len(t["cluster_sizes"]) for t in done)
        listed = {
            w["name"]: w["status"]
            for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
        }
        assert listed["victim"] == "offline"
