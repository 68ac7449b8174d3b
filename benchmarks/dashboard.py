"""What the dashboard benchmarks share: a real `flowml up` on a free loopback port, Debian's Chromium signed in
through the login page, cold page loads in fresh browser contexts, and the run's command line, metadata and JSON.

clusters_dashboard.py (the Clusters tab) and workflow_scale.py (a 100-node workflow in the canvas) time different
pages with their own in-page scripts; everything around those scripts is here, so both measure the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, StorageState, ViewportSize, sync_playwright

from benchmarks.automl import REPO, log
from benchmarks.load import free_port, stop_server
from benchmarks.signin import ADMIN

CHROMIUM = Path("/usr/bin/chromium")
DIST = REPO / "frontend" / "dist"
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}  # the size the e2e tests and the screenshots use
START_TIMEOUT_S = 120.0  # `flowml up` migrates a fresh database and spawns its pool before /health answers
LOAD_TIMEOUT_MS = 60_000  # a load this slow has failed any goal here thirty times over; stop waiting
REFRESH_KEY = "flowml.refresh"  # where the dashboard keeps its refresh token (frontend/src/api/auth.ts)
# When the page's own scripts had run (DOMContentLoaded done), in ms since navigation start: the share of a load
# that is fetching and starting the dashboard, before it asks for anything.
DOM_READY = "() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null"

Timed = TypeVar("Timed")

# ---------------------------------------------------------------------------------------------------------- server


@contextmanager
def flowml_up(home: Path, admin: dict[str, str]) -> Iterator[str]:
    """`flowml up` in embedded mode on a free loopback port; yields its URL once /health answers. Its own session,
    so that stopping it stops the local worker pool too."""
    env = {
        **os.environ,
        **admin,
        "FLOWML_HOME": str(home),
        "MAX_CONCURRENT_JOBS": "1",
        # Every cold load trades a refresh token, which shares the login rate limit (10 a minute by default).
        "LOGIN_RATE_PER_MINUTE": "1000",
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL", "ADMIN_PASSWORD", "ADMIN_USERNAME"):
        env.pop(name, None)  # embedded mode and this run's admin, whatever the shell has
    port = free_port()
    server_log = home / "server.log"
    command = [sys.executable, "-m", "flowml.cli", "up", "--host", "127.0.0.1", "--port", str(port)]
    with server_log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"flowml up did not come up:\n{server_log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        stop_server(process)


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# --------------------------------------------------------------------------------------------------------- browser


def signed_in_state(browser: Browser, url: str, password: str) -> StorageState:
    """Sign in through the real login page once; the context's storage (the refresh token) for the first load."""
    context = browser.new_context(viewport=VIEWPORT, base_url=url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Username").fill(ADMIN)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_function(f"() => localStorage.getItem({json.dumps(REFRESH_KEY)}) !== null")
        page.wait_for_url(lambda address: "/login" not in address)
        return context.storage_state()
    finally:
        context.close()


@dataclass
class ColdPage:
    """A page in a new browser context: empty HTTP cache, only the previous load's refresh token in localStorage (a
    returning user in a fresh browser)."""

    context: BrowserContext
    page: Page
    errors: list[str]  # uncaught errors in the page, collected as they happen

    def next_state(self) -> StorageState:
        """Checks that the load went cleanly; the storage to hand to the next load (the dashboard rotates its refresh
        token on every load, so each load passes on the one it was given)."""
        if self.errors:
            raise SystemExit(f"uncaught errors in the page: {self.errors}")
        if "/login" in self.page.url:
            raise SystemExit("the dashboard asked to sign in again: the refresh token was not accepted")
        return self.context.storage_state()


@contextmanager
def cold_page(browser: Browser, url: str, state: StorageState) -> Iterator[ColdPage]:
    """A ColdPage for one load, closed afterwards."""
    context = browser.new_context(viewport=VIEWPORT, base_url=url, storage_state=state)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield ColdPage(context=context, page=page, errors=errors)
    finally:
        context.close()


def cold_loads(
    url: str,
    password: str,
    repeats: int,
    load: Callable[[Browser, StorageState], tuple[Timed, StorageState]],
    describe: Callable[[Timed], str],
) -> tuple[list[Timed], str]:
    """Signs in once, then times `repeats` cold loads one after another, each handed the storage the one before left;
    the loads and Chromium's version."""
    with sync_playwright() as playwright:
        # Debian's Chromium, never a browser Playwright would download.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            state = signed_in_state(browser, url, password)
            loads: list[Timed] = []
            for repeat in range(repeats):
                timed, state = load(browser, state)
                log(f"cold load {repeat + 1}/{repeats}: {describe(timed)}")
                loads.append(timed)
            return loads, browser.version
        finally:
            browser.close()


def optional_s(milliseconds: float | None) -> float | None:
    """A time the page may not have recorded, from its milliseconds to seconds."""
    return None if milliseconds is None else float(milliseconds) / 1000


# ------------------------------------------------------------------------------------------------------------- run


def parse_run_arguments(parser: argparse.ArgumentParser, results_name: str) -> argparse.Namespace:
    """Adds --repeats and --json (as every dashboard benchmark takes them) to the script's own options, parses the
    command line and refuses a run that cannot time anything: no loads, no built dashboard, no Chromium."""
    parser.add_argument("--repeats", type=int, default=5, help="cold page loads to time (default %(default)s)")
    results = REPO / "benchmarks" / "results" / f"{results_name}-{date.today()}.json"
    parser.add_argument("--json", type=Path, default=results, help="write everything here (default: %(default)s)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not (DIST / "index.html").exists():
        parser.error("the dashboard is not built (cd frontend && npm run build)")
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing (apt-get install chromium)")
    return args


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measured_run(script: str, measure: Callable[[Path], tuple[Timed, str]]) -> tuple[Timed, dict[str, Any]]:
    """Runs `measure` in a fresh temporary folder; its result and the run's metadata. `measure` returns its result
    and Chromium's version."""
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"{Path(script).stem}-") as tmp:
        result, chromium = measure(Path(tmp))
    meta = {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}",
        "chromium": chromium,
        "command": f"python benchmarks/{Path(script).name} " + shlex.join(sys.argv[1:]),
        "python": platform.python_version(),
        # Timings are only comparable on an otherwise idle machine; the load average shows whether it was.
        "load_avg_1m_start": load_start,
        "load_avg_1m_end": os.getloadavg()[0],
    }
    return result, meta


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2))
    log(f"wrote {path}")
