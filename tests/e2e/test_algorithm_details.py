"""The Train form's algorithm details come from GET /api/algorithms: its "Algorithm details" dialog shows an
algorithm's tasks, GPU ability, origin and the search space the tuner explores for the form's task, parameter by
parameter."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import _upload, screenshot
from tests.e2e.tables import HR_TARGET, hr_attrition, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_algorithms_search_space_is_shown(page: Page, api: httpx.Client, tmp_path: Path) -> None:
    dataset_id = _upload(api, write_csv(hr_attrition(rows=120), tmp_path / "hr_small.csv"))
    catalogue = {item["name"]: item for item in api.get("/api/algorithms", params={"task": "binary"}).json()}
    lightgbm = catalogue["lightgbm"]
    params = list(lightgbm["space"]["binary"]["params"])

    page.goto(f"/train?dataset={dataset_id}&target={HR_TARGET}")
    page.get_by_text("Binary", exact=True).click()
    page.get_by_role("button", name="Algorithm details").click()
    dialog = page.get_by_role("dialog", name="Algorithm details")
    dialog.get_by_label("Algorithm").select_option(label=lightgbm["label"])
    expect(dialog.get_by_text("Built in", exact=True)).to_be_visible()
    expect(dialog).to_contain_text(f"({lightgbm['gpu']}'s GPU build)")
    # The form's task is the first tab; its table lists exactly the API's parameters, in sampling order.
    expect(dialog.get_by_role("tab", name="Binary classification")).to_have_attribute("aria-selected", "true")
    names = dialog.get_by_role("tabpanel").locator("tbody tr td:first-child")
    expect(names).to_have_count(len(params))
    for row, name in enumerate(params):
        expect(names.nth(row)).to_contain_text(name)
    screenshot(page, "train-algorithm-details")
