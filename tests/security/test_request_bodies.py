"""Request bodies against a real server: uploads are refused before their body when the caller is unknown, every
other body stops at MAX_REQUEST_BODY_KB, and a 422 never sends the input back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from flowml.api.app import create_app
from flowml.api.request_bodies import LARGE_BODY_ROUTES, large_body_route
from flowml.api.validation_errors import field_error
from flowml.core.settings import Settings
from tests.api.conftest import make_settings
from tests.conftest import dataset_path, drop_test_database, make_test_database_url, sign_in
from tests.security.live_asgi import BodyCounter, multipart_file, send_until_answered, serve

pytestmark = pytest.mark.db

MB = 2**20
UPLOAD_LIMIT_MB = 100  # above the 50 MB the tests send, so only the credential check can stop it
# What a refused upload may still get onto the wire: the client's and the server's socket buffers, not the body.
MAX_SENT_BEFORE_ANSWER = 4 * MB
NO_SUCH_ID = "0" * 32


@dataclass(frozen=True)
class Live:
    url: str
    port: int
    counter: BodyCounter
    settings: Settings


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("bodies")
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(data_dir, url, MAX_UPLOAD_SIZE_MB=UPLOAD_LIMIT_MB, LOGIN_RATE_PER_MINUTE=1000)
    counter = BodyCounter(create_app(settings, with_pool=False))
    try:
        with serve(counter) as port:
            yield Live(f"http://127.0.0.1:{port}", port, counter, settings)
    finally:
        drop_test_database(dbname)


@pytest.fixture(scope="module")
def client(live: Live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=60) as signed_in:
        yield sign_in(signed_in)


# Each large-body route with its parameters filled in: the credential check runs before the ids are looked up.
UPLOAD_PATHS = {
    "POST /api/datasets/upload": "/api/datasets/upload",
    "POST /api/results/model/{model_id}/predict/batch": f"/api/results/model/{NO_SUCH_ID}/predict/batch",
    "PUT /api/workers/oof/{job_id}/{trial_number}": f"/api/workers/oof/{NO_SUCH_ID}/0",
}


@pytest.mark.parametrize("credential", [None, "Bearer not-a-real-token"], ids=["none", "unknown"])
@pytest.mark.parametrize("label", sorted(UPLOAD_PATHS))
def test_unknown_caller_gets_401_before_the_upload_is_read(live: Live, label: str, credential: str | None) -> None:
    method, path = label.split(" ", 1)[0], UPLOAD_PATHS[label]
    body, content_type = multipart_file(50 * MB)
    headers = {"Content-Type": content_type} | ({"Authorization": credential} if credential else {})
    read_before = live.counter.read
    answer = send_until_answered(live.port, method, path, headers, body)
    assert answer.status == 401, answer.body[:300]
    assert answer.headers["www-authenticate"] == "Bearer"
    assert isinstance(answer.json()["detail"], str) and answer.json()["detail"]
    # The app never asked for a byte of the body, and the answer came while the client was still sending.
    assert live.counter.read == read_before
    assert answer.sent < MAX_SENT_BEFORE_ANSWER, f"{answer.sent:,} bytes went out before the answer"


def test_large_body_routes_are_exactly_the_file_routes(live: Live) -> None:
    """Every route whose documented body is a file is in LARGE_BODY_ROUTES, and nothing else is."""
    app = create_app(live.settings, with_pool=False)
    files = set()
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if {"multipart/form-data", "application/octet-stream"} & set(content):
                files.add(f"{method.upper()} {path}")
    assert files == {f"{route.method} {route.path}" for route in LARGE_BODY_ROUTES}
    for route in LARGE_BODY_ROUTES:
        assert large_body_route(route.method, UPLOAD_PATHS[f"{route.method} {route.path}"]) == route


def test_signed_in_upload_still_works(client: httpx.Client) -> None:
    path = dataset_path("iris.csv")
    response = client.post("/api/datasets/upload", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 201, response.text
    assert response.json()["n_rows"] == 150


def test_worker_with_a_join_token_gets_past_the_check(client: httpx.Client) -> None:
    """The OOF upload takes a join token, not a user's credential; with one, the route itself answers."""
    token = client.post("/api/workers/tokens", json={"name": "bodies"}).json()["token"]
    body = b"\x93NUMPY"
    response = httpx.put(
        f"{client.base_url}/api/workers/oof/{NO_SUCH_ID}/0",
        content=body,
        headers={"Authorization": f"Bearer {token}", "X-Content-SHA256": hashlib.sha256(body).hexdigest()},
    )
    # Past the credential check, the route's own checks answer (the trial's capability, the job): anything but 401.
    assert response.status_code in {403, 404, 409}, response.text


def test_signed_in_upload_over_the_limit_is_413_naming_the_setting(live: Live, client: httpx.Client) -> None:
    body, content_type = multipart_file((UPLOAD_LIMIT_MB + 1) * MB)
    headers = {"Content-Type": content_type, "Authorization": client.headers["Authorization"]}
    answer = send_until_answered(live.port, "POST", "/api/datasets/upload", headers, body)
    assert answer.status == 413
    assert "MAX_UPLOAD_SIZE_MB" in answer.json()["detail"]


def test_a_2_mb_json_body_is_413_before_it_is_read(live: Live) -> None:
    body = b'{"username": "' + b"a" * (2 * MB) + b'", "password": "x"}'
    read_before = live.counter.read
    answer = send_until_answered(live.port, "POST", "/api/auth/login", {"Content-Type": "application/json"}, body)
    assert answer.status == 413
    assert answer.json() == {
        "detail": "the request body is larger than the limit of 1024 kB (MAX_REQUEST_BODY_KB); "
        "send tables as a file to an upload endpoint"
    }
    assert live.counter.read == read_before and answer.seconds < 5


def test_a_chunked_body_is_stopped_at_the_limit(live: Live) -> None:
    """Without Content-Length the body is counted as it arrives: 413 once it passes the limit, not after all."""
    chunk = 64 * 1024
    read_before = live.counter.read
    response = httpx.post(
        f"{live.url}/api/auth/login",
        content=(b"a" * chunk for _ in range(16 * MB // chunk)),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert "MAX_REQUEST_BODY_KB" in response.json()["detail"]
    # The limit plus what one read from the socket brings in; far from the 16 MB sent.
    assert live.counter.read - read_before < 2 * MB


def test_a_422_never_echoes_the_input(live: Live) -> None:
    secret = "s3cr3t-" + "x" * 500_000
    response = httpx.post(f"{live.url}/api/auth/login", json={"username": secret, "password": "pw"}, timeout=30)
    assert response.status_code == 422
    assert len(response.content) < 2000
    assert "s3cr3t" not in response.text and "xxxxxxxxxx" not in response.text
    [error] = response.json()["detail"]
    assert error == {
        "loc": ["body", "username"],
        "msg": "String should have at most 64 characters",
        "type": "string_too_long",
    }


def test_text_from_the_request_in_loc_or_msg_is_clipped() -> None:
    """A user's dict key can land in `loc`, and a custom validator's message may quote the value: both are cut."""
    error = {
        "loc": ("body", "rows", 0, "k" * 100_000),
        "msg": "Value error, unknown name " + "v" * 100_000 + "\ud800",
        "type": "value_error",
        "input": "v" * 100_000,
        "ctx": {"error": ValueError("v" * 100_000)},
    }
    answer = field_error(error)
    assert set(answer) == {"loc", "msg", "type"}
    assert answer["loc"][:3] == ["body", "rows", 0] and len(answer["loc"][3]) < 200
    assert answer["msg"].startswith("Value error, unknown name vvv") and len(answer["msg"]) < 600
    assert len(json.dumps(answer)) < 1000
