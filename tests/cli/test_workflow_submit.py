"""`flowml workflow submit` as a user runs it, against a real `flowml up` on a free loopback port: the Dataset
node's file uploaded, the workflow saved (a new version of the same-named one on a second submit), the run started
and followed with --wait to its evaluation table, with the same scores as a local run; exit 2 with located errors
for a graph the server refuses, 1 when a node fails."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from flowml.workflows.execute import execute
from flowml.workflows.files import load_workflow
from tests.cli.test_remote import SERVER_ENV_DROP, SERVER_ENV_DROP_PREFIXES
from tests.cli.test_workflow_cli import FLOWML, as_yaml, pipeline, with_failing_chart
from tests.conftest import api_key_for
from tests.servers import flowml_up

pytestmark = pytest.mark.slow  # a real server that runs real (tiny) models

GRAPH = pipeline(
    "shop.csv",
    "bought",
    split={"test_size": 0.25, "seed": 3},
    prep={"scaling": "robust"},
    second=("tree", {"mode": "single", "algorithm": "decision_tree", "params": {"max_depth": 3}}),
    metrics=["roc_auc", "accuracy"],
)
PIPELINE = as_yaml(GRAPH)


@dataclass(frozen=True)
class Server:
    url: str
    key: str  # an API key of the test admin


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`flowml up` with one local worker, SQLite and files in its own FLOWML_HOME."""
    home = tmp_path_factory.mktemp("flowml-submit-server")
    env = {
        k: v for k, v in os.environ.items() if k not in SERVER_ENV_DROP and not k.startswith(SERVER_ENV_DROP_PREFIXES)
    }
    env.update({"FLOWML_HOME": str(home / "flowml"), "LOCAL_WORKERS": "1"})
    with flowml_up(env, home / "server.log", cwd=home) as url:  # cwd: no .env from the checkout
        with httpx.Client(base_url=url, timeout=30) as client:
            key = api_key_for(client)
        yield Server(url=url, key=key)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A workflow file beside a small table: numbers, a category, a yes/no target."""
    rng = np.random.default_rng(1)
    rows = 200
    spend = rng.gamma(2.0, 30.0, rows).round(2)
    visits = rng.integers(1, 20, rows)
    channel = rng.choice(["web", "store", "phone"], rows)
    score = 0.02 * spend + 0.1 * visits + (channel == "web") * 0.8 + rng.normal(0, 0.7, rows)
    frame = pd.DataFrame({"spend": spend, "visits": visits, "channel": channel})
    frame["bought"] = np.where(score > np.median(score), "yes", "no")
    frame.to_csv(tmp_path / "shop.csv", index=False)
    (tmp_path / "pipeline.yaml").write_text(PIPELINE)
    return tmp_path


def submit(server: Server, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOWML_SERVER": server.url, "FLOWML_API_KEY": server.key, "COLUMNS": "200"}
    env.pop("FLOWML_HOME", None)
    return subprocess.run(
        [*FLOWML, "workflow", "submit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_submit_uploads_runs_and_prints_the_local_scores(server: Server, folder: Path) -> None:
    done = submit(server, "pipeline.yaml", "--name", "shop", "--wait", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    out = done.stdout
    assert "uploaded shop.csv as dataset" in out
    assert "workflow shop (" in out and "version 1" in out
    for node_id in ("data", "split", "prep", "logreg", "tree", "eval"):
        assert f"] {node_id} done" in out, out
    assert "Evaluation eval (test rows)" in out
    local = execute(load_workflow(folder / "pipeline.yaml"), base_dir=folder).evaluations()["eval"]
    for row in local:
        assert f"{row['roc_auc']:.5f}" in out and f"{row['accuracy']:.5f}" in out
    assert "completed" in out.splitlines()[-1]

    # The same name again: the same workflow, a new version (its dataset node names the new upload).
    again = submit(server, "pipeline.yaml", "--name", "shop", cwd=folder)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "version 2" in again.stdout
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.key}"}) as client:
        named = [w for w in client.get("/api/workflows", params={"q": "shop"}).json()["items"] if w["name"] == "shop"]
    assert len(named) == 1 and named[0]["version"] == 2


def test_a_graph_the_server_refuses_exits_2_naming_its_nodes(server: Server, folder: Path) -> None:
    (folder / "bad.yaml").write_text(PIPELINE.replace("target: bought", "target: bougt"))
    refused = submit(server, "bad.yaml", cwd=folder)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "data [target]: target 'bougt' is not a column" in refused.stderr
    (folder / "lost.yaml").write_text(PIPELINE.replace("path: shop.csv", "path: gone.csv"))
    lost = submit(server, "lost.yaml", cwd=folder)
    assert lost.returncode == 2
    assert "dataset node 'data': file not found" in lost.stderr


def test_a_failed_node_exits_1(server: Server, folder: Path) -> None:
    (folder / "fails.yaml").write_text(as_yaml(with_failing_chart(GRAPH, "tree")))
    ran = submit(server, "fails.yaml", "--wait", cwd=folder)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "bars failed" in ran.stdout
    assert "Evaluation eval (test rows)" in ran.stdout  # the other branch still ran
