"""Keep a leaderboard trial as its own model (refit in the background), and compare models side by side."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from flowml.db.tables import Job, TrainedModel, Trial
from flowml.db.types import new_id
from flowml.services.context import AppContext
from tests.api.conftest import upload, wait_final
from tests.conftest import api_key_for, bearer, dataset_path
from tests.model_cards import card_dict

pytestmark = [pytest.mark.db, pytest.mark.slow]

ROW = {"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 8.05, "embarked": "S"}


@pytest.fixture(scope="module")
def job(client: TestClient) -> dict[str, Any]:
    dataset = upload(client, dataset_path("titanic.csv"))
    assert dataset.status_code == 201, dataset.text
    body = {
        "dataset_id": dataset.json()["id"],
        "target_column": "survived",
        "time_budget": 0.2,
        "n_folds": 3,
        "algorithms": ["logistic_regression", "random_forest", "knn"],
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    finished: dict[str, Any] = wait_final(client, response.json()["id"], timeout=90)
    assert finished["status"] == "completed", finished
    return finished


def wait_refit(client: TestClient, job_id: str, number: int, timeout: float = 90) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        response = client.get(f"/api/results/job/{job_id}/trials/{number}/model")
        assert response.status_code == 200, response.text
        refit: dict[str, Any] = response.json()
        if refit["state"] != "running":
            return refit
        time.sleep(0.5)
    raise AssertionError(f"refit of trial {number} still running after {timeout} s")


def non_best_trial(client: TestClient, job_id: str) -> dict[str, Any]:
    items = client.get(f"/api/results/job/{job_id}/leaderboard").json()["items"]
    assert len(items) >= 2, items
    best = items[0]
    # A trial of another algorithm than the best one: the kept model is then clearly not the job's model.
    trial: dict[str, Any] = next(t for t in items[1:] if t["algorithm"] != best["algorithm"])
    return trial


@pytest.fixture(scope="module")
def kept(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    trial = non_best_trial(client, job["id"])
    url = f"/api/results/job/{job['id']}/trials/{trial['trial_number']}/model"
    started = client.post(url)
    assert started.status_code == 202, started.text
    refit = started.json()
    assert refit["state"] == "running" and refit["trial_number"] == trial["trial_number"]
    # Asked again while it runs: the same refit, not a second one.
    again = client.post(url)
    assert again.status_code == 200 and again.json()["id"] == refit["id"]
    done = wait_refit(client, job["id"], trial["trial_number"])
    assert done["state"] == "completed", done
    assert done["model_id"] == refit["id"] and done["error"] is None
    model: dict[str, Any] = client.get(f"/api/results/model/{done['model_id']}").json()
    return {"trial": trial, "model": model, "refit": done}


def test_a_non_best_trial_becomes_its_own_model(client: TestClient, job: dict[str, Any], kept: dict[str, Any]) -> None:
    trial, model = kept["trial"], kept["model"]
    job_model = client.get(f"/api/results/model/{job['model_id']}").json()
    assert model["id"] != job_model["id"]
    assert model["trial_number"] == trial["trial_number"] and job_model["trial_number"] is None
    assert model["algorithm"] == trial["algorithm"] and model["cv_score"] == pytest.approx(trial["score"])
    assert model["owner_id"] == job_model["owner_id"] and model["job_id"] == job["id"]
    assert model["project_id"] == job_model["project_id"]
    assert model["card"]["params"] == trial["params"] and model["card"]["trial_number"] == trial["trial_number"]
    assert any(f"kept from trial {trial['trial_number']}" in note for note in model["card"]["notes"])
    assert model["display_name"].endswith(f", trial {trial['trial_number']} · survived")
    assert model["feature_importance"]  # measured like the job's model
    assert "supported" in model["card"]["onnx"]  # the export was tried (and its parity checked) like the job's
    # The held-out evaluation was recomputed from the trial's own folds: every row predicted once.
    evaluation = client.get(f"/api/results/model/{model['id']}/evaluation")
    assert evaluation.status_code == 200, evaluation.text
    body = evaluation.json()
    assert body["n_rows"] == 891 and sum(map(sum, body["classification"]["confusion_matrix"])) == 891
    prediction = client.post(f"/api/results/model/{model['id']}/predict", json={"row": ROW})
    assert prediction.status_code == 200, prediction.text
    assert prediction.json()["prediction"] in (0, 1, "0", "1")
    listed = [m["id"] for m in client.get("/api/results/models").json()["items"]]
    assert model["id"] in listed


def test_keeping_again_returns_the_kept_model(client: TestClient, job: dict[str, Any], kept: dict[str, Any]) -> None:
    number = kept["trial"]["trial_number"]
    again = client.post(f"/api/results/job/{job['id']}/trials/{number}/model")
    assert again.status_code == 200
    assert again.json()["state"] == "completed" and again.json()["model_id"] == kept["model"]["id"]
    refits = client.get(f"/api/results/job/{job['id']}/refits").json()["items"]
    # The list may also name the job's own model, for the trial it delivered alone (if it is no ensemble).
    assert [r["model_id"] for r in refits if r["trial_number"] == number] == [kept["model"]["id"]]
    ctx: AppContext = client.app.state.ctx
    rows = client.portal.call(_models_of, ctx, job["id"])
    assert sum(1 for r in rows if r.trial_number == number) == 1


def test_the_trial_a_job_delivered_alone_is_its_model(client: TestClient, job: dict[str, Any]) -> None:
    ctx: AppContext = client.app.state.ctx
    number = non_best_trial(client, job["id"])["trial_number"]
    # A job whose model is that one trial refit alone (no ensemble), as the final step records it in the card.
    model_id = client.portal.call(_insert_delivered_model, ctx, number)
    other = client.portal.call(_clone_job, ctx, job["id"], number, {"model_id": model_id}, {})
    client.portal.call(_move_model, ctx, model_id, other)
    response = client.post(f"/api/results/job/{other}/trials/{number}/model")
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "completed" and response.json()["model_id"] == model_id
    listed = client.get(f"/api/results/job/{other}/refits").json()["items"]
    assert [(r["trial_number"], r["model_id"]) for r in listed] == [(number, model_id)]
    assert client.portal.call(_models_of, ctx, other) == [client.portal.call(_model, ctx, model_id)]


def test_trials_that_cannot_be_kept_say_why(client: TestClient, job: dict[str, Any]) -> None:
    ctx: AppContext = client.app.state.ctx
    trial = non_best_trial(client, job["id"])["trial_number"]
    response = client.post(f"/api/results/job/{job['id']}/trials/9999/model")
    assert response.status_code == 404 and response.json()["detail"] == f"job {job['id']} has no trial 9999"
    assert client.get(f"/api/results/job/{job['id']}/trials/9999/model").status_code == 404

    running = client.portal.call(_clone_job, ctx, job["id"], trial, {"status": "running"}, {})
    response = client.post(f"/api/results/job/{running}/trials/{trial}/model")
    assert response.status_code == 409 and "still running" in response.json()["detail"]

    failed = client.portal.call(_clone_job, ctx, job["id"], trial, {}, {"status": "failed", "error": "ValueError: x"})
    response = client.post(f"/api/results/job/{failed}/trials/{trial}/model")
    assert response.status_code == 409
    assert response.json()["detail"].startswith(f"trial {trial} did not complete (it is failed: ValueError: x)")

    orphan = client.portal.call(_clone_job, ctx, job["id"], trial, {"dataset_id": new_id()}, {})
    response = client.post(f"/api/results/job/{orphan}/trials/{trial}/model")
    assert response.status_code == 409 and "was deleted" in response.json()["detail"]


def test_a_failed_refit_says_why_and_keeps_nothing(client: TestClient, job: dict[str, Any]) -> None:
    ctx: AppContext = client.app.state.ctx
    trial = non_best_trial(client, job["id"])["trial_number"]
    # Parameters the estimator refuses: the refit fails in the worker after the request has returned.
    broken = {"algorithm": "random_forest", "params": {"n_estimators": -3}}
    other = client.portal.call(_clone_job, ctx, job["id"], trial, {}, broken)
    started = client.post(f"/api/results/job/{other}/trials/{trial}/model")
    assert started.status_code == 202, started.text
    refit = wait_refit(client, other, trial)
    assert refit["state"] == "failed" and refit["model_id"] is None
    assert "n_estimators" in refit["error"]
    assert client.portal.call(_models_of, ctx, other) == []
    assert ctx.store.list(f"models/{started.json()['id']}/") == []
    # (The copy keeps the job's own model: when that is one trial alone it is listed too, as completed.)
    refits = client.get(f"/api/results/job/{other}/refits").json()["items"]
    assert [r["state"] for r in refits if r["trial_number"] == trial] == ["failed"]


def test_compare_the_kept_model_with_the_jobs_model(
    client: TestClient, job: dict[str, Any], kept: dict[str, Any]
) -> None:
    ids = f"{job['model_id']},{kept['model']['id']}"
    response = client.get("/api/results/compare", params={"models": ids})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["problem_type"] == "binary" and body["target"] == "survived"
    assert [m["id"] for m in body["models"]] == ids.split(",")
    columns = {c["name"]: c for c in body["metrics"]}
    assert columns["roc_auc"]["greater_is_better"] is True and columns["log_loss"]["greater_is_better"] is False
    job_model, kept_model = body["models"]
    assert kept_model["trial_number"] == kept["trial"]["trial_number"] and kept_model["kind"] == "trial"
    assert kept_model["trials"] == [kept["trial"]["trial_number"]]
    # A model of one trial carries every metric its trial scored, its speed and its curves.
    assert kept_model["metrics"] == pytest.approx({**kept["trial"]["other_metrics"], "roc_auc": kept["trial"]["score"]})
    assert kept_model["fit_time"] == pytest.approx(kept["trial"]["fit_time"])
    assert kept_model["size_bytes"] > 0 and len(kept_model["roc"]) == 1 and kept_model["regression"] is None
    delivered = client.get(f"/api/results/model/{job['model_id']}").json()
    assert job_model["metrics"]["roc_auc"] == pytest.approx(delivered["cv_score"])
    assert job_model["trials"] and job_model["fit_time"] is not None

    by_job = client.get("/api/results/compare", params={"jobs": f"{job['id']},{job['id']}"})
    assert by_job.status_code == 422 and "at least 2" in by_job.json()["detail"]


def test_an_ensemble_is_compared_by_its_members(client: TestClient, job: dict[str, Any]) -> None:
    ctx: AppContext = client.app.state.ctx
    trials = client.get(f"/api/results/job/{job['id']}/leaderboard").json()["items"][:2]
    members = [{"trial_number": t["trial_number"], "algorithm": t["algorithm"], "weight": 0.5} for t in trials]
    card = {"algorithm": "ensemble", "delivered": {"kind": "ensemble", "members": members}}
    ensemble = client.portal.call(_insert_model_of, ctx, job["id"], "ensemble", card)
    response = client.get("/api/results/compare", params={"models": f"{ensemble},{job['model_id']}"})
    assert response.status_code == 200, response.text
    compared = response.json()["models"][0]
    assert compared["kind"] == "ensemble" and compared["trials"] == [t["trial_number"] for t in trials]
    # Its speed is its members' together; a card without ensemble_metrics (an older model): only its own score.
    assert compared["fit_time"] == pytest.approx(sum(t["fit_time"] for t in trials))
    assert compared["predict_time_per_row"] == pytest.approx(sum(t["predict_time_per_row"] for t in trials))
    assert compared["metrics"] == {"roc_auc": 0.9}
    assert compared["roc"] == [] and "it was trained before evaluation was recorded" in compared["evaluation_missing"]
    # An ensemble whose card records its other metrics (measured on the blend) shows them beside its score.
    recorded = {**card, "ensemble_metrics": {"accuracy": 0.81, "f1": 0.52}}
    measured = client.portal.call(_insert_model_of, ctx, job["id"], "ensemble", recorded)
    response = client.get("/api/results/compare", params={"models": f"{measured},{job['model_id']}"})
    assert response.status_code == 200, response.text
    assert response.json()["models"][0]["metrics"] == {"roc_auc": 0.9, "accuracy": 0.81, "f1": 0.52}


def test_someone_elses_job_and_models_are_404(client: TestClient, job: dict[str, Any], kept: dict[str, Any]) -> None:
    password = "refit-stranger-pw-1"
    created = client.post("/api/users", json={"username": "refit_stranger", "password": password, "role": "member"})
    assert created.status_code == 201, created.text
    stranger = bearer(api_key_for(client, "refit_stranger", password))
    number = kept["trial"]["trial_number"]
    for method, url in (
        ("POST", f"/api/results/job/{job['id']}/trials/{number}/model"),
        ("GET", f"/api/results/job/{job['id']}/trials/{number}/model"),
        ("GET", f"/api/results/job/{job['id']}/refits"),
    ):
        response = client.request(method, url, headers=stranger)
        assert response.status_code == 404 and response.json()["detail"] == f"job {job['id']} not found"
    ids = f"{job['model_id']},{kept['model']['id']}"
    response = client.get("/api/results/compare", params={"models": ids}, headers=stranger)
    assert response.status_code == 404 and response.json()["detail"] == f"model {job['model_id']} not found"
    response = client.get("/api/results/compare", params={"jobs": f"{job['id']},{job['id']}x"}, headers=stranger)
    assert response.status_code == 404


def test_compare_refuses_what_cannot_be_compared(client: TestClient, job: dict[str, Any]) -> None:
    ctx: AppContext = client.app.state.ctx
    other = client.portal.call(_insert_regression_model, ctx)
    response = client.get("/api/results/compare", params={"models": f"{job['model_id']},{other}"})
    assert response.status_code == 422
    assert "predict different things" in response.json()["detail"]
    assert client.get("/api/results/compare").status_code == 422
    response = client.get("/api/results/compare", params={"models": job["model_id"]})
    assert response.status_code == 422 and "at least 2" in response.json()["detail"]
    response = client.get("/api/results/compare", params={"models": f"{job['model_id']},{'0' * 32}"})
    assert response.status_code == 404 and response.json()["detail"] == f"model {'0' * 32} not found"
    unfinished = client.portal.call(_clone_job, ctx, job["id"], 0, {"status": "running", "model_id": None}, {})
    response = client.get("/api/results/compare", params={"jobs": f"{job['id']},{unfinished}"})
    assert response.status_code == 409 and "has no model" in response.json()["detail"]


async def _models_of(ctx: AppContext, job_id: str) -> list[TrainedModel]:
    async with ctx.sessions() as session:
        return list((await session.exec(select(TrainedModel).where(TrainedModel.job_id == job_id))).all())


async def _clone_job(
    ctx: AppContext, job_id: str, number: int, job_changes: dict[str, Any], trial_changes: dict[str, Any]
) -> str:
    """A copy of the job and one of its trials, changed: the states a real job passes through or ends in."""
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        trial = (await session.exec(select(Trial).where(Trial.job_id == job_id, Trial.trial_number == number))).one()
        assert job is not None
        copy = Job.model_validate({**job.model_dump(warnings=False), "id": new_id(), **job_changes})
        session.add(copy)
        await session.flush()
        values = {**trial.model_dump(warnings=False), "id": new_id(), "job_id": copy.id, **trial_changes}
        session.add(Trial.model_validate(values))
        await session.commit()
        return copy.id


async def _insert_regression_model(ctx: AppContext) -> str:
    model = TrainedModel(
        job_id="j" * 32,
        dataset_id="d" * 32,
        algorithm="ridge",
        problem_type="regression",
        target="fare",
        metric="rmse",
        sha256="0" * 64,
        storage_prefix="models/none",
        card=card_dict(problem_type="regression", target="fare", classes=None, metric="rmse", algorithm="ridge"),
    )
    async with ctx.sessions() as session:
        session.add(model)
        await session.commit()
        return model.id


async def _insert_delivered_model(ctx: AppContext, number: int) -> str:
    card = {"delivered": {"kind": "trial", "members": [{"trial_number": number, "algorithm": "knn", "weight": 1.0}]}}
    model = TrainedModel(
        job_id="j" * 32,
        dataset_id="d" * 32,
        algorithm="knn",
        problem_type="binary",
        target="survived",
        metric="roc_auc",
        sha256="0" * 64,
        storage_prefix="models/none",
        card=card_dict(target="survived", algorithm="knn", **card),
    )
    async with ctx.sessions() as session:
        session.add(model)
        await session.commit()
        return model.id


async def _move_model(ctx: AppContext, model_id: str, job_id: str) -> None:
    async with ctx.sessions() as session:
        model = await session.get(TrainedModel, model_id)
        assert model is not None
        model.job_id = job_id
        session.add(model)
        await session.commit()


async def _model(ctx: AppContext, model_id: str) -> TrainedModel | None:
    async with ctx.sessions() as session:
        return await session.get(TrainedModel, model_id)


async def _insert_model_of(ctx: AppContext, job_id: str, algorithm: str, card: dict[str, Any]) -> str:
    model = TrainedModel(
        job_id=job_id,
        dataset_id="d" * 32,
        algorithm=algorithm,
        problem_type="binary",
        target="survived",
        metric="roc_auc",
        cv_score=0.9,
        sha256="0" * 64,
        storage_prefix="models/none",
        card=card_dict(target="survived", **{"algorithm": algorithm, **card}),
    )
    async with ctx.sessions() as session:
        session.add(model)
        await session.commit()
        return model.id
