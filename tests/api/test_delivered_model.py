"""One "best model" everywhere and the validation reported as used: the leaderboard's delivered entry, the curve's
last point, the job's and model's validation_label, display names and metric bounds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.core.validation import HOLDOUT_PERCENT, validation_label
from flowml.db.tables import Job, JobStatus, TrainedModel, Trial
from flowml.db.types import utcnow
from flowml.engine import final_choice, trial
from flowml.engine.algorithms import default_registry
from flowml.services.context import AppContext
from flowml.services.model_names import default_model_name
from tests.api.conftest import wait_final
from tests.model_cards import card_dict

pytestmark = [pytest.mark.db, pytest.mark.slow]

SCORES = {0: 0.80, 1: 0.8566, 2: 0.83}


async def _insert_job(ctx: AppContext, *, algorithm: str, card: dict[str, Any], best: float, name: str = "") -> str:
    """A finished job as the driver leaves it: three scored trials, and its model (an ensemble or trial 1)."""
    start = utcnow() - timedelta(minutes=5)
    job = Job(
        name="delivered",
        dataset_id="d" * 32,
        target_column="Attrition",
        problem_type="binary",
        metric="roc_auc",
        time_budget=1.0,
        status=JobStatus.COMPLETED,
        started_at=start,
        best_score=best,
        best_algorithm=algorithm,
    )
    model = TrainedModel(
        job_id=job.id,
        dataset_id=job.dataset_id,
        algorithm=algorithm,
        problem_type="binary",
        target="Attrition",
        metric="roc_auc",
        cv_score=best,
        sha256="0" * 64,
        storage_prefix="models/none",
        name=name,
        card=card_dict(problem_type="binary", target="Attrition", **card),  # the test's facts on a whole card
        created_at=start + timedelta(seconds=50),
    )
    job.model_id = model.id
    async with ctx.sessions() as session:
        session.add(job)
        await session.commit()
        for number, score in SCORES.items():
            finished = start + timedelta(seconds=10 * (number + 1))
            algo = "svm" if number == 1 else "logistic_regression"
            session.add(
                Trial(
                    job_id=job.id,
                    trial_number=number,
                    algorithm=algo,
                    status="completed",
                    score=score,
                    fit_time=1.0 + number,
                    finished_at=finished,
                )
            )
        session.add(model)
        await session.commit()
    return job.id


ENSEMBLE_CARD = {
    "algorithm": "ensemble",
    "params": {"members": [{"algorithm": "svm", "params": {}, "weight": 0.6}, {"algorithm": "lr", "weight": 0.4}]},
    "default_name": "Ensemble of 2 · Attrition",
    "ensemble_metrics": {"accuracy": 0.83, "roc_auc": 0.8598},
    "delivered": {
        "kind": "ensemble",
        "members": [
            {"trial_number": 1, "algorithm": "svm", "weight": 0.6},
            {"trial_number": 2, "algorithm": "logistic_regression", "weight": 0.4},
        ],
    },
}


def test_leaderboard_and_curve_end_at_the_delivered_ensemble(client: TestClient) -> None:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    job_id = client.portal.call(lambda: _insert_job(ctx, algorithm="ensemble", card=ENSEMBLE_CARD, best=0.8598))
    job = client.get(f"/api/training/jobs/{job_id}").json()
    board = client.get(f"/api/results/job/{job_id}/leaderboard").json()
    delivered = board["delivered"]
    assert delivered["kind"] == "ensemble" and delivered["model_id"] == job["model_id"]
    # The banner's number, the trophy's and the curve's end are one number: the job's best_score.
    assert delivered["score"] == job["best_score"] == 0.8598
    assert delivered["rank"] == 1 and delivered["trial_number"] is None
    assert delivered["label"] == "Ensemble of 2" and delivered["name"] == "Ensemble of 2 · Attrition"
    assert [(m["trial_number"], m["weight"]) for m in delivered["members"]] == [(1, 0.6), (2, 0.4)]
    assert delivered["fit_time"] == pytest.approx(2.0 + 3.0)
    # The seed view lists the ensemble as a model of its own, at its rank.
    assert len(board["models"]) == len(board["items"]) + 1
    # With the other metrics measured on the blend (the card's ensemble_metrics), like a trial's other_metrics.
    assert board["models"][0] == {
        "algorithm": "ensemble",
        "metrics": {"accuracy": 0.83, "roc_auc": 0.8598},
        "training_time": 5.0,
    }
    assert delivered["other_metrics"] == {"accuracy": 0.83, "roc_auc": 0.8598}
    assert [m["algorithm"] for m in board["models"][1:]] == [t["algorithm"] for t in board["items"]]

    points = client.get(f"/api/results/job/{job_id}/curve").json()["points"]
    assert [p["kind"] for p in points] == ["trial", "trial", "ensemble"]
    assert points[-1]["best_score"] == job["best_score"] and points[-1]["trial_number"] is None
    assert points[-1]["algorithm"] == "ensemble of 2" and points[-1]["seconds"] == pytest.approx(50, abs=1)


def test_a_single_delivered_trial_keeps_the_trophy(client: TestClient) -> None:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    card = {
        "algorithm": "svm",
        "params": {},
        "delivered": {"kind": "trial", "members": [{"trial_number": 1, "algorithm": "svm", "weight": 1.0}]},
    }
    job_id = client.portal.call(lambda: _insert_job(ctx, algorithm="svm", card=card, best=SCORES[1], name="Mine"))
    board = client.get(f"/api/results/job/{job_id}/leaderboard").json()
    delivered = board["delivered"]
    assert delivered["kind"] == "trial" and delivered["trial_number"] == 1 and delivered["rank"] == 1
    assert board["items"][0]["trial_number"] == 1 and delivered["score"] == board["items"][0]["score"]
    assert delivered["name"] == "Mine" and len(board["models"]) == len(board["items"])
    points = client.get(f"/api/results/job/{job_id}/curve").json()["points"]
    assert points[-1]["kind"] == "trial" and points[-1]["best_score"] == SCORES[1]


def test_older_rows_say_validation_not_recorded(client: TestClient) -> None:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    job_id = client.portal.call(lambda: _insert_job(ctx, algorithm="svm", card={"algorithm": "svm"}, best=SCORES[1]))
    job = client.get(f"/api/training/jobs/{job_id}").json()
    assert job["validation"] is None and job["validation_label"] == "not recorded"
    model = client.get(f"/api/results/model/{job['model_id']}").json()
    assert model["validation_label"] == "not recorded"
    assert model["display_name"] == "svm · Attrition"  # no default recorded: the raw name, never a hex id
    # The delivered trial is found from the model's settings when the card predates `delivered`.
    delivered = client.get(f"/api/results/job/{job_id}/leaderboard").json()["delivered"]
    assert delivered["members"] == [{"trial_number": 1, "algorithm": "svm", "weight": 1.0}]


def _train(client: TestClient, dataset_id: str) -> dict[str, Any]:
    body = {
        "dataset_id": dataset_id,
        "target_column": "survived",
        "time_budget": 0.2,
        "n_folds": 3,
        "algorithms": ["logistic_regression", "random_forest"],
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    job = wait_final(client, response.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    return dict(job)


def _check_everywhere(client: TestClient, job: dict[str, Any], label: str, method: str) -> list[dict[str, Any]]:
    """The job, every trial, the model and the evaluation say the same validation; returns the trials."""
    assert job["validation_label"] == label and job["validation"] == method
    trials = client.get(f"/api/results/job/{job['id']}/trials").json()["items"]
    assert trials and {t["validation"] for t in trials} == {method}
    model = client.get(f"/api/results/model/{job['model_id']}").json()
    assert model["validation_label"] == label
    evaluation = client.get(f"/api/results/model/{job['model_id']}/evaluation").json()
    assert label in evaluation["source"]
    board = client.get(f"/api/results/job/{job['id']}/leaderboard").json()
    curve = client.get(f"/api/results/job/{job['id']}/curve").json()
    assert board["delivered"]["score"] == job["best_score"] == curve["points"][-1]["best_score"]
    assert (
        model["display_name"].endswith(" · survived")
        and model["algorithm"] not in model["display_name"].split(" · ")[0]
    )
    return list(trials)


def test_cross_validation_is_recorded_per_job_and_trial(client: TestClient, titanic: dict[str, Any]) -> None:
    job = _train(client, titanic["id"])
    assert job["validation_folds"] == 3
    trials = _check_everywhere(client, job, "3-fold cross-validation", "cv")
    assert all(len(t["fold_scores"]) == 3 for t in trials if t["status"] == "completed")


def test_a_forced_holdout_is_reported_as_one(
    client: TestClient, titanic: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The driver picks a holdout from this many rows up; titanic's ~900 rows are then "large".
    monkeypatch.setattr(final_choice, "HOLDOUT_ALWAYS_ROWS", 10)
    job = _train(client, titanic["id"])
    assert job["validation_folds"] == 1
    trials = _check_everywhere(client, job, f"{HOLDOUT_PERCENT}% holdout split", "holdout")
    assert all(len(t["fold_scores"]) == 1 for t in trials if t["status"] == "completed")


def test_labels_come_from_one_place() -> None:
    assert trial.HOLDOUT_FRACTION * 100 == HOLDOUT_PERCENT
    assert validation_label("cv", 5) == "5-fold cross-validation"
    assert validation_label("holdout", 1) == "20% holdout split"
    assert validation_label(None, None) == validation_label("cv", None) == "not recorded"
    forest = default_registry().get("random_forest").label
    assert default_model_name("random_forest", 1, "delivery_minutes") == f"{forest} · delivery_minutes"
    assert default_model_name("ensemble", 3, "Attrition") == "Ensemble of 3 · Attrition"


def test_metrics_carry_their_bounds(client: TestClient) -> None:
    metrics = {m["name"]: m for m in client.get("/api/metrics").json()}
    assert (metrics["roc_auc"]["lower"], metrics["roc_auc"]["upper"]) == (0.0, 1.0)
    assert (metrics["rmse"]["lower"], metrics["rmse"]["upper"]) == (0.0, None)
    assert metrics["r2"]["upper"] == 1.0 and metrics["r2"]["lower"] is None
    algorithms = {a["name"]: a["label"] for a in client.get("/api/algorithms").json()}
    assert algorithms["logistic_regression"] != "logistic_regression"
