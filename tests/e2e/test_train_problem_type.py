"""The Train form's problem type and target checks are the server's: what Auto picks, and the exact words training
would refuse a choice with, come from the dataset stats (`target.checks`), not from a copy of the rule."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Analyst, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]


def test_the_form_shows_the_servers_verdicts(analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page) -> None:
    page = analyst_page
    dataset_id = analyst.hr.dataset_id
    stats = analyst_api.get(f"/api/datasets/{dataset_id}/stats").json()
    checks = {c["name"]: c["target"]["checks"] for c in stats["columns"]}
    refusal = checks["Department"]["binary"]["message"]
    assert refusal == "binary classification needs exactly 2 classes; target has 3"

    page.goto(f"/train?dataset={dataset_id}&target=Department")
    explain = page.locator("#problem-type-explain")
    expect(explain).to_have_text(
        "Detected: Multiclass classification. The model predicts one of several categories.", timeout=15_000
    )
    # A choice training would refuse: the server's own message, under the target, before anything is sent.
    page.get_by_text("Binary", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text=refusal[1:])).to_have_text(refusal[0].upper() + refusal[1:] + ".")
    expect(explain).to_have_text(re.compile(r"^Auto would pick: Multiclass classification"))
    screenshot(page, "train-problem-type-refused")

    # Text labels as a number: refused in the server's words too; and what the server accepts shows no error.
    page.get_by_text("Regression", exact=True).click()
    numeric = checks["Department"]["regression"]["message"]
    assert numeric.startswith("regression needs a numeric target; column 'Department'")
    expect(page.get_by_role("alert").filter(has_text="numeric target")).to_have_text("R" + numeric[1:] + ".")
    page.get_by_text("Multiclass", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Department")).to_have_count(0)

    # The Start button sends what the form allowed and the server agrees: refused choices never reach it.
    page.get_by_text("Binary", exact=True).click()
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text("Fix the fields marked above to start training.")).to_be_visible()
    response = analyst_api.post(
        "/api/training/start",
        json={"dataset_id": dataset_id, "target_column": "Department", "problem_type": "binary", "time_budget": 0.1},
    )
    assert (response.status_code, response.json()["detail"]) == (422, refusal)
