"""Shared fixtures. Service-backed tests skip when the service is absent, and fail instead under CI=true."""

from __future__ import annotations

import atexit
import functools
import gzip
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any, Protocol

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Small real tables the tests use, shipped with the repository (sources in its README.md); the benchmark sets
# beside the checkout are for benchmarks only, since a user's clone has none.
DATASETS = FIXTURES / "datasets"

# Keep numeric libraries from fighting over the 2 cores the tests run on.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

# Every app and server the tests start creates its first admin with this password (Settings reads the environment,
# subprocesses inherit it), so any test can sign in. Tests of the first start itself override it.
TEST_ADMIN_USERNAME = "admin"
TEST_ADMIN_PASSWORD = "flowml-test-admin-password"
os.environ.setdefault("FLOWML_ADMIN_PASSWORD", TEST_ADMIN_PASSWORD)


class _Poster(Protocol):
    def post(self, url: str, *, json: Any = ..., headers: Any = ...) -> Any: ...


def api_key_for(client: _Poster, username: str = TEST_ADMIN_USERNAME, password: str = TEST_ADMIN_PASSWORD) -> str:
    """Sign in through the real endpoints and make an API key: unlike an access token (15 minutes), it lasts as
    long as a module's client does. `client` is a TestClient or an httpx.Client with the server's base URL."""
    login = client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    created = client.post("/api/auth/keys", json={"name": "tests"}, headers=headers)
    assert created.status_code == 201, created.text
    key: str = created.json()["key"]
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sign_in(client: Any, username: str = TEST_ADMIN_USERNAME, password: str = TEST_ADMIN_PASSWORD) -> Any:
    """The same client, sending an API key of `username` (the test admin by default) with every request."""
    client.headers.update(bearer(api_key_for(client, username, password)))
    return client


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (CI) when nothing listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return
    except OSError:
        message = f"{name} is not reachable on {host}:{port}"
        if in_ci():
            pytest.fail(f"{message}; CI must start it (.ci/run)")
        pytest.skip(message)


def dataset_path(name: str) -> Path:
    """A real table shipped under tests/fixtures/datasets; `<name>.gz` there is unpacked once per test run."""
    path = DATASETS / name
    if path.exists():
        return path
    packed = DATASETS / f"{name}.gz"
    if not packed.exists():
        raise FileNotFoundError(f"no test dataset {name!r} in {DATASETS}")
    return _unpacked(packed)


@functools.cache
def _unpacked(packed: Path) -> Path:
    # Into this process's own folder: tests keep the path for the session, and two test runs never share it.
    folder = Path(tempfile.mkdtemp(prefix="flowml-test-datasets-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / packed.name.removesuffix(".gz")
    with gzip.open(packed, "rb") as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "flowml-data"
    path.mkdir()
    return path


def make_test_database_url(data_dir: Path) -> tuple[str, str | None]:
    """The database for one test app: SQLite in `data_dir`, or a fresh PostgreSQL database when
    FLOWML_TEST_DATABASE_URL names a server. Returns (url, name of the database to drop afterwards)."""
    server = os.environ.get("FLOWML_TEST_DATABASE_URL")
    if not server:
        return f"sqlite+aiosqlite:///{data_dir / 'flowml.db'}", None
    import asyncio
    import uuid
    from urllib.parse import urlsplit

    parts = urlsplit(server)
    require_service("PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432)
    name = f"flowml_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    return server.rsplit("/", 1)[0] + f"/{name}", name


def drop_test_database(name: str | None) -> None:
    if name is None:
        return
    import asyncio

    server = os.environ["FLOWML_TEST_DATABASE_URL"]
    asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(server_url: str, statement: str) -> None:
    import asyncpg

    plain = server_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(plain)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def signed_in_client(app: Any, **kwargs: Any) -> Any:
    """A TestClient for `app` that signs in as the test admin as soon as the app has started (login needs the
    database the lifespan opens). Use it as `with signed_in_client(app) as client:`."""
    from fastapi.testclient import TestClient

    class _SignedIn(TestClient):
        def __enter__(self) -> _SignedIn:
            super().__enter__()
            return sign_in(self)  # type: ignore[no-any-return]

    return _SignedIn(app, **kwargs)
