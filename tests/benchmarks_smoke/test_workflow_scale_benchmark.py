"""A tiny run of benchmarks/workflow_scale.py, so it never rots: a real `flowml up`, the 100-node workflow saved
over REST and validated a few times, and one cold load of its canvas in Debian's Chromium. It checks the script's
output and what it measured hangs together, not the speed: the measured table lives in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import CHROMIUM, DIST, _require

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(300)]

SCRIPT = REPO_ROOT / "benchmarks" / "workflow_scale.py"
# date, machine, command, graph, validate HTTP, validate in-process, cold loads, drawn, interactive median and max
COLUMNS = 10


def test_workflow_scale_benchmark_validates_and_opens_a_hundred_node_workflow(tmp_path: Path) -> None:
    _require((DIST / "index.html").exists(), "the dashboard is not built (cd frontend && npm run build)")
    _require(CHROMIUM.exists(), "Chromium is not installed (apt-get install chromium)")
    out_json = tmp_path / "scale.json"
    # The repository's own backend first: the server the script starts imports this checkout's flowml.
    path = os.pathsep.join([str(REPO_ROOT / "backend"), str(REPO_ROOT)])
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home"), "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--validations", "3", "--repeats", "1", "--json", str(out_json)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    header, rule, row = lines
    assert header.count("|") == rule.count("|") == row.count("|") == COLUMNS + 1, done.stdout
    assert "| 100 nodes, 219 edges |" in row and "(n=3)" in row
    assert "Goals: every cold load interactive under 1 s:" in done.stdout

    result = json.loads(out_json.read_text())["result"]
    assert (result["nodes"], result["edges"]) == (100, 219) and result["graph_bytes"] > 0
    validation = result["validation"]
    assert len(validation["http_ms"]) == len(validation["inprocess_ms"]) == 3
    assert result["validate_inprocess_median_ms"] > 0 and result["validate_http_median_ms"] > 0
    assert result["validate_http_median_ms"] <= result["validate_http_p95_ms"]
    (load,) = result["loads"]
    # The page's own clock: scripts ran, the editor's data came in, nodes appeared, all were drawn, the click
    # arrived, and the clicked node answered.
    data_in = max(
        r["end_s"] for r in load["requests"] if r["path"] in (f"/api/workflows/{result['workflow_id']}", "/api/nodes")
    )
    assert 0 < load["dom_ready_s"] < data_in <= load["first_node_s"] <= load["drawn_s"], load
    assert load["drawn_s"] <= load["clicked_s"] <= load["interactive_s"] <= load["wall_s"], load
    workflow = next(r for r in load["requests"] if r["path"] == f"/api/workflows/{result['workflow_id']}")
    assert workflow["bytes"] == result["graph_bytes"]  # the canvas loaded the graph the API serves
    assert result["median_s"] == result["max_s"] == load["interactive_s"]
