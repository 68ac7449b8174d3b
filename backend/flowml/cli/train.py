"""`flowml train`: the server's training run (engine/run.py), driven from the terminal through the same local
adapter as `flowml.AutoML` (automl/local_run.py)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flowml.automl.local_run import LocalPlan, LocalRunSpec, run_local
from flowml.cli.errors import user_errors
from flowml.cli.model_trust import remember
from flowml.cli.startup import load_settings
from flowml.core.errors import InvalidInputError
from flowml.core.model_card import ModelCard
from flowml.data.formats import extension_of
from flowml.data.ingest import IngestedTable, inspect_file
from flowml.engine.search import TrialTicket
from flowml.engine.types import LeaderboardRow, ProblemType, TrialResult

console = Console()
TASKS = ("auto", "binary", "multiclass", "regression", "clustering")
CLUSTERING = "clustering"


@dataclass
class TrainOptions:
    data: Path
    target: str | None
    task: str
    metric: str | None
    time_budget: float
    output: Path
    algorithms: list[str] | None
    preprocessors: list[str]
    folds: int
    max_trials: int | None
    seed: int
    table: str | None
    reference: str | None = None


class ConsoleEvents:
    """The run's events as a progress bar."""

    def __init__(self, bar: Progress, task_id: Any) -> None:
        self.bar = bar
        self.task_id = task_id

    async def trial_started(self, ticket: TrialTicket) -> None:
        return None

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        return None

    async def progress(self, progress: float, stage: str, message: str) -> None:
        self.bar.update(self.task_id, completed=progress, description=message)


def run_train(options: TrainOptions) -> None:
    with user_errors():
        _validate(options)
        asyncio.run(_train(options))


def _validate(options: TrainOptions) -> None:
    if not options.data.exists():
        raise InvalidInputError(f"file not found: {options.data}")
    if options.task not in TASKS:
        raise InvalidInputError(f"--task must be one of {', '.join(TASKS)}; got {options.task!r}")
    if options.task == CLUSTERING and options.target is not None:
        raise InvalidInputError(
            "--task clustering takes no --target: it finds groups without one; to compare the clusters with a "
            "known grouping, name it with --reference"
        )
    if options.task != CLUSTERING and options.target is None:
        raise InvalidInputError(
            "--target is required: the column to predict; to find groups in a table with no target, use "
            "--task clustering"
        )
    if options.task != CLUSTERING and options.reference is not None:
        raise InvalidInputError("--reference is for --task clustering only")
    if options.time_budget < 5:
        raise InvalidInputError("--time-budget must be at least 5 seconds")
    if not 2 <= options.folds <= 10:
        raise InvalidInputError("--folds must be between 2 and 10")


def _read(options: TrainOptions) -> IngestedTable:
    """The file read and typed as a server upload of it is (blocking)."""
    ingested = inspect_file(options.data, extension=extension_of(options.data.name), table=options.table)
    for name in (options.target, options.reference):
        if name is not None and name not in ingested.df.columns:
            raise InvalidInputError(
                f"column {name!r} is not in {options.data.name}; columns: {', '.join(ingested.df.columns)}"
            )
    return ingested


def _show(plan: LocalPlan, options: TrainOptions) -> None:
    """What was decided before the search: notes, unused columns, what is optimized."""
    for note in plan.table.notes:
        console.print(f"[yellow]note:[/] {note}")
    for column, reason in plan.table.data.plan.dropped.items():
        console.print(f"[dim]column {column!r} not used: {reason}[/]")
    console.print(
        f"[bold]{plan.table.problem.value}[/] on {plan.table.data.n_rows} rows, optimizing [bold]{plan.metric.name}[/] "
        f"for {options.time_budget:g} s with {len(plan.algorithms)} algorithms"
    )
    if (steps := plan.steps_line()) is not None:
        console.print(steps)


async def _train(options: TrainOptions) -> None:
    """The local run (automl/local_run.py over engine/run.py, as `flowml.AutoML` fits) with the terminal's ports:
    a progress bar and the output folder."""
    settings = load_settings()
    # The budget is the user's wall clock from the moment the command started: importing the ML stack counts too.
    started = psutil.Process().create_time()
    ingested = await asyncio.to_thread(_read, options)
    spec = LocalRunSpec(
        target=options.target,
        task=options.task,
        metric=options.metric,
        algorithms=options.algorithms,
        preprocessors=options.preprocessors,
        folds=options.folds,
        max_trials=options.max_trials,
        seed=options.seed,
        time_budget=options.time_budget,
        started_at=started,
        workers=settings.LOCAL_WORKERS,
        reference=options.reference,
    )
    with (
        tempfile.TemporaryDirectory(prefix="flowml-train-") as tmp,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
            console=console,
        ) as progress,
    ):
        task_id = progress.add_task("preparing", total=100)
        plan, outcome = await run_local(
            ingested,
            spec,
            output=options.output,
            workdir=Path(tmp),
            events=ConsoleEvents(progress, task_id),
            planned=lambda decided: _show(decided, options),
        )
        remember(settings, outcome.final.model_sha256)  # so `flowml predict` loads it without a warning
        progress.update(task_id, completed=100, description="done")
    metric = plan.metric.name
    if plan.table.problem is ProblemType.CLUSTERING:
        _print_clusterings(outcome.leaderboard, metric)
        _print_clusters(outcome.card)
    else:
        _print_leaderboard(outcome.leaderboard, metric)
    if outcome.choice.ensemble:
        members = ", ".join(f"{m['algorithm']} x{m['weight']:.2f}" for m in outcome.choice.ensemble)
        console.print(f"ensemble ({metric} {outcome.choice.ensemble_score:.5f} out of fold): {members}")
    console.print(
        f"best: [bold]{outcome.best.algorithm}[/] {metric} = {outcome.best.score:.5f}; "
        f"model written to [bold]{outcome.location}[/] in {time.time() - started:.1f} s"
    )


def _print_leaderboard(rows: list[LeaderboardRow], metric: str) -> None:
    table = Table(title="Leaderboard")
    for column in ("rank", "algorithm", metric, "std", "fit s/fold", "predict µs/row"):
        table.add_column(column, justify="right" if column != "algorithm" else "left")
    for row in rows[:20]:
        table.add_row(
            str(row.rank),
            row.algorithm,
            f"{row.score or 0:.5f}",
            f"{row.score_std or 0:.4f}",
            f"{row.fit_time:.2f}",
            f"{row.predict_time_per_row * 1e6:.1f}",
        )
    console.print(table)


def _print_clusterings(rows: list[LeaderboardRow], metric: str) -> None:
    """A clustering search's leaderboard: the score is the validity index (weighted by the rows assigned), with
    the number of clusters each trial found and their sizes."""
    table = Table(title="Leaderboard")
    for column in ("rank", "algorithm", metric, "clusters", "noise", "sizes", "fit s"):
        table.add_column(column, justify="left" if column in ("algorithm", "sizes") else "right")
    for row in rows[:20]:
        noise = row.other_metrics.get("noise_fraction", 0.0)
        table.add_row(
            str(row.rank),
            row.algorithm,
            f"{row.score or 0:.5f}",
            str(len(row.cluster_sizes)),
            f"{noise:.1%}",
            _sizes(row.cluster_sizes),
            f"{row.fit_time:.2f}",
        )
    console.print(table)


def _sizes(sizes: list[int], shown: int = 6) -> str:
    more = f" +{len(sizes) - shown}" if len(sizes) > shown else ""
    return ", ".join(str(size) for size in sizes[:shown]) + more


def _print_clusters(card: ModelCard) -> None:
    """The delivered model's clusters by name, and how well they match the reference grouping when one was named."""
    entry = card.clustering
    if entry is None:
        return
    for cluster in entry.clusters:
        console.print(
            f"cluster {cluster.id}: [bold]{escape(cluster.name)}[/] ({cluster.size} rows, {cluster.share:.0%})"
        )
    if entry.reference_column is not None and entry.reference_agreement:
        scores = ", ".join(f"{name} {value:.3f}" for name, value in entry.reference_agreement.items())
        console.print(f"agreement with {escape(repr(entry.reference_column))}: {scores}")
