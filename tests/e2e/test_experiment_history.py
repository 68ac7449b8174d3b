"""Experiment history as an analyst uses it: rename the HR model and give it notes and a tag, find it again with
the search box and the tag filter, clone the HR job with a shorter budget, and share the model in a project whose
viewer sees it but cannot rename it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Analyst, login_token, open_tab, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

VIEWER = "h6viewer"
VIEWER_PASSWORD = "h6-viewer-password-1"


@pytest.fixture
def restored(analyst: Analyst, analyst_api: httpx.Client) -> Iterator[None]:
    """The HR job's and model's names, notes, tags and project put back afterwards: other tests share them."""
    job_url, model_url = f"/api/training/jobs/{analyst.hr.job_id}", f"/api/results/model/{analyst.hr.model_id}"
    job, model = analyst_api.get(job_url).json(), analyst_api.get(model_url).json()
    yield
    keep = ("notes", "tags", "project_id")
    analyst_api.patch(job_url, json={"name": job["name"], **{key: job[key] for key in keep}})
    # A model without a name shows its default (display_name); naming it that shows the same words.
    analyst_api.patch(model_url, json={"name": model["name"] or model["display_name"], **{k: model[k] for k in keep}})


def model_link(page: Page, model_id: str) -> Any:
    return page.locator(f'table[aria-label="Models"] a[href="/models/{model_id}"]')


def test_rename_tag_and_find_the_hr_model(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page, restored: None
) -> None:
    page, hr = analyst_page, analyst.hr
    page.goto(f"/models/{hr.model_id}")
    heading = page.get_by_role("heading", level=1)
    expect(page.get_by_role("button", name="Rename model")).to_be_visible()  # the model has loaded
    before = heading.inner_text()

    # Esc cancels: nothing is saved.
    page.get_by_role("button", name="Rename model").click()
    page.get_by_role("textbox", name="New model name").fill("not this")
    page.keyboard.press("Escape")
    expect(heading).to_have_text(before)

    # Enter saves.
    page.get_by_role("button", name="Rename model").click()
    page.get_by_role("textbox", name="New model name").fill("  HR attrition baseline  ")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("HR attrition baseline")

    page.get_by_label("Notes").fill("First model; OverTime drives it.")
    tags = page.get_by_label("Tags", exact=True)
    tags.fill("attrition-study")
    tags.press("Enter")
    expect(page.get_by_role("button", name="Remove tag attrition-study")).to_be_visible()
    page.get_by_role("button", name="Save notes and tags").click()
    expect(page.get_by_text("Notes and tags saved.")).to_be_visible()
    stored = analyst_api.get(f"/api/results/model/{hr.model_id}").json()
    assert (stored["name"], stored["notes"], stored["tags"]) == (
        "HR attrition baseline",
        "First model; OverTime drives it.",
        ["attrition-study"],
    )

    # The Models list finds it by a word of its name, and by its tag; the address keeps the filter.
    page.goto("/models")
    delivery = model_link(page, analyst.delivery.model_id)
    expect(delivery).to_be_visible()
    page.get_by_role("searchbox", name="Search models").fill("baseline")
    expect(page).to_have_url(re.compile(r"[?&]q=baseline"))
    expect(model_link(page, hr.model_id)).to_be_visible()
    expect(delivery).to_have_count(0)
    screenshot(page, "history-models-search")
    page.get_by_role("button", name="Clear filters").click()
    expect(delivery).to_be_visible()
    page.get_by_label("Tag", exact=True).select_option("attrition-study")
    expect(page).to_have_url(re.compile(r"[?&]tag=attrition-study"))
    expect(model_link(page, hr.model_id)).to_be_visible()
    expect(delivery).to_have_count(0)
    # A shared link opens the same filtered view.
    page.goto("/models?tag=attrition-study")
    expect(model_link(page, hr.model_id)).to_be_visible()
    expect(delivery).to_have_count(0)


def test_clone_the_hr_job_with_a_shorter_budget(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page
) -> None:
    page, hr = analyst_page, analyst.hr
    source = analyst_api.get(f"/api/training/jobs/{hr.job_id}").json()
    page.goto(f"/jobs/{hr.job_id}")
    page.get_by_role("link", name="Clone job").click()
    expect(page).to_have_url(re.compile(rf"/train\?clone={hr.job_id}"))
    expect(page.get_by_text("Settings copied from the cloned job")).to_be_visible()
    budget = page.get_by_label("Time budget (minutes)")
    expect(budget).to_have_value(str(source["time_budget"]))
    budget.fill("0.2")
    page.get_by_role("button", name="Start training").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
    clone_id = page.url.rsplit("/", 1)[-1]
    clone = analyst_api.get(f"/api/training/jobs/{clone_id}").json()
    # Only the stopped job slot is spent: the clone is not needed to finish.
    analyst_api.post(f"/api/training/jobs/{clone_id}/cancel")
    assert clone["cloned_from"] == hr.job_id
    assert clone["time_budget"] == 0.2
    assert (clone["dataset_id"], clone["target_column"]) == (source["dataset_id"], source["target_column"])
    assert sorted(clone["algorithms"]) == sorted(source["algorithms"])
    assert (clone["metric"], clone["n_folds"], clone["problem_type"]) == (
        source["metric"],
        source["n_folds"],
        source["problem_type"],
    )


def test_a_project_viewer_sees_the_shared_model_but_cannot_rename_it(
    analyst: Analyst,
    analyst_api: httpx.Client,
    analyst_page: Page,
    browser: Browser,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    restored: None,
) -> None:
    page, hr = analyst_page, analyst.hr
    created = analyst_api.post("/api/users", json={"username": VIEWER, "password": VIEWER_PASSWORD, "role": "member"})
    assert created.status_code == 201, created.text

    page.goto("/projects")
    page.get_by_label("Project name").fill("Attrition study")
    page.get_by_role("button", name="Create project").click()
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Attrition study"))
    expect(card).to_be_visible()
    card.get_by_label("Username").fill(VIEWER)
    card.get_by_label("Role for the new member").select_option("viewer")
    card.get_by_role("button", name="Add member").click()
    expect(card.get_by_role("combobox", name=f"Role of {VIEWER}")).to_have_value("viewer")
    project = next(p for p in analyst_api.get("/api/projects").json()["items"] if p["name"] == "Attrition study")
    screenshot(page, "history-projects")

    try:
        # The model's owner shares it from the model page.
        page.goto(f"/models/{hr.model_id}")
        page.get_by_label("Project", exact=True).select_option(label="Attrition study")
        expect(page.get_by_text("Moved into the project.")).to_be_visible()
        assert analyst_api.get(f"/api/results/model/{hr.model_id}").json()["project_id"] == project["id"]
        # And the table it was trained on, from the Data page (uploaded privately before the project existed).
        page.goto(f"/data?id={hr.dataset_id}")
        page.locator("#dataset-project").select_option(label="Attrition study")
        expect(page.get_by_text("Shared in the project.")).to_be_visible()
        dataset = analyst_api.get(f"/api/datasets/{hr.dataset_id}").json()
        assert dataset["project_id"] == project["id"]

        for viewer in open_tab(browser, analyst.url, request, tmp_path):
            sign_in(viewer, VIEWER, VIEWER_PASSWORD)
            viewer.goto("/models")
            expect(model_link(viewer, hr.model_id)).to_be_visible()
            expect(model_link(viewer, analyst.delivery.model_id)).to_have_count(0)  # still the admin's alone
            model_link(viewer, hr.model_id).click()
            expect(viewer.get_by_role("heading", level=1)).to_be_visible()
            expect(viewer.get_by_text(re.compile("You are a viewer in this model's project"))).to_be_visible()
            expect(viewer.get_by_role("button", name="Rename model")).to_have_count(0)
            expect(viewer.get_by_text("Shared in project “Attrition study”.")).to_be_visible()
            viewer.get_by_role("heading", name="Notes and tags").scroll_into_view_if_needed()
            screenshot(viewer, "history-project-viewer")
            # The shared table too, read-only: no menu to move it (only its owner or an admin moves it).
            viewer.goto(f"/data?id={hr.dataset_id}")
            expect(viewer.get_by_role("heading", name=dataset["name"]).first).to_be_visible()
            expect(viewer.get_by_text("Shared in project “Attrition study”.")).to_be_visible()
            expect(viewer.locator("#dataset-project")).to_have_count(0)
        # The server refuses it too, whatever a page offers.
        headers = {"Authorization": f"Bearer {login_token(analyst.url, VIEWER, VIEWER_PASSWORD)}"}
        refused = httpx.patch(
            f"{analyst.url}/api/results/model/{hr.model_id}", json={"name": "mine"}, headers=headers, timeout=10
        )
        assert refused.status_code == 403 and "viewer" in refused.json()["detail"]
    finally:
        analyst_api.delete(f"/api/projects/{project['id']}")
    assert analyst_api.get(f"/api/results/model/{hr.model_id}").json()["project_id"] is None
    assert analyst_api.get(f"/api/datasets/{hr.dataset_id}").json()["project_id"] is None
