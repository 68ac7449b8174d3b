"""A real `flowml up` (API + built dashboard + local pool) on a free loopback port, and Debian's Chromium driven by
Playwright at 1440x900. Skipped when the dashboard is not built or Chromium is missing; failed instead under CI.

The server starts with a known admin password (FLOWML_ADMIN_PASSWORD creates the user `admin` on the first start).
`page` is a tab signed in as that admin through the real login page; `anonymous_page` is a tab nobody signed in to;
`api` is an httpx client carrying an admin access token from POST /api/auth/login."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME, in_ci
from tests.e2e.tables import DELIVERY_TARGET, HR_TARGET, delivery_times, hr_attrition, write_csv
from tests.servers import flowml_up

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "frontend" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
# Where the run leaves a screenshot of every page; the README links them.
SCREENSHOTS = Path(os.environ.get("FLOWML_SCREENSHOTS_DIR", REPO / "docs" / "screenshots"))
VIEWPORT = {"width": 1440, "height": 900}
# The test suite's admin (tests/conftest.py), given to the server explicitly: the e2e tests sign in with it.
ADMIN_USERNAME = TEST_ADMIN_USERNAME
ADMIN_PASSWORD = TEST_ADMIN_PASSWORD


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"{message}; CI must provide it (.ci/run)")
    pytest.skip(message)


def _embedded_env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "FLOWML_HOME": str(home),
        "LOCAL_WORKERS": "2",
        "MAX_CONCURRENT_JOBS": "1",
        "FLOWML_ADMIN_PASSWORD": ADMIN_PASSWORD,
        # Every page load trades the refresh token at /api/auth/refresh, which shares the login rate limit (10 a
        # minute per address by default): a test that opens a dozen pages in a row would hit it.
        "LOGIN_RATE_PER_MINUTE": "1000",
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL", "ADMIN_PASSWORD", "ADMIN_USERNAME"):
        env.pop(name, None)  # embedded mode and the admin above, whatever the shell has
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole embedded product as a user starts it: `flowml up`, SQLite and files in its own home."""
    _require((DIST / "index.html").exists(), "the dashboard is not built (cd frontend && npm run build)")
    home = tmp_path_factory.mktemp("flowml-home")
    with flowml_up(_embedded_env(home), home / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require(CHROMIUM.exists(), "Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        # Debian's Chromium, never a browser Playwright would download.
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield instance
        finally:
            instance.close()


def login_token(server: str, username: str = ADMIN_USERNAME, password: str = ADMIN_PASSWORD) -> str:
    """An access token from the real login endpoint (valid 15 minutes, longer than any test here)."""
    response = httpx.post(f"{server}/api/auth/login", json={"username": username, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
def api(server: str) -> Iterator[httpx.Client]:
    """The API as the admin: every request carries the bearer token the dashboard would send."""
    token = login_token(server)
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        yield client


def open_tab(
    browser: Browser,
    base_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    viewport: dict[str, int] | None = None,
) -> Iterator[Page]:
    """A fresh browser context (no stored refresh token) on `base_url`: what a first-time visitor sees. Fails the
    test on any uncaught page error; keeps a full-page screenshot of a failed test in its tmp_path."""
    context = browser.new_context(viewport=viewport or VIEWPORT, base_url=base_url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
        assert not errors, f"uncaught errors in the page: {errors}"
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            tab.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        context.close()


@pytest.fixture
def anonymous_page(browser: Browser, server: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context (no stored refresh token): what a first-time visitor sees."""
    yield from open_tab(browser, server, request, tmp_path)


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the login page as a user would, and wait until it has moved on."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name=re.compile(f"Account menu for {re.escape(username)}"))).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Account menu")).click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.fixture
def page(anonymous_page: Page) -> Page:
    """A tab signed in as the admin through the real login page. Reloads and `goto` keep the session: the refresh
    token is in the context's localStorage."""
    sign_in(anonymous_page, ADMIN_USERNAME, ADMIN_PASSWORD)
    return anonymous_page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def screenshot(page: Page, name: str) -> None:
    """Save the page as docs/screenshots/<name>.png at 1440x900, once its loading skeletons are gone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Pages that poll every few seconds may never go idle; what is on screen by then is what users see.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=5_000)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@dataclass(frozen=True)
class TrainedTable:
    """A table uploaded and trained through the API: its dataset, its finished job and the job's model."""

    dataset_id: str
    job_id: str
    model_id: str
    target: str
    path: Path


@dataclass(frozen=True)
class Analyst:
    """One `flowml up` for the whole session with two finished jobs, so the analyst tests (predict form, threshold,
    explanations, comparison, history, accessibility) share one training run instead of each paying for their own:
    `hr` is binary (Yes/No `Attrition`, with Yes/No `OverTime` its top driver), `delivery` is regression."""

    url: str
    hr: TrainedTable
    delivery: TrainedTable


# Short budgets on a few fast algorithms: enough for a leaderboard of several models, an ensemble and an evaluation.
ANALYST_BUDGET_MINUTES = 0.4
HR_ALGORITHMS = ["logistic_regression", "random_forest", "lightgbm", "decision_tree"]
DELIVERY_ALGORITHMS = ["ridge", "random_forest", "lightgbm"]


def _upload(client: httpx.Client, path: Path) -> str:
    with path.open("rb") as handle:
        response = client.post("/api/datasets/upload", files={"file": (path.name, handle, "text/csv")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def _train(client: httpx.Client, dataset_id: str, target: str, algorithms: list[str]) -> str:
    body = {
        "dataset_id": dataset_id,
        "target_column": target,
        "time_budget": ANALYST_BUDGET_MINUTES,
        "algorithms": algorithms,
        "n_folds": 3,
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code in (200, 201, 202), response.text
    return str(response.json()["id"])


def _finished_model(client: httpx.Client, job_id: str, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/training/jobs/{job_id}").json()
        if job["status"] == "completed" and job.get("model_id"):
            return str(job["model_id"])
        assert job["status"] not in ("failed", "cancelled"), job
        time.sleep(1)
    pytest.fail(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture(scope="session")
def analyst(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Analyst]:
    _require((DIST / "index.html").exists(), "the dashboard is not built (cd frontend && npm run build)")
    home = tmp_path_factory.mktemp("flowml-analyst")
    env = {**_embedded_env(home), "MAX_CONCURRENT_JOBS": "2"}
    with flowml_up(env, home / "server.log") as url:
        token = login_token(url)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            hr_path = write_csv(hr_attrition(), home / "hr_attrition.csv")
            delivery_path = write_csv(delivery_times(), home / "delivery_times.csv")
            hr_dataset, delivery_dataset = _upload(client, hr_path), _upload(client, delivery_path)
            hr_job = _train(client, hr_dataset, HR_TARGET, HR_ALGORITHMS)
            delivery_job = _train(client, delivery_dataset, DELIVERY_TARGET, DELIVERY_ALGORITHMS)
            hr = TrainedTable(hr_dataset, hr_job, _finished_model(client, hr_job), HR_TARGET, hr_path)
            delivery = TrainedTable(
                delivery_dataset, delivery_job, _finished_model(client, delivery_job), DELIVERY_TARGET, delivery_path
            )
        yield Analyst(url, hr, delivery)


@pytest.fixture
def analyst_api(analyst: Analyst) -> Iterator[httpx.Client]:
    """The analyst server's API as the admin."""
    token = login_token(analyst.url)
    with httpx.Client(base_url=analyst.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


@pytest.fixture
def analyst_page(browser: Browser, analyst: Analyst, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A tab on the analyst server, signed in as the admin through the login page, at 1440x900."""
    for tab in open_tab(browser, analyst.url, request, tmp_path):
        sign_in(tab, ADMIN_USERNAME, ADMIN_PASSWORD)
        yield tab
