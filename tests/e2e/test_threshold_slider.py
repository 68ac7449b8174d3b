"""The decision threshold as an analyst uses it on the HR attrition model: the slider (mouse-free, with the arrow
keys) moves the confusion matrix, the presets pick the best F1 and the lowest cost for the costs typed in, Save
keeps it across a reload and in the model card, and predict then labels a borderline row by it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Analyst, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]


@pytest.fixture
def hr_threshold_reset(analyst: Analyst, analyst_api: httpx.Client) -> Iterator[None]:
    """The HR model is shared by the session's other tests (predict form, explanations): leave it on the default."""
    analyst_api.delete(f"/api/results/model/{analyst.hr.model_id}/threshold")
    yield
    analyst_api.delete(f"/api/results/model/{analyst.hr.model_id}/threshold")


def _table(analyst_api: httpx.Client, model_id: str) -> dict[str, Any]:
    evaluation = analyst_api.get(f"/api/results/model/{model_id}/evaluation").json()
    table: dict[str, Any] = evaluation["classification"]["thresholds"]
    return table


def _choosable(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in table["points"] if 0 < p["threshold"] < 1]


def _best(points: list[dict[str, Any]], key: Any) -> float:
    """The point with the smallest key, ties to the threshold nearest 0.5 (the dashboard's rule)."""
    return float(min(points, key=lambda p: (key(p), abs(p["threshold"] - 0.5)))["threshold"])


def _matrix(page: Page) -> list[str]:
    cells = page.get_by_role("table", name="Confusion matrix").locator("tbody td")
    return [text.strip() for text in cells.all_inner_texts()]


def _counts(point: dict[str, Any]) -> list[str]:
    return [f"{point[k]:,}" for k in ("tn", "fp", "fn", "tp")]


def _value(page: Page) -> Locator:
    return page.get_by_test_id("threshold-value")


def test_threshold_slider_presets_save_and_predict(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page, hr_threshold_reset: None
) -> None:
    page, model_id = analyst_page, analyst.hr.model_id
    table = _table(analyst_api, model_id)
    by_threshold = {p["threshold"]: p for p in table["points"]}
    page.goto(f"/models/{model_id}?tab=evaluation")
    slider = page.get_by_role("slider", name="Threshold")
    expect(slider).to_be_visible()
    expect(_value(page)).to_have_text("0.5")
    assert _matrix(page) == _counts(by_threshold[0.5])

    # Keyboard only: ten steps down is 0.4, and the matrix shows the server's counts at 0.4.
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    expect(_value(page)).to_have_text("0.4")
    assert _matrix(page) == _counts(by_threshold[0.4])
    assert _counts(by_threshold[0.4]) != _counts(by_threshold[0.5]), "the slider must move some rows"
    page.keyboard.press("ArrowRight")
    expect(_value(page)).to_have_text("0.41")

    page.get_by_role("button", name="Best F1").click()
    best_f1 = _best(_choosable(table), lambda p: -2 * p["tp"] / max(1, 2 * p["tp"] + p["fp"] + p["fn"]))
    expect(_value(page)).to_have_text(f"{best_f1:g}")
    assert _matrix(page) == _counts(by_threshold[best_f1])

    # Missing a leaver costs five times a needless conversation: the best cost flags more people.
    page.get_by_label("Cost of a false positive").fill("1")
    page.get_by_label("Cost of a false negative").fill("5")
    page.get_by_role("button", name="Best cost").click()
    best_cost = _best(_choosable(table), lambda p: p["fp"] * 1 + p["fn"] * 5)
    expect(_value(page)).to_have_text(f"{best_cost:g}")
    cost_text = f"{by_threshold[best_cost]['fp'] + 5 * by_threshold[best_cost]['fn']:,}"
    expect(page.get_by_test_id("metric-cost")).to_have_text(cost_text)
    page.get_by_label("Cost of a false negative").fill("")
    page.get_by_role("button", name="Best cost").click()
    expect(page.get_by_role("alert").filter(has_text="Enter both costs as numbers.")).to_be_visible()
    page.get_by_label("Cost of a false negative").fill("5")
    expect(page.get_by_text("Enter both costs as numbers.")).to_have_count(0)  # cleared once the costs are fixed

    page.get_by_role("button", name="Save threshold").click()
    expect(page.get_by_test_id("saved-threshold")).to_contain_text(f"In use: {best_cost:g}, chosen for lowest cost")
    saved = analyst_api.get(f"/api/results/model/{model_id}").json()["card"]["decision_threshold"]
    assert saved["value"] == best_cost and saved["chosen_by"] == "best_cost"
    assert saved["costs"] == {"false_positive": 1.0, "false_negative": 5.0}

    page.get_by_role("button", name="Dismiss").click()  # the "saved" toast would cover the gains chart
    page.get_by_role("heading", name="Decision threshold").evaluate("el => el.scrollIntoView({block: 'start'})")
    expect(page.get_by_text("Cumulative gains and lift")).to_be_in_viewport()
    screenshot(page, "threshold")

    page.reload()
    expect(_value(page)).to_have_text(f"{best_cost:g}")
    assert _matrix(page) == _counts(by_threshold[best_cost])
    page.get_by_role("tab", name=re.compile("Overview")).click()
    expect(page.get_by_text(re.compile(rf"^{best_cost:g}, chosen for lowest cost"))).to_be_visible()

    # Every employee is "Yes" exactly when their probability of leaving reaches the saved threshold; the borderline
    # ones (between the threshold and 50%) get the other answer than the more likely class would give.
    rows = json.loads(pd.read_csv(analyst.hr.path).drop(columns=[analyst.hr.target]).to_json(orient="records"))
    answer = analyst_api.post(f"/api/results/model/{model_id}/predict", json={"rows": rows}).json()
    leave = [p["Yes"] for p in answer["probabilities"]]
    assert answer["predictions"] == ["Yes" if p >= best_cost else "No" for p in leave]
    borderline = [i for i, p in enumerate(leave) if (p >= best_cost) != (p >= 0.5)]
    assert borderline, f"no row between the saved threshold {best_cost} and 0.5: {sorted(leave)}"
    one = analyst_api.post(f"/api/results/model/{model_id}/predict", json={"row": rows[borderline[0]]}).json()
    assert one["prediction"] == ("Yes" if leave[borderline[0]] >= best_cost else "No")
    assert (one["prediction"] == "Yes") != (one["probabilities"][0]["Yes"] >= 0.5)

    page.get_by_role("tab", name=re.compile("Evaluation")).click()
    page.get_by_role("button", name="Back to default").click()
    expect(page.get_by_test_id("saved-threshold")).to_contain_text("In use: 0.5 (default: the more likely class)")
    assert "decision_threshold" not in analyst_api.get(f"/api/results/model/{model_id}").json()["card"]


def test_a_model_trained_before_the_table_says_to_train_again(analyst: Analyst, analyst_page: Page) -> None:
    """An evaluation.json written before threshold tables existed has none: the tab says so and keeps the fixed
    matrix. The server's answer is replayed without the table, as an old model's would be."""
    page = analyst_page

    def without_table(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        body["classification"].pop("thresholds", None)
        route.fulfill(response=response, json=body)

    page.route(re.compile(r".*/api/results/model/[0-9a-f]+/evaluation$"), without_table)
    page.goto(f"/models/{analyst.hr.model_id}?tab=evaluation")
    expect(page.get_by_test_id("threshold-unavailable")).to_contain_text("Train again to tune the threshold")
    expect(page.get_by_role("table", name="Confusion matrix")).to_be_visible()
    expect(page.get_by_role("slider", name="Threshold")).to_have_count(0)
