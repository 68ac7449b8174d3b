"""Pick and compare, as an analyst does it: keep a non-best trial of the HR job from its leaderboard as a model of
its own, open it and predict with it, then compare it with the job's model side by side."""

from __future__ import annotations

import csv
import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Analyst, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

# The live leaderboard shows this many rows before "Show all".
TOP_ROWS = 10


def non_best_trial(api: httpx.Client, job_id: str) -> tuple[dict[str, Any], int]:
    """A completed trial of another algorithm than the best (a simpler alternative), and its rank (1 = best)."""
    items = api.get(f"/api/results/job/{job_id}/leaderboard").json()["items"]
    best = items[0]
    for rank, trial in enumerate(items[1:], start=2):
        if trial["algorithm"] != best["algorithm"]:
            return trial, rank
    pytest.fail(f"the HR job has no trial of a second algorithm: {[t['algorithm'] for t in items]}")


def first_row(path: str) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def test_keep_a_trial_then_compare_it_with_the_jobs_model(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page
) -> None:
    page, hr = analyst_page, analyst.hr
    trial, rank = non_best_trial(analyst_api, hr.job_id)
    number, algorithm = trial["trial_number"], trial["algorithm"]

    page.goto(f"{analyst.url}/jobs/{hr.job_id}")
    if rank > TOP_ROWS:
        page.get_by_role("button", name=re.compile(r"Show all \d+ trials")).click()
    keep = page.get_by_role("button", name=f"Keep as model: trial {number} ({algorithm})")
    keep.scroll_into_view_if_needed()
    keep.click()
    # The refit runs on the server; the row says so, then links the new model.
    open_model = page.get_by_role("link", name=f"Open model of trial {number} ({algorithm})")
    expect(page.get_by_text("Refitting…").or_(open_model).first).to_be_visible(timeout=10_000)
    expect(open_model).to_be_visible(timeout=180_000)

    refit = analyst_api.get(f"/api/results/job/{hr.job_id}/trials/{number}/model").json()
    assert refit["state"] == "completed", refit
    kept = analyst_api.get(f"/api/results/model/{refit['model_id']}").json()
    assert kept["trial_number"] == number and kept["algorithm"] == algorithm and kept["id"] != hr.model_id

    open_model.click()
    expect(page).to_have_url(re.compile(f"/models/{kept['id']}$"))
    # Named as the API names it (its display name), or by algorithm where the page shows that.
    name = re.compile(f"{re.escape(kept['display_name'])}|{re.escape(algorithm)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    # The kept model predicts, from a row of the table it was trained on (the target left out).
    row = {k: v for k, v in first_row(str(hr.path)).items() if k != hr.target}
    prediction = analyst_api.post(f"/api/results/model/{kept['id']}/predict", json={"row": row})
    assert prediction.status_code == 200, prediction.text
    assert prediction.json()["prediction"] in ("Yes", "No")

    # From the job's leaderboard to the comparison of the two models.
    page.goto(f"{analyst.url}/jobs/{hr.job_id}")
    if rank > TOP_ROWS:
        page.get_by_role("button", name=re.compile(r"Show all \d+ trials")).click()
    page.get_by_role("link", name=f"Compare trial {number} ({algorithm}) with the job's model").click()
    expect(page).to_have_url(re.compile(rf"/compare\?models={hr.model_id},{kept['id']}$"))
    table = page.get_by_role("table", name="Models compared side by side")
    expect(table).to_be_visible(timeout=30_000)
    expect(table.get_by_role("columnheader", name=re.compile(re.escape(kept["display_name"])))).to_be_visible()
    # Every metric row names its direction and marks a best model (both models have the job's metric).
    expect(table.get_by_role("rowheader", name=re.compile("higher is better|lower is better")).first).to_be_visible()
    expect(table.get_by_text("(best)").first).to_be_attached()
    expect(page.get_by_role("img", name=re.compile(r"^ROC curves of .+AUC.+, .+AUC"))).to_be_visible()
    importance = page.get_by_role("table", name="Feature importance of each model")
    expect(importance.get_by_role("rowheader", name="OverTime")).to_be_visible()
    screenshot(page, "compare")


def test_pick_models_on_the_models_page_and_compare(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page
) -> None:
    page, hr = analyst_page, analyst.hr
    models = [m for m in analyst_api.get("/api/results/models").json()["items"] if m["job_id"] == hr.job_id]
    page.goto(f"{analyst.url}/models")
    compare = page.get_by_role("button", name=re.compile("^Compare"))
    expect(compare).to_be_disabled()
    job_model = next(m for m in models if m["id"] == hr.model_id)
    page.get_by_role("checkbox", name=f"Pick {job_model['display_name']} ({hr.model_id[:8]}) to compare").check()
    delivery = analyst_api.get(f"/api/results/model/{analyst.delivery.model_id}").json()
    label = f"Pick {delivery['display_name']} ({delivery['id'][:8]}) to compare"
    page.get_by_role("checkbox", name=label).check()
    page.get_by_role("link", name="Compare 2").click()
    expect(page).to_have_url(re.compile(rf"/compare\?models={hr.model_id},{delivery['id']}$"))
    # An HR attrition model and a delivery-time model predict different things: the page says so.
    expect(page.get_by_text("these models predict different things")).to_be_visible(timeout=30_000)


def test_compare_jobs_by_their_delivered_models(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page
) -> None:
    page, hr, delivery = analyst_page, analyst.hr, analyst.delivery
    # Ticked on the Jobs page, as with models: the comparison is of the models the jobs delivered.
    page.goto(f"{analyst.url}/jobs")
    expect(page.get_by_role("button", name=re.compile("^Compare"))).to_be_disabled()
    for table in (hr, delivery):
        job = analyst_api.get(f"/api/training/jobs/{table.job_id}").json()
        page.get_by_role(
            "checkbox", name=f"Pick {job['name'] or job['target_column']} ({table.job_id[:8]}) to compare"
        ).check()
    page.get_by_role("link", name="Compare 2").click()
    expect(page).to_have_url(re.compile(rf"/compare\?jobs={hr.job_id},{delivery.job_id}$"))
    expect(page.get_by_text("these models predict different things")).to_be_visible(timeout=30_000)
    page.goto(f"{analyst.url}/compare")
    expect(page.get_by_text("Pick two or more models to compare")).to_be_visible()


def keep_by_api(api: httpx.Client, job_id: str, number: int, timeout: float = 180) -> str:
    """Keep a trial through the REST API (as a script would) and wait for its model."""
    started = api.post(f"/api/results/job/{job_id}/trials/{number}/model")
    assert started.status_code in (200, 202), started.text
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        refit = api.get(f"/api/results/job/{job_id}/trials/{number}/model").json()
        if refit["state"] != "running":
            assert refit["state"] == "completed", refit
            return str(refit["model_id"])
        time.sleep(1)
    pytest.fail(f"trial {number} of job {job_id} was not kept in {timeout} s")


def test_compare_regression_models(analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page) -> None:
    page, delivery = analyst_page, analyst.delivery
    trial, _ = non_best_trial(analyst_api, delivery.job_id)
    kept = keep_by_api(analyst_api, delivery.job_id, trial["trial_number"])
    page.goto(f"{analyst.url}/compare?models={delivery.model_id},{kept}")
    errors = page.get_by_role("table", name="Held-out errors of each model")
    expect(errors).to_be_visible(timeout=30_000)
    for measure in ("RMSE", "Mean absolute error", "R²"):
        expect(errors.get_by_role("rowheader", name=measure)).to_be_visible()
    expect(errors.get_by_text("(best)")).to_have_count(3)
    scatter = re.compile(f"^Predicted against actual {delivery.target} for .+, .+")
    expect(page.get_by_role("img", name=scatter)).to_be_visible()
    # Lower error is better: the metric row says so and marks the model with the lowest value.
    table = page.get_by_role("table", name="Models compared side by side")
    expect(table.get_by_role("rowheader", name=re.compile("lower is better")).first).to_be_visible()
