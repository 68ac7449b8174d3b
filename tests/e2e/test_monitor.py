"""The live monitor as it opens after "Start training": at the top of the page (status, progress and the Stop and
Cancel buttons on screen, although the button was pressed at the bottom of a long form), with panels of a fixed
height that rows fill without pushing the page around. A tiny job (one fast algorithm, a few seconds) on the analyst
server's HR table, started through the Train page."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Analyst

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")


def _in_viewport(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def _panel(page: Page, title: str | re.Pattern[str]) -> Locator:
    """A Card section by its heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=title, exact=True)).first


def _heights(page: Page) -> dict[str, float]:
    panels = {"leaderboard": _panel(page, "Leaderboard"), "log": page.get_by_role("log", name="Job log")}
    heights = {}
    for name, locator in panels.items():
        box = locator.bounding_box()
        assert box is not None, name
        heights[name] = round(box["height"], 1)
    return heights


def _board_rows(page: Page) -> int:
    return page.get_by_role("table", name=re.compile("Trials ranked by")).locator("tbody tr").count()


def test_the_monitor_opens_at_the_top_with_steady_panels(
    analyst_page: Page, analyst: Analyst, analyst_api: httpx.Client
) -> None:
    page = analyst_page
    page.goto(f"/train?dataset={analyst.hr.dataset_id}&target={analyst.hr.target}")
    expect(page.locator("#train-target")).to_have_value(analyst.hr.target)
    page.get_by_label("Time budget (minutes)").fill("0.3")
    page.get_by_role("button", name="Clear all", exact=True).click()
    page.get_by_role("checkbox", name="Logistic Regression").check()
    start = page.get_by_role("button", name="Start training")
    start.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0, "the form should be long enough to scroll: the case being tested"
    start.click()

    expect(page).to_have_url(JOB_URL, timeout=15_000)
    match = JOB_URL.search(page.url)
    assert match is not None
    job_id = match.group(1)
    progress = page.get_by_role("region", name="Job progress")
    expect(progress).to_be_visible()
    # At the top: the status, the progress and the job's controls are on screen without scrolling.
    assert page.evaluate("window.scrollY") == 0
    assert _in_viewport(page, progress)
    cancel = page.get_by_role("button", name="Cancel job")
    expect(cancel).to_be_visible()
    assert _in_viewport(page, cancel)

    # The panels keep their height while rows arrive: once at the first row, again when more have come.
    log = page.get_by_role("log", name="Job log")
    expect(log).to_be_visible(timeout=30_000)
    deadline = time.monotonic() + 60
    while _board_rows(page) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    first_rows = _board_rows(page)
    assert first_rows >= 1, "no trial reached the leaderboard within a minute"
    first = _heights(page)
    stop = page.get_by_role("button", name="Stop and keep best")
    stop_seen_on_screen = False
    while time.monotonic() < deadline:
        if stop.is_visible():
            stop_seen_on_screen = stop_seen_on_screen or _in_viewport(page, stop)
        status = analyst_api.get(f"/api/training/jobs/{job_id}").json()["status"]
        grown = _board_rows(page) >= first_rows + 3
        if (grown and stop_seen_on_screen) or status not in ("pending", "queued", "running"):
            break
        time.sleep(0.3)
    later_rows = _board_rows(page)
    second = _heights(page)
    assert later_rows > first_rows, f"no more rows arrived after the first {first_rows}"
    assert second == first, (
        f"panel heights changed while rows arrived ({first_rows} -> {later_rows} rows): {first} -> {second}"
    )
    assert page.evaluate("window.scrollY") == 0, "the page scrolled by itself while rows arrived"
    assert stop_seen_on_screen, "Stop and keep best never showed on screen while the job searched"
