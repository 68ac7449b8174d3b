"""Issue 12: explanations per prediction and the Predict tab's layout, as an analyst meets them on the HR attrition
model. One row: the answer and its waterfall stay in view beside the Predict button, and a form that no longer
validates clears the old answer. A file: scored with the id column passed through and Explain on, in the
background, and the download has EmployeeNumber, the prediction and the explanation columns."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, VIEWPORT, Analyst, screenshot, sign_in
from tests.e2e.tables import HR_TARGET
from tests.e2e.test_accessibility import _axe_violations, _describe

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]


def _is_predict(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/predict")


def _press_predict(page: Page) -> dict[str, Any]:
    button = page.get_by_role("button", name="Predict", exact=True)
    button.scroll_into_view_if_needed()
    # The server's first explanation of a tree model imports SHAP (seconds on a busy machine): allow for it.
    with page.expect_response(_is_predict, timeout=60_000) as answer:
        button.click()
    assert answer.value.ok, answer.value.text()
    body: dict[str, Any] = answer.value.json()
    return body


def test_one_row_is_explained_beside_the_button_and_cleared_on_error(analyst: Analyst, analyst_page: Page) -> None:
    page = analyst_page
    page.goto(f"/models/{analyst.hr.model_id}?tab=predict")
    form = page.get_by_role("form", name="Model inputs")
    expect(form.get_by_label("OverTime", exact=True)).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Fill with an example").click()
    form.get_by_label("OverTime", exact=True).select_option("Yes")

    body = _press_predict(page)
    explanation = body["explanations"][0]
    assert explanation["explained_class"] == "Yes"
    total = explanation["base_value"] + sum(c["contribution"] for c in explanation["contributions"])
    assert total == pytest.approx(explanation["output_value"], abs=1e-9)

    waterfall = page.get_by_test_id("explanation-waterfall")
    expect(waterfall).to_be_visible()
    # The answer is where the analyst is looking: the waterfall and the button share the screen, no scrolling.
    expect(waterfall).to_be_in_viewport()
    expect(page.get_by_role("button", name="Predict", exact=True)).to_be_in_viewport()
    expect(waterfall).to_contain_text("OverTime = Yes")
    expect(waterfall).to_contain_text("Average row")
    expect(waterfall).to_contain_text("This row")
    # Signs in text, not colour alone: every contribution bar is labelled with a triangle and a signed number.
    labels = waterfall.locator(".recharts-label-list text").all_text_contents()
    assert any(re.match(r"^[▲▼] [+\u2212]", text) for text in labels), labels
    screenshot(page, "explanations")

    # A value that cannot be sent: the old answer goes, the error shows, nothing stale remains beside the form.
    form.get_by_label("Age", exact=True).fill("forty")
    page.get_by_role("button", name="Predict", exact=True).click()
    expect(page.get_by_text(re.compile("Age must be a number"))).to_be_visible()
    expect(waterfall).to_have_count(0)
    expect(page.get_by_role("list", name="Class probabilities")).to_have_count(0)
    expect(page.get_by_text("No prediction yet")).to_be_visible()


def test_a_regression_row_is_explained_in_its_own_unit(analyst: Analyst, analyst_api: httpx.Client) -> None:
    source = pd.read_csv(analyst.delivery.path).drop(columns=[analyst.delivery.target]).head(2)
    rows = json.loads(source.to_json(orient="records"))
    response = analyst_api.post(
        f"/api/results/model/{analyst.delivery.model_id}/predict", json={"rows": rows, "explain": True}, timeout=120
    )
    assert response.status_code == 200, response.text
    body = response.json()
    for prediction, explanation in zip(body["predictions"], body["explanations"], strict=True):
        assert explanation["output_scale"] == "value" and explanation["explained_class"] is None
        total = explanation["base_value"] + sum(c["contribution"] for c in explanation["contributions"])
        assert total == pytest.approx(prediction, rel=1e-6, abs=1e-4)  # minutes, from the average order's minutes
        assert "order_id" not in {c["column"] for c in explanation["contributions"]}


def test_score_a_file_keeps_the_id_and_adds_explanations(analyst: Analyst, analyst_page: Page, tmp_path: Any) -> None:
    page = analyst_page
    page.goto(f"/models/{analyst.hr.model_id}?tab=predict")
    page.get_by_role("tab", name="Score a file").click()
    keep = page.get_by_role("checkbox", name="EmployeeNumber", exact=True)
    expect(keep).to_be_checked()  # the column dropped as an identifier in training, kept by default
    page.get_by_role("checkbox", name=re.compile("Explain each prediction")).check()
    page.get_by_label("Choose a file to score").set_input_files(str(analyst.hr.path))
    download_link = page.get_by_role("link", name=re.compile("Download predictions"))
    expect(download_link).to_be_visible(timeout=240_000)
    expect(page.get_by_text(re.compile(r"Scored 600 rows"))).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "hr_attrition-predictions-explained.csv"
    path = tmp_path / "scored.csv"
    download.value.save_as(path)
    scored = pd.read_csv(path)
    source = pd.read_csv(analyst.hr.path)
    assert list(scored.columns[:4]) == ["EmployeeNumber", "prediction", "proba_No", "proba_Yes"]
    assert scored["EmployeeNumber"].tolist() == source["EmployeeNumber"].tolist()  # rows join back to the source
    contributions = [c for c in scored.columns if c.startswith("contribution_")]
    assert "contribution_OverTime" in contributions and "contribution_EmployeeNumber" not in contributions
    assert f"contribution_{HR_TARGET}" not in contributions
    assert {"explained", "base_value", "top_reasons"} <= set(scored.columns)
    assert scored["explained"].str.endswith("of Yes").all()
    # Every row's contributions add up from the base value to the model's output for Yes.
    total = scored["base_value"] + scored[contributions].sum(axis=1)
    positive = scored["proba_Yes"]
    log_odds = scored["explained"][0].startswith("log-odds")
    expected = np.log(positive / (1 - positive)) if log_odds else positive
    assert total.tolist() == pytest.approx(expected.tolist(), abs=1e-4)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_waterfall_and_file_options_pass_axe(analyst: Analyst, browser: Browser, theme: str) -> None:
    # bypass_csp: the dashboard allows only its own scripts; axe.min.js is injected by the test, not the app.
    context = browser.new_context(viewport=VIEWPORT, base_url=analyst.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    context.add_init_script(f"window.localStorage.setItem('flowml.theme', {json.dumps(theme)});")
    page = context.new_page()
    try:
        sign_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
        page.goto(f"/models/{analyst.hr.model_id}?tab=predict")
        expect(page.get_by_role("button", name="Fill with an example")).to_be_visible()
        page.get_by_role("button", name="Fill with an example").click()
        _press_predict(page)
        expect(page.get_by_test_id("explanation-waterfall")).to_be_visible()
        page.wait_for_timeout(300)  # theme transitions end before colours are measured
        violations = _axe_violations(page)
        assert not violations, f"{theme}, one row explained:\n{_describe(violations)}"
        page.get_by_role("tab", name="Score a file").click()
        expect(page.get_by_role("checkbox", name=re.compile("Explain each prediction"))).to_be_visible()
        violations = _axe_violations(page)
        assert not violations, f"{theme}, score a file:\n{_describe(violations)}"
        # The scored file's preview: wide with the explanation columns, so a keyboard-scrollable region.
        page.get_by_role("checkbox", name=re.compile("Explain each prediction")).check()
        page.get_by_label("Choose a file to score").set_input_files(str(analyst.hr.path))
        expect(page.get_by_role("link", name=re.compile("Download predictions"))).to_be_visible(timeout=240_000)
        expect(page.get_by_role("region", name="First predictions")).to_be_visible()
        violations = _axe_violations(page)
        assert not violations, f"{theme}, a file scored with explanations:\n{_describe(violations)}"
    finally:
        context.close()
