"""Sign-in with an outside account, end to end against a real OIDC provider on a loopback port
(tests/security/oidc_provider.py): the browser's redirects are followed by hand, FlowML's calls to the provider
(discovery, token, keys) are real HTTP, and the login page's trade of the one-time code is a real POST
(tests/security/oidc_flow.py; the code's own defences are in test_login_csrf.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from tests.api.conftest import make_settings
from tests.conftest import TEST_ADMIN_PASSWORD, bearer, drop_test_database, make_test_database_url
from tests.security.oidc_flow import (
    back_from_provider,
    flowml_with_providers,
    fragment,
    sign_in_at_provider,
)
from tests.security.oidc_provider import Person, Provider, running_github, running_provider

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def github() -> Iterator[Provider]:
    with running_github() as running:
        yield running


@pytest.fixture(scope="module")
def client(provider: Provider, github: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with flowml_with_providers(tmp_path_factory.mktemp("flowml-oidc"), provider, github) as test_client:
        yield test_client


def test_the_login_page_lists_the_providers(client: TestClient) -> None:
    assert client.get("/api/auth/providers").json() == [
        {"name": "corp", "label": "Sign in with Corp SSO", "login_url": "/api/auth/oidc/corp/login"},
        {"name": "gh", "label": "Sign in with Gh", "login_url": "/api/auth/oidc/gh/login"},
    ]


def test_github_signs_in_with_the_primary_verified_email(client: TestClient, github: Provider) -> None:
    github.person = Person(subject="583231", email="Octo@corp.example")
    result = sign_in_at_provider(client, name="gh")
    me = client.get("/api/auth/me", headers=bearer(result["access_token"])).json()
    assert (me["username"], me["role"]) == ("octo@corp.example", "member")
    # The identity is GitHub's user id: the next sign-in finds the same account.
    again = sign_in_at_provider(client, name="gh")
    assert client.get("/api/auth/me", headers=bearer(again["access_token"])).json()["id"] == me["id"]
    github.person = Person(subject="99", email="someone@corp.example", email_verified=False)
    refused = sign_in_at_provider(client, name="gh")
    assert "access_token" not in refused and "no verified email" in refused["error"]


def test_a_verified_email_in_an_allowed_domain_gets_a_member_account(client: TestClient, provider: Provider) -> None:
    provider.person = Person(subject="u-1001", email="Ada@corp.example")
    result = sign_in_at_provider(client, next_path="/models")
    assert result["next"] == "/models" and int(result["expires_in"]) == 900
    me = client.get("/api/auth/me", headers=bearer(result["access_token"])).json()
    assert (me["username"], me["role"]) == ("ada@corp.example", "member")
    # The same identity signs in to the same account, and the refresh token works like a password login's.
    again = sign_in_at_provider(client)
    assert client.get("/api/auth/me", headers=bearer(again["access_token"])).json()["id"] == me["id"]
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": again["refresh_token"]})
    assert refreshed.status_code == 200


def test_an_admin_created_user_is_linked_at_first_sign_in(client: TestClient, provider: Provider) -> None:
    created = client.post("/api/users", json={"username": "grace@partner.example", "password": "unused-pass-1"})
    assert created.status_code == 201
    provider.person = Person(subject="u-2002", email="grace@partner.example")
    result = sign_in_at_provider(client)
    assert client.get("/api/auth/me", headers=bearer(result["access_token"])).json()["id"] == created.json()["id"]


@pytest.mark.parametrize(
    ("person", "words"),
    [
        (Person(subject="u-3003", email="eve@elsewhere.example"), "No FlowML account for eve@elsewhere.example"),
        (Person(subject="u-4004", email="mallory@corp.example", email_verified=False), "no verified email"),
    ],
)
def test_others_are_refused_with_a_reason(client: TestClient, provider: Provider, person: Person, words: str) -> None:
    provider.person = person
    result = sign_in_at_provider(client)
    assert "access_token" not in result and words in result["error"]


def test_a_forged_id_token_is_refused(client: TestClient, provider: Provider) -> None:
    provider.person = Person(subject="u-1001", email="ada@corp.example")
    provider.sign_with_unpublished_key = True
    try:
        result = sign_in_at_provider(client)
    finally:
        provider.sign_with_unpublished_key = False
    assert "access_token" not in result and "did not verify" in result["error"]


def test_a_callback_without_the_flow_cookie_or_with_another_state_is_refused(
    client: TestClient, provider: Provider
) -> None:
    provider.person = Person(subject="u-1001", email="ada@corp.example")
    start = client.get("/api/auth/oidc/corp/login", follow_redirects=False)
    back = urlsplit(httpx.get(start.headers["location"], follow_redirects=False).headers["location"])
    query = parse_qs(back.query)
    tampered = client.get(
        back.path, params={"code": query["code"][0], "state": "not-the-state"}, follow_redirects=False
    )
    assert "does not match" in fragment(tampered)["error"]
    client.cookies.clear()
    no_cookie = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert "start again" in fragment(no_cookie)["error"]


def test_an_admin_account_is_never_linked_by_email(client: TestClient, provider: Provider) -> None:
    """Whoever controls an address at the provider must not become admin because an admin is named after it."""
    created = client.post(
        "/api/users", json={"username": "root@corp.example", "password": "root-password-1", "role": "admin"}
    )
    assert created.status_code == 201, created.text
    provider.person = Person(subject="u-5005", email="root@corp.example")
    for _ in range(2):  # refused, and nothing was linked by trying
        refused = sign_in_at_provider(client)
        assert "access_token" not in refused
        assert "'root@corp.example' is an admin account" in refused["error"]
        assert "Sign in with your password, then link 'corp' on the Account page" in refused["error"]


def test_a_signed_in_admin_links_a_provider_and_then_signs_in_with_it(client: TestClient, provider: Provider) -> None:
    provider.person = Person(subject="u-6006", email="the-admin@corp.example")
    started = client.post("/api/auth/oidc/corp/link")  # as the test admin (the client's credentials)
    assert started.status_code == 200, started.text
    redirect = httpx.Response(302, headers={"location": started.json()["redirect_url"]})
    assert back_from_provider(client, redirect, page="/account") == {"linked": "corp"}
    result = sign_in_at_provider(client)
    me = client.get("/api/auth/me", headers=bearer(result["access_token"])).json()
    assert (me["username"], me["role"]) == ("admin", "admin")
    # The password still works: the link is one more way in, which the admin asked for.
    with_password = client.post("/api/auth/login", json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
    assert with_password.status_code == 200


def test_an_identity_linked_to_someone_else_cannot_be_linked_again(client: TestClient, provider: Provider) -> None:
    provider.person = Person(subject="u-1001", email="ada@corp.example")
    assert "access_token" in sign_in_at_provider(client)  # ada's member account holds this identity
    started = client.post("/api/auth/oidc/corp/link")
    redirect = httpx.Response(302, headers={"location": started.json()["redirect_url"]})
    refused = back_from_provider(client, redirect, page="/account")
    assert "linked to another FlowML user" in refused["error"]


def test_next_is_only_ever_a_path_on_this_site(client: TestClient, provider: Provider) -> None:
    provider.person = Person(subject="u-1001", email="ada@corp.example")
    assert sign_in_at_provider(client, next_path="https://evil.example/")["next"] == "/"
    assert sign_in_at_provider(client, next_path="//evil.example/")["next"] == "/"


def test_an_unknown_provider_is_404(client: TestClient) -> None:
    assert client.get("/api/auth/oidc/nope/login", follow_redirects=False).status_code == 404


def test_a_provider_that_does_not_answer_sends_the_user_back_with_the_reason(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    dead: dict[str, Any] = {
        "name": "down",
        "issuer": "http://127.0.0.1:9",  # discard port: nothing answers
        "client_id": "x",
        "client_secret": "y",
    }
    try:
        with TestClient(create_app(make_settings(tmp_path, url, OIDC_PROVIDERS=[dead]), with_pool=False)) as c:
            response = c.get("/api/auth/oidc/down/login", follow_redirects=False)
            assert response.status_code == 303
            assert "did not answer" in fragment(response)["error"]
    finally:
        drop_test_database(dbname)
