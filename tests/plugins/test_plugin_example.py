"""examples/flowml-plugin-example, installed as a user installs it (pip builds and installs the real package, offline,
into a directory of its own: the test venv's packages stay as they are), passes its own tests with FlowML's test kit,
and works in a real `flowml up`: GET /api/algorithms shows it with its space and origin, GET /api/plugins lists it,
and a job with only its algorithm trains and delivers a model. A broken plugin package installed next to it is
reported while the server serves normally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.conftest import api_key_for, bearer
from tests.plugins.installs import EXAMPLE, install_example, on_pythonpath
from tests.servers import flowml_up

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

# Settings the server must not take from the shell running the tests: it is an embedded server in its own home.
SERVER_ENV_DROP = ("DATA_DIR", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "FLOWML_SERVER")
SERVER_ENV_DROP_PREFIXES = ("REDIS_", "S3_", "STORAGE_", "FLOWML_API_KEY", "HOST", "PORT")


@dataclass(frozen=True)
class Server:
    url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_example(tmp_path_factory.mktemp("plugin-install"), with_broken_neighbour=True)


def with_site(site: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in SERVER_ENV_DROP and not k.startswith(SERVER_ENV_DROP_PREFIXES)
    }
    return on_pythonpath(site, env)


@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("plugin-server")
    env = {**with_site(site), "FLOWML_HOME": str(home / "flowml"), "LOCAL_WORKERS": "2"}
    with flowml_up(env, home / "server.log", cwd=home) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield Server(url, bearer(api_key_for(client)))


def test_the_example_passes_its_own_tests_once_installed(site: Path, tmp_path: Path) -> None:
    options = ["-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'pt'}"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *options, str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=with_site(site),
        cwd=tmp_path,  # the installed copy is imported, not examples/.../src
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout


def test_the_api_lists_the_plugin_and_its_broken_neighbour(server: Server) -> None:
    plugins = httpx.get(f"{server.url}/api/plugins", headers=server.headers, timeout=30).json()
    loaded = {(p["kind"], p["provides"], p["package"], p["version"]) for p in plugins["loaded"]}
    assert loaded == {
        ("algorithm", "random_features", "flowml-plugin-example", "0.1.0"),
        ("preprocessor", "quantile_clip", "flowml-plugin-example", "0.1.0"),
    }
    [broken] = plugins["broken"]
    assert (broken["entry_point"], broken["package"]) == ("exploding", "flowml-broken-plugin")
    assert "RuntimeError: this plugin fails on import" in broken["error"]  # the admin sees why
    steps = {p["name"]: p for p in plugins["preprocessors"]}
    assert set(steps) == {"pca", "select_percentile", "quantile_clip"}  # the built-ins and the plugin's
    clip = steps["quantile_clip"]
    assert clip["space"]["params"]["quantile"]["kind"] == "float" and clip["origin"]["source"] == "plugin"
    assert steps["pca"]["origin"]["source"] == "builtin"

    algorithms = httpx.get(f"{server.url}/api/algorithms", headers=server.headers, timeout=30).json()
    by_name = {a["name"]: a for a in algorithms}
    plugin = by_name["random_features"]
    assert plugin["origin"] == {"source": "plugin", "package": "flowml-plugin-example", "version": "0.1.0"}
    assert set(plugin["space"]["binary"]["params"]) == {"n_components", "gamma", "C"}
    assert set(plugin["space"]["regression"]["params"]) == {"n_components", "gamma", "alpha"}
    assert by_name["random_forest"]["origin"]["source"] == "builtin"  # the server serves the built-ins as before


def test_a_job_trains_with_the_plugin_algorithm(server: Server, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(160, 3))
    frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(label=np.where(x[:, 0] ** 2 + x[:, 1] > 0.8, "y", "n"))
    csv = frame.to_csv(index=False).encode()
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=60) as client:
        uploaded = client.post("/api/datasets/upload", files={"file": ("rings.csv", csv)})
        assert uploaded.status_code == 201, uploaded.text
        body = {
            "dataset_id": uploaded.json()["id"],
            "target_column": "label",
            "algorithms": ["random_features"],
            "time_budget": 0.5,
            "max_trials": 4,
            "n_folds": 3,
        }
        started = client.post("/api/training/start", json=body)
        assert started.status_code == 201, started.text
        job = _wait_final(client, started.json()["job_id"])
        assert job["status"] == "completed", job
        board = client.get(f"/api/results/job/{job['id']}/leaderboard").json()
        assert board["items"] and {t["algorithm"] for t in board["items"]} == {"random_features"}
        predicted = client.post(
            f"/api/results/model/{job['model_id']}/predict", json={"row": {"a": 1.5, "b": 0.5, "c": 0.0}}
        )
        assert predicted.status_code == 200, predicted.text
        assert predicted.json()["predictions"][0] in ("y", "n")


def _wait_final(client: httpx.Client, job_id: str, timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/training/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {timeout:.0f} s: {job}")


AUTOML_WITH_PLUGIN = """
import json

import numpy as np
import pandas as pd

from flowml import AutoML

rng = np.random.default_rng(3)
X = pd.DataFrame({"a": rng.normal(size=150), "b": rng.normal(size=150)})
y = np.where(X["a"] ** 2 + X["b"] > 0.8, "high", "low")
model = AutoML(time_budget=60, max_trials=2, algorithms=["random_features"], n_jobs=1, verbose=0).fit(X, y)
print(json.dumps({
    "algorithms": sorted(set(model.leaderboard_["algorithm"])),
    "delivered": model.model_card_.algorithm,
    "predictions": sorted(set(model.predict(X.head(20)).tolist())),
}))
"""


def test_automl_trains_with_the_plugin_algorithm(site: Path, tmp_path: Path) -> None:
    """`AutoML(algorithms=[<plugin algorithm>])` in a Python where the plugin is installed."""
    env = {**with_site(site), "FLOWML_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", AUTOML_WITH_PLUGIN],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["algorithms"] == ["random_features"]
    assert found["delivered"] == "random_features"
    assert set(found["predictions"]) <= {"high", "low"}
