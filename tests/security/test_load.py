"""The server holds under load while it trains: benchmarks/load.py, bounded, against a real `flowml up`.

API clients poll the dashboard's endpoints and predict while a job trains; WebSocket clients follow the job. Every
request must succeed, every WebSocket client must receive exactly the job's events as SQL records them (the final
one included), latency must stay far from a timeout, and the API process must not grow without bound.
"""

from __future__ import annotations

import pytest

from benchmarks.load import MAX_CLIENTS, MAX_SECONDS, MAX_WS_CLIENTS, STEADY, STORM, LoadConfig, LoadResult, run_load
from tests.conftest import dataset_path

# Sized to finish in about a minute on 2 cores, setup included, while still being many more clients than the
# dashboard ever opens: 50 closed-loop API clients (no think time) and 200 WebSocket clients.
SECONDS = 25.0
CLIENTS = 50
WS_CLIENTS = 200
# A regression guard, not a speed claim (docs/benchmarks.md has the figures). The API clients send their next request
# as soon as the last one is answered, so the mean latency is clients / throughput, and throughput on 2 cores depends
# on how much of them the training pool takes: 26 to 49 req/s measured on the idle development machine, p99 2.9 to
# 5.6 s (max 7.2 s), so a 5 s bound failed CI once. What this guards against is a stall of the event loop or a lock
# held across requests, which pushes requests to the client's timeout; 15 s is far above both figures and far below it.
P99_BOUND_MS = 15_000.0
# While 200 WebSocket clients connect at once, each replaying the job from SQL, API requests queue behind them.
STORM_P99_BOUND_MS = 30_000.0
# 250 connections and their queues cost a few MB; a leak per request or per event would cost far more in 25 s.
RSS_GROWTH_BOUND_MB = 150.0


@pytest.fixture(scope="module")
def result() -> LoadResult:
    config = LoadConfig(
        seconds=SECONDS,
        clients=CLIENTS,
        ws_clients=WS_CLIENTS,
        data=dataset_path("titanic.csv"),
        target="survived",
    )  # no headers: the benchmark signs in to the server it starts and makes an API key
    outcome = run_load(config)
    print(outcome.markdown())  # the tables, for the log of a failing run
    return outcome


@pytest.mark.slow
def test_no_request_fails_and_the_job_completes(result: LoadResult) -> None:
    assert result.errors == 0, result.error_samples
    assert result.job_status == "completed"
    assert result.endpoint(STEADY).errors == result.endpoint(STORM).errors == 0
    # Every endpoint of the mix was exercised in the steady state, so "no errors" covers each of them.
    steady = [e for e in result.endpoints if not e.name.startswith(STORM)]
    assert all(e.count > 0 for e in steady), [(e.name, e.count) for e in steady]


@pytest.mark.slow
def test_every_websocket_client_gets_every_job_event_once(result: LoadResult) -> None:
    ws = result.ws
    assert ws.connected == WS_CLIENTS
    assert ws.reference_events >= 3  # started, at least one finished trial, completed
    assert ws.final == WS_CLIENTS
    assert ws.received_min == ws.received_max == ws.reference_events
    assert ws.complete == WS_CLIENTS
    assert (ws.missed, ws.duplicates, ws.disconnects) == (0, 0, 0)


@pytest.mark.slow
def test_latency_stays_bounded(result: LoadResult) -> None:
    steady = [e for e in result.endpoints if not e.name.startswith(STORM)]
    slow = [(e.name, round(e.p99_ms)) for e in steady if not e.p99_ms < P99_BOUND_MS]  # NaN (no requests) fails
    assert not slow, f"p99 over {P99_BOUND_MS:.0f} ms once the WebSocket clients are connected: {slow}"
    storm = result.endpoint(STORM)
    assert storm.count == 0 or storm.p99_ms < STORM_P99_BOUND_MS, storm


@pytest.mark.slow
def test_api_process_memory_stays_bounded(result: LoadResult) -> None:
    api = result.process("API process")
    assert api is not None
    growth = api.rss_end_mb - api.rss_start_mb
    assert growth < RSS_GROWTH_BOUND_MB, f"API process RSS grew {growth:.0f} MB under load"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"])
def test_loopback_targets_are_accepted(url: str) -> None:
    LoadConfig(url=url).check()


@pytest.mark.parametrize("url", ["http://10.1.2.3:8000", "http://192.168.0.10", "http://[2001:db8::1]:8000", "x"])
def test_other_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(ValueError, match="not a loopback address"):
        LoadConfig(url=url).check()
    LoadConfig(url=url, allow_remote=True).check()


@pytest.mark.parametrize(
    "overrides",
    [{"clients": 0}, {"clients": MAX_CLIENTS + 1}, {"ws_clients": MAX_WS_CLIENTS + 1}, {"seconds": MAX_SECONDS + 1}],
)
def test_load_is_capped(overrides: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be between"):
        LoadConfig(url="http://127.0.0.1:8000", **overrides).check()  # type: ignore[arg-type]
