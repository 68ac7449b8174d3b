"""Refresh tokens rotate: each is traded once for a new pair; a used one presented again revokes every token
refreshed from the same sign-in (its family), while the user's other sign-ins keep working."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from flowml.api.app import create_app
from flowml.auth.secret import KEY_FILE
from flowml.db.tables import RefreshToken
from flowml.services.context import AppContext
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client

pytestmark = pytest.mark.db

PASSWORD = "member-password-1"


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("flowml-refresh")
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(data_dir, url, LOGIN_RATE_PER_MINUTE=1000)
    with signed_in_client(create_app(settings, with_pool=False)) as client:
        yield client
    drop_test_database(dbname)


def new_member(admin: TestClient) -> str:
    username = f"u{uuid.uuid4().hex[:10]}"
    created = admin.post("/api/users", json={"username": username, "password": PASSWORD})
    assert created.status_code == 201, created.text
    return username


def login(client: TestClient, username: str) -> dict[str, Any]:
    response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def refresh(client: TestClient, token: str) -> Any:
    return client.post("/api/auth/refresh", json={"refresh_token": token})


def test_a_refresh_returns_a_new_refresh_token_and_uses_up_the_old_one(admin: TestClient) -> None:
    first = login(admin, new_member(admin))
    second = refresh(admin, first["refresh_token"])
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] != first["refresh_token"]
    assert admin.get("/api/auth/me", headers={"Authorization": f"Bearer {second.json()['access_token']}"}).is_success
    again = refresh(admin, first["refresh_token"])
    assert again.status_code == 401 and "already used" in again.json()["detail"]


def test_reusing_a_used_refresh_token_revokes_its_family_but_not_other_sign_ins(admin: TestClient) -> None:
    username = new_member(admin)
    laptop, phone = login(admin, username), login(admin, username)
    rotated = refresh(admin, laptop["refresh_token"]).json()["refresh_token"]
    assert refresh(admin, laptop["refresh_token"]).status_code == 401  # a copy of the used token comes back
    # ...so the whole laptop sign-in ends: the token its rightful holder has now is refused too.
    refused = refresh(admin, rotated)
    assert refused.status_code == 401 and "sign in again" in refused.json()["detail"].lower()
    # The phone signed in separately: its family is untouched, and goes on rotating.
    phone_next = refresh(admin, phone["refresh_token"])
    assert phone_next.status_code == 200
    assert refresh(admin, phone_next.json()["refresh_token"]).status_code == 200


def test_two_refreshes_racing_with_one_token_cannot_both_win(admin: TestClient) -> None:
    pair = login(admin, new_member(admin))
    with ThreadPoolExecutor(max_workers=2) as threads:
        answers = list(threads.map(lambda _: refresh(admin, pair["refresh_token"]), range(2)))
    assert sorted(a.status_code for a in answers) == [200, 401]
    winner = next(a for a in answers if a.status_code == 200).json()["refresh_token"]
    assert refresh(admin, winner).status_code == 401  # one of the two was a copy: the family is revoked


def test_a_refresh_token_without_a_row_is_refused(admin: TestClient) -> None:
    """A validly signed refresh token the server has no record of (issued before rotation, or its family revoked)."""
    pair = login(admin, new_member(admin))
    key = (Path(admin.app.state.settings.DATA_DIR) / KEY_FILE).read_text()
    claims = jwt.decode(pair["refresh_token"], key, algorithms=["HS256"], issuer="flowml")
    unknown = jwt.encode({**claims, "jti": uuid.uuid4().hex}, key, algorithm="HS256")
    assert refresh(admin, unknown).status_code == 401


async def _count_tokens(ctx: AppContext) -> int:
    async with ctx.sessions() as session:
        return (await session.exec(select(func.count()).select_from(RefreshToken))).one()


def test_rows_of_expired_refresh_tokens_are_deleted_at_the_next_sign_in(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    # 0.00002 days: tokens live under 2 s.
    settings = make_settings(tmp_path, url, LOGIN_RATE_PER_MINUTE=1000, REFRESH_TOKEN_DAYS=0.00002)
    try:
        with signed_in_client(create_app(settings, with_pool=False)) as client:
            username = new_member(client)
            for _ in range(3):
                login(client, username)
            ctx = client.app.state.ctx
            assert client.portal.call(_count_tokens, ctx) >= 3
            time.sleep(2.0)
            login(client, username)
            assert client.portal.call(_count_tokens, ctx) == 1
    finally:
        drop_test_database(dbname)
