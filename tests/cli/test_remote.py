"""The commands that act on a running server (`flowml whoami`, `datasets`, `jobs`, `models`, and `users create-key`
for such a server), as a user runs them: real processes against one real `flowml up` on a free loopback port, with
real files, and errors that read as one line."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.cluster.procs import free_port
from tests.conftest import TEST_ADMIN_PASSWORD, api_key_for, dataset_path
from tests.servers import flowml_up

pytestmark = pytest.mark.slow  # trains real (tiny) models

FLOWML = [sys.executable, "-m", "flowml.cli"]
ID = re.compile(r"\b[0-9a-f]{32}\b")
# Settings the server must not take from the shell running the tests: it is an embedded server in its own home.
SERVER_ENV_DROP = ("DATA_DIR", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "FLOWML_SERVER")
SERVER_ENV_DROP_PREFIXES = ("REDIS_", "S3_", "STORAGE_", "FLOWML_API_KEY", "HOST", "PORT")
# Two cheap algorithms and few folds: a job takes seconds on two cores.
TINY_JOB = ["--budget", "0.1", "--algorithms", "logistic_regression,decision_tree", "--folds", "3"]


@dataclass(frozen=True)
class Server:
    url: str
    key: str  # an API key of the test admin
    env: dict[str, str]  # the server's own environment: `flowml users` run with it works on the server's database


@dataclass(frozen=True)
class Trained:
    dataset_id: str
    job_id: str
    model_id: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`flowml up` with one local worker, SQLite and files in its own FLOWML_HOME."""
    home = tmp_path_factory.mktemp("flowml-server")
    env = {
        k: v for k, v in os.environ.items() if k not in SERVER_ENV_DROP and not k.startswith(SERVER_ENV_DROP_PREFIXES)
    }
    env.update({"FLOWML_HOME": str(home / "flowml"), "LOCAL_WORKERS": "1", "COLUMNS": "200"})
    with flowml_up(env, home / "server.log", cwd=home) as url:  # cwd: no .env from the checkout
        with httpx.Client(base_url=url, timeout=30) as client:
            key = api_key_for(client)
        yield Server(url=url, key=key, env=env)


def flowml(
    server: Server, *args: str, key: str | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`flowml ARGS` with FLOWML_SERVER and FLOWML_API_KEY (the admin's key unless `key` is given; "" unsets it)."""
    env = {**server.env, "FLOWML_SERVER": server.url}
    api_key = server.key if key is None else key
    if api_key:
        env["FLOWML_API_KEY"] = api_key
    return subprocess.run(
        [*FLOWML, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def user_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line message of a command that failed as a user error: exit code 2, no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return " ".join(result.stderr.split())  # as one line, whatever the terminal width wrapped


@pytest.fixture(scope="module")
def trained(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """iris uploaded, and a tiny job on it started and watched to the end, all through the CLI."""
    uploaded = ok(flowml(server, "datasets", "upload", str(dataset_path("iris.csv")), "--name", "iris-cli"))
    match = re.search(r"as dataset ([0-9a-f]{32})", uploaded)
    assert match, uploaded
    dataset_id = match.group(1)
    assert f"flowml jobs start --dataset {dataset_id} --target target" in uploaded  # the suggested next step

    started = ok(flowml(server, "jobs", "start", "--dataset", dataset_id, "--target", "target", *TINY_JOB))
    job_id = ID.findall(started)[0]
    watched = ok(flowml(server, "jobs", "watch", job_id, "--interval", "0.5"))
    assert "completed" in watched and "best log_loss" in watched, watched
    model = re.search(r"Model ([0-9a-f]{32})", watched)
    assert model, watched
    return Trained(dataset_id=dataset_id, job_id=job_id, model_id=model.group(1))


def test_whoami(server: Server) -> None:
    assert f"admin (admin) on {server.url}" in ok(flowml(server, "whoami"))


def test_the_lists_show_what_the_cli_made(server: Server, trained: Trained) -> None:
    datasets = ok(flowml(server, "datasets", "list"))
    assert trained.dataset_id in datasets and "iris-cli" in datasets and "150" in datasets
    jobs = ok(flowml(server, "jobs", "list"))
    assert trained.job_id in jobs and "completed" in jobs
    assert trained.job_id in ok(flowml(server, "jobs", "list", "--status", "completed"))
    assert trained.job_id not in ok(flowml(server, "jobs", "list", "--status", "failed"))
    shown = ok(flowml(server, "jobs", "show", trained.job_id))
    assert trained.model_id in shown and "Leaderboard (log_loss)" in shown and "logistic_regression" in shown
    models = ok(flowml(server, "models", "list"))
    assert trained.model_id in models and "multiclass" in models


def test_predict_a_csv(server: Server, trained: Trained, tmp_path: Path) -> None:
    with dataset_path("iris.csv").open(newline="") as handle:
        rows = [{k: v for k, v in row.items() if k != "target"} for row in list(csv.DictReader(handle))[::15]]
    rows_file = tmp_path / "rows.csv"
    with rows_file.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    out = ok(
        flowml(server, "models", "predict", trained.model_id, "--input", "rows.csv", "-o", "out.csv", cwd=tmp_path)
    )
    assert f"Wrote {len(rows)} predictions to out.csv" in out
    with (tmp_path / "out.csv").open(newline="") as handle:
        predicted = list(csv.DictReader(handle))
    assert len(predicted) == len(rows)
    assert {"prediction", "proba_0", "proba_1", "proba_2"} <= set(predicted[0])
    assert abs(sum(float(predicted[0][f"proba_{c}"]) for c in range(3)) - 1) < 1e-6


def test_download_the_package_and_the_onnx_graph(server: Server, trained: Trained, tmp_path: Path) -> None:
    ok(flowml(server, "models", "download", trained.model_id, "--output", str(tmp_path / "model.zip")))
    with zipfile.ZipFile(tmp_path / "model.zip") as package:
        assert "model_card.json" in package.namelist()
    ok(flowml(server, "models", "onnx", trained.model_id, "--output", str(tmp_path / "model.onnx")))
    assert (tmp_path / "model.onnx").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx", "model.zip"]  # no partial files left


def test_a_cancelled_job_ends_watch_with_exit_code_1(server: Server, trained: Trained) -> None:
    started = ok(
        flowml(
            server,
            "jobs",
            "start",
            "-d",
            trained.dataset_id,
            "-t",
            "target",
            "--budget",
            "5",
            "--name",
            "long",
            "--algorithms",
            "logistic_regression",
        )
    )
    job_id = ID.findall(started)[0]
    assert f"flowml jobs watch {job_id}" in started
    assert job_id in ok(flowml(server, "jobs", "cancel", job_id))
    watched = flowml(server, "jobs", "watch", job_id, "--interval", "0.5")
    assert watched.returncode == 1, watched.stdout + watched.stderr
    assert "cancelled" in watched.stdout and "produced no model" in watched.stderr


def test_delete_a_dataset(server: Server, tmp_path: Path) -> None:
    table = tmp_path / "small.csv"
    table.write_text("x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(20)))
    dataset_id = ID.findall(ok(flowml(server, "datasets", "upload", str(table))))[0]
    assert f"Deleted dataset {dataset_id}" in ok(flowml(server, "datasets", "delete", dataset_id))
    assert dataset_id not in ok(flowml(server, "datasets", "list"))
    assert "not found" in user_error(flowml(server, "datasets", "delete", dataset_id))


def test_a_missing_api_key_says_how_to_make_one(server: Server) -> None:
    message = user_error(flowml(server, "datasets", "list", key=""))
    assert "FLOWML_API_KEY is not set" in message
    assert "Account page" in message and "flowml users create-key" in message


def test_a_wrong_api_key_is_rejected(server: Server) -> None:
    message = user_error(flowml(server, "whoami", key="fml_this-key-does-not-exist"))
    assert message.startswith("error: the API key was rejected: Unknown API key")


def test_a_server_that_is_down(server: Server) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    message = user_error(flowml(server, "jobs", "list", "--server", down))
    assert f"cannot reach the FlowML server at {down}" in message and "flowml up" in message


def test_server_errors_are_the_servers_detail(server: Server, trained: Trained, tmp_path: Path) -> None:
    unknown = "0" * 32
    assert "not found" in user_error(flowml(server, "jobs", "start", "-d", unknown, "-t", "target"))
    assert "'nope' is not in" in user_error(flowml(server, "jobs", "start", "-d", trained.dataset_id, "-t", "nope"))
    assert "--budget must be more than 0" in user_error(
        flowml(server, "jobs", "start", "-d", trained.dataset_id, "-t", "target", "--budget", "0")
    )
    assert "unknown preprocessor(s): umap; available: pca" in user_error(
        flowml(server, "jobs", "start", "-d", trained.dataset_id, "-t", "target", "--preprocessors", "pca,umap")
    )
    assert "already completed" in user_error(flowml(server, "jobs", "cancel", trained.job_id))
    assert "not found" in user_error(flowml(server, "models", "download", unknown, "-o", "x.zip", cwd=tmp_path))
    assert not list(tmp_path.iterdir())  # a refused download leaves no file behind
    assert "does not exist" in user_error(
        flowml(server, "models", "onnx", trained.model_id, "-o", "no/dir/m.onnx", cwd=tmp_path)
    )


def test_users_made_on_the_masters_database_use_the_server(server: Server) -> None:
    """`flowml users` on the machine running the server (same settings) makes accounts and keys it accepts at once."""
    ok(flowml(server, "users", "create", "bob", "--password-stdin", stdin="bob-password-1\n", key=""))
    made = flowml(server, "users", "create-key", "bob", "--name", "laptop", key="")
    bob_key = ok(made).strip()
    assert re.fullmatch(r"fml_[A-Za-z0-9_-]{20,}", bob_key), made.stdout  # the key alone on stdout, for $(...)
    assert "shown only now" in made.stderr
    assert "bob (member)" in ok(flowml(server, "whoami", key=bob_key))
    assert "No datasets yet" in ok(flowml(server, "datasets", "list", key=bob_key))  # members see only their own

    ok(flowml(server, "users", "reset-password", "bob", "--password-stdin", stdin="bob-password-2\n", key=""))
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.post("/api/auth/login", json={"username": "bob", "password": "bob-password-1"}).status_code == 401
        assert client.post("/api/auth/login", json={"username": "bob", "password": "bob-password-2"}).status_code == 200
        # The admin's own password is untouched by all this.
        login = client.post("/api/auth/login", json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
        assert login.status_code == 200

    ok(flowml(server, "users", "deactivate", "bob", key=""))
    assert "rejected" in user_error(flowml(server, "whoami", key=bob_key))


def test_a_clustering_job_from_the_cli(server: Server, trained: Trained, tmp_path: Path) -> None:
    """No --target, the species as the reference; the leaderboard counts clusters, a scored file names them."""
    start = ["jobs", "start", "-d", trained.dataset_id, "--task", "clustering", "--reference", "target"]
    started = ok(flowml(server, *start, "--budget", "0.1", "--algorithms", "kmeans,gaussian_mixture"))
    assert "clustering, metric silhouette" in started, started
    job_id = ID.findall(started)[0]
    watched = ok(flowml(server, "jobs", "watch", job_id, "--interval", "0.5"))
    model = re.search(r"Model ([0-9a-f]{32})", watched)
    assert "completed" in watched and model, watched
    shown = ok(flowml(server, "jobs", "show", job_id))
    assert "reference" in shown and "CLUSTERS" in shown and "Leaderboard (silhouette)" in shown, shown
    rows = tmp_path / "flowers.csv"
    rows.write_text("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.0,3.4,1.5,0.2\n")
    ok(flowml(server, "models", "predict", model.group(1), "--input", str(rows), "--output", str(tmp_path / "o.csv")))
    with (tmp_path / "o.csv").open(newline="") as handle:
        assert set(next(csv.DictReader(handle))) >= {"cluster", "cluster_name"}
    assert "clustering takes no target column" in user_error(flowml(server, *start, "-t", "target"))
