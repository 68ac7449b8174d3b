"""Celery queue names, and which queues a worker consumes given what its machine can do.

GPU tiers are cumulative: a worker with a 24 GB card consumes `gpu.vram6` through `gpu.vram24`, because it can run
anything a smaller card can. The router sends a trial to the smallest tier its memory estimate fits, so small trials
spread over every GPU worker while large ones only reach the cards that hold them.

"GB" here means GiB (2**30 bytes): the unit NVML reports in and that cards' nominal sizes are counted in.
"""

from __future__ import annotations

import re

from flowml.cluster.probe import Capabilities, max_vram_gb

CPU = "cpu"
GPU = "gpu"
GPU_VRAM6 = "gpu.vram6"
GPU_VRAM8 = "gpu.vram8"
GPU_VRAM12 = "gpu.vram12"
GPU_VRAM24 = "gpu.vram24"
LLM = "llm"
PRIORITY = "priority"

ALL_QUEUES: tuple[str, ...] = (CPU, GPU, GPU_VRAM6, GPU_VRAM8, GPU_VRAM12, GPU_VRAM24, LLM, PRIORITY)
# One queue per plugin distribution and version ("plugin:flowml-plugin-example@0.1.0"): a worker consumes the queues
# of the plugins it loaded, so a plugin's trials reach only workers that run the same code as the master.
PLUGIN_PREFIX = "plugin:"
_PLUGIN_QUEUE = re.compile(r"^plugin:[a-z0-9][a-z0-9-]*@[A-Za-z0-9.+!_-]+$")

# Nominal size in GB -> queue, smallest first (the router relies on this order to pick the smallest fitting tier).
VRAM_TIERS: dict[int, str] = {6: GPU_VRAM6, 8: GPU_VRAM8, 12: GPU_VRAM12, 24: GPU_VRAM24}

MIN_GPU_GB = 4  # below this a card cannot hold a useful trial next to the CUDA context; it gets no GPU queue
# Cards report a little less than their nominal size (an RTX 4090 has 24564 MiB = 23.99 GiB, an RTX 4060 Ti
# 8188 MiB): within this margin a card still counts as its nominal size. Half a GB keeps 11 GB cards out of 12.
NOMINAL_SIZE_MARGIN_GB = 0.5


def holds(vram_total_gb: float, nominal_gb: float) -> bool:
    """Whether a card with this much total memory counts as at least `nominal_gb` (see NOMINAL_SIZE_MARGIN_GB)."""
    return vram_total_gb >= nominal_gb - NOMINAL_SIZE_MARGIN_GB


def queues_for(capabilities: Capabilities) -> list[str]:
    """The queues a worker with these capabilities consumes, in `ALL_QUEUES` order, then its plugins' queues.

    Every worker takes `cpu` work and `priority` work (priority trials run on the CPU, so any worker can take them).
    """
    largest = max_vram_gb(capabilities)
    consumed = {CPU, PRIORITY}
    if holds(largest, MIN_GPU_GB):
        consumed.add(GPU)
    consumed.update(queue for size, queue in VRAM_TIERS.items() if holds(largest, size))
    if capabilities.ollama:
        consumed.add(LLM)
    plugins = sorted(plugin_queue(package, version) for package, version in capabilities.plugins.items())
    return [queue for queue in ALL_QUEUES if queue in consumed] + plugins


def plugin_queue(package: str, version: str | None) -> str:
    """The queue of one plugin distribution at one version (the name normalized as PEP 503 does)."""
    return f"{PLUGIN_PREFIX}{re.sub(r'[-_.]+', '-', package).lower()}@{version or 'unknown'}"


def is_plugin_queue(name: str) -> bool:
    return bool(_PLUGIN_QUEUE.match(name))
