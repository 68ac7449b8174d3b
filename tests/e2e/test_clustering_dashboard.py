"""Clustering from the dashboard, in Debian's Chromium against a real `flowml up`: upload iris with its species as
words, choose "no target: find groups" on the Train form (the species becomes the known grouping to compare with),
train for a few seconds, see each trial's clusters on the live leaderboard, open the Clusters tab (named clusters, the
scatter, the silhouette, the elbow, the agreement with the species), predict one row's cluster and score a file.
Leaves docs/screenshots/clustering.png."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import dataset_path
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, VIEWPORT, screenshot, sign_in
from tests.e2e.test_accessibility import _axe_violations, _describe

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")
MODEL_URL = re.compile(r"/models/([0-9a-f]{32})")
SPECIES = {"0": "setosa", "1": "versicolor", "2": "virginica"}
# A few seconds: iris is 150 rows, and the point is the page, not the best clustering.
BUDGET_MINUTES = "0.15"


@pytest.fixture
def axe_page(browser: Browser, server: str) -> Iterator[Page]:
    """A tab signed in as the admin at 1440x900 that lets the test inject axe-core (bypass_csp: the dashboard itself
    allows only its own scripts). Fails the test on any uncaught page error."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server, bypass_csp=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(tab, ADMIN_USERNAME, ADMIN_PASSWORD)
        yield tab
        assert not errors, f"uncaught errors in the page: {errors}"
    finally:
        context.close()


def _iris(directory: Path) -> Path:
    """iris.csv with short column names and its species as words (a grouping a person would know)."""
    with dataset_path("iris.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    path = directory / "iris_flowers.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        writer.writerows([*row[:4], SPECIES[row[4]]] for row in rows[1:])
    return path


def _train_clustering(page: Page, table: Path) -> str:
    """Upload, choose clustering with the species as the reference, start; the job's id."""
    page.goto("/data")
    page.locator("input[type=file]").set_input_files(str(table))
    train_here = page.get_by_role("link", name="Train on this")
    expect(train_here).to_be_visible(timeout=30_000)
    train_here.click()
    expect(page).to_have_url(re.compile(r"/train\?dataset="))
    page.locator("#train-target").select_option(label="None: find groups of similar rows (clustering)")
    expect(page.get_by_role("radiogroup", name="Problem type").get_by_role("radio", checked=True)).to_have_attribute(
        "value", "clustering"
    )
    page.locator("#train-reference").select_option("species")
    expect(page.get_by_text(re.compile(r"^Clustering: FlowML looks for groups"))).to_be_visible()
    # The clustering metrics and algorithms are the server's, for the clustering task.
    expect(page.locator("#train-metric")).to_contain_text("Silhouette")
    expect(page.get_by_role("checkbox", name=re.compile("k-means", re.IGNORECASE)).first).to_be_visible()
    page.get_by_label("Time budget (minutes)").fill(BUDGET_MINUTES)
    violations = _axe_violations(page)
    assert not violations, f"the Train form set for clustering:\n{_describe(violations)}"
    page.get_by_role("button", name="Start training").click()
    expect(page).to_have_url(JOB_URL, timeout=15_000)
    match = JOB_URL.search(page.url)
    assert match is not None
    return match.group(1)


def test_train_clustering_and_read_the_clusters(axe_page: Page, api: httpx.Client, tmp_path: Path) -> None:
    page = axe_page
    job_id = _train_clustering(page, _iris(tmp_path))
    job = api.get(f"/api/training/jobs/{job_id}").json()
    assert (job["problem_type"], job["target_column"], job["reference_column"]) == ("clustering", None, "species")

    # The live leaderboard shows each trial's number of clusters where a supervised job shows the folds' spread.
    board = page.get_by_role("table", name=re.compile("Trials ranked by"))
    expect(board.get_by_role("columnheader", name="Clusters")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("trials-caption")).to_contain_text("no folds")
    open_results = page.get_by_role("link", name="Open results")
    expect(open_results).to_be_visible(timeout=180_000)
    # The best trial's clusters cell: its number of clusters (and any noise share).
    expect(board.locator("tbody tr").first.locator("td").nth(3)).to_have_text(re.compile(r"^\d+"))
    open_results.click()
    expect(page).to_have_url(MODEL_URL)
    match = MODEL_URL.search(page.url)
    assert match is not None
    model_id = match.group(1)

    # Supervised-only tabs are gone; the Clusters tab has the named clusters, the scatter and the other plots.
    expect(page.get_by_role("tab", name=re.compile("Evaluation"))).to_have_count(0)
    page.get_by_role("tab", name=re.compile("Clusters")).click()
    report = api.get(f"/api/results/model/{model_id}/clusters").json()
    names = [profile["name"] for profile in report["profiles"]]
    assert len(names) >= 2 and len(set(names)) == len(names), names
    clusters = page.get_by_role("list", name="Clusters")
    expect(clusters.get_by_role("heading")).to_have_text(names, timeout=15_000)
    scatter = page.get_by_role("img", name=re.compile("coloured by cluster"))
    expect(scatter).to_be_visible()
    # The dots are on one canvas; once drawn, the figure says how many (one per projected row).
    expect(scatter.locator("canvas")).to_be_visible()
    expect(scatter).to_have_attribute("data-points", "150")
    assert len(report["projection"]["points"]) == 150
    expect(page.get_by_role("img", name="Silhouette of the rows of each cluster")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("for each number of clusters"))).to_be_visible()
    expect(page.get_by_text('Agreement with "species"')).to_be_visible()
    expect(page.get_by_text("Adjusted Rand index")).to_be_visible()
    screenshot(page, "clustering")
    violations = _axe_violations(page)
    assert not violations, f"the Clusters tab:\n{_describe(violations)}"

    # One row's cluster, by name.
    page.get_by_role("tab", name=re.compile("Predict")).click()
    page.get_by_role("button", name="Fill with an example").click()
    page.get_by_role("button", name="Predict", exact=True).click()
    answer = page.get_by_test_id("cluster-name")
    expect(answer).to_be_visible(timeout=15_000)
    assert answer.inner_text() in names

    # A scored file gets each row's cluster and its name.
    page.get_by_role("tab", name="Score a file").click()
    expect(page.get_by_role("checkbox", name=re.compile("Explain each prediction"))).to_have_count(0)
    page.get_by_label("Choose a file to score").set_input_files(str(tmp_path / "iris_flowers.csv"))
    expect(page.get_by_text(re.compile(r"Scored 150 rows"))).to_be_visible(timeout=60_000)
    preview = page.get_by_role("table", name="First predictions")
    expect(preview.get_by_role("columnheader", name="cluster", exact=True)).to_be_visible()
    expect(preview.get_by_role("columnheader", name="cluster_name", exact=True)).to_be_visible()
