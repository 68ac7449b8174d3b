"""`flowml train`: the same search loop and final fit the server runs, driven from the terminal."""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import psutil
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flowml.cli.errors import user_errors
from flowml.cli.model_trust import remember
from flowml.cli.startup import load_settings
from flowml.core.errors import FlowMLError, InvalidInputError
from flowml.data.formats import extension_of, sha256_of_bytes, write_parquet_bytes
from flowml.data.ingest import inspect_file
from flowml.engine.algorithms import default_registry
from flowml.engine.evaluation import attach_evaluation
from flowml.engine.executor import LocalExecutor, run_final_with_fallback
from flowml.engine.features import plan_features
from flowml.engine.final_choice import choose_validation, final_choice
from flowml.engine.metrics import default_metric, get_metric
from flowml.engine.pool import LocalProcessPool, TaskKilled
from flowml.engine.problem import check_target
from flowml.engine.search import SearchConfig, SearchLoop, TrialTicket
from flowml.engine.types import FeaturePlan, FinalSpec, ProblemType, TrialResult, TrialStatus

console = Console()
TASKS = ("auto", "binary", "multiclass", "regression")


@dataclass
class TrainOptions:
    data: Path
    target: str
    task: str
    metric: str | None
    time_budget: float
    output: Path
    algorithms: list[str] | None
    folds: int
    max_trials: int | None
    seed: int
    table: str | None


class ConsoleListener:
    def __init__(self, bar: Progress, task_id: Any, greater_is_better: bool) -> None:
        self.bar = bar
        self.task_id = task_id
        self.greater_is_better = greater_is_better
        self.best: float | None = None

    async def trial_started(self, ticket: TrialTicket) -> None:
        return None

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        if result.status == TrialStatus.COMPLETED and result.score is not None:
            better = self.best is None or (
                result.score > self.best if self.greater_is_better else result.score < self.best
            )
            if better:
                self.best = result.score

    async def progress(self, progress: float, stage: str, message: str) -> None:
        self.bar.update(self.task_id, completed=progress, description=message)

    def cancelled(self) -> bool:
        return False


def run_train(options: TrainOptions) -> None:
    with user_errors():
        _validate(options)
        asyncio.run(_train(options))


def _validate(options: TrainOptions) -> None:
    if not options.data.exists():
        raise InvalidInputError(f"file not found: {options.data}")
    if options.task not in TASKS:
        raise InvalidInputError(f"--task must be one of {', '.join(TASKS)}; got {options.task!r}")
    if options.time_budget < 5:
        raise InvalidInputError("--time-budget must be at least 5 seconds")
    if not 2 <= options.folds <= 10:
        raise InvalidInputError("--folds must be between 2 and 10")


def _prepare(options: TrainOptions, workdir: Path) -> tuple[Path, str, FeaturePlan, ProblemType, int]:
    ingested = inspect_file(options.data, extension=extension_of(options.data.name), table=options.table)
    df = ingested.df
    if options.target not in df.columns:
        raise InvalidInputError(
            f"column {options.target!r} is not in {options.data.name}; columns: {', '.join(df.columns)}"
        )
    path = workdir / "data.parquet"
    parquet = write_parquet_bytes(df)  # the same bytes, so the same hash, as a server upload of this file
    path.write_bytes(parquet)
    sha = sha256_of_bytes(parquet)
    frame = pl.read_parquet(path).to_pandas()
    y = frame[options.target]
    problem, check = check_target(y, options.task, options.folds)
    for note in [*ingested.notes, *check.notes]:
        console.print(f"[yellow]note:[/] {note}")
    plan = plan_features(frame, options.target, {c: str(k) for c, k in ingested.kinds.items()})
    for column, reason in plan.dropped.items():
        console.print(f"[dim]column {column!r} not used: {reason}[/]")
    return path, sha, plan, problem, int(y.notna().sum())


async def _train(options: TrainOptions) -> None:
    settings = load_settings()
    # The budget is the user's wall clock from the moment the command started: importing the ML stack counts too.
    started = psutil.Process().create_time()
    pool = LocalProcessPool(settings.LOCAL_WORKERS)
    pool_ready = asyncio.create_task(pool.start())  # importing the ML stack in the workers overlaps data prep
    with tempfile.TemporaryDirectory(prefix="flowml-train-") as tmp:
        workdir = Path(tmp)
        try:
            path, sha, plan, problem, n_rows = await asyncio.to_thread(_prepare, options, workdir)
            metric = get_metric(options.metric, problem) if options.metric else default_metric(problem)
            registry = default_registry()
            names = registry.choose(options.algorithms, problem)
        except BaseException:
            await pool_ready
            await pool.close()
            raise
        console.print(
            f"[bold]{problem.value}[/] on {n_rows} rows, optimizing [bold]{metric.name}[/] "
            f"for {options.time_budget:g} s with {len(names)} algorithms"
        )
        await pool_ready
        try:
            executor = LocalExecutor(pool)
            job_id = uuid.uuid4().hex
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(),
                console=console,
            ) as progress:
                task_id = progress.add_task("searching", total=100)
                listener = ConsoleListener(progress, task_id, metric.greater_is_better)
                config = SearchConfig(
                    job_id=job_id,
                    dataset_path=str(path),
                    problem_type=problem,
                    feature_plan=plan,
                    metric=metric.name,
                    algorithms=names,
                    n_folds=options.folds,
                    seed=options.seed,
                    started_at=started,
                    deadline=started + options.time_budget,
                    n_rows=n_rows,
                    max_trials=options.max_trials,
                    oof_dir=str(workdir / "oof"),
                    validation=choose_validation(n_rows, len(plan.features), options.time_budget),
                )
                outcome = await SearchLoop(config, registry, executor, listener).run()
                if outcome.best is None:
                    raise InvalidInputError(outcome.failure_message())
                choice = await asyncio.to_thread(final_choice, config, outcome)
                what = f"an ensemble of {len(choice.ensemble)} models" if choice.ensemble else outcome.best.algorithm
                progress.update(task_id, completed=96, description=f"fitting {what} on all rows")
                leaderboard = _leaderboard(outcome.results, metric.greater_is_better)
                options.output.mkdir(parents=True, exist_ok=True)
                try:
                    final = await run_final_with_fallback(
                        executor,
                        FinalSpec(
                            job_id=job_id,
                            dataset_path=str(path),
                            dataset_sha256=sha,
                            problem_type=problem.value,
                            feature_plan=plan.to_dict(),
                            metric=metric.name,
                            seed=options.seed,
                            output_dir=str(options.output.resolve()),
                            leaderboard=leaderboard,
                            **choice.spec_fields(),
                        ),
                    )
                except (TaskKilled, RuntimeError) as exc:
                    raise FlowMLError(f"the final fit of {outcome.best.algorithm} failed: {exc}") from None
                # evaluation.json from the out-of-fold predictions, before the temporary folder holding them goes.
                await asyncio.to_thread(
                    attach_evaluation,
                    final.output_dir,
                    final.card,
                    dataset_path=path,
                    plan=plan,
                    task=problem,
                    n_folds=options.folds,
                    oof_dir=workdir / "oof",
                    best_trial=outcome.best.trial_number,
                    ensemble=choice.ensemble,
                )
                remember(settings, final.model_sha256)  # so `flowml predict` loads it without a warning
                progress.update(task_id, completed=100, description="done")
        finally:
            await pool.close(graceful=False)
    _print_leaderboard(leaderboard, metric.name)
    if choice.ensemble:
        members = ", ".join(f"{m['algorithm']} x{m['weight']:.2f}" for m in choice.ensemble)
        console.print(f"ensemble ({metric.name} {choice.ensemble_score:.5f} out of fold): {members}")
    console.print(
        f"best: [bold]{outcome.best.algorithm}[/] {metric.name} = {outcome.best.score:.5f}; "
        f"model written to [bold]{final.output_dir}[/] in {time.time() - started:.1f} s"
    )


def _leaderboard(results: list[TrialResult], greater_is_better: bool) -> list[dict[str, Any]]:
    done = [r for r in results if r.status == TrialStatus.COMPLETED and r.score is not None and math.isfinite(r.score)]
    done.sort(key=lambda r: -(r.score or 0.0) if greater_is_better else (r.score or 0.0))
    return [{"rank": i, **r.to_dict()} for i, r in enumerate(done, start=1)]


def _print_leaderboard(rows: list[dict[str, Any]], metric: str) -> None:
    table = Table(title="Leaderboard")
    for column in ("rank", "algorithm", metric, "std", "fit s/fold", "predict µs/row"):
        table.add_column(column, justify="right" if column != "algorithm" else "left")
    for row in rows[:20]:
        table.add_row(
            str(row["rank"]),
            row["algorithm"],
            f"{row['score']:.5f}",
            f"{row['score_std'] or 0:.4f}",
            f"{row['fit_time']:.2f}",
            f"{row['predict_time_per_row'] * 1e6:.1f}",
        )
    console.print(table)
