"""The server client's translation of HTTP into messages, and `jobs watch`'s exit codes, against httpx's
MockTransport: the answers a real server gives rarely (a failed job, a 500, a connection lost mid-download)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer

from flowml.cli.watch import follow_and_exit, progress_line
from flowml.client import Client, ServerError
from flowml.client.errors import error_message
from flowml.client.http import normalize_server

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler) -> Client:
    transport = httpx.MockTransport(handler)
    return Client("http://flowml.test:8000", "fml_test", transport=transport, user_agent="flowml-cli/test")


def answer(status: int, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", "http://flowml.test/x"), **kwargs)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (answer(404, json={"detail": "model abc not found"}), "model abc not found"),
        (
            answer(401, json={"detail": "Unknown API key: it was revoked."}),
            "the API key was rejected: Unknown API key: it was revoked. (check FLOWML_API_KEY)",
        ),
        (
            answer(422, json={"detail": [{"loc": ["body", "time_budget"], "msg": "Input should be greater than 0"}]}),
            "time_budget: Input should be greater than 0",
        ),
        (answer(500, text="<html>oops</html>"), "the server failed (500 Internal Server Error)"),
        (
            answer(503, json={"detail": "storage is down"}),
            "the server failed (503 Service Unavailable): storage is down",
        ),
        (answer(418, text=""), "the server answered 418 I'm a teapot"),
    ],
)
def test_error_messages(response: httpx.Response, message: str) -> None:
    assert error_message(response) == message


def test_the_key_goes_in_the_authorization_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"username": "admin"})

    with client(handler) as api:
        assert api.http.get("/api/auth/me") == {"username": "admin"}
    assert seen[0].headers["authorization"] == "Bearer fml_test"
    assert seen[0].headers["user-agent"].startswith("flowml-cli/")


def test_something_that_is_not_a_flowml_server() -> None:
    api = client(lambda _: httpx.Response(200, text="<html>welcome to nginx</html>"))
    with api, pytest.raises(ServerError, match="did not answer like a FlowML server"):
        api.http.get("/api/datasets")


@pytest.mark.parametrize(
    ("given", "url"),
    [("http://host:8000/", "http://host:8000"), ("192.168.1.10:8000", "http://192.168.1.10:8000")],
)
def test_server_urls(given: str, url: str) -> None:
    assert normalize_server(given) == url


@pytest.mark.parametrize("given", ["ftp://host", "http://", "ht tp://x"])
def test_bad_server_urls(given: str) -> None:
    with pytest.raises(ServerError, match="must be a URL such as"):
        normalize_server(given)


class _BreaksHalfway(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"PK first bytes of a zip"
        raise httpx.ReadError("connection reset by peer")


def test_a_download_cut_short_leaves_no_file(tmp_path: Path) -> None:
    output = tmp_path / "model.zip"
    api = client(lambda _: httpx.Response(200, stream=_BreaksHalfway()))
    with api, pytest.raises(ServerError, match=r"cannot reach the FlowML server at http://flowml\.test:8000"):
        api.download("m", output)
    assert list(tmp_path.iterdir()) == []


def job(status: str, **extra: Any) -> dict[str, Any]:
    base = {
        "id": "j1",
        "status": status,
        "stage": "searching",
        "progress": 40.0,
        "n_trials": 3,
        "metric": "accuracy",
        "best_score": 0.9,
        "best_algorithm": "lightgbm",
        "model_id": None,
        "error": None,
    }
    return {**base, **extra}


def states(*jobs: dict[str, Any]) -> Handler:
    """The job as each poll sees it, one after another."""
    remaining = list(jobs)
    return lambda _: httpx.Response(200, json=remaining.pop(0) if len(remaining) > 1 else remaining[0])


def test_watch_a_failed_job_exits_1_with_its_error(capsys: pytest.CaptureFixture[str]) -> None:
    failed = job("failed", stage="done", error="every trial failed: out of memory")
    with client(states(job("running"), failed)) as api, pytest.raises(typer.Exit) as ended:
        follow_and_exit(api, "j1", interval=0.01)
    assert ended.value.exit_code == 1
    out, err = capsys.readouterr()
    assert "best accuracy 0.90000 (lightgbm)" in out
    assert "job j1 failed: every trial failed: out of memory" in " ".join(err.split())


def test_watch_a_completed_job_exits_0_and_names_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    done = job("completed", stage="done", progress=100.0, model_id="m1")
    api = client(states(job("queued", stage="queued", progress=0.0, n_trials=0, best_score=None), done))
    with api, pytest.raises(typer.Exit) as ended:
        follow_and_exit(api, "j1", interval=0.01)
    assert ended.value.exit_code == 0
    out = capsys.readouterr().out
    assert "flowml models download m1 --output model.zip" in out
    assert len([line for line in out.splitlines() if line.startswith("[")]) == 2  # one line per change


def test_progress_line_without_a_score_yet() -> None:
    assert progress_line(job("queued", best_score=None)).split() == ["queued", "searching", "40.0%", "3", "trials"]
