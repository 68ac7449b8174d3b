"""Hostile uploads cannot freeze or exhaust the server, measured from outside a real `flowml up`.

Parsing user files is hostile-input work (ARCHITECTURE.md section 12): linear-time, memory-capped, off the event
loop. Each test sends one file through the HTTP API, signed in, while a second thread times GET /health; then it
reads the server process's peak resident memory (VmHWM in /proc), which only ever grows. The columnar bombs are
the corpus's (tests/security/corpus.py) at full size, against the default MAX_DECOMPRESSED_SIZE_MB.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import polars as pl
import pytest

from tests.conftest import api_key_for, bearer
from tests.security import corpus
from tests.servers import flowml_up

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory in /proc")

# The server's own peak memory may never pass this: it idles at about 450 MiB, and a 200M-row bomb used to take it
# to 7.5 GB. Decoding happens in a memory-capped child process, whose memory is not the server's.
MAX_SERVER_PEAK_BYTES = 1 << 30
MAX_HEALTH_SECONDS = 1.0
# The long-line file is parsed in milliseconds; the bombs need a reader child (about 0.5 s idle, more on 2 busy
# cores) and are refused from metadata, whatever they would decode to.
MAX_TEXT_SECONDS = 2.0
MAX_BOMB_SECONDS = 20.0
# Environment the embedded server must not take from the shell running the tests.
_SERVER_ENV_DROP = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL", "DATA_DIR")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    key: str


@dataclass(frozen=True)
class Answer:
    status: int
    detail: object
    seconds: float
    slowest_health: float


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("flowml-dos")
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_ENV_DROP}
    env.update({"FLOWML_HOME": str(home / "flowml"), "LOCAL_WORKERS": "1"})
    with flowml_up(env, home / "server.log", cwd=home) as url:
        with httpx.Client(base_url=url, timeout=30) as client:
            key = api_key_for(client)
        yield Server(url=url, pid=_pid_listening_as(url), key=key)


def _pid_listening_as(url: str) -> int:
    """The `flowml up` process started for `url`: the one whose command line names its port."""
    wanted = f"--port\0{url.rsplit(':', 1)[1]}\0".encode()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and wanted in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except OSError:
            continue  # a process that ended while we looked
    raise AssertionError(f"no process serves {url}")


def peak_memory(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("/proc has no VmHWM")


def upload_while_timing_health(server: Server, path: Path) -> Answer:
    """POST the file; meanwhile GET /health every 50 ms and keep the slowest answer (or the wait, if none came)."""
    done = threading.Event()
    slowest = [0.0]

    def poll() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as health:
            while not done.is_set():
                start = time.perf_counter()
                try:
                    health.get("/health")
                finally:
                    slowest[0] = max(slowest[0], time.perf_counter() - start)
                done.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    start = time.perf_counter()
    try:
        with httpx.Client(base_url=server.url, headers=bearer(server.key), timeout=60) as client, path.open("rb") as f:
            response = client.post("/api/datasets/upload", files={"file": (path.name, f)})
    finally:
        seconds = time.perf_counter() - start
        done.set()
        poller.join(timeout=35)
    return Answer(response.status_code, response.json().get("detail"), seconds, slowest[0])


def test_a_long_line_in_a_latin1_file_is_read_without_stalling_the_server(server: Server, tmp_path: Path) -> None:
    answer = upload_while_timing_health(server, corpus.latin1_long_line_csv(tmp_path))

    assert answer.status == 201, answer.detail
    assert answer.seconds < MAX_TEXT_SECONDS
    assert answer.slowest_health < MAX_HEALTH_SECONDS


BOMBS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "parquet_row_bomb": (corpus.parquet_row_bomb, "Parquet file"),
    "ipc_file_bomb": (corpus.ipc_file_bomb, "Arrow/Feather file"),
    "ipc_stream_bomb": (corpus.ipc_stream_bomb, "Arrow/Feather file"),
}


@pytest.mark.parametrize(("build", "label"), BOMBS.values(), ids=BOMBS.keys())
def test_columnar_bombs_are_refused_quickly_without_the_server_decoding_them(
    server: Server, tmp_path: Path, build: Callable[[Path], Path], label: str
) -> None:
    answer = upload_while_timing_health(server, build(tmp_path))

    assert answer.status == 413, answer.detail
    assert answer.detail == (
        f"this {label} is too large once decompressed: it expands to about {corpus.BOMB_DECODED_MIB:,} MB in "
        "memory; the limit is 2,048 MB (MAX_DECOMPRESSED_SIZE_MB)"
    )
    assert answer.seconds < MAX_BOMB_SECONDS
    assert answer.slowest_health < MAX_HEALTH_SECONDS
    assert peak_memory(server.pid) < MAX_SERVER_PEAK_BYTES


def test_columnar_files_within_the_limit_are_still_read(server: Server, tmp_path: Path) -> None:
    frame = pl.DataFrame({"x": list(range(1000)), "y": [i % 3 for i in range(1000)]})
    files = {"ok.parquet": frame.write_parquet, "ok.feather": frame.write_ipc, "ok.arrow": frame.write_ipc_stream}
    for name, write in files.items():
        write(tmp_path / name)
        answer = upload_while_timing_health(server, tmp_path / name)
        assert answer.status == 201, answer.detail
    assert peak_memory(server.pid) < MAX_SERVER_PEAK_BYTES
