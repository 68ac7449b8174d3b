"""Plugin trials reach only workers with the master's plugin version: what a worker advertises (probe, queues), the
route a trial takes, and the failure a job reports when nobody may run it."""

from __future__ import annotations

from pathlib import Path

from celery import Celery

from flowml.cluster.executor import ClusterExecutor
from flowml.cluster.probe import Capabilities, probe_plugins
from flowml.cluster.queues import CPU, PRIORITY, is_plugin_queue, plugin_queue, queues_for
from flowml.cluster.routing import NO_LIVE_WORKER, Route, choose_queue
from flowml.engine.executor import LocalExecutor
from flowml.engine.plugins import plugins_needed
from flowml.engine.pool import LocalProcessPool
from flowml.engine.preprocessor import join_params
from flowml.engine.registry import AlgorithmOrigin
from flowml.engine.types import FeaturePlan, ProblemType, TrialSpec, TrialStatus

EXAMPLE = AlgorithmOrigin(source="plugin", package="flowml-plugin-example", version="0.1.0")
EXAMPLE_QUEUE = "plugin:flowml-plugin-example@0.1.0"
OTHER = AlgorithmOrigin(source="plugin", package="other-plugin", version="2.0")


def test_a_worker_consumes_the_queue_of_each_plugin_version_it_loaded() -> None:
    queues = queues_for(Capabilities(plugins={"FlowML_Plugin.Example": "0.1.0", "other-plugin": "2.0"}))
    assert queues == [CPU, PRIORITY, EXAMPLE_QUEUE, "plugin:other-plugin@2.0"]
    assert plugin_queue("flowml-plugin-example", "0.1.0") == EXAMPLE_QUEUE
    assert is_plugin_queue(EXAMPLE_QUEUE) and is_plugin_queue("plugin:x@1.0rc1+local")
    assert not is_plugin_queue("plugin:x") and not is_plugin_queue("plugin:x@1,cpu") and not is_plugin_queue("gpu2")


def test_the_probe_reports_loaded_plugins_not_broken_ones(site: Path) -> None:
    assert probe_plugins() == {"good-plugin": "1.2.0"}  # wrong-plugin loaded nothing


def test_a_trial_needs_the_plugins_of_its_algorithm_and_steps(site: Path) -> None:
    with_step = join_params({"strength": 1.0}, [("times", {"factor": 1.0})])
    needed = plugins_needed("shrunk_linear", with_step)
    assert [(o.package, o.version) for o in needed] == [("good-plugin", "1.2.0")]
    assert plugins_needed("ridge", {"alpha": 1.0}) == []
    assert [o.package for o in plugins_needed("ridge", join_params({"alpha": 1.0}, [("times", {"factor": 1.0})]))] == [
        "good-plugin"
    ]


def _route(live: set[str], plugins: list[AlgorithmOrigin], priority: bool = False) -> Route:
    return choose_queue("random_features", live_queues=live, estimated_bytes=0, priority=priority, plugins=plugins)


def test_a_plugin_trial_goes_only_to_its_plugin_queue() -> None:
    route = _route({CPU, PRIORITY, EXAMPLE_QUEUE}, [EXAMPLE], priority=True)  # not to `priority`: any worker takes it
    assert (route.queue, route.device, route.master_only) == (EXAMPLE_QUEUE, "cpu", False)

    elsewhere = _route({CPU, PRIORITY, "plugin:flowml-plugin-example@0.2.0"}, [EXAMPLE])
    assert elsewhere.queue is None and elsewhere.master_only
    assert "needs plugin flowml-plugin-example 0.1.0 and no live worker has this version" in elsewhere.reason

    several = _route({CPU, EXAMPLE_QUEUE, "plugin:other-plugin@2.0"}, [EXAMPLE, OTHER])
    assert several.queue is None and several.master_only and "several plugins" in several.reason

    # No live worker at all: the local pool, as for every trial (the master has every plugin it offers).
    assert _route(set(), [EXAMPLE]).reason == NO_LIVE_WORKER and not _route(set(), [EXAMPLE]).master_only
    # Built-in trials are routed as before.
    assert choose_queue("ridge", live_queues={CPU, EXAMPLE_QUEUE}, estimated_bytes=0, priority=False).queue == CPU


async def test_the_job_is_told_when_no_worker_has_the_plugin(site: Path, tmp_path: Path) -> None:
    """A master that runs no trials, with live workers that lack the plugin version: the trial fails saying which
    plugin and version to install (the search then reports it as the job's reason when nothing else succeeds)."""

    async def live_queues() -> dict[str, int]:
        return {CPU: 2, PRIORITY: 2, "plugin:good-plugin@1.1.0": 2}

    async def live_workers() -> set[str]:
        return {"w1"}

    executor = ClusterExecutor(
        Celery("plugin-routing-test"),
        LocalExecutor(LocalProcessPool(1)),  # never started: the trial must not get this far
        live_queues=live_queues,
        live_workers=live_workers,
        broker_url="memory://",
        signing_key="k" * 32,
        trials_on_master=False,
    )
    await executor.refresh()
    spec = TrialSpec(
        job_id="job",
        trial_number=0,
        dataset_path=str(tmp_path / "data.parquet"),
        problem_type=ProblemType.BINARY,
        feature_plan=FeaturePlan(target="y", column_kinds={"x": "numeric"}),
        algorithm="shrunk_linear",
        params={"strength": 1.0},
        metric="accuracy",
        n_folds=3,
        seed=0,
        deadline=1e12,
        dataset_sha256="0" * 64,
    )
    result = await executor.run_trial(spec)
    assert result.status == TrialStatus.FAILED
    assert result.error is not None
    assert "needs plugin good-plugin 1.2.0 and no live worker has this version" in result.error
    assert "this master runs no trials" in result.error
