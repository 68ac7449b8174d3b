"""Where a trial computes: the parameters that move each GPU-capable library onto a CUDA device.

The router (cluster/routing.py) decides the device; the trial applies these on top of the searched parameters, so
the parameters recorded for the trial, and refit by the final fit on the orchestrator, stay device-free.
"""

from __future__ import annotations

from typing import Any

CPU = "cpu"
CUDA = "cuda"

GPU_PARAMS: dict[str, dict[str, Any]] = {
    "xgboost": {"device": "cuda", "tree_method": "hist"},
    "lightgbm": {"device_type": "cuda"},
    "catboost": {"task_type": "GPU", "devices": "0"},
}


def gpu_capable(algorithm: str) -> bool:
    return algorithm in GPU_PARAMS


def device_params(algorithm: str, device: str) -> dict[str, Any]:
    """Extra estimator parameters for `device`; none on the CPU or for an algorithm without a GPU build."""
    if device not in (CPU, CUDA):
        raise ValueError(f"unknown device {device!r}; use 'cpu' or 'cuda'")
    return dict(GPU_PARAMS.get(algorithm, {})) if device == CUDA else {}
