"""Login CSRF: an outside sign-in's way back carries a one-time code, never tokens, and the code is worth something
only once, within a minute, in the browser that started the sign-in (services/sign_in_codes.py). Against the real
app and a real OIDC provider on a loopback port; a "browser" is a cookie jar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select, update

from flowml.api.app import create_app
from flowml.db.tables import SignInCode, User
from flowml.db.types import utcnow
from flowml.services import sign_in_codes
from flowml.services.context import AppContext
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client
from tests.security.oidc_flow import EXCHANGE, code_from_provider, exchange, flowml_with_providers
from tests.security.oidc_provider import Person, Provider, running_github, running_provider

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        running.person = Person(subject="u-7007", email="ada@corp.example")
        yield running


@pytest.fixture(scope="module")
def client(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with running_github() as github, flowml_with_providers(tmp_path_factory.mktemp("csrf"), provider, github) as c:
        yield c


@pytest.fixture(autouse=True)
def fresh_browser(client: TestClient) -> None:
    client.cookies = httpx.Cookies()


def test_the_way_back_carries_a_one_time_code_never_tokens(client: TestClient) -> None:
    landed = code_from_provider(client)
    assert set(landed) == {"code"}, landed


def test_a_code_works_once_and_its_cookie_goes(client: TestClient) -> None:
    code = code_from_provider(client)["code"]
    first = exchange(client, code)
    assert first.status_code == 200, first.text
    assert first.json()["user"]["username"] == "ada@corp.example" and first.json()["next"] == "/"
    assert "flowml_oidc" not in client.cookies
    again = exchange(client, code)
    assert again.status_code == 401 and again.json()["detail"] == sign_in_codes.UNKNOWN


def test_a_code_without_the_browsers_sign_in_cookie_is_refused(client: TestClient) -> None:
    code = code_from_provider(client)["code"]
    own_cookies = httpx.Cookies(client.cookies)
    client.cookies = httpx.Cookies()  # the same code, sent from a browser that never started this sign-in
    refused = exchange(client, code)
    assert refused.status_code == 401 and refused.json()["detail"] == sign_in_codes.OTHER_BROWSER
    # Trying it elsewhere did not burn it: the browser that started the sign-in still can.
    client.cookies = own_cookies
    assert exchange(client, code).status_code == 200


def test_a_code_planted_in_another_browser_signs_nobody_in(client: TestClient) -> None:
    """The attack: sign in as yourself, stop before the trade, and send a victim /login#code=<yours>."""
    planted = code_from_provider(client)["code"]
    client.cookies = httpx.Cookies()  # the victim's browser, in the middle of a sign-in of its own
    client.get("/api/auth/oidc/corp/login", follow_redirects=False)
    assert "flowml_oidc" in client.cookies
    refused = exchange(client, planted)
    assert refused.status_code == 401 and refused.json()["detail"] == sign_in_codes.OTHER_BROWSER
    # The victim's browser after a sign-in of its own holds a binding too, but not the one of the planted code.
    own = code_from_provider(client)["code"]
    assert exchange(client, planted).status_code == 401
    assert exchange(client, own).status_code == 200


def test_an_expired_code_is_refused(client: TestClient) -> None:
    code = code_from_provider(client)["code"]
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    assert client.portal is not None
    client.portal.call(_expire_every_code, ctx)
    refused = exchange(client, code)
    assert refused.status_code == 401 and refused.json()["detail"] == sign_in_codes.EXPIRED
    assert exchange(client, code).json()["detail"] == sign_in_codes.UNKNOWN  # and it is gone


def test_with_oidc_off_the_exchange_refuses_everything(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    try:
        with signed_in_client(create_app(make_settings(tmp_path, url), with_pool=False)) as client:
            # Even a code that would be perfectly good: issued for a real user, with its browser's binding.
            ctx: AppContext = client.app.state.ctx
            issued = client.portal.call(_issue_for_admin, ctx)
            client.cookies.set("flowml_oidc", issued.binding, path="/api/auth/oidc")
            refused = client.post(EXCHANGE, json={"code": issued.code})
            assert refused.status_code == 404 and refused.json()["detail"] == sign_in_codes.OIDC_OFF
    finally:
        drop_test_database(dbname)


async def _expire_every_code(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await session.exec(update(SignInCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()


async def _issue_for_admin(ctx: AppContext) -> sign_in_codes.IssuedCode:
    async with ctx.sessions() as session:
        admin = (await session.exec(select(User).where(User.role == "admin"))).one()
    return await sign_in_codes.issue(ctx, admin.id, "/")
