"""Where one trial runs: which queue, on which device, and why (the reason is logged and shown in the dashboard).

Pure functions of the algorithm, a memory estimate and the set of queues that have a live consumer; the job driver
supplies the live set from the worker registry. A GPU-capable algorithm goes to the smallest GPU tier its estimate
fits, so big cards stay free for big trials; anything that cannot run on a live GPU goes to `cpu`; with no live
worker at all the trial runs in the orchestrator's local pool (graceful degradation). A trial that runs a plugin's
code goes only to the queue of that plugin at the master's version (queues.plugin_queue), which only workers that
loaded that version consume; with none live, only the master may run it (`Route.master_only`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

from flowml.cluster.queues import CPU, GPU, MIN_GPU_GB, PRIORITY, VRAM_TIERS, plugin_queue
from flowml.engine.devices import gpu_support
from flowml.engine.registry import AlgorithmOrigin

Device = Literal["cpu", "cuda"]

GB = 2**30  # GiB, as queues.py counts tier sizes
# The estimate: training data as float32, times this for the library's own copies (quantized matrix, histograms,
# gradients and hessians), plus the CUDA context every process pays. Rough on purpose: it only picks a tier.
BYTES_PER_VALUE = 4
WORKING_SET_FACTOR = 4
CUDA_CONTEXT_BYTES = 512 * 2**20
NO_LIVE_WORKER = "no live worker: run in the local pool"


@dataclass(frozen=True)
class Route:
    queue: str | None  # None: no live worker, run in the local pool
    device: Device
    reason: str
    # The trial needs plugin code no live worker has at the master's version: the master's pool is its only place.
    master_only: bool = False


def estimate_gpu_bytes(n_rows: int, n_features: int) -> int:
    """A rough upper estimate of the GPU memory one trial needs (see WORKING_SET_FACTOR)."""
    if n_rows < 0 or n_features < 0:
        raise ValueError(f"n_rows and n_features must be >= 0, got {n_rows} and {n_features}")
    return n_rows * n_features * BYTES_PER_VALUE * WORKING_SET_FACTOR + CUDA_CONTEXT_BYTES


def gpu_params(algorithm: str) -> dict[str, Any]:
    """The parameters that make `algorithm` train on the GPU (a fresh dict the caller may merge into its own).

    Each algorithm declares them (`Algorithm.gpu`); the engine applies them inside the trial (engine/devices.py).
    """
    gpu = gpu_support(algorithm)
    if gpu is None:
        raise ValueError(f"{algorithm!r} cannot run on a GPU")
    return dict(gpu.params)


def choose_queue(
    algorithm: str,
    *,
    live_queues: AbstractSet[str],
    estimated_bytes: int,
    priority: bool,
    gpu_builds: Mapping[str, bool] | None = None,
    plugins: Sequence[AlgorithmOrigin] = (),
) -> Route:
    """The route for one trial of `algorithm`.

    `live_queues`: the queues at least one live worker consumes. `estimated_bytes`: `estimate_gpu_bytes` of the
    trial's data. `priority`: the job is flagged priority; its trials go to the `priority` queue, which every worker
    consumes, on the CPU since any worker may take them. `gpu_builds`: which libraries the GPU workers can run on
    the GPU (the probe's `gpu_builds`); None means assume all. `plugins`: the plugin distributions whose code the
    trial runs (engine/plugins.py `plugins_needed`); empty for built-ins.
    """
    if not live_queues:
        return Route(None, "cpu", NO_LIVE_WORKER)
    if plugins:
        return _plugin_route(algorithm, plugins, live_queues)
    if priority and PRIORITY in live_queues:
        return Route(PRIORITY, "cpu", f"priority job: {algorithm} goes to the first free worker, on CPU")
    if gpu_support(algorithm) is not None:
        gpu_route = _gpu_route(algorithm, live_queues, estimated_bytes, gpu_builds)
        if gpu_route is not None:
            return gpu_route
    return _cpu_route(live_queues, _cpu_reason(algorithm, live_queues, estimated_bytes, gpu_builds))


def _plugin_route(algorithm: str, plugins: Sequence[AlgorithmOrigin], live_queues: AbstractSet[str]) -> Route:
    """The queue of the one plugin the trial needs when a live worker consumes it; else the master (plugins run on
    the CPU: a plugin has no GPU routing of its own)."""
    queues = sorted({plugin_queue(p.package or "", p.version) for p in plugins})
    named = ", ".join(sorted({f"{p.package} {p.version}" for p in plugins}))
    if len(queues) == 1 and queues[0] in live_queues:
        return Route(queues[0], "cpu", f"{algorithm} runs plugin {named}: to a worker that has this version")
    if len(queues) > 1:
        why = f"{algorithm} runs code from several plugins ({named}), which one queue cannot ask for together"
    else:
        why = f"{algorithm} needs plugin {named} and no live worker has this version"
    return Route(None, "cpu", f"{why}: only the master can run it", master_only=True)


def _gpu_route(
    algorithm: str, live_queues: AbstractSet[str], estimated_bytes: int, gpu_builds: Mapping[str, bool] | None
) -> Route | None:
    """A live GPU queue the trial fits, smallest tier first; None when there is none or the build lacks GPU support."""
    if gpu_builds is not None and not gpu_builds.get(algorithm, False):
        return None
    needed = _gb(estimated_bytes)
    for size, queue in sorted(VRAM_TIERS.items()):
        if estimated_bytes <= size * GB and queue in live_queues:
            return Route(queue, "cuda", f"{algorithm} on GPU: about {needed} GB fits the {size} GB tier")
    if GPU in live_queues and estimated_bytes <= MIN_GPU_GB * GB:
        return Route(GPU, "cuda", f"{algorithm} on GPU: about {needed} GB fits any GPU worker")
    return None


def _cpu_reason(
    algorithm: str, live_queues: AbstractSet[str], estimated_bytes: int, gpu_builds: Mapping[str, bool] | None
) -> str:
    """Why the trial is not on a GPU."""
    if gpu_support(algorithm) is None:
        return f"{algorithm} runs on CPU only"
    if gpu_builds is not None and not gpu_builds.get(algorithm, False):
        return f"{algorithm} on CPU: the GPU workers' {algorithm} has no GPU support"
    if any(queue in live_queues for queue in (GPU, *VRAM_TIERS.values())):
        return f"{algorithm} on CPU: about {_gb(estimated_bytes)} GB is more than any live GPU worker holds"
    return f"{algorithm} on CPU: no live GPU worker"


def _cpu_route(live_queues: AbstractSet[str], reason: str) -> Route:
    if CPU in live_queues:
        return Route(CPU, "cpu", reason)
    # Every worker consumes `cpu`, so this only happens while the live set is being rebuilt; the local pool is safe.
    return Route(None, "cpu", f"{reason}; no live cpu worker: run in the local pool")


def _gb(n_bytes: int) -> str:
    return f"{n_bytes / GB:.1f}"
