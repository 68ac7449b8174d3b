"""Hardening of the server's surface (docs/security.md): refused setups, start-up warnings, security headers and the
dashboard under its CSP, the predict rate limit, and JSON-only Celery."""

from __future__ import annotations

import base64
import hashlib
import os
import pickle
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kombu.exceptions import ContentDisallowed
from kombu.serialization import dumps, loads, prepare_accept_content
from pydantic import ValidationError

from flowml.api.app import create_app
from flowml.api.rate_limit import RateLimiter
from flowml.cli.startup import probe_redis, redis_warnings, warn_about_exposure
from flowml.cluster.celery_app import create_celery
from flowml.core.settings import DEFAULT_SECRET_KEY, Settings
from tests.conftest import (
    REPO_ROOT,
    TEST_ADMIN_PASSWORD,
    TEST_ADMIN_USERNAME,
    dataset_path,
    in_ci,
    sign_in,
    signed_in_client,
)
from tests.events.conftest import PrivateRedis

DIST = REPO_ROOT / "frontend" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
GOOD_KEY = secrets.token_urlsafe(48)
GENERATE_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


@contextmanager
def api_client(base_url: str) -> Iterator[httpx.Client]:
    """Signed in as the test admin: the server must be up."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield sign_in(client)


def app_client(app: FastAPI) -> TestClient:
    return signed_in_client(app)  # type: ignore[no-any-return]


def settings_for(data_dir: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, DATA_DIR=data_dir, **values)  # type: ignore[call-arg]


def production(data_dir: Path, **values: Any) -> Settings:
    return settings_for(data_dir, ENVIRONMENT="production", **{"SECRET_KEY": GOOD_KEY, **values})


# Each unsafe production setup: the settings that make it, and words its refusal must contain.
REFUSALS = {
    "default-key": ({"SECRET_KEY": DEFAULT_SECRET_KEY}, ["SECRET_KEY is the built-in default", GENERATE_HINT]),
    "short-key": ({"SECRET_KEY": "k" * 31}, ["SECRET_KEY has 31 characters", "at least 32", GENERATE_HINT]),
    # The seed README's example key: long enough, and published.
    "readme-key": (
        {"SECRET_KEY": "change-me-in-production-flowml-secret-key"},
        ["SECRET_KEY is an example value", GENERATE_HINT],
    ),
    # deploy/systemd/master.env.example's placeholder, and a key that says it is an example, both 32+ characters.
    "placeholder-key": ({"SECRET_KEY": "CHANGE_ME" * 4}, ["SECRET_KEY is an example value", "change_me"]),
    "example-key": ({"SECRET_KEY": "flowml-example-secret-key-0123456789"}, ["a placeholder", "example"]),
    "cors-wildcard": ({"CORS_ORIGINS": "*"}, ['CORS_ORIGINS contains "*"', "exact origins"]),
    "open-redis": (
        {"CELERY_BROKER_URL": "redis://10.20.30.40:6379/0"},
        ["CELERY_BROKER_URL points to the Redis at 10.20.30.40:6379 without a password", "requirepass"],
    ),
}


# --- refusals, through Settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSALS)
def test_production_refuses_an_unsafe_setup(case: str, tmp_path: Path) -> None:
    values, words = REFUSALS[case]
    with pytest.raises(ValidationError) as caught:
        production(tmp_path, **values)
    message = str(caught.value)
    assert "ENVIRONMENT=production refuses to start" in message
    for word in words:
        assert word in message


def test_every_problem_is_named_in_one_refusal(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        production(
            tmp_path,
            SECRET_KEY=DEFAULT_SECRET_KEY,
            CORS_ORIGINS="*",
            CELERY_BROKER_URL="redis://broker.lan:6379/0",
            REDIS_URL="redis://broker.lan:6379/1",
        )
    message = str(caught.value)
    assert "SECRET_KEY" in message and "CORS_ORIGINS" in message
    assert "CELERY_BROKER_URL and REDIS_URL point to the Redis at broker.lan:6379" in message


def test_safe_production_setups_start(tmp_path: Path) -> None:
    remote = production(
        tmp_path,
        SECRET_KEY="k" * 32,
        CORS_ORIGINS="https://flowml.example.org",
        CELERY_BROKER_URL="redis://:s3cret@10.20.30.40:6379/0",
        REDIS_URL="rediss://flowml:s3cret@redis.lan:6380/1",
    )
    assert remote.CORS_ORIGINS == ["https://flowml.example.org"]
    # A Redis only this machine reaches may go without a password: warned at start, not refused.
    for url in ("redis://127.0.0.1:6379/0", "redis://localhost/0", "redis://[::1]:6379/0", "unix:///run/redis.sock"):
        settings = production(tmp_path, REDIS_URL=url)
        assert url == settings.REDIS_URL
    # An AMQP broker is not a Redis: nothing to check here.
    assert production(tmp_path, CELERY_BROKER_URL="amqp://guest@mq.lan//").CELERY_BROKER_URL


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_tests_stay_lenient(environment: str, tmp_path: Path) -> None:
    values, _ = REFUSALS["open-redis"]
    settings = settings_for(tmp_path, ENVIRONMENT=environment, CORS_ORIGINS="*", **values)
    assert settings.SECRET_KEY == DEFAULT_SECRET_KEY
    assert settings.HOST == "127.0.0.1"
    assert settings_for(tmp_path).ENVIRONMENT == "development"


# --- refusals, through the real command ------------------------------------------------------------------------


def _server_env(home: Path, **values: str) -> dict[str, str]:
    """The caller's environment without any FlowML setting, plus `values`: the refusal must come from those."""
    env = {k: v for k, v in os.environ.items() if k not in Settings.model_fields}
    return {**env, "FLOWML_HOME": str(home), "ENVIRONMENT": "production", "SECRET_KEY": GOOD_KEY, **values}


@pytest.mark.parametrize("case", REFUSALS)
def test_the_server_command_refuses_with_exit_code_2(case: str, tmp_path: Path) -> None:
    values, words = REFUSALS[case]
    home = tmp_path / "home"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "flowml.cli", "server", "--port", "1"],
        env=_server_env(home, **values),
        cwd=tmp_path,  # no .env from the caller's folder
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    message = done.stderr.strip()
    assert message.startswith("error: ENVIRONMENT=production refuses to start:")
    assert "\n" not in message, "the refusal is one paragraph"
    for word in words:
        assert word in message
    # Nothing was created, and no secret was echoed back (pydantic's own dump would print the input values).
    assert not home.exists()
    secret = values.get("SECRET_KEY", GOOD_KEY)
    if secret != DEFAULT_SECRET_KEY:
        assert secret not in output
    assert time.monotonic() - started < 20


def test_flowml_up_refuses_the_same_way(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flowml.cli", "up", "--port", "1"],
        env=_server_env(tmp_path / "home", SECRET_KEY=DEFAULT_SECRET_KEY),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SECRET_KEY is the built-in default" in done.stderr and "Traceback" not in done.stderr


def test_a_network_address_no_longer_warns_of_an_open_api(tmp_path: Path) -> None:
    """Every route but /health and sign-in asks for credentials, so the start-up warning that called the API "open
    to anyone ... with no login yet" was stale and is gone. The real start, up to the line printed just before
    the app binds. 192.0.2.1 (TEST-NET-1) is no address of this machine, so nothing is ever exposed; the process is
    stopped as soon as that line is out."""
    log = tmp_path / "server.log"
    env = {**_server_env(tmp_path / "home"), "ENVIRONMENT": "development", "LOCAL_WORKERS": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flowml.cli", "server", "--host", "192.0.2.1", "--port", "8765"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while "http://192.0.2.1:8765" not in log.read_text(errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "no login" not in text and "open to anyone" not in text and "Listening on" not in text, text


# --- warnings at start -------------------------------------------------------------------------------------------


def test_a_safe_setup_starts_without_warnings(warnings_log: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    warn_about_exposure(settings_for(tmp_path, HOST="0.0.0.0"))
    assert warnings_log.text == ""


def test_cors_wildcard_in_development_warns(warnings_log: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    warn_about_exposure(settings_for(tmp_path, CORS_ORIGINS="*"))
    assert 'CORS_ORIGINS is "*"' in warnings_log.text


@pytest.fixture(scope="module")
def redis_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrivateRedis, PrivateRedis]]:
    """Two redis-servers of this module's own: one that answers anyone, one with requirepass."""
    binary = shutil.which("redis-server")
    if binary is None:
        if in_ci():
            pytest.fail("redis-server is not installed; CI must install it")
        pytest.skip("redis-server is not installed")
    open_server = PrivateRedis(binary, tmp_path_factory.mktemp("redis-open"))
    protected = PrivateRedis(binary, tmp_path_factory.mktemp("redis-auth"), password="pw-" + secrets.token_hex(8))
    open_server.start()
    try:
        protected.start()
        try:
            yield open_server, protected
        finally:
            protected.kill()
    finally:
        open_server.kill()


def test_probe_tells_an_open_redis_from_a_protected_one(redis_servers: tuple[PrivateRedis, PrivateRedis]) -> None:
    open_server, protected = redis_servers
    assert probe_redis(open_server.url) == "open"
    assert probe_redis(protected.url) == "protected"  # its password is stripped: the server itself must ask
    assert probe_redis(f"redis://127.0.0.1:{protected.port}/0") == "protected"
    with closed_port() as port:
        assert probe_redis(f"redis://127.0.0.1:{port}/0") == "unreachable"


def test_redis_without_password_warns(redis_servers: tuple[PrivateRedis, PrivateRedis], tmp_path: Path) -> None:
    open_server, protected = redis_servers
    both = settings_for(tmp_path, CELERY_BROKER_URL=open_server.url, REDIS_URL=open_server.url.replace("/0", "/1"))
    [warning] = redis_warnings(both)
    assert f"CELERY_BROKER_URL and REDIS_URL point to the Redis at 127.0.0.1:{open_server.port}" in warning
    assert "answered PING without one" in warning and "Only this machine reaches it" in warning

    bare = f"redis://127.0.0.1:{protected.port}/0"
    [warning] = redis_warnings(settings_for(tmp_path, REDIS_URL=bare))
    assert "REDIS_URL has no password" in warning and "demands one (NOAUTH)" in warning

    assert redis_warnings(settings_for(tmp_path, REDIS_URL=protected.url)) == []

    with_password = f"redis://:unused@127.0.0.1:{open_server.port}/0"
    [warning] = redis_warnings(settings_for(tmp_path, REDIS_URL=with_password))
    assert "answers without a password although the URL carries one" in warning

    with closed_port() as port:
        [warning] = redis_warnings(settings_for(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0"))
    assert "without a password" in warning and "did not answer now" in warning


def test_start_up_logs_the_redis_warning(
    redis_servers: tuple[PrivateRedis, PrivateRedis], warnings_log: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    open_server, _ = redis_servers
    warn_about_exposure(settings_for(tmp_path, REDIS_URL=open_server.url))
    assert "REDIS_URL points to the Redis" in warnings_log.text


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on while the block runs: bound by us, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


# --- security headers ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def headers_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app without worker pool, serving a small built dashboard of its own (index.html and one asset)."""
    root = tmp_path_factory.mktemp("headers")
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("console.log('flowml')")
    settings = settings_for(
        root / "data", ENVIRONMENT="test", FRONTEND_DIST=dist, MAX_UPLOAD_SIZE_MB=1, CORS_ORIGINS="http://ui.test"
    )
    with app_client(create_app(settings, with_pool=False)) as client:
        yield client


def _assert_secured(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert "camera=()" in response.headers["permissions-policy"]
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/api/datasets", 200),
        ("GET", "/api/datasets/no-such-id", 404),
        ("GET", "/", 200),
        ("GET", "/jobs/some-client-route", 200),
        ("GET", "/assets/app.js", 200),
    ],
)
def test_every_response_carries_the_headers(headers_client: TestClient, method: str, path: str, status: int) -> None:
    response = headers_client.request(method, path)
    assert response.status_code == status
    _assert_secured(response)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp and "unsafe-eval" not in csp


@pytest.mark.parametrize("path", ["/api/no-such-route", "/api", "/api/auth/nope", "/ws/nope"])
def test_an_unknown_api_path_is_a_404_not_the_dashboard(headers_client: TestClient, path: str) -> None:
    response = headers_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": f"no such endpoint: {path}"}


def test_refused_uploads_and_cors_answers_carry_the_headers(headers_client: TestClient) -> None:
    too_large = headers_client.post("/api/datasets/upload", content=b"x", headers={"content-length": str(10 * 2**20)})
    assert too_large.status_code == 413
    _assert_secured(too_large)
    preflight = headers_client.options(
        "/api/datasets",
        headers={"Origin": "http://ui.test", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-origin"] == "http://ui.test"
    assert "access-control-allow-credentials" not in preflight.headers
    _assert_secured(preflight)
    stranger = headers_client.get("/api/datasets", headers={"Origin": "http://evil.test"})
    assert "access-control-allow-origin" not in stranger.headers


def test_docs_get_a_policy_for_exactly_their_cdn_and_inline_script(headers_client: TestClient) -> None:
    response = headers_client.get("/docs")
    assert response.status_code == 200
    _assert_secured(response)
    csp = response.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert scripts, "Swagger UI starts with an inline script"
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "script-src 'self' https://cdn.jsdelivr.net 'sha256-" in csp
    assert "'unsafe-inline'" not in csp
    assert headers_client.get("/openapi.json").status_code == 200


# --- a real server: the dashboard under its CSP, and the predict rate limit --------------------------------------

PREDICT_LIMIT = 3


class LiveServer:
    """The app in a uvicorn thread on a free loopback port, with its worker pool: what Chromium and httpx talk to."""

    def __init__(self, settings: Settings) -> None:
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning", ws="auto")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError("the live server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("live")
    settings = settings_for(
        root / "data",
        ENVIRONMENT="test",
        LOCAL_WORKERS=1,  # each pool process imports scikit-learn at start: one is enough for tiny jobs
        MAX_CONCURRENT_JOBS=2,
        PREDICT_RATE_PER_MINUTE=PREDICT_LIMIT,
        FRONTEND_DIST=DIST if (DIST / "index.html").exists() else None,
    )
    server = LiveServer(settings)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def _upload_iris(client: httpx.Client) -> str:
    path = dataset_path("iris.csv")
    response = client.post("/api/datasets/upload", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 201, response.text
    dataset_id: str = response.json()["id"]
    return dataset_id


def _wait_final(client: httpx.Client, job_id: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/training/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish in {timeout:.0f} s")


@pytest.fixture(scope="module")
def model_id(live: str) -> str:
    """A tiny model: one logistic regression trial on iris."""
    with api_client(live) as client:
        body = {
            "dataset_id": _upload_iris(client),
            "target_column": "target",
            "time_budget": 0.2,
            "n_folds": 2,
            "algorithms": ["logistic_regression"],
            "max_trials": 1,
        }
        started = client.post("/api/training/start", json=body)
        assert started.status_code in {200, 201}, started.text
        job = _wait_final(client, started.json()["id"])
    assert job["status"] == "completed", job
    trained: str = job["model_id"]
    return trained


IRIS_ROW = {"sepal length (cm)": 6.3, "sepal width (cm)": 3.3, "petal length (cm)": 6.0, "petal width (cm)": 2.5}


@pytest.mark.slow
def test_predict_answers_429_with_retry_after_past_the_rate(live: str, model_id: str) -> None:
    with api_client(live) as client:
        for _ in range(PREDICT_LIMIT):
            response = client.post(f"/api/results/model/{model_id}/predict", json={"row": IRIS_ROW})
            assert response.status_code == 200, response.text
            _assert_secured(response)
        refused = client.post(f"/api/results/model/{model_id}/predict", json={"row": IRIS_ROW})
        assert refused.status_code == 429
        retry_after = int(refused.headers["retry-after"])
        # 3 a minute: the next token is at most 20 s away.
        assert 1 <= retry_after <= 60 / PREDICT_LIMIT
        detail = refused.json()["detail"]
        assert "too many predict requests" in detail and f"{PREDICT_LIMIT:g} per minute" in detail
        assert f"retry in {retry_after} s" in detail
        _assert_secured(refused)
        # /predict/batch spends the same budget; other routes are not limited.
        batch = client.post(
            f"/api/results/model/{model_id}/predict/batch",
            files={"file": ("rows.csv", b"sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n")},
        )
        assert batch.status_code == 429
        assert batch.headers["retry-after"]
        assert client.get(f"/api/results/model/{model_id}").status_code == 200


def test_token_bucket_refills_per_client_and_bucket() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0], max_buckets=3)
    assert [limiter.take("predict", "10.0.0.1", 3) for _ in range(3)] == [None, None, None]
    assert limiter.take("predict", "10.0.0.1", 3) == pytest.approx(20.0)
    assert limiter.take("predict", "10.0.0.2", 3) is None  # another client has its own bucket
    assert limiter.take("login", "10.0.0.1", 3) is None  # and another route name too
    now[0] += 10
    assert limiter.take("predict", "10.0.0.1", 3) == pytest.approx(10.0)  # half a token back: 10 s to go
    now[0] += 10
    assert limiter.take("predict", "10.0.0.1", 3) is None
    # Past max_buckets the least recently used bucket goes: a fresh one is full again.
    limiter.take("predict", "10.0.0.3", 3)
    limiter.take("predict", "10.0.0.4", 3)
    assert len(limiter._buckets) == 3
    assert ("predict", "10.0.0.2") not in limiter._buckets


@pytest.mark.e2e
@pytest.mark.slow
def test_dashboard_runs_under_its_csp_with_no_violation(live: str, model_id: str) -> None:
    """The real built dashboard in Chromium: a live job page (WebSocket), results charts, Radix dialogs and selects,
    with every CSP violation and console error collected."""
    if not (DIST / "index.html").exists() or not CHROMIUM.exists():
        message = "needs the built dashboard (cd frontend && npm run build) and /usr/bin/chromium"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    with api_client(live) as client:
        body = {
            "dataset_id": _upload_iris(client),
            "target_column": "target",
            "time_budget": 0.3,
            "n_folds": 2,
            "algorithms": ["logistic_regression", "random_forest"],
        }
        job_id = client.post("/api/training/start", json=body).json()["id"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                context = browser.new_context(base_url=live, viewport={"width": 1440, "height": 900})
                context.set_default_timeout(15_000)
                context.add_init_script(
                    "window.__csp = []; document.addEventListener('securitypolicyviolation', e => "
                    "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile))"
                )
                page = context.new_page()
                problems: list[str] = []
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                sockets: list[str] = []
                page.on("websocket", lambda ws: sockets.append(ws.url))

                # Signing in is part of the run: the login page and its request live under the same policy.
                page.goto("/login")
                page.get_by_label("Username").fill(TEST_ADMIN_USERNAME)
                page.get_by_label("Password").fill(TEST_ADMIN_PASSWORD)
                page.get_by_role("button", name="Sign in", exact=True).click()
                expect(page).not_to_have_url(re.compile(r"/login"))

                response = page.goto(f"/jobs/{job_id}")
                assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
                expect(page.get_by_text("live", exact=True).first).to_be_visible()
                assert any(f"/ws/jobs/{job_id}" in url for url in sockets)

                page.goto(f"/models/{model_id}")
                page.get_by_role("tab", name=re.compile("Evaluation")).click()
                expect(page.locator("svg.recharts-surface").first).to_be_visible()

                page.goto("/workers")  # a Radix dialog: its scroll lock injects a <style> element
                page.get_by_role("button", name=re.compile("add", re.IGNORECASE)).first.click()
                expect(page.get_by_role("dialog")).to_be_visible()
                page.keyboard.press("Escape")

                page.goto("/logs")  # a Radix select injects one too
                page.get_by_role("combobox").first.click()
                expect(page.get_by_role("listbox")).to_be_visible()
                page.keyboard.press("Escape")

                violations = page.evaluate("window.__csp")
                assert violations == [] and problems == [], (violations, problems)
            finally:
                browser.close()
        client.post(f"/api/training/jobs/{job_id}/cancel")


# --- Celery -------------------------------------------------------------------------------------------------------


def test_celery_accepts_json_only() -> None:
    """Orchestrator and workers build their Celery app with create_celery: a pickle message must be refused."""
    app = create_celery("redis://127.0.0.1:1/0", None, 3600)
    conf = app.conf
    assert (conf.task_serializer, conf.result_serializer) == ("json", "json")
    assert list(conf.accept_content) == ["json"] and list(conf.result_accept_content) == ["json"]
    # What a worker's consumer does with each incoming message body: decode only accepted content types.
    accept = prepare_accept_content(conf.accept_content)
    content_type, encoding, payload = dumps({"args": [1]}, serializer="pickle")
    assert content_type == "application/x-python-serialize"
    with pytest.raises(ContentDisallowed):
        loads(payload, content_type, encoding, accept=accept)
    assert pickle.loads(payload) == {"args": [1]}  # the payload itself was valid: only the policy refused it
    content_type, encoding, payload = dumps({"args": [1]}, serializer="json")
    assert loads(payload, content_type, encoding, accept=accept) == {"args": [1]}
