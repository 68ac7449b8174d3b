"""The workflow canvas as a user builds a pipeline with the mouse: from an empty workflow, drag Dataset, Split and
Model from the palette onto the canvas, connect their handles, see a wrong connection refused, validate (errors show on
the node they belong to), choose the dataset in the settings panel, save, reload and find the same graph."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import REPO, screenshot
from tests.e2e.tables import HR_TARGET, hr_attrition, write_csv

AXE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]


def upload(api: httpx.Client, path: Path) -> str:
    with path.open("rb") as handle:
        response = api.post("/api/datasets/upload", files={"file": (path.name, handle, "text/csv")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def handle(page: Page, node_id: str, name: str, kind: str) -> Locator:
    """A node's handle: `kind` is "source" (an output, right side) or "target" (an input, left side)."""
    return node(page, node_id).locator(f'.react-flow__handle.{kind}[data-handleid="{name}"]')


def drag_from_palette(page: Page, label: str, x: float, y: float) -> None:
    """HTML5 drag and drop from the palette item to a point of the canvas (relative to its top-left corner)."""
    page.get_by_role("button", name=f"Add {label}").drag_to(
        page.locator(".react-flow__pane"), target_position={"x": x, "y": y}
    )


def connect(page: Page, source: Locator, target: Locator) -> None:
    """Press on a source handle and release on a target handle, moving in steps as a hand does."""
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def assert_no_serious_axe_violations(page: Page) -> None:
    """axe-core (the npm package's own file) on the page: no serious or critical WCAG 2.2 AA violation."""
    # Evaluated through the driver: the dashboard's CSP rightly refuses an injected <script>.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    )
    serious = [
        f"{item['id']}: {[node['target'] for node in item['nodes'][:3]]}"
        for item in result["violations"]
        if item["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def test_build_connect_refuse_validate_save_and_reload(page: Page, api: httpx.Client, tmp_path: Path) -> None:
    dataset_id = upload(api, write_csv(hr_attrition(), tmp_path / "hr_attrition.csv"))
    created = api.post("/api/workflows", json={"name": "Canvas test"})
    assert created.status_code == 201, created.text
    workflow_id = created.json()["id"]

    page.goto("/workflows")
    expect(page.get_by_role("link", name="Canvas test")).to_be_visible()
    page.get_by_role("link", name="Canvas test").click()
    expect(page).to_have_url(re.compile(f"/workflows/{workflow_id}$"))
    expect(page.get_by_role("heading", name="Canvas test")).to_be_visible()
    # The palette is the server's catalogue: all seven node types.
    expect(page.get_by_role("navigation", name="Node palette").get_by_role("button")).to_have_count(7)
    expect(page.locator(".react-flow__node")).to_have_count(0)

    drag_from_palette(page, "Dataset", 20, 30)
    drag_from_palette(page, "Train/Test Split", 270, 160)
    drag_from_palette(page, "Model", 20, 320)
    for node_id in ("dataset-1", "split-1", "model-1"):
        expect(node(page, node_id)).to_be_visible()
    expect(node(page, "split-1")).to_contain_text("idle")
    expect(handle(page, "split-1", "table", "target")).to_have_attribute("aria-label", "table input")

    connect(page, handle(page, "dataset-1", "table", "source"), handle(page, "split-1", "table", "target"))
    connect(page, handle(page, "split-1", "train", "source"), handle(page, "model-1", "train", "target"))
    expect(page.locator(".react-flow__edge")).to_have_count(2)

    # A model output into the split's table input: refused, nothing drawn, and the status line says why.
    connect(page, handle(page, "model-1", "model", "source"), handle(page, "split-1", "table", "target"))
    expect(page.get_by_test_id("connection-notice")).to_have_text(
        "Not connected: a model output cannot feed a table input."
    )
    expect(page.locator(".react-flow__edge")).to_have_count(2)

    # Validate before a dataset is chosen: the server's error lands on the dataset node.
    page.get_by_role("button", name="Validate").click()
    problems = page.get_by_test_id("validation-problems")
    expect(problems).to_contain_text("dataset-1")
    expect(node(page, "dataset-1").locator("[data-invalid]")).to_have_count(1)
    expect(node(page, "dataset-1").get_by_role("list", name="Problems of dataset-1")).to_be_visible()
    expect(node(page, "split-1").locator("[data-invalid]")).to_have_count(0)

    # Choose the dataset and its target in the settings panel (a form built from the node's schema).
    node(page, "dataset-1").locator("span.font-semibold").click()
    panel = page.get_by_role("complementary", name="Node settings, outputs and history")
    panel.get_by_label("Dataset Id").select_option(dataset_id)
    panel.get_by_label("Target").select_option(HR_TARGET)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("save-status")).to_have_text(re.compile(r"^Saved \(version \d+\)$"))

    page.get_by_role("button", name="Validate").click()
    expect(page.get_by_role("heading", name=re.compile("^Valid"))).to_be_visible()
    expect(node(page, "dataset-1").locator("[data-invalid]")).to_have_count(0)

    stored = api.get(f"/api/workflows/{workflow_id}").json()["graph"]
    assert {item["id"]: item["type"] for item in stored["nodes"]} == {
        "dataset-1": "dataset",
        "split-1": "split",
        "model-1": "model",
    }
    assert sorted((e["source"], e["sourceHandle"], e["target"], e["targetHandle"]) for e in stored["edges"]) == [
        ("dataset-1", "table", "split-1", "table"),
        ("split-1", "train", "model-1", "train"),
    ]
    settings = next(item for item in stored["nodes"] if item["id"] == "dataset-1")["data"]["settings"]
    assert settings["dataset_id"] == dataset_id and settings["target"] == HR_TARGET
    # Defaults from the catalogue were filled in when the split was dropped.
    split = next(item for item in stored["nodes"] if item["id"] == "split-1")["data"]["settings"]
    assert split["test_size"] == 0.2 and split["seed"] == 42

    page.reload()
    for node_id in ("dataset-1", "split-1", "model-1"):
        expect(node(page, node_id)).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    node(page, "dataset-1").locator("span.font-semibold").click()
    expect(panel.get_by_label("Target")).to_have_value(HR_TARGET)


def test_template_keyboard_undo_and_delete(page: Page, api: httpx.Client) -> None:
    """Create from a template on the list page, add a node from the keyboard, undo and redo it, delete the workflow."""
    page.goto("/workflows")
    page.get_by_label("Name").fill("Three models")
    page.get_by_label("Start from").select_option(label="Compare three models")
    page.get_by_role("button", name="Create workflow").click()
    expect(page).to_have_url(re.compile(r"/workflows/[^/]+$"))
    workflow_id = page.url.rsplit("/", 1)[-1]
    for node_id in ("dataset", "split", "prep", "logreg", "forest", "automl", "eval"):
        expect(node(page, node_id)).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(10)

    # The keyboard's way in: a palette item is a button that adds its node at the middle of the view.
    page.get_by_role("button", name="Add Deploy").focus()
    page.keyboard.press("Enter")
    expect(node(page, "deploy-1")).to_be_visible()
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(node(page, "deploy-1")).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(node(page, "deploy-1")).to_be_visible()
    # Autosave stores it without a click.
    expect(page.get_by_test_id("save-status")).to_have_text(re.compile(r"^Saved \(version [2-9]\d*\)$"), timeout=10_000)
    assert "deploy-1" in {item["id"] for item in api.get(f"/api/workflows/{workflow_id}").json()["graph"]["nodes"]}

    page.get_by_role("button", name="Validate").click()
    expect(node(page, "dataset").locator("[data-invalid]")).to_have_count(1)
    page.get_by_role("button", name="Auto-layout").click()
    expect(page.get_by_role("button", name="Run", exact=True)).to_be_enabled()
    screenshot(page, "workflow-editor")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Switch to light mode").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bdark\b"))
    expect(page.locator(".react-flow.light")).to_have_count(1)  # the canvas follows the theme
    page.wait_for_timeout(400)  # the colour transitions end before the picture and the contrast check
    screenshot(page, "workflow-editor-light")
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="All workflows").click()
    row = page.get_by_role("row").filter(has_text="Three models")
    expect(row).to_be_visible()
    assert_no_serious_axe_violations(page)
    row.get_by_role("button", name=re.compile("^Delete")).click()
    page.get_by_role("button", name="Delete workflow").click()
    expect(page.get_by_role("link", name="Three models")).to_have_count(0)
    assert api.get(f"/api/workflows/{workflow_id}").status_code == 404
