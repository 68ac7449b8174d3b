"""DNS rebinding: a server on loopback answers only Host headers that name this machine or a configured host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from flowml.api.app import create_app
from flowml.api.trusted_hosts import TrustedHostMiddleware, host_allowed, host_name
from flowml.core.settings import Settings
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url
from tests.security.live_asgi import serve


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """FlowML as `flowml up` runs it by default: bound to 127.0.0.1, ALLOWED_HOSTS unset."""
    data_dir = tmp_path_factory.mktemp("hosts")
    url, dbname = make_test_database_url(data_dir)
    try:
        with serve(create_app(make_settings(data_dir, url), with_pool=False)) as bound:
            yield bound
    finally:
        drop_test_database(dbname)


def _health(port: int, host: str) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{port}/health", headers={"Host": host}, timeout=30)


@pytest.mark.db
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_is_refused_on_a_loopback_server(port: int, host: str) -> None:
    response = _health(port, host.format(port=port))
    assert response.status_code == 400
    assert "ALLOWED_HOSTS" in response.json()["detail"]


@pytest.mark.db
@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.2"])
def test_loopback_hosts_are_answered(port: int, host: str) -> None:
    assert _health(port, host.format(port=port)).status_code == 200


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
        ("FlowML.Example.com.", "flowml.example.com"),
        ("evil.example@127.0.0.1", None),
        ("127.0.0.1/evil", None),
        ("::1", None),
        ("[::1", None),
        ("", None),
    ],
)
def test_host_header_parsing(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_wildcard_patterns_match_subdomains_only() -> None:
    patterns = frozenset({"*.example.com", "flowml.lan"})
    assert host_allowed("a.example.com", patterns) and host_allowed("flowml.lan", patterns)
    assert not host_allowed("example.com.evil", patterns) and not host_allowed("badexample.com", patterns)


def _settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(_env_file=None, DATA_DIR=tmp_path, **values)


def test_default_patterns_follow_the_bind_address(tmp_path: Path) -> None:
    assert _settings(tmp_path).host_patterns() == frozenset({"127.0.0.1"})
    assert _settings(tmp_path, ENVIRONMENT="test").host_patterns() == frozenset({"127.0.0.1", "testserver"})
    # On the network the server is reached under names it cannot guess: any, until ALLOWED_HOSTS says.
    assert _settings(tmp_path, HOST="0.0.0.0").host_patterns() is None
    assert _settings(tmp_path, HOST="192.168.1.5").host_patterns() is None
    assert _settings(tmp_path, HOST="0.0.0.0", ALLOWED_HOSTS="*").host_patterns() is None


def test_configured_hosts_and_public_url(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, HOST="0.0.0.0", ALLOWED_HOSTS="FlowML.example.com, *.lan", PUBLIC_URL="https://ml.example.org"
    )
    assert settings.host_patterns() == frozenset({"flowml.example.com", "*.lan", "ml.example.org"})
    # A specific address is the one workers dial, so it is always answered.
    assert _settings(tmp_path, HOST="10.0.0.7", ALLOWED_HOSTS="flowml.lan").host_patterns() == frozenset(
        {"flowml.lan", "10.0.0.7"}
    )


def _echo_app(patterns: frozenset[str] | None) -> TrustedHostMiddleware:
    async def ok(_request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return TrustedHostMiddleware(Starlette(routes=[Route("/", ok), WebSocketRoute("/ws", ws)]), patterns=patterns)


def test_websockets_are_checked_too() -> None:
    client = TestClient(_echo_app(frozenset({"flowml.lan"})))
    with pytest.raises(WebSocketDisconnect) as refused:
        client.websocket_connect("/ws", headers={"host": "evil.example"}).__enter__()
    assert refused.value.code == 1008
    with client.websocket_connect("/ws", headers={"host": "flowml.lan"}) as accepted:
        assert accepted.receive_text() == "hello"


def test_no_patterns_answers_every_host() -> None:
    assert TestClient(_echo_app(None), base_url="http://anything.example").get("/").text == "ok"
