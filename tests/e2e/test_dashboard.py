"""The dashboard as a user drives it, in Debian's Chromium against a real `flowml up`: upload titanic.csv, train
for a minute while the live leaderboard fills, open the results, predict one passenger; and a failed upload shows
the server's message. The run leaves a 1440x900 screenshot of every page in docs/screenshots/."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import dataset_path
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")


def _job_status(server: str, job_id: str) -> str:
    return str(httpx.get(f"{server}/api/training/jobs/{job_id}", timeout=10).json()["status"])


def _leaderboard_rows(page: Page) -> int:
    return page.get_by_role("table", name=re.compile("Trials ranked by")).locator("tbody tr").count()


def test_upload_train_watch_and_predict(page: Page, server: str) -> None:
    page.goto("/data")
    page.locator("input[type=file]").set_input_files(str(dataset_path("titanic.csv")))
    train_here = page.get_by_role("link", name="Train on this")
    expect(train_here).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Suggested column to predict")).to_contain_text("survived")
    screenshot(page, "data-studio")

    train_here.click()
    expect(page).to_have_url(re.compile(r"/train\?dataset=.+&target=survived"))
    expect(page.locator("#train-target")).to_have_value("survived")
    expect(page.get_by_text(re.compile("Detected: Binary classification"))).to_be_visible()
    budget = page.get_by_label("Time budget (minutes)")
    budget.fill("1")
    screenshot(page, "training-setup")
    page.get_by_role("button", name="Start training").click()

    expect(page).to_have_url(JOB_URL, timeout=15_000)
    match = JOB_URL.search(page.url)
    assert match is not None
    job_id = match.group(1)

    # The live leaderboard fills while the job is still running: rows arrive through the WebSocket, not a reload.
    deadline = time.monotonic() + 90
    seen_while_running = 0
    while time.monotonic() < deadline:
        rows = _leaderboard_rows(page)
        if rows >= 2 and _job_status(server, job_id) == "running":
            seen_while_running = rows
            break
        page.wait_for_timeout(500)
    assert seen_while_running >= 2, "the leaderboard did not fill while the job was running"
    expect(page.get_by_role("img", name=re.compile("over time"))).to_be_visible()
    screenshot(page, "live-monitor")

    open_results = page.get_by_role("link", name="Open results")
    expect(open_results).to_be_visible(timeout=150_000)
    assert _job_status(server, job_id) == "completed"
    assert _leaderboard_rows(page) >= seen_while_running
    open_results.click()

    expect(page).to_have_url(re.compile(r"/models/[0-9a-f]{32}"))
    expect(page.get_by_role("tab", name=re.compile("Overview"))).to_be_visible()
    screenshot(page, "results")
    page.get_by_role("tab", name=re.compile("Evaluation")).click()
    expect(page.get_by_role("img", name=re.compile("ROC", re.IGNORECASE)).first).to_be_visible(timeout=15_000)
    screenshot(page, "results-evaluation")
    page.get_by_role("tab", name=re.compile("Leaderboard")).click()
    page.wait_for_timeout(500)
    screenshot(page, "results-leaderboard")

    page.get_by_role("tab", name=re.compile("Predict")).click()
    page.get_by_role("button", name="Fill with an example").click()
    page.get_by_role("button", name="Predict", exact=True).click()
    probabilities = page.get_by_role("list", name="Class probabilities")
    expect(probabilities).to_be_visible(timeout=15_000)
    expect(probabilities.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_text(re.compile(r"Answered in [\d.]+ ?ms"))).to_be_visible()
    screenshot(page, "inference-playground")

    # The other pages, now that they have something to show.
    for path, name in (("/", "home"), ("/jobs", "jobs"), ("/models", "models"), ("/workers", "workers")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, name)
    page.goto(f"/logs?job={job_id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile("completed|finished", re.IGNORECASE)).first).to_be_visible(timeout=15_000)
    screenshot(page, "logs")


def test_a_failed_upload_shows_the_servers_message(page: Page, server: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not really parquet")

    page.goto("/data")
    for path in (empty, broken):
        response = httpx.post(f"{server}/api/datasets/upload", files={"file": (path.name, path.read_bytes())})
        assert response.status_code in (400, 413, 415, 422), response.text
        server_message = str(response.json()["detail"])
        page.locator("input[type=file]").set_input_files(str(path))
        expect(page.get_by_text(server_message, exact=False).first).to_be_visible(timeout=15_000)
    stored = {d["name"] for d in httpx.get(f"{server}/api/datasets", timeout=10).json()["items"]}
    assert not stored & {"empty", "broken", "empty.csv", "broken.parquet"}  # a refused file leaves nothing behind
