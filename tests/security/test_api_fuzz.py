"""Property-based fuzz of the whole REST API against its own OpenAPI schema (schemathesis 4 + Hypothesis).

Every operation in /openapi.json gets generated requests, valid ones and invalid ones, and every answer must be
a documented status code with a body and content type that match the documented response: no 500, no shape the
dashboard's generated client would not expect. The app is the real one (database, storage, worker processes) with
real objects in it (datasets, a finished job with its model, a join token), and path ids are drawn from those real
ids as often as from random text, so requests get past the 404s into the code behind them.

schemathesis only generates and checks here: requests go through the same FastAPI TestClient as tests/api, so the
app runs its lifespan once, on one event loop. Bugs this found are pinned by plain tests in
test_api_fuzz_regressions.py, which keep failing-if-broken without the fuzzer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import numpy as np
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from flowml.api.app import create_app
from flowml.cli.openapi import openapi_schema
from flowml.cluster.signing import CAPABILITY_HEADER, TrialCapability
from flowml.core.settings import Settings
from tests.api.conftest import make_settings, upload, wait_final
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, signed_in_client

pytestmark = [pytest.mark.db, pytest.mark.slow]

BASE_URL = "http://testserver"
# Jobs the fuzzer starts must end in seconds: anything valid it sends to /api/training/start really trains.
# The prediction rate limit is raised so the fuzzer's own volume is never what answers.
FUZZ_SETTINGS: dict[str, Any] = {"MAX_TIME_BUDGET": 0.2, "DEFAULT_TIME_BUDGET": 0.1, "PREDICT_RATE_PER_MINUTE": 1e6}
# FUZZ_MAX_EXAMPLES=500 digs deeper locally; the default keeps the fuzz itself near 30 s.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "40"))
# A single request slower than this is a failure: nothing here should take seconds (model loading included).
DEADLINE = timedelta(seconds=10)
CHECKS: list[CheckFunction] = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations no generated request can complete in this app, so only their failures are checked.
NO_SUCCESS_HERE = {
    "POST /api/workers/register": "needs CELERY_BROKER_URL (409 in embedded mode)",
    "POST /api/workers/heartbeat": "needs a registered worker, which needs a broker",
    "POST /api/workers/deregister": "needs a registered worker, which needs a broker",
    "PUT /api/workers/oof/{job_id}/{trial_number}": "needs a running job; the only job here has finished (409)",
    "POST /api/training/jobs/{job_id}/cancel": "the only job here has finished (409)",
    "POST /api/training/{job_id}/cancel": "the seed's alias of the one above: the only job here has finished (409)",
    "POST /api/training/jobs/{job_id}/stop": "the only job here has finished (409)",
    "POST /api/workflows/{workflow_id}/runs/{run_id}/cancel": "the only run here has finished (409); "
    "tests/api/test_workflow_runs_api.py cancels a running one",
    "POST /api/datasets/upload": "random bytes are no table; tests/api and the upload fuzz cover good files",
    "POST /api/auth/login": "needs a real password; tests/security/test_auth.py signs in",
    "POST /api/auth/refresh": "needs a real refresh token; tests/security/test_auth.py refreshes",
    "POST /api/auth/password": "needs the current password; tests/security/test_auth.py changes it",
    "GET /api/auth/oidc/{provider}/login": "no provider configured here; tests/security/test_oidc.py has one",
    "GET /api/auth/oidc/{provider}/callback": "no provider configured here; tests/security/test_oidc.py has one",
    "POST /api/auth/oidc/{provider}/link": "no provider configured here; tests/security/test_oidc.py links one",
    "POST /api/auth/oidc/exchange": "OIDC is off here (404); tests/security/test_login_csrf.py trades codes",
    "GET /api/results/compare": "needs two models of one target; the one job here has one (tests/api/test_refits.py)",
    "GET /api/results/job/{job_id}/trials/{trial_number}/model": "a trial is kept only by the POST beside it, which "
    "may run later; tests/api/test_refits.py follows a refit",
    "GET /api/results/model/{model_id}/clusters": "the one model here has a target (404); tests/api/clustering/ "
    "reads a clustering model's clusters",
}
# Under /api/workers/ but for people (an admin or any user), not for workers with a join token.
USER_ROUTES_UNDER_WORKERS = {
    "GET /api/workers",
    "GET /api/workers/tokens",
    "POST /api/workers/tokens",
    "DELETE /api/workers/tokens/{token_id}",
}
# Run last, on objects made for them: they delete or revoke what the other operations read.
DESTRUCTIVE = (
    "DELETE /api/datasets/{dataset_id}",
    "DELETE /api/workers/tokens/{token_id}",
    "DELETE /api/auth/keys/{key_id}",
    "DELETE /api/users/{user_id}",
    "DELETE /api/projects/{project_id}",
    "DELETE /api/workflows/{workflow_id}",
)


def client_for(app: FastAPI) -> TestClient:
    """Signed in as the test admin once the app has started: the run explores what a signed-in user can reach
    (tests/security/test_auth.py walks every route signed out)."""
    return signed_in_client(app, base_url=BASE_URL)  # type: ignore[no-any-return]


def _operation_labels() -> list[str]:
    """Every operation of the schema, read without starting an app; destructive ones last."""
    labels = [f"{method.upper()} {path}" for path, item in openapi_schema()["paths"].items() for method in item]
    return sorted(labels, key=lambda label: (label in DESTRUCTIVE, label))


@dataclass
class World:
    """The running app, its schema as served, and the real things generated requests may name."""

    client: TestClient
    schema: OpenApiSchema
    join_token: str
    # The admin's API key the client sends; generated cases carry an Authorization header of their own.
    user_key: str
    ids: dict[str, list[str]]
    # Ids for the destructive operations only, so the others keep finding their objects.
    doomed: dict[str, list[str]]
    # (dataset id, column) pairs, for training requests that pass the first checks.
    targets: list[tuple[str, str]]
    algorithms: list[str]
    metrics: list[str]
    preprocessors: list[str]
    # The model's card.input_schema: its input columns, with categories where it has them.
    inputs: list[dict[str, Any]]
    # Trial capabilities as a task carries them (cluster/signing.py): dataset hash -> one for a trial using it.
    capabilities: dict[str, str]


@dataclass
class Sent:
    """A generated case and what schemathesis cannot express: the name of a multipart file part."""

    case: Case
    filename: str | None = None


def _finished_job(client: TestClient, dataset_id: str) -> dict[str, Any]:
    body = {
        "dataset_id": dataset_id,
        "target_column": "survived",
        "time_budget": 0.2,
        "max_trials": 4,
        "n_folds": 3,
        "algorithms": ["logistic_regression", "decision_tree"],
    }
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = wait_final(client, response.json()["id"], timeout=90)
    assert job["status"] == "completed", (job["error"], job["message"])
    return job


def _explained_batch(client: TestClient, model_id: str) -> str:
    """A file scored with explanations in the background, finished, so its status and result can be asked for."""
    rows = dataset_path("titanic.csv").read_text(encoding="utf-8").splitlines()[:21]
    response = client.post(
        f"/api/results/model/{model_id}/predict/batch",
        params={"explain": "true"},
        files={"file": ("rows.csv", "\n".join(rows).encode())},
    )
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 60
    while client.get(response.json()["status_url"]).json()["state"] == "running":
        assert time.monotonic() < deadline, "the explained batch did not finish in 60 s"
        time.sleep(0.2)
    return str(response.json()["batch_id"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("fuzz")
    url, dbname = make_test_database_url(data_dir)
    app_settings: Settings = make_settings(data_dir, url, **FUZZ_SETTINGS)
    with client_for(create_app(app_settings)) as client:
        datasets = [upload(client, dataset_path(name)) for name in ("titanic.csv", "iris.csv")]
        assert all(r.status_code == 201 for r in datasets), [r.text for r in datasets]
        titanic, iris = (r.json() for r in datasets)
        spare = upload(client, dataset_path("iris.csv"), name="to delete")
        assert spare.status_code == 201, spare.text
        job = _finished_job(client, titanic["id"])
        model = client.get(f"/api/results/model/{job['model_id']}").json()
        batch_id = _explained_batch(client, job["model_id"])
        tokens = [client.post("/api/workers/tokens", json={"name": name}) for name in ("fuzz", "to revoke")]
        assert all(r.status_code == 201 for r in tokens), [r.text for r in tokens]
        # A member to change and one to delete; a spare key of the admin's to delete (not the one the client uses).
        members = [
            client.post("/api/users", json={"username": name, "password": "fuzz-member-pw"}) for name in ("m1", "m2")
        ]
        assert all(r.status_code == 201 for r in members), [r.text for r in members]
        spare_key = client.post("/api/auth/keys", json={"name": "to delete"})
        assert spare_key.status_code == 201, spare_key.text
        # A project with a member in it (so removing one can succeed), and one to delete.
        projects = [client.post("/api/projects", json={"name": name}) for name in ("fuzz", "to delete")]
        assert all(r.status_code == 201 for r in projects), [r.text for r in projects]
        joined = client.put(
            f"/api/projects/{projects[0].json()['id']}/members/{members[0].json()['id']}", json={"role": "viewer"}
        )
        assert joined.status_code == 200, joined.text
        # A workflow with one earlier version (so its versions can be read) and a finished run, and one to delete.
        graph = {
            "nodes": [
                {"id": "d", "type": "dataset", "position": {"x": 0, "y": 0},
                 "data": {"settings": {"dataset_id": titanic["id"], "target": "survived"}}},
                {"id": "s", "type": "split", "position": {"x": 200, "y": 0}},
            ],
            "edges": [{"id": "e", "source": "d", "sourceHandle": "table", "target": "s", "targetHandle": "table"}],
        }  # fmt: skip
        workflows = [client.post("/api/workflows", json={"name": name}) for name in ("fuzz", "to delete")]
        assert all(r.status_code == 201 for r in workflows), [r.text for r in workflows]
        saved = client.put(f"/api/workflows/{workflows[0].json()['id']}", json={"graph": graph})
        assert saved.status_code == 200 and saved.json()["version"] == 2, saved.text
        run = client.post(f"/api/workflows/{workflows[0].json()['id']}/run")
        assert run.status_code == 202, run.text
        wait_for_run(client, workflows[0].json()["id"], run.json()["run_id"])
        yield World(
            client=client,
            schema=schemathesis.openapi.from_dict(client.get("/openapi.json").json()),
            join_token=tokens[0].json()["token"],
            user_key=client.headers["Authorization"].removeprefix("Bearer "),
            ids={
                "dataset_id": [titanic["id"], iris["id"]],
                "job_id": [job["id"]],
                "model_id": [job["model_id"]],
                "sha256": [titanic["sha256"], iris["sha256"]],
                "token_id": [tokens[0].json()["id"]],
                "user_id": [members[0].json()["id"]],
                "batch_id": [batch_id],
                "project_id": [projects[0].json()["id"]],
                "workflow_id": [workflows[0].json()["id"]],
                "version": ["1"],
                "run_id": [run.json()["run_id"]],
            },
            doomed={
                "dataset_id": [spare.json()["id"]],
                "token_id": [tokens[1].json()["id"]],
                "user_id": [members[1].json()["id"]],
                "key_id": [spare_key.json()["id"]],
                "project_id": [projects[1].json()["id"]],
                "workflow_id": [workflows[1].json()["id"]],
            },
            targets=[(d["id"], c["name"]) for d in (titanic, iris) for c in d["columns"]],
            algorithms=[a["name"] for a in client.get("/api/algorithms").json()],
            metrics=[m["name"] for m in client.get("/api/metrics").json()],
            preprocessors=[p["name"] for p in client.get("/api/preprocessors").json()],
            inputs=model["card"]["input_schema"],
            capabilities={
                d["sha256"]: TrialCapability.for_trial(job["id"], 0, d["sha256"], time.time() + 3600).issue(
                    client.app.state.ctx.signing_key  # type: ignore[attr-defined]
                )
                for d in (titanic, iris)
            },
        )
    drop_test_database(dbname)


def wait_for_run(client: TestClient, workflow_id: str, run_id: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if client.get(f"/api/workflows/{workflow_id}/runs/{run_id}").json()["status"] in ("completed", "failed"):
            return
        time.sleep(0.2)
    raise AssertionError(f"workflow run {run_id} did not finish")


# ---------------------------------------------------------------- realistic parts, mixed into generated cases

_JUNK = st.text(max_size=12)
# What Python's JSON parser accepts but databases and libraries choke on; schemathesis never generates these.
_HOSTILE = st.sampled_from(["a\x00b", 2**64, -(2**63) - 1, 2**31])
# Also what no JSON encoder takes back. Only for fields typed Any: a typed field that refuses one echoes it in
# FastAPI's 422, which cannot encode it (a 500 that api/app.py must fix; see test_api_fuzz_regressions.py).
_UNENCODABLE = st.sampled_from([float("nan"), float("inf"), -float("inf"), "\ud800"])


def _cell(entry: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value for one input column: a plausible one, or anything JSON can carry."""
    plausible: list[st.SearchStrategy[Any]] = [st.floats(-1e6, 1e6), st.integers(-(10**6), 10**6)]
    if entry.get("categories"):
        plausible.append(st.sampled_from(entry["categories"]))
    odd = st.one_of(
        st.none(),
        st.booleans(),
        _JUNK,
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(2**70), 2**70),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(_JUNK, st.integers(), max_size=1),
        _HOSTILE,
        _UNENCODABLE,
    )
    return st.one_of(*plausible, odd)


@st.composite
def _row(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Most input columns, with plausible or odd values, sometimes an extra one the model never saw."""
    row = {entry["name"]: draw(_cell(entry)) for entry in world.inputs if draw(st.integers(0, 5))}
    if not draw(st.integers(0, 4)):
        row[draw(_JUNK)] = draw(_cell({}))
    return row


def _csv(rows: list[dict[str, Any]]) -> bytes:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    # surrogatepass: a lone surrogate becomes the invalid UTF-8 a careless writer would produce.
    return out.getvalue().encode("utf-8", "surrogatepass")


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@st.composite
def _training_body(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """A request that names a real dataset and column, with real or broken options."""
    dataset_id, target = draw(st.sampled_from(world.targets))
    options: dict[str, st.SearchStrategy[Any]] = {
        "problem_type": st.sampled_from(["auto", "classification", "binary", "multiclass", "regression"]),
        "metric": st.one_of(st.sampled_from(world.metrics), _JUNK),
        "time_budget": st.sampled_from([1e-9, 0.01, 0.1, 0.2, 0.21, 1e9]),
        "algorithms": st.lists(st.one_of(st.sampled_from(world.algorithms), _JUNK), max_size=3),
        "n_folds": st.integers(2, 10),
        "max_trials": st.one_of(st.integers(1, 3), _HOSTILE),
        # The seed's names (services/jobs/requests.py), alone or beside ours.
        "model_types": st.one_of(st.just("auto"), st.lists(st.one_of(st.sampled_from(world.algorithms), _JUNK))),
        "n_trials_per_model": st.one_of(st.integers(1, 3), _HOSTILE),
        "reproducible": st.booleans(),
        "seed": st.one_of(st.integers(-(2**63), 2**63 - 1), _HOSTILE),
        "priority": st.booleans(),
        "name": st.one_of(st.text(max_size=20), _HOSTILE),
        # Mostly real steps (each junk name is a 422, and the operation must succeed sometimes), now and then junk.
        "preprocessors": st.one_of(
            st.lists(st.sampled_from(world.preprocessors), max_size=2, unique=True), st.lists(_JUNK, max_size=1)
        ),
    }
    body = {"dataset_id": dataset_id, "target_column": target}
    for name, strategy in options.items():
        if draw(st.booleans()):
            body[name] = draw(strategy)
    return body


@st.composite
def _sent(draw: st.DrawFn, world: World, label: str, mode: GenerationMode) -> Sent:
    """A generated case with, half the time, real ids and realistic content in place of random ones."""
    method, path = label.split(" ", 1)
    case: Case = draw(world.schema[path][method].as_strategy(generation_mode=mode))
    sent = Sent(case)
    pools = world.doomed if label in DESTRUCTIVE else world.ids
    for name in list(case.path_parameters or {}):
        if name in pools and draw(st.integers(0, 3)):  # mostly a real id: past the 404, into the handler
            case.path_parameters[name] = draw(st.sampled_from(pools[name]))
    if draw(st.integers(0, 7)):
        # Mostly a valid credential, so the endpoints are reached past their 401: a join token for the worker
        # endpoints, the admin's API key for the rest (the schema's bearer schemes make schemathesis send its own).
        worker = path.startswith("/api/workers/") and label not in USER_ROUTES_UNDER_WORKERS
        credential = world.join_token if worker else world.user_key
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {credential}"}
        sha256 = (case.path_parameters or {}).get("sha256")
        if sha256 in world.capabilities and draw(st.integers(0, 7)):  # mostly the trial's pass to that dataset
            case.headers[CAPABILITY_HEADER] = world.capabilities[sha256]
    if not draw(st.integers(0, 3)):  # a quarter of the bodies stay schemathesis' own; the rest are realistic
        return sent
    if label == "POST /api/training/start":
        case.body = draw(_training_body(world))
    elif label == "POST /api/results/model/{model_id}/predict":
        rows = st.lists(_row(world), max_size=4)
        seed = st.one_of(st.builds(dict, data=_row(world)), st.builds(dict, data=rows))  # the seed's `data`
        case.body = draw(st.one_of(st.builds(dict, row=_row(world)), st.builds(dict, rows=rows), seed))
    elif label == "POST /api/results/model/{model_id}/predict/batch":
        case.body = {"file": _csv(draw(st.lists(_row(world), min_size=1, max_size=4)))}
        sent.filename = draw(st.sampled_from(["rows.csv", "rows.tsv", "rows.json", "rows.parquet", "rows.exe", "rows"]))
    elif label == "PUT /api/workers/oof/{job_id}/{trial_number}":
        shape = draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
        body = _npy(np.zeros(shape, dtype=draw(st.sampled_from(["float32", "float64", "int64"]))))
        case.body = body
        case.headers = {**(case.headers or {}), "X-Content-SHA256": hashlib.sha256(body).hexdigest()}
    return sent


def _send(client: TestClient, sent: Sent) -> httpx.Response:
    """The case as schemathesis would send it, through the app's own TestClient."""
    kwargs = sent.case.as_transport_kwargs(base_url=BASE_URL)
    files = kwargs.get("files")
    if "json" in kwargs:
        # As Python's json would write it: NaN, Infinity and escaped lone surrogates included (requests refuses NaN).
        kwargs["data"] = json.dumps(kwargs.pop("json"), allow_nan=True).encode()
        kwargs["headers"] = {"Content-Type": "application/json", **(kwargs.get("headers") or {})}
    if sent.filename is not None and files:
        files = [(part, (sent.filename, *value[1:])) for part, value in files]
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        cookies=kwargs.get("cookies"),
        data=kwargs.get("data"),
        files=files,
    ).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    assert prepared.method is not None and prepared.url is not None
    return client.request(prepared.method, prepared.url, headers=dict(prepared.headers), content=body)


def _cleanup(client: TestClient, label: str, response: httpx.Response) -> None:
    """A job the fuzzer managed to start is cancelled at once: it proves validation passed, nothing more."""
    if label == "POST /api/training/start" and response.status_code == 201:
        client.post(f"/api/training/jobs/{response.json()['id']}/cancel")


@pytest.mark.parametrize("label", _operation_labels())
def test_operation_answers_as_documented(world: World, label: str) -> None:
    path = label.split(" ", 1)[1]
    assert path in world.schema, f"{label} is missing from the served schema"
    checks = CHECKS
    strategy = st.one_of(_sent(world, label, GenerationMode.POSITIVE), _sent(world, label, GenerationMode.NEGATIVE))
    statuses: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=DEADLINE,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(sent=strategy)
    def exercise(sent: Sent) -> None:
        response = _send(world.client, sent)
        statuses.append(response.status_code)
        _cleanup(world.client, label, response)
        sent.case.validate_response(response, checks=checks)

    exercise()
    # Passing proves little if every request bounced off a 404 or 422: each operation must succeed sometimes.
    if label not in NO_SUCCESS_HERE:
        assert any(200 <= s < 300 for s in statuses), f"{label} never succeeded: {sorted(set(statuses))}"
