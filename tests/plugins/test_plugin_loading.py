"""Plugins found through real entry points (distributions installed into a directory on sys.path): the good ones
join the registry with their origin and run in trials; each kind of broken one is reported with its reason and
stops nothing else."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from flowml.engine.algorithms import builtin_registry, default_registry
from flowml.engine.executor import LocalExecutor
from flowml.engine.metrics import get_metric, optuna_direction
from flowml.engine.model import build_pipeline
from flowml.engine.plugins import PluginKind, plugin_report
from flowml.engine.pool import LocalProcessPool
from flowml.engine.preprocessor import default_preprocessors, join_params, split_params
from flowml.engine.scheduler import AlgorithmScheduler
from flowml.engine.search import SearchConfig, SearchLoop, TrialTicket
from flowml.engine.trial import run_trial
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus


def test_good_plugins_load_with_their_distribution_and_version(site: Path) -> None:
    report = plugin_report()
    loaded = {(p.kind, p.provides, p.package, p.version, p.entry_point) for p in report.loaded}
    assert loaded == {
        (PluginKind.ALGORITHM, "shrunk_linear", "good-plugin", "1.2.0", "shrunk"),
        (PluginKind.PREPROCESSOR, "times", "good-plugin", "1.2.0", "times"),
    }
    registry = default_registry()
    plugin = registry.get("shrunk_linear")
    assert (plugin.origin.source, plugin.origin.package, plugin.origin.version) == ("plugin", "good-plugin", "1.2.0")
    # Every built-in is still there and still built in, including the one a plugin tried to take.
    assert set(builtin_registry().names()) < set(registry.names())
    assert registry.get("ridge").origin.source == "builtin"
    info = plugin.describe()
    assert info.origin.package == "good-plugin" and info.space[ProblemType.BINARY].params["strength"].kind == "float"
    assert default_preprocessors().get("times").origin.version == "1.2.0"


def test_each_broken_plugin_is_reported_with_its_reason(site: Path) -> None:
    broken = {b.entry_point: b for b in plugin_report().broken}
    assert set(broken) == {"raises", "missing", "wrong_type", "clash", "outside", "again", "prefix_clash"}
    assert all(b.package == "wrong-plugin" and b.version == "0.0.1" for b in broken.values())
    assert "RuntimeError: boom while importing" in broken["raises"].error
    assert "ModuleNotFoundError" in broken["missing"].error
    assert "is a int, not a flowml Algorithm" in broken["wrong_type"].error
    assert "'ridge' is a built-in algorithm" in broken["clash"].error
    assert "lie outside its space" in broken["outside"].error and "strength" in broken["outside"].error
    assert "another plugin already provides 'shrunk_linear'" in broken["again"].error
    assert broken["prefix_clash"].kind == PluginKind.PREPROCESSOR
    assert "another plugin already provides 'shrunk_linear'" in broken["prefix_clash"].error
    # None of them reached the registry.
    assert "outside_space" not in default_registry()


def test_trial_params_carry_the_steps_and_split_back() -> None:
    params = join_params({"C": 1.0}, [("times", {"factor": 1.5}), ("clip", {})])
    assert params == {"C": 1.0, "preprocessors": "times,clip", "times__factor": 1.5}
    assert split_params(params) == ({"C": 1.0}, [("times", {"factor": 1.5}), ("clip", {})])
    assert split_params({"C": 1.0}) == ({"C": 1.0}, [])


def _frame(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "y": np.where(x1 + 0.5 * x2 > 0, "yes", "no")})


def test_the_scheduler_tunes_the_preprocessor_with_the_algorithm(site: Path) -> None:
    task = ProblemType.BINARY
    scheduler = AlgorithmScheduler(
        [default_registry().get("shrunk_linear")],
        task,
        optuna_direction(get_metric("log_loss", task)),
        seed=3,
        preprocessors=[default_preprocessors().get("times")],
    )
    first = scheduler.ask()
    assert first is not None  # the warm start: both defaults
    assert first.params == {"strength": 1.0, "preprocessors": "times", "times__factor": 1.0}
    assert first.optuna_params == {"algorithm": "shrunk_linear", "shrunk_linear__strength": 1.0, "times__factor": 1.0}
    scheduler.tell(first, 0.5, failed=False, cost_seconds=0.1)
    for _ in range(5):
        proposal = scheduler.ask()
        assert proposal is not None
        _, steps = split_params(proposal.params)
        assert [name for name, _ in steps] == ["times"] and 0.5 <= steps[0][1]["factor"] <= 2.0
        assert "times__factor" in proposal.distributions
        scheduler.tell(proposal, 0.4, failed=False, cost_seconds=0.1)


def test_a_trial_runs_the_preprocessor_before_the_estimator(site: Path, tmp_path: Path) -> None:
    df = _frame()
    plan = FeaturePlan(target="y", column_kinds={"x1": "numeric", "x2": "numeric"})
    params = join_params({"strength": 1.0}, [("times", {"factor": 2.0})])
    pipeline = build_pipeline(
        plan, default_registry().get("shrunk_linear"), params, ProblemType.BINARY, seed=0, n_jobs=1
    )
    assert [name for name, _ in pipeline.steps] == ["preprocess", "step:times", "model"]
    pipeline.fit(df[["x1", "x2"]], (df["y"] == "yes").astype(int))
    assert pipeline.named_steps["step:times"].fitted_

    path = tmp_path / "data.parquet"
    df.to_parquet(path)
    spec = TrialSpec(
        job_id="j",
        trial_number=0,
        dataset_path=str(path),
        problem_type=ProblemType.BINARY,
        feature_plan=plan,
        algorithm="shrunk_linear",
        params=params,
        metric="accuracy",
        n_folds=3,
        seed=0,
        deadline=1e12,
    )
    result = run_trial(spec)
    assert result.status == TrialStatus.COMPLETED, result.error
    assert result.params == params  # the steps stay in the result, so the final refit runs them too
    assert result.score is not None and result.score > 0.8


async def test_a_search_tunes_the_named_preprocessor_on_the_pool(site: Path, tmp_path: Path) -> None:
    """SearchConfig.preprocessors through the real loop and process pool: every trial ran the step, with sampled
    params under the step's Optuna names, and the pool's processes found the plugin as the parent did."""
    path = tmp_path / "data.parquet"
    _frame().to_parquet(path)
    now = time.time()
    config = SearchConfig(
        job_id="job",
        dataset_path=str(path),
        problem_type=ProblemType.BINARY,
        feature_plan=FeaturePlan(target="y", column_kinds={"x1": "numeric", "x2": "numeric"}),
        metric="accuracy",
        algorithms=["shrunk_linear"],
        n_folds=3,
        seed=0,
        started_at=now,
        deadline=now + 120,
        n_rows=120,
        max_trials=3,
        preprocessors=["times"],
    )
    pool = LocalProcessPool(1)
    await pool.start()
    try:
        outcome = await SearchLoop(config, default_registry(), LocalExecutor(pool), _Quiet()).run()
    finally:
        await pool.close()
    assert len(outcome.results) == 3
    for result in outcome.results:
        assert result.status == TrialStatus.COMPLETED, result.error
        factor = result.params["times__factor"]
        assert result.params["preprocessors"] == "times" and isinstance(factor, float) and 0.5 <= factor <= 2.0
    assert outcome.results[0].params["times__factor"] == 1.0  # the warm start: the step's defaults too


class _Quiet:
    async def trial_started(self, ticket: TrialTicket) -> None:
        pass

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        pass

    async def progress(self, progress: float, stage: str, message: str) -> None:
        pass

    def cancelled(self) -> bool:
        return False
