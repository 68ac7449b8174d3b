"""The dashboard as a user drives it, in Debian's Chromium against a real `flowml up`: sign in, upload titanic.csv,
train for a minute while the live leaderboard fills, open the results, predict one passenger; a failed upload shows
the server's message; signing in and out, API keys, and an admin adding a member who then sees less. The run leaves
a 1440x900 screenshot of every page in docs/screenshots/."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import dataset_path
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, login_token, screenshot, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")


def _job_status(api: httpx.Client, job_id: str) -> str:
    return str(api.get(f"/api/training/jobs/{job_id}").json()["status"])


def _leaderboard_rows(page: Page) -> int:
    return page.get_by_role("table", name=re.compile("Trials ranked by")).locator("tbody tr").count()


def test_upload_train_watch_and_predict(page: Page, api: httpx.Client) -> None:
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
        if rows >= 2 and _job_status(api, job_id) == "running":
            seen_while_running = rows
            break
        page.wait_for_timeout(500)
    assert seen_while_running >= 2, "the leaderboard did not fill while the job was running"
    expect(page.get_by_role("img", name=re.compile("over time"))).to_be_visible()
    screenshot(page, "live-monitor")

    open_results = page.get_by_role("link", name="Open results")
    expect(open_results).to_be_visible(timeout=150_000)
    assert _job_status(api, job_id) == "completed"
    assert _leaderboard_rows(page) >= seen_while_running
    open_results.click()

    expect(page).to_have_url(re.compile(r"/models/[0-9a-f]{32}"))
    expect(page.get_by_role("tab", name=re.compile("Overview"))).to_be_visible()
    screenshot(page, "results")
    # The package needs the bearer header: the button fetches it and hands the browser the file.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download model (.zip)").click()
    assert download.value.suggested_filename.endswith(".zip")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
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


def test_a_failed_upload_shows_the_servers_message(page: Page, api: httpx.Client, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not really parquet")

    page.goto("/data")
    for path in (empty, broken):
        response = api.post("/api/datasets/upload", files={"file": (path.name, path.read_bytes())})
        assert response.status_code in (400, 413, 415, 422), response.text
        server_message = str(response.json()["detail"])
        page.locator("input[type=file]").set_input_files(str(path))
        expect(page.get_by_text(server_message, exact=False).first).to_be_visible(timeout=15_000)
    stored = {d["name"] for d in api.get("/api/datasets").json()["items"]}
    assert not stored & {"empty", "broken", "empty.csv", "broken.parquet"}  # a refused file leaves nothing behind


def test_signed_out_visitors_sign_in_first(anonymous_page: Page, server: str) -> None:
    page = anonymous_page
    # Without a session every page leads to the login page, which remembers where the visitor was going.
    page.goto("/models")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fmodels$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "login")

    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")
    expect(page).to_have_url(re.compile(r"/login$"))

    sign_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # A reload keeps the user signed in (the refresh token is in localStorage; the access token only in memory).
    page.reload()
    expect(page.get_by_role("button", name=re.compile("Account menu for admin"))).to_be_visible()
    assert page.evaluate("() => localStorage.getItem('flowml.refresh')")

    sign_out(page)
    assert page.evaluate("() => localStorage.getItem('flowml.refresh')") is None
    page.goto("/jobs")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fjobs$"))
    sign_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    expect(page).to_have_url(f"{server}/jobs")


def test_an_api_key_is_shown_once(page: Page, server: str) -> None:
    page.goto("/account")
    expect(page.get_by_role("heading", name="Account", level=1)).to_be_visible()
    page.get_by_role("button", name="Create API key").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Key name").fill("e2e laptop")
    dialog.get_by_role("button", name="Create key").click()

    shown = dialog.get_by_label("API key “e2e laptop”")
    expect(shown).to_contain_text("fml_")
    key = shown.inner_text().strip()
    expect(dialog.get_by_text("it will not be shown again")).to_be_visible()
    expect(dialog.get_by_text(f"export FLOWML_API_KEY={key}")).to_be_visible()
    expect(dialog.get_by_role("button", name="Copy the API key")).to_be_visible()
    # The key works as a bearer credential, like an access token.
    me = httpx.get(f"{server}/api/auth/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert me.status_code == 200 and me.json()["username"] == ADMIN_USERNAME

    dialog.get_by_role("button", name="I have copied it").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_role("table", name="API keys").get_by_role("row", name=re.compile("e2e laptop"))
    expect(row).to_be_visible()
    expect(page.get_by_text(key)).to_have_count(0)
    page.reload()
    expect(row).to_be_visible()
    assert key not in page.content()

    row.get_by_role("button", name=re.compile("Revoke")).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke key").click()
    expect(row).to_have_count(0)
    assert httpx.get(f"{server}/api/auth/me", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code == 401


def test_an_admin_adds_a_member_who_sees_less(page: Page, server: str) -> None:
    page.goto("/users")
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    page.get_by_role("button", name="Add user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Username").fill("e2e-member")
    dialog.get_by_label("Password").fill("member-Passw0rd")
    expect(dialog.get_by_label("Role")).to_contain_text("Member")
    dialog.get_by_role("button", name="Add user").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_role("table", name="Users").get_by_role("row", name=re.compile("e2e-member"))
    expect(row).to_contain_text("Active")
    # The server's refusals come through as they are: the username is taken now.
    page.get_by_role("button", name="Add user").click()
    dialog.get_by_label("Username").fill("e2e-member")
    dialog.get_by_label("Password").fill("member-Passw0rd")
    dialog.get_by_role("button", name="Add user").click()
    expect(dialog.get_by_role("alert")).to_contain_text("The username 'e2e-member' is taken.")
    dialog.get_by_role("button", name="Cancel").click()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Users")).to_be_visible()
    sign_out(page)

    sign_in(page, "e2e-member", "member-Passw0rd")
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("button", name=re.compile("Account menu for e2e-member"))).to_contain_text("Member")
    expect(nav.get_by_role("link", name="Workers")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    expect(nav.get_by_role("link", name="Logs")).to_have_count(0)
    # Opening an admin page anyway explains itself instead of failing.
    page.goto("/users")
    expect(page.get_by_text("Admins only")).to_be_visible()
    expect(page.get_by_role("button", name="Add user")).to_have_count(0)
    page.goto("/logs")
    expect(page.get_by_text("Admins only")).to_be_visible()
    page.goto("/workers")
    expect(page.get_by_role("heading", name="Workers", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Workers")).to_be_visible()
    expect(page.get_by_role("button", name="Add a worker")).to_have_count(0)
    expect(page.get_by_text("Join tokens")).to_have_count(0)
    # The API agrees with what the dashboard hides.
    member = {"Authorization": f"Bearer {login_token(server, 'e2e-member', 'member-Passw0rd')}"}
    assert httpx.get(f"{server}/api/users", headers=member, timeout=10).status_code == 403


def test_the_login_page_never_takes_tokens_from_its_address(anonymous_page: Page, server: str) -> None:
    """Login CSRF: anyone can send a link to /login#access_token=<their own tokens>; the page must not sign the
    victim in with them. An outside sign-in comes back with a one-time code instead (tests/security/
    test_login_csrf.py), or with an error, which the page shows and clears from the address bar."""
    page = anonymous_page
    page.goto("/login#error=Corporate%20SSO%20did%20not%20complete%3A%20access_denied.")
    expect(page.get_by_role("alert")).to_contain_text("Corporate SSO did not complete: access_denied.")
    assert page.evaluate("() => location.hash") == ""

    pair = httpx.post(
        f"{server}/api/auth/login", json={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}, timeout=10
    ).json()
    fragment = urlencode(
        {
            "access_token": pair["access_token"],
            "refresh_token": pair["refresh_token"],
            "expires_in": "900",
            "next": "/jobs",
        }
    )
    page.goto("about:blank")  # a full page load, as after a link in an e-mail
    page.goto(f"{server}/login#{fragment}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.wait_for_timeout(1000)  # time enough to have adopted them, had it tried
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("() => location.pathname") == "/login"
    assert page.evaluate("() => localStorage.getItem('flowml.refresh')") is None
