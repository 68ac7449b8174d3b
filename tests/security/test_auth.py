"""Authentication and roles, through the real app: every route refuses a caller without credentials, members see
only their own datasets, jobs and models, admins alone manage users, workers and join tokens, and tokens stop
working when they should (expiry, sign-out, new password, deactivation, revoked key)."""

from __future__ import annotations

import os
import pty
import re
import select
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from loguru import logger
from starlette.websockets import WebSocketDisconnect

from flowml.api.app import create_app
from flowml.auth.secret import KEY_FILE
from flowml.core.settings import Settings
from tests.api.conftest import make_settings, upload, wait_final
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    api_key_for,
    bearer,
    dataset_path,
    drop_test_database,
    make_test_database_url,
    signed_in_client,
)

pytestmark = pytest.mark.db

# What answers without credentials: the health check and the ways to get credentials.
PUBLIC = {
    "GET /health",
    "POST /api/auth/login",
    "POST /api/auth/refresh",
    "GET /api/auth/providers",
    "GET /api/auth/oidc/{provider}/login",
    "GET /api/auth/oidc/{provider}/callback",
    "POST /api/auth/oidc/exchange",  # a one-time sign-in code is the credential (tests/security/test_login_csrf.py)
}
MEMBER_PASSWORD = "member-password-1"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("flowml-auth")
    url, dbname = make_test_database_url(data_dir)
    yield make_settings(data_dir, url, LOGIN_RATE_PER_MINUTE=1000)
    drop_test_database(dbname)


@pytest.fixture(scope="module")
def admin(settings: Settings) -> Iterator[TestClient]:
    with signed_in_client(create_app(settings)) as client:
        yield client


@contextmanager
def signed_out(admin: TestClient) -> Iterator[TestClient]:
    """The same client and running app, sending no credentials until the block ends."""
    key = admin.headers.pop("Authorization")
    try:
        yield admin
    finally:
        admin.headers["Authorization"] = key


@pytest.fixture
def nobody(admin: TestClient) -> Iterator[TestClient]:
    with signed_out(admin) as client:
        yield client


def new_member(admin: TestClient, username: str) -> dict[str, str]:
    created = admin.post("/api/users", json={"username": username, "password": MEMBER_PASSWORD, "role": "member"})
    assert created.status_code == 201, created.text
    return bearer(api_key_for(admin, username, MEMBER_PASSWORD))


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "0" * 32), path)


@pytest.fixture(scope="module")
def trained(admin: TestClient) -> dict[str, Any]:
    """A member ('alice') with a dataset, a finished job and its model, all made through the API."""
    alice = new_member(admin, "alice")
    with dataset_path("titanic.csv").open("rb") as handle:
        dataset = admin.post("/api/datasets/upload", files={"file": ("titanic.csv", handle)}, headers=alice).json()
    body = {
        "dataset_id": dataset["id"],
        "target_column": "survived",
        "time_budget": 0.2,
        "max_trials": 2,
        "n_folds": 3,
        "algorithms": ["logistic_regression"],
    }
    started = admin.post("/api/training/start", json=body, headers=alice)
    assert started.status_code == 201, started.text
    job = wait_final(admin, started.json()["id"], timeout=90)
    assert job["status"] == "completed", job
    return {"alice": alice, "dataset": dataset, "job": job, "model_id": job["model_id"]}


def test_every_route_in_the_schema_refuses_a_caller_without_credentials(
    trained: dict[str, Any], nobody: TestClient
) -> None:
    schema = nobody.get("/openapi.json").json()
    # Real ids, so a 401 cannot be a 404 in disguise.
    ids = {
        "dataset_id": trained["dataset"]["id"],
        "job_id": trained["job"]["id"],
        "model_id": trained["model_id"],
        "sha256": trained["dataset"]["sha256"],
        "trial_number": "0",
        "provider": "none",
    }
    client = nobody
    walked, open_routes = [], []
    for path, item in schema["paths"].items():
        for method in item:
            label = f"{method.upper()} {path}"
            if label in PUBLIC:
                continue
            for headers in ({}, bearer("not-a-token"), bearer("fml_not-a-key"), {"Authorization": "Basic YTpi"}):
                response = client.request(method.upper(), fill(path, ids), headers=headers)
                if response.status_code != 401:
                    open_routes.append((label, headers, response.status_code, response.text[:200]))
            walked.append(label)
    assert not open_routes, open_routes
    assert len(walked) >= 40, walked  # every operation but the public ones, not a handful
    assert set(PUBLIC) - {"GET /api/auth/oidc/{provider}/login", "GET /api/auth/oidc/{provider}/callback"} <= {
        f"{m.upper()} {p}" for p, item in schema["paths"].items() for m in item
    }


def test_a_401_says_how_to_authenticate(nobody: TestClient) -> None:
    response = nobody.get("/api/datasets")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "sign in" in response.json()["detail"].lower()


def test_health_and_login_need_no_credentials(nobody: TestClient) -> None:
    client = nobody
    assert client.get("/health").status_code == 200
    assert client.post("/api/auth/login", json={"username": "admin", "password": "wrong-password"}).status_code == 401
    assert client.get("/api/auth/providers").json() == []


@pytest.mark.parametrize("path", ["/ws", "/ws/jobs/" + "0" * 32])
def test_websockets_refuse_a_caller_without_credentials(nobody: TestClient, path: str) -> None:
    client = nobody
    for subprotocols in ([], ["flowml.bearer", "not-a-token"]):
        with (
            client.websocket_connect(path, subprotocols=subprotocols) as socket,
            pytest.raises(WebSocketDisconnect) as closed,
        ):
            socket.receive_json()
        assert closed.value.code == 4401


def test_a_member_cannot_reach_another_members_dataset_job_or_model(admin: TestClient, trained: dict[str, Any]) -> None:
    bob = new_member(admin, "bob")
    dataset_id, job_id, model_id = trained["dataset"]["id"], trained["job"]["id"], trained["model_id"]
    for method, path, body in [
        ("GET", f"/api/datasets/{dataset_id}", None),
        ("GET", f"/api/datasets/{dataset_id}/preview", None),
        ("GET", f"/api/datasets/{dataset_id}/stats", None),
        ("DELETE", f"/api/datasets/{dataset_id}", None),
        ("GET", f"/api/training/jobs/{job_id}", None),
        ("POST", f"/api/training/jobs/{job_id}/cancel", None),
        ("GET", f"/api/results/job/{job_id}/trials", None),
        ("GET", f"/api/results/job/{job_id}/leaderboard", None),
        ("GET", f"/api/logs/jobs/{job_id}", None),
        ("GET", f"/api/results/model/{model_id}", None),
        ("GET", f"/api/results/model/{model_id}/download", None),
        ("GET", f"/api/results/model/{model_id}/onnx", None),
        ("POST", f"/api/results/model/{model_id}/predict", {"row": {"pclass": 1, "sex": "female"}}),
        ("POST", "/api/training/start", {"dataset_id": dataset_id, "target_column": "survived"}),
    ]:
        response = admin.request(method, path, json=body, headers=bob)
        # The same answer as for an id that does not exist: bob learns nothing, not even that it exists.
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert "not found" in response.json()["detail"]
    assert admin.get("/api/datasets", headers=bob).json()["count"] == 0
    assert admin.get("/api/training/jobs", headers=bob).json()["count"] == 0
    assert admin.get("/api/results/models", headers=bob).json()["count"] == 0
    stats = admin.get("/api/stats", headers=bob).json()
    assert (stats["datasets"], stats["models"], stats["jobs"]["total"]) == (0, 0, 0)
    with (
        admin.websocket_connect(f"/ws/jobs/{job_id}?since=0", headers=bob) as socket,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        socket.receive_json()
    assert closed.value.code == 4404

    # Alice sees her own; the admin sees everyone's.
    alice = trained["alice"]
    assert [d["id"] for d in admin.get("/api/datasets", headers=alice).json()["items"]] == [dataset_id]
    assert admin.get(f"/api/results/model/{model_id}", headers=alice).status_code == 200
    assert admin.get(f"/api/datasets/{dataset_id}").status_code == 200
    assert dataset_id in {d["id"] for d in admin.get("/api/datasets").json()["items"]}
    with admin.websocket_connect(
        f"/ws/jobs/{job_id}?since=0", subprotocols=["flowml.bearer", alice_access(admin)]
    ) as s:
        assert s.accepted_subprotocol == "flowml.bearer"
        assert s.receive_json()["type"]


def alice_access(admin: TestClient) -> str:
    login = admin.post("/api/auth/login", json={"username": "alice", "password": MEMBER_PASSWORD})
    token: str = login.json()["access_token"]
    return token


def test_only_admins_manage_users_workers_tokens_and_read_the_server_log(admin: TestClient) -> None:
    carol = new_member(admin, "carol")
    for method, path, body in [
        ("GET", "/api/users", None),
        ("POST", "/api/users", {"username": "mallory", "password": "password-123", "role": "admin"}),
        ("GET", "/api/workers/tokens", None),
        ("POST", "/api/workers/tokens", {"name": "sneaky"}),
        ("DELETE", "/api/workers/tokens/" + "0" * 32, None),
        ("GET", "/api/logs", None),
    ]:
        response = admin.request(method, path, json=body, headers=carol)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["detail"] == "Only an admin can do this."
    # Reading the cluster is for everyone signed in.
    assert admin.get("/api/workers", headers=carol).status_code == 200
    assert admin.get("/api/cluster", headers=carol).status_code == 200
    with admin.websocket_connect("/ws", headers=carol) as socket, pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_json()
    assert closed.value.code == 4403
    assert admin.get("/api/logs").status_code == 200


def test_refresh_sign_out_and_new_password_end_tokens(admin: TestClient) -> None:
    admin.post("/api/users", json={"username": "dave", "password": MEMBER_PASSWORD})
    client = admin  # every request below names its own credentials
    pair = client.post("/api/auth/login", json={"username": "dave", "password": MEMBER_PASSWORD}).json()
    assert pair["token_type"] == "bearer" and pair["user"]["role"] == "member" and pair["expires_in"] == 900
    fresh = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert fresh.status_code == 200 and fresh.json()["access_token"] != pair["access_token"]
    # An access token is no refresh token, and the reverse.
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["access_token"]}).status_code == 401
    assert client.get("/api/auth/me", headers=bearer(pair["refresh_token"])).status_code == 401

    key = client.post("/api/auth/keys", json={"name": "script"}, headers=bearer(pair["access_token"])).json()
    assert client.post("/api/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    for token in (pair["access_token"], fresh.json()["access_token"]):
        assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.get("/api/auth/me", headers=bearer(key["key"])).status_code == 200  # keys outlive sign-out

    pair = client.post("/api/auth/login", json={"username": "dave", "password": MEMBER_PASSWORD}).json()
    wrong = client.post(
        "/api/auth/password",
        json={"current_password": "not-it", "new_password": "another-pass-2"},
        headers=bearer(pair["access_token"]),
    )
    assert wrong.status_code == 422 and wrong.json()["detail"] == "The current password is wrong."
    changed = client.post(
        "/api/auth/password",
        json={"current_password": MEMBER_PASSWORD, "new_password": "another-pass-2"},
        headers=bearer(pair["access_token"]),
    )
    assert changed.status_code == 204
    assert client.get("/api/auth/me", headers=bearer(pair["access_token"])).status_code == 401
    assert client.post("/api/auth/login", json={"username": "dave", "password": MEMBER_PASSWORD}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "dave", "password": "another-pass-2"}).status_code == 200

    # Revoking the key ends it.
    assert client.delete(f"/api/auth/keys/{key['id']}", headers=bearer(key["key"])).status_code == 204
    assert client.get("/api/auth/me", headers=bearer(key["key"])).status_code == 401


def test_a_deactivated_user_is_refused_at_the_next_request(admin: TestClient) -> None:
    erin = new_member(admin, "erin")
    assert admin.get("/api/auth/me", headers=erin).status_code == 200
    user_id = admin.get("/api/auth/me", headers=erin).json()["id"]
    assert admin.patch(f"/api/users/{user_id}", json={"is_active": False}).json()["is_active"] is False
    response = admin.get("/api/datasets", headers=erin)
    assert response.status_code == 401 and "deactivated" in response.json()["detail"]
    login = admin.post("/api/auth/login", json={"username": "erin", "password": MEMBER_PASSWORD})
    assert login.status_code == 401 and "deactivated" in login.json()["detail"]
    # She owns nothing, so she may be deleted; the last admin and yourself may not.
    assert admin.delete(f"/api/users/{user_id}").status_code == 204
    me = admin.get("/api/auth/me").json()
    assert admin.delete(f"/api/users/{me['id']}").status_code == 409
    demote = admin.patch(f"/api/users/{me['id']}", json={"role": "member"})
    assert demote.status_code == 409 and "last active admin" in demote.json()["detail"]


def test_a_user_who_owns_data_cannot_be_deleted(admin: TestClient, trained: dict[str, Any]) -> None:
    alice_id = admin.get("/api/auth/me", headers=trained["alice"]).json()["id"]
    response = admin.delete(f"/api/users/{alice_id}")
    assert response.status_code == 409 and "deactivate" in response.json()["detail"]


def test_usernames_are_unique_and_passwords_long_enough(admin: TestClient) -> None:
    assert admin.post("/api/users", json={"username": "admin", "password": "long-enough-1"}).status_code == 409
    short = admin.post("/api/users", json={"username": "frank", "password": "short"})
    assert short.status_code == 422


def test_tokens_are_signed_expire_and_cannot_be_forged(admin: TestClient, settings: Settings) -> None:
    client = admin  # every request below names its own credentials
    pair = client.post("/api/auth/login", json={"username": "admin", "password": TEST_ADMIN_PASSWORD}).json()
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    forged = jwt.encode({**claims, "exp": int(time.time()) + 3600}, "guessed-key", algorithm="HS256")
    unsigned = jwt.encode({**claims}, None, algorithm="none")
    for token in (forged, unsigned, pair["access_token"][:-4] + "AAAA"):
        assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    key = (Path(settings.DATA_DIR) / KEY_FILE).read_text()
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, key, algorithm="HS256")
    response = client.get("/api/auth/me", headers=bearer(expired))
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_the_signing_key_is_generated_once_and_kept_private(settings: Settings, admin: TestClient) -> None:
    path = Path(settings.DATA_DIR) / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text()) >= 48


def test_login_is_rate_limited(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    try:
        app = create_app(make_settings(tmp_path, url, LOGIN_RATE_PER_MINUTE=3), with_pool=False)
        with TestClient(app) as client:
            answers = [
                client.post("/api/auth/login", json={"username": "admin", "password": "guess-number"}).status_code
                for _ in range(5)
            ]
            assert answers[:3] == [401, 401, 401] and answers[3:] == [429, 429]
            limited = client.post("/api/auth/login", json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
            assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    finally:
        drop_test_database(dbname)


def test_off_a_terminal_the_generated_admin_password_goes_to_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """systemd, Docker, `flowml server > log`: stderr lands in a log kept for months, so the password must not."""
    monkeypatch.delenv("FLOWML_ADMIN_PASSWORD", raising=False)
    url, dbname = make_test_database_url(tmp_path)
    log_file = tmp_path / "server.log"
    sink = logger.add(log_file, format="{message}")  # what the server's log file (or the journal) would get
    try:
        settings = make_settings(tmp_path, url)
        assert settings.ADMIN_PASSWORD is None
        with TestClient(create_app(settings, with_pool=False)) as client:
            password_file = tmp_path / "initial-admin-password"
            password = password_file.read_text().strip()
            assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
            login = client.post("/api/auth/login", json={"username": "admin", "password": password})
            assert login.status_code == 200 and login.json()["user"]["role"] == "admin"
            printed, logged = capsys.readouterr().err, log_file.read_text()
            assert password not in printed and password not in logged
            assert str(password_file) in logged and "not printed" in logged
            # Once the admin picks a password of their own, the file is a stale secret: it goes.
            changed = client.post(
                "/api/auth/password",
                json={"current_password": password, "new_password": "admins-own-password-1"},
                headers=bearer(login.json()["access_token"]),
            )
            assert changed.status_code == 204 and not password_file.exists()
        with TestClient(create_app(settings, with_pool=False)):
            assert not password_file.exists()  # the next start writes nothing: the admin exists
    finally:
        logger.remove(sink)
        drop_test_database(dbname)


def test_on_a_terminal_the_generated_admin_password_is_shown_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone watching `flowml up` in a terminal sees the box, and no file is left behind. A real pseudo-terminal."""
    monkeypatch.delenv("FLOWML_ADMIN_PASSWORD", raising=False)
    url, dbname = make_test_database_url(tmp_path)
    log_file = tmp_path / "server.log"
    sink = logger.add(log_file, format="{message}")
    controller, terminal_fd = pty.openpty()
    terminal = os.fdopen(terminal_fd, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    try:
        with TestClient(create_app(make_settings(tmp_path, url), with_pool=False)) as client:
            terminal.flush()
            shown = _read_terminal(controller)
            found = re.search(r"password: (\S+)", shown)
            assert found and "shown once" in shown, shown
            login = client.post("/api/auth/login", json={"username": "admin", "password": found.group(1)})
            assert login.status_code == 200
        assert not (tmp_path / "initial-admin-password").exists()
        assert found.group(1) not in log_file.read_text()  # the console only, never the log
    finally:
        logger.remove(sink)
        monkeypatch.undo()
        terminal.close()
        os.close(controller)
        drop_test_database(dbname)


def _read_terminal(controller: int) -> str:
    chunks = []
    while select.select([controller], [], [], 0.5)[0]:
        chunks.append(os.read(controller, 65536))
    return b"".join(chunks).decode(errors="replace")


def test_a_short_admin_password_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 8 characters"):
        make_settings(tmp_path, "sqlite+aiosqlite:///unused.db", ADMIN_PASSWORD="short")


def test_rows_from_before_accounts_belong_to_the_first_admin(tmp_path: Path) -> None:
    """An upgrade from a version without users: datasets with no owner become the first admin's."""
    url, dbname = make_test_database_url(tmp_path)
    try:
        settings = make_settings(tmp_path, url)
        with signed_in_client(create_app(settings, with_pool=False)) as client:
            assert upload(client, dataset_path("iris.csv")).status_code == 201
            me = client.get("/api/auth/me").json()
        _forget_owners_and_users(settings)
        with signed_in_client(create_app(settings, with_pool=False)) as client:
            items = client.get("/api/datasets").json()["items"]
            new_admin = client.get("/api/auth/me").json()
            assert new_admin["id"] != me["id"] and len(items) == 1
        assert _owners(settings) == {new_admin["id"]}
    finally:
        drop_test_database(dbname)


def _forget_owners_and_users(settings: Settings) -> None:
    import asyncio

    from sqlalchemy import text

    from flowml.db.engine import create_engine

    async def run() -> None:
        engine = create_engine(settings)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE datasets SET owner_id = NULL"))
            await conn.execute(text("DELETE FROM api_keys"))
            await conn.execute(text("DELETE FROM users"))
        await engine.dispose()

    asyncio.run(run())


def _owners(settings: Settings) -> set[str | None]:
    import asyncio

    from sqlalchemy import text

    from flowml.db.engine import create_engine

    async def run() -> set[str | None]:
        engine = create_engine(settings)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT owner_id FROM datasets"))).all()
        await engine.dispose()
        return {row[0] for row in rows}

    return asyncio.run(run())
