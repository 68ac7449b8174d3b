"""What a worker's machine can do: CPU, memory, NVIDIA GPUs, library versions and GPU builds, addresses, Ollama.

`probe()` is composed of small `probe_*` functions, each of which never raises: a probe that cannot answer reports
"absent" (no GPUs, None, False) and logs why at debug level, because a worker must start on any machine. Tests and
the router build `Capabilities` directly to stand for machines that are not there (a 24 GB GPU worker, say).

"GB" here means GiB (2**30 bytes), the unit NVML reports in.
"""

from __future__ import annotations

import ipaddress
import platform
import shutil
import socket
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from importlib import metadata
from typing import Any

import httpx
import psutil
import pynvml
from loguru import logger

from flowml.engine.algorithms import default_registry
from flowml.engine.plugins import plugin_report
from flowml.engine.registry import Registry

GB = 2**30
# Distribution names whose versions a worker reports (a model card records them; mismatches explain odd results),
# besides those the algorithms require (`libraries()`). Each maps to the distributions that provide it: ONNX
# Runtime's CUDA build installs as `onnxruntime-gpu`.
BASE_LIBRARIES: dict[str, tuple[str, ...]] = {
    "scikit-learn": ("scikit-learn",),
    "optuna": ("optuna",),
    "numpy": ("numpy",),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu"),
}
# A UDP connect only picks the route (and so the local address); it sends nothing. The address need not exist.
_ROUTE_PROBE_ADDRESS = ("10.255.255.255", 1)
_FALLBACK_IP = "127.0.0.1"
TAILSCALE_TIMEOUT_S = 2.0
OLLAMA_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class GpuInfo:
    index: int  # NVML's device index, as CUDA_VISIBLE_DEVICES and CatBoost's `devices` count them
    name: str
    vram_total_gb: float
    vram_free_gb: float


@dataclass(frozen=True)
class NvidiaInfo:
    """What NVML reports: the GPUs and the driver's versions; empty without a usable NVIDIA driver."""

    gpus: list[GpuInfo] = field(default_factory=list)
    driver_version: str | None = None
    cuda_version: str | None = None


@dataclass(frozen=True)
class Capabilities:
    """One machine's capabilities, as a worker reports them when it joins. JSON-friendly through to/from_dict.

    Every field has a neutral default so a test or a what-if can describe only what matters to it.
    """

    hostname: str = ""
    os: str = ""  # platform.platform(), e.g. "Linux-6.8.0-x86_64-with-glibc2.39"
    python: str = ""
    cpu_physical: int = 0
    cpu_logical: int = 0
    cpu_freq_mhz: float | None = None
    ram_total_gb: float = 0.0
    ram_available_gb: float = 0.0
    gpus: list[GpuInfo] = field(default_factory=list)
    cuda_driver_version: str | None = None  # the NVIDIA driver, e.g. "550.54.15"
    cuda_version: str | None = None  # the newest CUDA the driver supports, e.g. "12.4"
    libraries: dict[str, str | None] = field(default_factory=dict)  # distribution -> version, None = not installed
    # GPU-capable algorithm name -> whether this machine's build of its library trains on the GPU.
    gpu_builds: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(gpu_build_checks(), False))
    local_ip: str = _FALLBACK_IP
    tailscale_ip: str | None = None
    ollama: bool = False
    # Plugin distribution -> version, for each distribution whose plugins this machine loaded (engine/plugins.py):
    # the router sends a plugin's trials only to workers with the master's version (queues.plugin_queue).
    plugins: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capabilities:
        """The inverse of `to_dict`; unknown keys are refused (they mean a mismatched sender, not data to drop)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown capability field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values = dict(data)
        values["gpus"] = [GpuInfo(**gpu) for gpu in values.get("gpus", [])]
        return cls(**values)


def max_vram_gb(capabilities: Capabilities) -> float:
    """Total memory of the largest GPU, 0.0 without one."""
    return max((gpu.vram_total_gb for gpu in capabilities.gpus), default=0.0)


def has_gpu(capabilities: Capabilities) -> bool:
    return bool(capabilities.gpus)


def probe(ollama_url: str | None) -> Capabilities:
    """This machine's capabilities. Takes a few hundred milliseconds (more with a GPU: the GPU build checks)."""
    cpu_physical, cpu_logical, cpu_freq_mhz = probe_cpu()
    ram_total_gb, ram_available_gb = probe_memory()
    nvidia = probe_gpus()
    return Capabilities(
        hostname=socket.gethostname(),
        os=platform.platform(),
        python=platform.python_version(),
        cpu_physical=cpu_physical,
        cpu_logical=cpu_logical,
        cpu_freq_mhz=cpu_freq_mhz,
        ram_total_gb=ram_total_gb,
        ram_available_gb=ram_available_gb,
        gpus=nvidia.gpus,
        cuda_driver_version=nvidia.driver_version,
        cuda_version=nvidia.cuda_version,
        libraries=probe_libraries(),
        gpu_builds=probe_gpu_builds(nvidia.gpus),
        local_ip=probe_local_ip(),
        tailscale_ip=probe_tailscale_ip(),
        ollama=probe_ollama(ollama_url),
        plugins=probe_plugins(),
    )


def probe_cpu() -> tuple[int, int, float | None]:
    """(physical cores, logical cores, frequency in MHz or None where the platform does not say)."""
    logical = psutil.cpu_count(logical=True) or 1
    physical = psutil.cpu_count(logical=False) or logical  # None in some containers: count what we can see
    try:
        freq = psutil.cpu_freq()
    except (OSError, NotImplementedError) as exc:
        logger.debug("no CPU frequency: {}", exc)
        freq = None
    # The nominal maximum is stable between probes; the current frequency moves with load. VMs often report 0.
    mhz = (freq.max or freq.current) if freq is not None else None
    return physical, logical, round(mhz, 1) if mhz else None


def probe_memory() -> tuple[float, float]:
    """(total, available) RAM in GB."""
    memory = psutil.virtual_memory()
    return round(memory.total / GB, 2), round(memory.available / GB, 2)


def probe_gpus() -> NvidiaInfo:
    """The NVIDIA GPUs NVML sees; none (and no versions) on any NVML error, e.g. no driver installed."""
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        logger.debug("no NVIDIA GPU: NVML did not start ({})", exc)
        return NvidiaInfo()
    try:
        gpus = [_gpu_info(index) for index in range(pynvml.nvmlDeviceGetCount())]
        driver = _text(pynvml.nvmlSystemGetDriverVersion())
        cuda = cuda_version_text(pynvml.nvmlSystemGetCudaDriverVersion_v2())
        return NvidiaInfo(gpus=gpus, driver_version=driver, cuda_version=cuda)
    except pynvml.NVMLError as exc:
        logger.debug("no NVIDIA GPU: NVML query failed ({})", exc)
        return NvidiaInfo()
    finally:
        _nvml_shutdown()


def _gpu_info(index: int) -> GpuInfo:
    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
    return GpuInfo(
        index=index,
        name=_text(pynvml.nvmlDeviceGetName(handle)),
        vram_total_gb=round(memory.total / GB, 2),
        vram_free_gb=round(memory.free / GB, 2),
    )


def _nvml_shutdown() -> None:
    try:
        pynvml.nvmlShutdown()
    except pynvml.NVMLError as exc:
        logger.debug("NVML shutdown failed: {}", exc)


def _text(value: str | bytes) -> str:
    # nvidia-ml-py returns str; older pynvml builds returned bytes.
    return value.decode() if isinstance(value, bytes) else value


def cuda_version_text(version: int) -> str:
    """NVML's integer CUDA version (1000 * major + 10 * minor, e.g. 12040) as "12.4"."""
    return f"{version // 1000}.{version % 1000 // 10}"


def libraries() -> dict[str, tuple[str, ...]]:
    """BASE_LIBRARIES and every distribution a registered algorithm requires (`Algorithm.requires`)."""
    required = {name: (name,) for algo in default_registry() for name in algo.requires}
    return {**required, **BASE_LIBRARIES}


def probe_libraries() -> dict[str, str | None]:
    """Installed versions from package metadata: importing the libraries themselves would cost seconds."""
    return {name: _installed_version(distributions) for name, distributions in libraries().items()}


def _installed_version(distributions: Sequence[str]) -> str | None:
    for distribution in distributions:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def gpu_build_checks(registry: Registry | None = None) -> dict[str, Callable[[], bool]]:
    """One check per GPU-capable algorithm of `registry` (the default one): each asks the algorithm itself."""
    algorithms = registry if registry is not None else default_registry()
    return {algo.name: algo.gpu_build_available for algo in algorithms if algo.gpu is not None}


def probe_gpu_builds(
    gpus: Sequence[GpuInfo], checks: Mapping[str, Callable[[], bool]] | None = None
) -> dict[str, bool]:
    """Whether each GPU-capable algorithm's library was built with GPU support (`checks`: `gpu_build_checks()`);
    all False, without trying, when there is no GPU.

    The checks may import a library or train a tiny model (LightGBM's), so they run only where a GPU could use them.
    """
    if checks is None:
        checks = gpu_build_checks()
    if not gpus:
        return dict.fromkeys(checks, False)
    return {name: _safe_check(name, check) for name, check in checks.items()}


def _safe_check(name: str, check: Callable[[], bool]) -> bool:
    try:
        return check()
    except Exception as exc:  # an absent library, a CPU-only build or a broken driver all mean "no"
        logger.debug("{} has no usable GPU build: {}", name, exc)
        return False


def probe_plugins() -> dict[str, str | None]:
    """The plugin distributions this machine loads, with their versions; a broken plugin is not offered."""
    try:
        return plugin_report().packages()
    except Exception as exc:  # loading never raises for a plugin's fault; anything else must not stop the worker
        logger.warning("could not list the plugins: {}", exc)
        return {}


def probe_local_ip() -> str:
    """The address this machine uses to reach other networks; 127.0.0.1 when it has no route at all."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(_ROUTE_PROBE_ADDRESS)
            address: str = sock.getsockname()[0]
            return address
    except OSError as exc:
        logger.debug("no route to other networks: {}", exc)
        return _FALLBACK_IP


def probe_tailscale_ip() -> str | None:
    """The machine's Tailscale IPv4 address when the `tailscale` command is installed and connected."""
    command = shutil.which("tailscale")
    if command is None:
        return None
    try:
        result = subprocess.run(
            [command, "ip", "-4"], capture_output=True, text=True, timeout=TAILSCALE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.debug("tailscale ip failed: {}", exc)
        return None
    lines = result.stdout.split()
    if result.returncode != 0 or not lines:
        logger.debug("tailscale ip answered {}: {}", result.returncode, result.stderr.strip())
        return None
    return _ipv4_or_none(lines[0])


def _ipv4_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        logger.debug("tailscale ip printed {!r}, not an IPv4 address", text)
        return None


def probe_ollama(ollama_url: str | None) -> bool:
    """Whether an Ollama server answers at `ollama_url` (GET /api/tags returns 200 within a second)."""
    if ollama_url is None:
        return False
    try:
        response = httpx.get(f"{ollama_url.rstrip('/')}/api/tags", timeout=OLLAMA_TIMEOUT_S)
    except Exception as exc:  # refused, timed out, or a malformed URL: no Ollama either way
        logger.debug("no Ollama at {}: {}", ollama_url, exc)
        return False
    return response.status_code == 200
