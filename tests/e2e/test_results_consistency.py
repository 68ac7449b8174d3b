"""Results as an analyst reads them: one "best model" (banner, trophy and curve agree), one validation sentence on
every page, friendly names instead of code names, and trials grouped by algorithm."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Analyst, TrainedTable, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

# Code names the Train form shows by their labels; none may show on the result pages (tooltips and logs aside).
CODE_NAMES = ("roc_auc", "logistic_regression", "random_forest", "decision_tree", "lightgbm", "ridge")

# The page's visible text, leaving out what is a code view by design: the job's log and the engine's notes.
VISIBLE_TEXT = """(main) => {
  const hidden = [...main.querySelectorAll('[role=log]')];
  for (const section of main.querySelectorAll('section')) {
    if (section.querySelector('h2')?.textContent?.trim() === 'Notes from training') hidden.push(section);
  }
  const saved = hidden.map((el) => el.style.display);
  hidden.forEach((el) => { el.style.display = 'none'; });
  const text = main.innerText;
  hidden.forEach((el, i) => { el.style.display = saved[i]; });
  return text;
}"""


def number(text: str) -> float:
    match = re.search(r"-?\d[\d,]*\.?\d*", text)
    assert match, f"no number in {text!r}"
    return float(match.group(0).replace(",", ""))


def assert_friendly(page: Page, where: str) -> None:
    text = page.locator("main").evaluate(VISIBLE_TEXT)
    shown = [name for name in CODE_NAMES if name in text]
    assert not shown, f"{where} shows code names {shown}"


def trophy_row(scope: Locator) -> Locator:
    row = scope.locator("tr").filter(has=scope.page.get_by_label("Delivered model"))
    expect(row).to_have_count(1)
    return row


def check_one_best(page: Page, url: str, table: TrainedTable, api: httpx.Client) -> None:
    job = api.get(f"/api/training/jobs/{table.job_id}").json()
    board = api.get(f"/api/results/job/{table.job_id}/leaderboard").json()
    curve = api.get(f"/api/results/job/{table.job_id}/curve").json()
    assert board["delivered"]["score"] == job["best_score"] == curve["points"][-1]["best_score"]

    page.goto(f"{url}/jobs/{table.job_id}")
    banner = page.get_by_test_id("banner-score")
    expect(banner).to_be_visible(timeout=20_000)
    leaderboard = page.locator("section").filter(has=page.get_by_role("heading", name="Leaderboard", exact=True))
    trophy = trophy_row(leaderboard)
    curve_caption = page.locator("figcaption").filter(has_text="the latest best")
    expect(curve_caption).to_be_visible()
    banner_score = number(banner.inner_text())
    trophy_score = number(trophy.locator("td").nth(2).inner_text())
    curve_score = number(curve_caption.inner_text().split("the latest best,")[1])
    assert banner_score == trophy_score == curve_score == pytest.approx(job["best_score"], abs=1e-4)
    if board["delivered"]["kind"] == "ensemble":
        expect(trophy).to_contain_text(board["delivered"]["label"])
        expect(curve_caption).to_contain_text("the delivered ensemble")


def test_banner_trophy_and_curve_show_one_best_model(
    analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page
) -> None:
    for table in (analyst.hr, analyst.delivery):
        check_one_best(analyst_page, analyst.url, table, analyst_api)
        assert_friendly(analyst_page, f"the job page of {table.target}")
    screenshot(analyst_page, "results-one-best-model")


def test_validation_reads_the_same_everywhere(analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page) -> None:
    page = analyst_page
    for table in (analyst.hr, analyst.delivery):
        expected = analyst_api.get(f"/api/training/jobs/{table.job_id}").json()["validation_label"]
        assert expected != "not recorded" and re.fullmatch(r"\d+-fold cross-validation|20% holdout split", expected)
        page.goto(f"{analyst.url}/jobs/{table.job_id}")
        expect(page.get_by_test_id("validation-label")).to_have_text(expected, timeout=20_000)
        expect(page.get_by_test_id("trials-caption")).to_contain_text(f"Validation: {expected}.")
        page.goto(f"{analyst.url}/models/{table.model_id}?tab=overview")
        expect(page.get_by_test_id("validation-label")).to_have_text(expected, timeout=20_000)
        page.goto(f"{analyst.url}/models/{table.model_id}?tab=evaluation")
        expect(page.get_by_test_id("validation-label")).to_have_text(expected, timeout=20_000)
        # The evaluation's own explanation uses the same words, not a second account of the validation.
        expect(page.get_by_text(re.compile(re.escape(expected))).first).to_be_visible()
        page.goto(f"{analyst.url}/models/{table.model_id}?tab=leaderboard")
        expect(page.get_by_test_id("trials-caption")).to_contain_text(f"Validation: {expected}.", timeout=20_000)


def test_result_pages_use_friendly_names(analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page) -> None:
    page, hr = analyst_page, analyst.hr
    model = analyst_api.get(f"/api/results/model/{hr.model_id}").json()
    assert hr.model_id not in model["display_name"]
    page.goto(f"{analyst.url}/models/{hr.model_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(model["display_name"], timeout=20_000)
    expect(page.get_by_text("ROC AUC").first).to_be_visible()
    assert_friendly(page, "the model overview")
    page.goto(f"{analyst.url}/models/{hr.model_id}?tab=leaderboard")
    expect(page.get_by_role("table", name="Trials of the training job")).to_be_visible(timeout=20_000)
    assert_friendly(page, "the model's leaderboard")
    page.goto(f"{analyst.url}/models")
    expect(page.get_by_role("link", name=model["display_name"]).first).to_be_visible(timeout=20_000)
    # The list draws before the labels catalogue arrives (code names until then); judge it once the labels are in.
    expect(page.get_by_text("ROC AUC").first).to_be_visible()
    assert_friendly(page, "the models list")
    page.goto(f"{analyst.url}/")
    expect(page.get_by_role("heading", name="Best models")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name=model["display_name"]).first).to_be_visible()
    assert_friendly(page, "the home page")


def test_trials_are_grouped_by_algorithm(analyst: Analyst, analyst_api: httpx.Client, analyst_page: Page) -> None:
    page, hr = analyst_page, analyst.hr
    trials = analyst_api.get(f"/api/results/job/{hr.job_id}/trials").json()["items"]
    algorithms = {t["algorithm"] for t in trials}
    delivered = analyst_api.get(f"/api/results/job/{hr.job_id}/leaderboard").json()["delivered"]
    extra = 1 if delivered["kind"] == "ensemble" else 0
    assert len(trials) > len(algorithms), "the HR job should try some algorithm more than once"

    page.goto(f"{analyst.url}/models/{hr.model_id}?tab=leaderboard")
    table = page.get_by_role("table", name="Trials of the training job")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(algorithms) + extra, timeout=20_000)
    expect(page.get_by_text(f"{len(trials)} trials of {len(algorithms)} algorithms")).to_be_visible()
    screenshot(page, "results-trials-grouped")

    more = table.get_by_role("button", name=re.compile(r"show \d+ more trials?"))
    first = more.first
    hidden = int(re.search(r"\d+", first.inner_text()).group(0))  # type: ignore[union-attr]
    first.click()
    expect(rows).to_have_count(len(algorithms) + extra + hidden)
    page.get_by_role("button", name=f"Show all {len(trials)} trials").click()
    expect(rows).to_have_count(len(trials) + extra)
    page.get_by_role("button", name="Group by algorithm").click()
    expect(rows).to_have_count(len(algorithms) + extra + hidden)
