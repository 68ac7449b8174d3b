"""The dashboard's typed API client is generated from the backend's OpenAPI schema; the committed copies must match.

frontend/openapi.json is what `flowml openapi` writes, frontend/src/api/schema.d.ts what openapi-typescript makes of
it (both via `npm run gen:api`). When a route or response model changes without regenerating, these tests fail.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from flowml import __version__
from flowml.cli.openapi import openapi_json
from flowml.data.schema import ColumnKind
from flowml.db.tables.jobs import TrialState
from flowml.db.types import ColumnKindValue, ProblemTypeValue
from flowml.engine.algorithms import default_registry
from flowml.engine.types import ProblemType, TrialStatus
from flowml.services import datasets

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
COMMITTED_SCHEMA = FRONTEND / "openapi.json"
COMMITTED_TYPES = FRONTEND / "src" / "api" / "schema.d.ts"
REGENERATE = "run `cd frontend && npm run gen:api` and commit frontend/openapi.json and frontend/src/api/schema.d.ts"


def _assert_same(committed: Path, fresh: str) -> None:
    current = committed.read_text(encoding="utf-8") if committed.exists() else ""
    if current == fresh:
        return
    # A short diff says what changed; the whole file would bury it.
    diff = list(
        difflib.unified_diff(current.splitlines(), fresh.splitlines(), "committed", "generated now", lineterm="", n=1)
    )
    shown = "\n".join(diff[:60]) + (f"\n... {len(diff) - 60} more diff lines" if len(diff) > 60 else "")
    pytest.fail(f"{committed.relative_to(ROOT)} is stale: {REGENERATE}\n{shown}", pytrace=False)


def _flowml_openapi(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowml.cli", "openapi"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_committed_openapi_json_is_current() -> None:
    _assert_same(COMMITTED_SCHEMA, openapi_json())


def test_openapi_command_ignores_this_machine_and_writes_nothing_else(tmp_path: Path) -> None:
    """Two runs with different homes, environment and a `.env` give the same bytes, and leave their folders empty."""
    outputs: list[str] = []
    for run in ("first", "second"):
        home, cwd = tmp_path / run / "home", tmp_path / run / "cwd"
        home.mkdir(parents=True)
        cwd.mkdir()
        (cwd / ".env").write_text(f"DATABASE_URL=sqlite+aiosqlite:///{cwd}/from-dotenv.db\nPORT=9{len(run)}\n")
        env = {
            **os.environ,
            "HOME": str(home),
            "USERPROFILE": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "FLOWML_HOME": str(home / "flowml"),
            "MAX_UPLOAD_SIZE_MB": str(len(run)),
            "CORS_ORIGINS": f"http://{run}.example",
            "FRONTEND_DIST": str(FRONTEND / "dist"),
        }
        result = _flowml_openapi(cwd, env)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
        assert sorted(p.name for p in cwd.iterdir()) == [".env"], "flowml openapi wrote into the working directory"
        assert list(home.iterdir()) == [], f"flowml openapi wrote into the home folder: {list(home.rglob('*'))}"
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith("}\n") and not outputs[0].endswith("\n\n")


def test_committed_schema_types_are_current(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (FRONTEND / "node_modules" / "openapi-typescript").is_dir():
        why = "node or frontend/node_modules (openapi-typescript) is missing, so schema.d.ts cannot be regenerated"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}; CI must install them (cd frontend && npm ci)")
        pytest.skip(why)
    env = dict(os.environ)
    # The flowml of the interpreter running the tests, so the check covers this checkout's code.
    flowml = Path(sys.executable).parent / ("flowml.exe" if os.name == "nt" else "flowml")
    if flowml.exists():
        env["FLOWML"] = str(flowml)
    # The same script as `npm run gen:api`, so the test and the command cannot drift apart.
    result = subprocess.run(
        [node, "scripts/gen-api.mjs", "--out-dir", str(tmp_path)],
        cwd=FRONTEND,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_same(COMMITTED_SCHEMA, (tmp_path / "openapi.json").read_text(encoding="utf-8"))
    _assert_same(COMMITTED_TYPES, (tmp_path / "schema.d.ts").read_text(encoding="utf-8"))


@pytest.mark.db
def test_response_models_keep_the_services_json(client: TestClient, titanic: dict[str, Any]) -> None:
    """Typing a route for the schema must not reshape its answer: no added nulls, no renamed or dropped keys."""
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    # The services run on the app's own event loop: database connections belong to it.
    assert client.portal is not None
    dataset_id = titanic["id"]
    stored = client.portal.call(datasets.get_dataset, ctx, dataset_id)
    stats = client.get(f"/api/datasets/{dataset_id}/stats").json()
    assert stats == client.portal.call(datasets.stats, ctx, stored)
    # A numeric column has a histogram and no top values; a categorical one the reverse: neither gains the other.
    by_name = {column["name"]: column for column in stats["columns"]}
    assert "histogram" in by_name["age"] and "top_values" not in by_name["age"]
    assert "top_values" in by_name["sex"] and "mean" not in by_name["sex"]
    preview = client.get(f"/api/datasets/{dataset_id}/preview", params={"limit": 7}).json()
    assert preview == client.portal.call(datasets.preview, ctx, dataset_id, 7)
    assert client.get(f"/api/datasets/{dataset_id}").json()["columns"] == stored.columns

    described = [a.describe().model_dump(mode="json") for a in default_registry()]
    assert client.get("/api/algorithms").json() == described
    metrics = client.get("/api/metrics", params={"task": "regression"}).json()
    assert [set(m) for m in metrics] == [
        {"name", "label", "tasks", "greater_is_better", "default_for", "lower", "upper"}
    ] * len(metrics)
    assert client.get("/health").json() == {"status": "ok", "database": "ok", "storage": "ok", "version": __version__}
    counts = client.get("/api/stats").json()
    assert set(counts) == {"datasets", "models", "jobs", "workers_online"}
    assert set(counts["jobs"]) == {"total", "by_status"}


def test_db_literals_match_the_enums_they_spell_out() -> None:
    """db/ may import only core, so response models spell these values out; they must not drift from the enums."""
    assert set(get_args(ColumnKindValue)) == {kind.value for kind in ColumnKind}
    assert set(get_args(ProblemTypeValue)) == {problem.value for problem in ProblemType}
    assert {state.value for state in TrialState} == {status.value for status in TrialStatus} | {"running"}
