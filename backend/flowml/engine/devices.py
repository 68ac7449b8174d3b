"""Where a trial computes: the parameters that move a GPU-capable algorithm onto a CUDA device.

Each algorithm declares its own (`Algorithm.gpu`); the router (cluster/routing.py) decides the device, and the trial
applies these on top of the searched parameters, so the parameters recorded for the trial, and refit by the final
fit on the orchestrator, stay device-free.
"""

from __future__ import annotations

from typing import Any

from flowml.engine.algorithms import default_registry
from flowml.engine.registry import GpuSupport

CPU = "cpu"
CUDA = "cuda"


def gpu_support(algorithm: str) -> GpuSupport | None:
    """How `algorithm` trains on a GPU; None for a CPU-only algorithm or a name this process does not know."""
    algo = default_registry().find(algorithm)
    return algo.gpu if algo is not None else None


def gpu_capable(algorithm: str) -> bool:
    return gpu_support(algorithm) is not None


def device_params(algorithm: str, device: str) -> dict[str, Any]:
    """Extra estimator parameters for `device`; none on the CPU or for an algorithm without a GPU build."""
    if device not in (CPU, CUDA):
        raise ValueError(f"unknown device {device!r}; use 'cpu' or 'cuda'")
    gpu = gpu_support(algorithm) if device == CUDA else None
    return dict(gpu.params) if gpu is not None else {}
