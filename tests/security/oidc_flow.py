"""FlowML with two sign-in providers (a real OIDC issuer and a GitHub of its own, tests/security/oidc_provider.py),
and what a browser and the dashboard's login page do with them: follow the redirects by hand, read /login#code=...,
and trade the code with the browser's cookie. FlowML's calls to the providers are real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client
from tests.security.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

EXCHANGE = "/api/auth/oidc/exchange"


@contextmanager
def flowml_with_providers(data_dir: Path, provider: Provider, github: Provider) -> Iterator[TestClient]:
    """The app, signed in as the test admin (an API key header), with providers `corp` (OIDC) and `gh` (GitHub)."""
    url, dbname = make_test_database_url(data_dir)
    providers: list[dict[str, Any]] = [
        {
            "name": "corp",
            "label": "Sign in with Corp SSO",
            "issuer": provider.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "allowed_domains": ["corp.example"],
        },
        {
            "name": "gh",
            "kind": "github",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "github_url": github.url,
            "github_api_url": f"{github.url}/api/v3",
            "allowed_domains": ["corp.example"],
        },
    ]
    settings = make_settings(data_dir, url, OIDC_PROVIDERS=providers, LOGIN_RATE_PER_MINUTE=1000)
    try:
        with signed_in_client(create_app(settings, with_pool=False)) as client:
            yield client
    finally:
        drop_test_database(dbname)


def fragment(response: httpx.Response) -> dict[str, str]:
    """The fragment of the page a redirect points to, decoded as the dashboard decodes it."""
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).fragment).items()}


def back_from_provider(client: TestClient, start: httpx.Response, page: str = "/login") -> dict[str, str]:
    """Follow FlowML's redirect to the provider and the provider's back to FlowML's callback: the fragment of the
    dashboard page the callback sends the browser to (`code` or `error`, or `linked` on the Account page)."""
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code in (302, 307), at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert back.path.startswith("/api/auth/oidc/") and back.path.endswith("/callback")
    done = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert done.status_code == 303, done.text
    assert urlsplit(done.headers["location"]).path == page
    return fragment(done)


def code_from_provider(client: TestClient, next_path: str = "/", name: str = "corp") -> dict[str, str]:
    """A browser's trip out to the provider and back: the /login fragment (a `code`, or an `error`)."""
    start = client.get(f"/api/auth/oidc/{name}/login", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    return back_from_provider(client, start)


def exchange(client: TestClient, code: str) -> httpx.Response:
    """What the login page does with the code: POST it, the browser adding its cookies."""
    return client.post(EXCHANGE, json={"code": code})


def sign_in_at_provider(client: TestClient, next_path: str = "/", name: str = "corp") -> dict[str, Any]:
    """The whole sign-in: the exchange's answer (tokens, user, next), or the login page's `error`."""
    landed = code_from_provider(client, next_path, name)
    if "code" not in landed:
        return landed
    answer = exchange(client, landed["code"])
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result
