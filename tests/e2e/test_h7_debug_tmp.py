import pytest
from playwright.sync_api import Browser
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, Analyst, sign_in
from tests.e2e.test_accessibility import DESKTOP, PHONE, _settle, _tab

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

def test_debug(browser: Browser, analyst: Analyst) -> None:
    with _tab(browser, analyst, "light", DESKTOP) as page:
        page.goto("/login")
        sign_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
        page.goto(f"/train?dataset={analyst.hr.dataset_id}&target={analyst.hr.target}")
        _settle(page)
        page.locator("#train-target").focus()
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        page.screenshot(path="/tmp/h7_train.png")
        page.goto(f"/models/{analyst.delivery.model_id}?tab=overview")
        _settle(page)
        page.get_by_role("list", name="Feature importance, most helpful first").scroll_into_view_if_needed()
        page.screenshot(path="/tmp/h7_imp.png")
    with _tab(browser, analyst, "dark", PHONE) as page:
        page.goto("/login")
        sign_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
        page.goto(f"/models/{analyst.hr.model_id}?tab=leaderboard")
        _settle(page)
        page.screenshot(path="/tmp/h7_phone_model.png")
