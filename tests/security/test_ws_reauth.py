"""Open WebSockets are authorised again at every heartbeat, with the HTTP check: a socket closes with 4401 once its
credential stops working (sign-out everywhere, new password, revoked key, deactivation) and with 4403 once the user
may no longer follow its events (an admin demoted, a job given to another owner), within about one heartbeat."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from flowml.api.app import create_app
from flowml.core.settings import Settings
from flowml.db.tables import JobStatus
from tests.api.conftest import make_settings
from tests.conftest import bearer, drop_test_database, make_test_database_url, signed_in_client
from tests.security.rows import insert_job, update_job

pytestmark = pytest.mark.db

HEARTBEAT_SECONDS = 0.2
# How long a socket may outlive its rights here: a few heartbeats, for a loaded test machine.
CLOSE_WITHIN_SECONDS = 3.0
PASSWORD = "member-password-1"


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("flowml-ws-reauth")
    url, dbname = make_test_database_url(data_dir)
    settings: Settings = make_settings(
        data_dir, url, WS_HEARTBEAT_SECONDS=HEARTBEAT_SECONDS, LOGIN_RATE_PER_MINUTE=1000
    )
    with signed_in_client(create_app(settings, with_pool=False)) as client:
        yield client
    drop_test_database(dbname)


@dataclass(frozen=True)
class Account:
    user_id: str
    access: str
    key: str
    key_id: str


def account(admin: TestClient, role: str = "member") -> Account:
    username = f"u{uuid.uuid4().hex[:10]}"
    created = admin.post("/api/users", json={"username": username, "password": PASSWORD, "role": role})
    assert created.status_code == 201, created.text
    access = admin.post("/api/auth/login", json={"username": username, "password": PASSWORD}).json()["access_token"]
    key = admin.post("/api/auth/keys", json={"name": "ws"}, headers=bearer(access)).json()
    return Account(created.json()["id"], access, key["key"], key["id"])


def own_job(admin: TestClient, owner: Account) -> str:
    job_id: str = admin.portal.call(insert_job, admin.app.state.ctx, owner.user_id, JobStatus.RUNNING)
    return job_id


def close_code(socket: WebSocketTestSession) -> int:
    """The code the server closes the socket with, reading heartbeats meanwhile; fails if it stays open too long."""
    deadline = time.monotonic() + CLOSE_WITHIN_SECONDS
    while time.monotonic() < deadline:
        try:
            message = socket.receive_json()
        except WebSocketDisconnect as closed:
            return closed.code
        assert message["type"] == "heartbeat", message
    pytest.fail(f"the socket was still open {CLOSE_WITHIN_SECONDS} s after its rights changed")


def sign_out_everywhere(admin: TestClient, who: Account) -> None:
    assert admin.post("/api/auth/logout", headers=bearer(who.access)).status_code == 204


def change_password(admin: TestClient, who: Account) -> None:
    body = {"current_password": PASSWORD, "new_password": "another-password-2"}
    assert admin.post("/api/auth/password", json=body, headers=bearer(who.access)).status_code == 204


def revoke_key(admin: TestClient, who: Account) -> None:
    assert admin.delete(f"/api/auth/keys/{who.key_id}", headers=bearer(who.key)).status_code == 204


def deactivate(admin: TestClient, who: Account) -> None:
    assert admin.patch(f"/api/users/{who.user_id}", json={"is_active": False}).status_code == 200


Change = Callable[[TestClient, Account], None]


@pytest.mark.parametrize(
    ("change", "credential"),
    [(sign_out_everywhere, "access"), (change_password, "access"), (revoke_key, "key"), (deactivate, "key")],
    ids=["signed-out-everywhere", "new-password", "key-revoked", "deactivated"],
)
def test_a_job_socket_closes_with_4401_once_its_credential_stops_working(
    admin: TestClient, change: Change, credential: str
) -> None:
    member = account(admin)
    job_id = own_job(admin, member)
    token = member.access if credential == "access" else member.key
    with admin.websocket_connect(f"/ws/jobs/{job_id}", subprotocols=["flowml.bearer", token]) as socket:
        assert socket.receive_json()["type"] == "heartbeat"  # admitted, and still allowed at the first re-check
        change(admin, member)
        assert close_code(socket) == 4401


def test_a_job_socket_closes_with_4403_once_the_job_has_another_owner(admin: TestClient) -> None:
    member, other = account(admin), account(admin)
    job_id = own_job(admin, member)
    with admin.websocket_connect(f"/ws/jobs/{job_id}", headers=bearer(member.key)) as socket:
        assert socket.receive_json()["type"] == "heartbeat"
        admin.portal.call(update_job, admin.app.state.ctx, job_id, {"owner_id": other.user_id})
        assert close_code(socket) == 4403


def test_the_every_job_socket_closes_with_4403_once_its_admin_is_demoted(admin: TestClient) -> None:
    second_admin = account(admin, role="admin")
    with admin.websocket_connect("/ws", headers=bearer(second_admin.key)) as socket:
        assert socket.receive_json()["type"] == "heartbeat"
        assert admin.patch(f"/api/users/{second_admin.user_id}", json={"role": "member"}).status_code == 200
        assert close_code(socket) == 4403


def test_a_socket_whose_rights_did_not_change_stays_open(admin: TestClient) -> None:
    member = account(admin)
    job_id = own_job(admin, member)
    with admin.websocket_connect(f"/ws/jobs/{job_id}", subprotocols=["flowml.bearer", member.access]) as socket:
        started = time.monotonic()
        beats: list[Any] = [socket.receive_json() for _ in range(5)]
        assert [b["type"] for b in beats] == ["heartbeat"] * 5
        assert time.monotonic() - started < 5 * HEARTBEAT_SECONDS + CLOSE_WITHIN_SECONDS  # on the configured beat
