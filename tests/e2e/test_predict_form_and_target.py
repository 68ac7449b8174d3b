"""Issue 12, items 1 and 2 as an analyst meets them: the Predict form offers a Yes/No column's own values and they
change the answer; the Data and Train pages suggest the outcome column with a reason, pre-select it only when the
server is confident, and describe whichever column the analyst picks."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Response, expect

from tests.e2e.conftest import Analyst, screenshot
from tests.e2e.tables import DELIVERY_TARGET, HR_TARGET

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

MISSING = "(missing)"


def _is_predict(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/predict")


def _predict(page: Page) -> dict[str, Any]:
    """Press Predict; the server's answer. (What the form sends is Vitest's to check, in predict/schema.test.ts:
    the browser does not expose this request's body to Playwright.)"""
    # The form asks for the row's explanation too (SHAP), which takes a few seconds for an ensemble.
    with page.expect_response(_is_predict, timeout=90_000) as answer:
        page.get_by_role("button", name="Predict", exact=True).click()
    response = answer.value
    assert response.ok, response.text()
    body: dict[str, Any] = response.json()
    return body


def test_predict_form_offers_yes_no_and_overtime_changes_the_answer(
    analyst: Analyst, analyst_page: Page, analyst_api: httpx.Client
) -> None:
    page = analyst_page
    page.goto(f"/models/{analyst.hr.model_id}")
    page.get_by_role("tab", name=re.compile("Predict")).click()
    form = page.get_by_role("form", name="Model inputs")
    overtime = form.get_by_label("OverTime", exact=True)
    expect(overtime).to_be_visible(timeout=15_000)

    # Exactly the values seen in training, never true/false.
    options = [o for o in overtime.locator("option").all_inner_texts() if o != MISSING]
    assert sorted(options) == ["No", "Yes"]

    page.get_by_role("button", name="Fill with an example").click()
    fields = form.locator("select, input")
    expect(fields.first).not_to_have_value("")
    for i in range(fields.count()):
        field = fields.nth(i)
        assert field.input_value() != "", f"{field.get_attribute('id')} was left blank by the example"
    assert overtime.input_value() in ("Yes", "No")

    answers: dict[str, float] = {}
    for choice in ("Yes", "No"):
        overtime.select_option(choice)
        body = _predict(page)
        assert body["warnings"] == [], body["warnings"]  # every value, OverTime's included, was seen in training
        answers[choice] = body["probabilities"][0]["Yes"]
        expect(page.get_by_role("list", name="Class probabilities")).to_be_visible()
        expect(page.get_by_text("not seen in training")).to_have_count(0)
        if choice == "Yes":
            screenshot(page, "predict-form-yes-no")
    assert answers["Yes"] != pytest.approx(answers["No"], abs=1e-6), answers
    assert answers["Yes"] > answers["No"]  # overtime drives attrition in this table

    # The same row over REST: the card's typed values, no warning, and OverTime still decides.
    card = analyst_api.get(f"/api/results/model/{analyst.hr.model_id}").json()["card"]
    rest_row = {entry["name"]: entry.get("typical") for entry in card["input_schema"]}
    overtime_entry = next(e for e in card["input_schema"] if e["name"] == "OverTime")
    assert sorted(overtime_entry["values"]) == ["No", "Yes"]
    probabilities = {}
    for choice in ("Yes", "No"):
        response = analyst_api.post(
            f"/api/results/model/{analyst.hr.model_id}/predict", json={"rows": [{**rest_row, "OverTime": choice}]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["warnings"] == []
        probabilities[choice] = response.json()["probabilities"][0]["Yes"]
    assert probabilities["Yes"] > probabilities["No"]


def _upload_on_data_page(page: Page, path: str) -> None:
    page.goto("/data")
    page.locator("input[type=file]").set_input_files(path)
    expect(page.get_by_role("link", name="Train on this")).to_be_visible(timeout=30_000)


def test_data_and_train_pages_suggest_the_outcome_and_follow_the_choice(analyst: Analyst, analyst_page: Page) -> None:
    page = analyst_page
    _upload_on_data_page(page, str(analyst.hr.path))
    suggestion = page.get_by_role("region", name="Suggested column to predict")
    expect(suggestion).to_contain_text(f"Suggested column to predict: {HR_TARGET}")
    expect(suggestion).to_contain_text("binary classification")
    expect(page.get_by_test_id("suggested-target-reason")).to_have_text(
        "Why: two values, No and Yes; named like an outcome; last usable column."
    )
    screenshot(page, "suggested-target-hr")

    # The Train page opened without a target in the link pre-selects Attrition: the server is confident.
    dataset_id = re.search(
        r"dataset=([0-9a-f]{32})", page.get_by_role("link", name="Train a model").first.get_attribute("href") or ""
    )
    assert dataset_id is not None
    page.goto(f"/train?dataset={dataset_id.group(1)}")
    target = page.locator("#train-target")
    expect(target).to_have_value(HR_TARGET, timeout=15_000)
    expect(page.get_by_text(re.compile(r'Binary classification: "Attrition" has two values'))).to_be_visible()

    # Picking another column: the hint now describes that column, not the suggestion.
    target.select_option("MonthlyIncome")
    expect(page.get_by_text(re.compile(r'Regression: "MonthlyIncome" has \d+ different numbers'))).to_be_visible()
    expect(page.get_by_text(re.compile(r'Binary classification: "Attrition"'))).to_have_count(0)
    target.select_option("EmployeeNumber")
    expect(page.get_by_text(re.compile(r'"EmployeeNumber" looks like a row identifier'))).to_be_visible()
    screenshot(page, "train-target-hint")

    # The delivery table: delivery_minutes, never an item_ count.
    _upload_on_data_page(page, str(analyst.delivery.path))
    suggestion = page.get_by_role("region", name="Suggested column to predict")
    expect(suggestion).to_contain_text(f"Suggested column to predict: {DELIVERY_TARGET}")
    expect(suggestion).to_contain_text("regression")
    expect(page.get_by_test_id("suggested-target-reason")).to_contain_text("named like an outcome (minutes)")
    expect(suggestion.get_by_text(re.compile(r"^item_"))).to_have_count(0)


def test_a_low_confidence_guess_is_not_pre_selected(analyst: Analyst, analyst_page: Page, tmp_path: Any) -> None:
    page = analyst_page
    # An id first and no column named like an outcome: FlowML can only guess the last column.
    path = tmp_path / "measurements.csv"
    rows = ["id,width,height,weight"] + [f"{i},{10 + i % 7}.5,{5 + i % 3}.25,{60 + (i * 7) % 31}.5" for i in range(60)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _upload_on_data_page(page, str(path))
    expect(page.get_by_role("region", name="Suggested column to predict")).to_contain_text("only a guess")

    dataset_id = re.search(
        r"dataset=([0-9a-f]{32})", page.get_by_role("link", name="Train a model").first.get_attribute("href") or ""
    )
    assert dataset_id is not None
    page.goto(f"/train?dataset={dataset_id.group(1)}")
    expect(page.get_by_text(re.compile(r"Not sure; FlowML's best guess is \"weight\""))).to_be_visible(timeout=15_000)
    expect(page.locator("#train-target")).to_have_value("")
