"""Signed feature importance on the model page: a column whose shuffling helped the score (a negative permutation
importance: noise) is drawn left of zero, ranked below every helpful column, with its sign and the word "noise"
written out, and the chart says what a negative value means. The delivery-time table's `item_<n>` counts carry no
signal, so its model has such columns."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Analyst

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]


def test_negative_importances_are_drawn_left_of_zero_and_ranked_last(
    analyst_page: Page, analyst: Analyst, analyst_api: httpx.Client
) -> None:
    model = analyst_api.get(f"/api/results/model/{analyst.delivery.model_id}").json()
    importance: dict[str, float] = model["feature_importance"]
    shown = sorted(importance.items(), key=lambda item: -item[1])[:15]
    negatives = [name for name, value in shown if round(value, 3) < 0]
    if not negatives:
        pytest.skip(f"this run's delivery model has no clearly negative importance among its top 15: {shown}")

    page = analyst_page
    page.goto(f"/models/{analyst.delivery.model_id}?tab=overview")
    chart = page.get_by_role("list", name="Feature importance, most helpful first")
    expect(chart).to_be_visible()
    rows = chart.get_by_role("listitem")
    expect(rows).to_have_count(len(shown))
    # Ranked by signed value: the model's order, helpful columns first and noise last.
    names = [row.locator("span").first.inner_text() for row in rows.all()]
    assert names == [name for name, _ in shown]
    signs = [row.get_attribute("data-sign") for row in rows.all()]
    first_negative = signs.index("negative")
    assert all(sign == "negative" for sign in signs[first_negative:]), signs

    for name in negatives:
        row = chart.get_by_role("listitem").filter(has_text=name).first
        text = row.inner_text()
        assert "\u2212" in text and "noise" in text, text  # the sign in words, not only in colour
    # The negative bar ends at zero; a positive one starts there.
    positive_bar = rows.first.locator("span.absolute").last.bounding_box()
    negative_bar = rows.last.locator("span.absolute").last.bounding_box()
    assert positive_bar is not None and negative_bar is not None
    assert negative_bar["x"] + negative_bar["width"] <= positive_bar["x"] + 1, (negative_bar, positive_bar)
    expect(page.get_by_text("A negative value")).to_contain_text("shuffling the column made the score slightly better")
