"""The capability probe on this machine, its parts with injected answers, and the queues a worker consumes."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pynvml
import pytest

from flowml.cluster import probe as probe_module
from flowml.cluster.probe import (
    Capabilities,
    GpuInfo,
    NvidiaInfo,
    cuda_version_text,
    gpu_build_checks,
    has_gpu,
    libraries,
    max_vram_gb,
    probe,
    probe_gpu_builds,
    probe_gpus,
    probe_local_ip,
    probe_ollama,
    probe_tailscale_ip,
)
from flowml.cluster.queues import ALL_QUEUES, VRAM_TIERS, queues_for
from flowml.engine.algorithms import default_registry

GPU_ALGORITHMS = [algo.name for algo in default_registry() if algo.gpu is not None]

GIB = 2**30


def gpu_worker(*vram_total_gb: float, ollama: bool = False) -> Capabilities:
    gpus = [
        GpuInfo(index=i, name=f"GPU {i}", vram_total_gb=v, vram_free_gb=v - 0.5) for i, v in enumerate(vram_total_gb)
    ]
    return Capabilities(hostname="fake", gpus=gpus, ollama=ollama)


def free_port() -> int:
    """A port nothing listens on: bound by the OS, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def this_machine() -> Capabilities:
    return probe(f"http://127.0.0.1:{free_port()}")


# --- the real probe ---------------------------------------------------------------------------------------------


def test_real_probe_reports_this_machine(this_machine: Capabilities) -> None:
    assert this_machine.hostname == socket.gethostname()
    assert this_machine.cpu_logical > 0
    assert 0 < this_machine.cpu_physical <= this_machine.cpu_logical
    assert this_machine.ram_total_gb >= this_machine.ram_available_gb > 0
    assert set(this_machine.libraries) == set(libraries())
    assert this_machine.libraries["scikit-learn"] is not None  # the engine needs it, so it is installed
    # every distribution an algorithm requires is reported, so a mismatch between machines can be explained
    assert {name for algo in default_registry() for name in algo.requires} <= set(this_machine.libraries)
    assert set(this_machine.gpu_builds) == set(GPU_ALGORITHMS)
    assert this_machine.ollama is False  # nothing listens on the port


def test_real_probe_without_gpu(this_machine: Capabilities) -> None:
    if has_gpu(this_machine):
        pytest.skip("this machine has an NVIDIA GPU")
    assert this_machine.gpus == []
    assert this_machine.cuda_driver_version is None
    assert this_machine.cuda_version is None
    assert this_machine.gpu_builds == dict.fromkeys(GPU_ALGORITHMS, False)
    assert queues_for(this_machine) == ["cpu", "priority"]


@pytest.mark.gpu
def test_real_probe_with_gpu(this_machine: Capabilities) -> None:
    if not has_gpu(this_machine):
        pytest.skip("no NVIDIA GPU on this machine")
    assert all(gpu.vram_total_gb >= gpu.vram_free_gb > 0 for gpu in this_machine.gpus)
    assert this_machine.cuda_version is not None
    assert "gpu.vram6" in queues_for(this_machine) or max_vram_gb(this_machine) < 5.5


def test_json_round_trip(this_machine: Capabilities) -> None:
    for capabilities in (this_machine, gpu_worker(24.0, 8.0, ollama=True)):
        restored = Capabilities.from_dict(json.loads(json.dumps(capabilities.to_dict())))
        assert restored == capabilities


def test_from_dict_refuses_unknown_fields() -> None:
    data = {**Capabilities().to_dict(), "tpus": 4}
    with pytest.raises(ValueError, match="tpus"):
        Capabilities.from_dict(data)


def test_local_ip_is_an_address() -> None:
    socket.inet_aton(probe_local_ip())  # raises on anything but an IPv4 address


# --- NVML, with injected answers --------------------------------------------------------------------------------


def test_cuda_version_text() -> None:
    assert cuda_version_text(12040) == "12.4"
    assert cuda_version_text(11080) == "11.8"
    assert cuda_version_text(12000) == "12.0"


def fake_nvml(monkeypatch: pytest.MonkeyPatch, totals_bytes: list[int]) -> None:
    handles = [SimpleNamespace(total=t, free=t // 2) for t in totals_bytes]
    monkeypatch.setattr(pynvml, "nvmlInit", lambda: None)
    monkeypatch.setattr(pynvml, "nvmlShutdown", lambda: None)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetCount", lambda: len(handles))
    monkeypatch.setattr(pynvml, "nvmlDeviceGetHandleByIndex", lambda i: handles[i])
    monkeypatch.setattr(pynvml, "nvmlDeviceGetMemoryInfo", lambda handle: handle)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetName", lambda handle: b"NVIDIA GeForce RTX 4090")
    monkeypatch.setattr(pynvml, "nvmlSystemGetDriverVersion", lambda: "550.54.15")
    monkeypatch.setattr(pynvml, "nvmlSystemGetCudaDriverVersion_v2", lambda: 12040)


def test_probe_gpus_reads_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_nvml(monkeypatch, [24564 * 2**20, 8 * GIB])
    info = probe_gpus()
    assert info.driver_version == "550.54.15"
    assert info.cuda_version == "12.4"
    assert info.gpus == [
        GpuInfo(index=0, name="NVIDIA GeForce RTX 4090", vram_total_gb=23.99, vram_free_gb=11.99),
        GpuInfo(index=1, name="NVIDIA GeForce RTX 4090", vram_total_gb=8.0, vram_free_gb=4.0),
    ]


def test_probe_gpus_treats_an_nvml_error_as_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_nvml(monkeypatch, [8 * GIB])

    def failing_count() -> int:
        raise pynvml.NVMLError(pynvml.NVML_ERROR_UNKNOWN)

    monkeypatch.setattr(pynvml, "nvmlDeviceGetCount", failing_count)
    assert probe_gpus() == NvidiaInfo()


# --- GPU builds -------------------------------------------------------------------------------------------------


def recording_checks(calls: list[str], answer: Callable[[], bool]) -> dict[str, Callable[[], bool]]:
    def check_for(name: str) -> Callable[[], bool]:
        def check() -> bool:
            calls.append(name)
            return answer()

        return check

    return {name: check_for(name) for name in GPU_ALGORITHMS}


def test_gpu_build_checks_cover_the_gpu_algorithms_and_ask_each_one() -> None:
    assert GPU_ALGORITHMS
    checks = gpu_build_checks()
    assert list(checks) == GPU_ALGORITHMS
    for name, check in checks.items():
        assert check == default_registry().get(name).gpu_build_available


def test_gpu_builds_are_not_tried_without_a_gpu() -> None:
    calls: list[str] = []
    assert probe_gpu_builds([], recording_checks(calls, lambda: True)) == dict.fromkeys(GPU_ALGORITHMS, False)
    assert calls == []


def test_gpu_builds_without_a_gpu_skip_the_real_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real checks would import the libraries and train LightGBM; none of that may happen without a GPU.
    def forbidden(self: object) -> bool:
        raise AssertionError("a GPU build check ran without a GPU")

    for name in GPU_ALGORITHMS:
        monkeypatch.setattr(type(default_registry().get(name)), "gpu_build_available", forbidden)
    monkeypatch.setattr(probe_module, "probe_gpus", lambda: NvidiaInfo())
    assert probe(None).gpu_builds == dict.fromkeys(GPU_ALGORITHMS, False)


def test_gpu_builds_with_a_gpu_ask_every_library() -> None:
    calls: list[str] = []
    builds = probe_gpu_builds([GpuInfo(0, "GPU", 8.0, 8.0)], recording_checks(calls, lambda: True))
    assert builds == dict.fromkeys(GPU_ALGORITHMS, True)
    assert calls == GPU_ALGORITHMS


def test_a_failing_gpu_build_check_means_no_gpu_build() -> None:
    def broken() -> bool:
        raise RuntimeError("CUDA Tree Learner was not enabled in this build")

    builds = probe_gpu_builds([GpuInfo(0, "GPU", 8.0, 8.0)], {"lightgbm": broken})
    assert builds == {"lightgbm": False}


# --- Tailscale and Ollama ---------------------------------------------------------------------------------------


def fake_tailscale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str) -> None:
    script = tmp_path / "tailscale"
    script.write_text(f"#!/bin/sh\necho '{output}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_tailscale_ip_from_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tailscale(tmp_path, monkeypatch, "100.101.102.103")
    assert probe_tailscale_ip() == "100.101.102.103"


def test_tailscale_ip_refuses_other_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tailscale(tmp_path, monkeypatch, "Tailscale is stopped.")
    assert probe_tailscale_ip() is None


def test_no_tailscale_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert probe_tailscale_ip() is None


@pytest.fixture
def http_server() -> Iterator[str]:
    """A local server that answers 200 on /api/tags (as Ollama does) and 404 elsewhere."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/api/tags" else 404)
            self.end_headers()
            self.wfile.write(b'{"models": []}')

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_ollama_answering(http_server: str) -> None:
    assert probe_ollama(http_server) is True
    assert probe_ollama(http_server + "/") is True


def test_ollama_absent(http_server: str) -> None:
    assert probe_ollama(None) is False
    assert probe_ollama(f"http://127.0.0.1:{free_port()}") is False
    assert probe_ollama(http_server + "/not-ollama") is False  # answers, but not 200 on /api/tags
    assert probe_ollama("not a url") is False


# --- queues a worker consumes -----------------------------------------------------------------------------------


def test_queue_constants() -> None:
    assert ALL_QUEUES == ("cpu", "gpu", "gpu.vram6", "gpu.vram8", "gpu.vram12", "gpu.vram24", "llm", "priority")
    assert VRAM_TIERS == {6: "gpu.vram6", 8: "gpu.vram8", 12: "gpu.vram12", 24: "gpu.vram24"}


@pytest.mark.parametrize(
    ("vram", "expected"),
    [
        (6.0, ["cpu", "gpu", "gpu.vram6", "priority"]),
        (12.0, ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "gpu.vram12", "priority"]),
        (24.0, ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "gpu.vram12", "gpu.vram24", "priority"]),
        (80.0, ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "gpu.vram12", "gpu.vram24", "priority"]),
        # Reported sizes a little under the nominal one (RTX 4090: 24564 MiB) count as the nominal size...
        (23.99, ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "gpu.vram12", "gpu.vram24", "priority"]),
        # ...but an 11 GB card is not a 12 GB one, and a 3 GB card gets no GPU queue at all.
        (11.0, ["cpu", "gpu", "gpu.vram6", "gpu.vram8", "priority"]),
        (4.0, ["cpu", "gpu", "priority"]),
        (3.0, ["cpu", "priority"]),
    ],
)
def test_queues_for_a_gpu_worker(vram: float, expected: list[str]) -> None:
    assert queues_for(gpu_worker(vram)) == expected


def test_queues_follow_the_largest_gpu() -> None:
    assert queues_for(gpu_worker(6.0, 24.0)) == queues_for(gpu_worker(24.0))
    assert max_vram_gb(gpu_worker(6.0, 24.0)) == 24.0


def test_queues_with_ollama() -> None:
    assert queues_for(gpu_worker(ollama=True)) == ["cpu", "llm", "priority"]
    assert queues_for(gpu_worker(12.0, ollama=True)) == [
        "cpu",
        "gpu",
        "gpu.vram6",
        "gpu.vram8",
        "gpu.vram12",
        "llm",
        "priority",
    ]


def test_cpu_only_worker() -> None:
    cpu_only = gpu_worker()
    assert not has_gpu(cpu_only)
    assert max_vram_gb(cpu_only) == 0.0
    assert queues_for(cpu_only) == ["cpu", "priority"]
