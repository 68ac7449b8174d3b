"""Routing of one trial: queue, device and reason for every rule, with live queues from fake workers."""

from __future__ import annotations

import pytest

from flowml.cluster.probe import Capabilities, GpuInfo
from flowml.cluster.queues import queues_for
from flowml.cluster.routing import (
    CUDA_CONTEXT_BYTES,
    NO_LIVE_WORKER,
    Route,
    choose_queue,
    estimate_gpu_bytes,
    gpu_params,
)
from flowml.engine.algorithms import default_registry

GIB = 2**30
GPU_ALGORITHMS = sorted(algo.name for algo in default_registry() if algo.gpu is not None)
CPU_ALGORITHMS = sorted(algo.name for algo in default_registry() if algo.gpu is None)


def live(*vram_per_worker: float) -> set[str]:
    """The queues consumed by one worker per entry: 0 is a CPU-only worker, anything else its GPU's size in GB."""
    queues: set[str] = set()
    for vram in vram_per_worker:
        gpus = [GpuInfo(0, "GPU", vram, vram)] if vram else []
        queues.update(queues_for(Capabilities(gpus=gpus)))
    return queues


def route(algorithm: str, live_queues: set[str], gib: float, *, priority: bool = False) -> Route:
    return choose_queue(algorithm, live_queues=live_queues, estimated_bytes=int(gib * GIB), priority=priority)


def test_the_registry_has_gpu_and_cpu_algorithms() -> None:
    assert GPU_ALGORITHMS and CPU_ALGORITHMS


@pytest.mark.parametrize("algorithm", CPU_ALGORITHMS)
def test_cpu_algorithm_stays_on_cpu_beside_a_gpu_worker(algorithm: str) -> None:
    chosen = route(algorithm, live(24.0), 0.1)
    assert (chosen.queue, chosen.device, chosen.reason) == ("cpu", "cpu", f"{algorithm} runs on CPU only")


def test_an_algorithm_this_process_does_not_know_runs_on_cpu() -> None:
    chosen = route("someone_elses_model", live(24.0), 0.1)
    assert (chosen.queue, chosen.device) == ("cpu", "cpu")


def test_estimate_gpu_bytes() -> None:
    assert estimate_gpu_bytes(0, 0) == CUDA_CONTEXT_BYTES
    # 1000 rows x 10 features as float32 (40 kB), times 4 for the library's working copies.
    assert estimate_gpu_bytes(1000, 10) == 160_000 + CUDA_CONTEXT_BYTES
    assert estimate_gpu_bytes(2000, 10) > estimate_gpu_bytes(1000, 10)
    with pytest.raises(ValueError, match="n_rows"):
        estimate_gpu_bytes(-1, 10)


@pytest.mark.parametrize("algorithm", GPU_ALGORITHMS)
def test_gpu_algorithm_goes_to_a_fitting_tier(algorithm: str) -> None:
    chosen = route(algorithm, live(24.0), 2.0)
    assert (chosen.queue, chosen.device) == ("gpu.vram6", "cuda")
    assert algorithm in chosen.reason


@pytest.mark.parametrize(
    ("gib", "queue"),
    [(0.5, "gpu.vram6"), (6.0, "gpu.vram6"), (6.5, "gpu.vram8"), (10.0, "gpu.vram12"), (20.0, "gpu.vram24")],
)
def test_smallest_fitting_tier_is_chosen(gib: float, queue: str) -> None:
    assert route("xgboost", live(0, 6.0, 24.0), gib).queue == queue


def test_a_realistic_dataset_fits_the_smallest_tier() -> None:
    estimate = estimate_gpu_bytes(1_000_000, 100)  # 0.4 GB of float32: about 2 GB with the CUDA context
    chosen = choose_queue("lightgbm", live_queues=live(12.0), estimated_bytes=estimate, priority=False)
    assert chosen.queue == "gpu.vram6"


def test_data_too_big_for_every_live_tier_goes_to_cpu() -> None:
    chosen = route("catboost", live(0, 12.0), 16.0)
    assert (chosen.queue, chosen.device) == ("cpu", "cpu")
    assert "more than any live GPU worker" in chosen.reason


def test_no_gpu_worker_sends_gpu_algorithms_to_cpu() -> None:
    chosen = route("xgboost", live(0, 0), 1.0)
    assert (chosen.queue, chosen.device) == ("cpu", "cpu")
    assert "no live GPU worker" in chosen.reason


def test_plain_gpu_queue_takes_what_fits_four_gb() -> None:
    small_card = live(4.0)  # consumes `gpu` but no tier
    assert small_card == {"cpu", "gpu", "priority"}
    chosen = route("xgboost", small_card, 3.0)
    assert (chosen.queue, chosen.device) == ("gpu", "cuda")
    assert route("xgboost", small_card, 5.0).queue == "cpu"


def test_cpu_algorithm_goes_to_cpu_even_with_gpus() -> None:
    chosen = route("random_forest", live(24.0), 0.1)
    assert (chosen.queue, chosen.device) == ("cpu", "cpu")
    assert chosen.reason == "random_forest runs on CPU only"


def test_priority_job_goes_to_the_priority_queue() -> None:
    # Any worker may take it, a CPU-only one included, so it runs on the CPU.
    for algorithm, workers in (("xgboost", live(24.0)), ("random_forest", live(0))):
        chosen = route(algorithm, workers, 1.0, priority=True)
        assert (chosen.queue, chosen.device) == ("priority", "cpu")


def test_priority_without_a_consumer_follows_the_normal_rules() -> None:
    no_priority_consumer = live(24.0) - {"priority"}
    chosen = route("xgboost", no_priority_consumer, 1.0, priority=True)
    assert (chosen.queue, chosen.device) == ("gpu.vram6", "cuda")


def test_nothing_live_runs_in_the_local_pool() -> None:
    assert route("xgboost", set(), 1.0) == Route(None, "cpu", NO_LIVE_WORKER)
    assert route("xgboost", set(), 1.0, priority=True) == Route(None, "cpu", NO_LIVE_WORKER)


def test_live_but_no_cpu_consumer_runs_in_the_local_pool() -> None:
    chosen = route("random_forest", {"llm"}, 0.1)
    assert (chosen.queue, chosen.device) == (None, "cpu")


def test_gpu_builds_without_gpu_support_go_to_cpu() -> None:
    builds = {"xgboost": True, "lightgbm": False, "catboost": True}

    def chosen(algorithm: str) -> Route:
        return choose_queue(algorithm, live_queues=live(24.0), estimated_bytes=GIB, priority=False, gpu_builds=builds)

    assert chosen("xgboost").queue == "gpu.vram6"
    assert (chosen("lightgbm").queue, chosen("lightgbm").device) == ("cpu", "cpu")
    assert "no GPU support" in chosen("lightgbm").reason


@pytest.mark.parametrize("algorithm", GPU_ALGORITHMS)
def test_gpu_params_are_the_algorithms_own(algorithm: str) -> None:
    gpu = default_registry().get(algorithm).gpu
    assert gpu is not None and gpu.params and gpu_params(algorithm) == gpu.params


def test_xgboost_trains_on_cuda_with_histograms() -> None:
    assert gpu_params("xgboost") == {"device": "cuda", "tree_method": "hist"}


def test_gpu_params_are_a_fresh_copy() -> None:
    gpu_params("xgboost")["device"] = "cpu"
    assert gpu_params("xgboost")["device"] == "cuda"


def test_gpu_params_refuse_a_cpu_algorithm() -> None:
    with pytest.raises(ValueError, match="random_forest"):
        gpu_params("random_forest")
