"""`flowml jobs start|list|show|watch|cancel`: training jobs on a running server, as the API key's user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from flowml.cli import display
from flowml.cli.errors import user_errors
from flowml.cli.remote import DEFAULT_SERVER, ServerOption, connect, console
from flowml.cli.watch import DEFAULT_INTERVAL, follow_and_exit
from flowml.core.errors import InvalidInputError

if TYPE_CHECKING:
    from flowml.db.tables.jobs import JobPublic, TrialPublic

app = typer.Typer(help="Training jobs on a FlowML server (needs FLOWML_API_KEY).", no_args_is_help=True)

JobIdArgument = Annotated[str, typer.Argument(help="The job's id, as `flowml jobs list` shows it")]
IntervalOption = Annotated[float, typer.Option(help="Seconds between two looks at the job", min=0.2)]
LEADERBOARD_ROWS = 10
# The values of db/tables/jobs.py JobStatus, spelled out: importing the database layer would slow `flowml --help`.
JobState = Literal["pending", "queued", "running", "completed", "failed", "cancelled"]


@app.command()
def start(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="The dataset's id (`flowml datasets list`)")],
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="The column to predict (none with --task clustering)")
    ] = None,
    budget: Annotated[
        float | None, typer.Option(help="Minutes for the whole search; fractions allowed (default: the server's)")
    ] = None,
    metric: Annotated[str | None, typer.Option(help="Metric to optimize (default depends on the task)")] = None,
    algorithms: Annotated[str | None, typer.Option(help="Comma-separated algorithm names (default: all)")] = None,
    preprocessors: Annotated[
        str | None,
        typer.Option(help="Comma-separated preprocessing steps every trial runs, in order, e.g. pca,select_percentile"),
    ] = None,
    task: Annotated[
        Literal["auto", "binary", "multiclass", "regression", "clustering"],
        typer.Option(help="The kind of task; clustering finds groups in a table with no target"),
    ] = "auto",
    reference: Annotated[
        str | None,
        typer.Option(help="Clustering: a known grouping column, left out of training and compared with the clusters"),
    ] = None,
    folds: Annotated[int | None, typer.Option(help="Cross-validation folds (default: 5)", min=2, max=10)] = None,
    name: Annotated[str | None, typer.Option(help="The job's name (default: made from the dataset and target)")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Then follow it as `flowml jobs watch` does")] = False,
    interval: IntervalOption = DEFAULT_INTERVAL,
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Start a training job; prints its id.

    With --watch, follows it to the end as `flowml jobs watch` does."""
    with user_errors():
        # Checked here, not left to the server: its message would name the field `time_budget`, not --budget.
        if budget is not None and not budget > 0:
            raise InvalidInputError("--budget must be more than 0 minutes")
    with connect(server) as client:
        job = client.train(
            dataset,
            target,
            task=task,
            metric=metric,
            budget_minutes=budget,
            algorithms=_names(algorithms),
            preprocessors=_names(preprocessors),
            folds=folds,
            name=name or None,
            reference=reference,
        )
        chosen = ", ".join(job.algorithms) or "every algorithm"
        console.print(
            f"Started job {job.id} ([bold]{escape(job.name)}[/]): {job.problem_type}, "
            f"metric {escape(job.metric)}, {job.time_budget:g} min, {escape(chosen)}."
        )
        if watch:
            follow_and_exit(client, job.id, interval)
    console.print("Follow it with:")
    typer.echo(f"flowml jobs watch {job.id}")


@app.command("list")
def list_(
    status: Annotated[JobState | None, typer.Option(help="Only the jobs in this state")] = None,
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """List the jobs you can see (an admin sees everyone's), newest first."""
    with connect(server) as client:
        items = client.jobs(status)
    if not items:
        if status:
            console.print(f"No {status} jobs.")
        else:
            console.print("No jobs yet: start one with `flowml jobs start --dataset ID --target COLUMN`.")
        return
    grid = display.table("ID", "NAME", "STATUS", "PROGRESS", "TRIALS", "BEST", "METRIC", "CREATED (UTC)")
    for job in items:
        display.add_row(
            grid,
            job.id,
            job.name,
            job.status.value,
            f"{job.progress:.0f}%",
            str(job.n_trials),
            display.score(job.best_score),
            job.metric,
            display.when(job.created_at),
        )
    console.print(grid)


@app.command()
def show(job_id: JobIdArgument, server: ServerOption = DEFAULT_SERVER) -> None:
    """Show a job's settings, state and leaderboard."""
    with connect(server) as client:
        job = client.job(job_id)
        board = client.trials(job_id) if job.n_trials else []
    console.print(_details(job))
    if board:
        console.print(_leaderboard(board, job.metric))


@app.command()
def watch(
    job_id: JobIdArgument, interval: IntervalOption = DEFAULT_INTERVAL, server: ServerOption = DEFAULT_SERVER
) -> None:
    """Follow a job until it ends, printing progress and the best score.

    Exit code 0 when it completed, 1 when it failed or was cancelled. Ctrl-C stops watching, not the job."""
    with connect(server) as client:
        follow_and_exit(client, job_id, interval)


@app.command()
def cancel(job_id: JobIdArgument, server: ServerOption = DEFAULT_SERVER) -> None:
    """Cancel a job: it stops now and produces no model (the dashboard's Stop keeps the best model so far)."""
    with connect(server) as client:
        job = client.cancel(job_id)
    if job.status == "cancelled":
        console.print(f"Cancelled job {job.id}.")
    else:  # a running job stops at its driver's next check, within seconds
        console.print(f"Cancelling job {job.id}; it stops within seconds.")


def _names(algorithms: str | None) -> list[str] | None:
    names = [name.strip() for name in (algorithms or "").split(",") if name.strip()]
    return names or None


def _details(job: JobPublic) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    best = f"{display.score(job.best_score)} ({display.text(job.best_algorithm)})"
    rows = [
        ("id", job.id),
        ("name", job.name),
        ("status", f"{job.status.value} ({job.stage}, {job.progress:.0f}%)"),
        ("dataset", job.dataset_id),
        ("target", display.text(job.target_column)),
        *([("reference", job.reference_column)] if job.reference_column is not None else []),
        ("task", job.problem_type),
        ("metric", job.metric),
        ("budget", f"{job.time_budget:g} min, {job.n_folds} folds"),
        ("algorithms", ", ".join(job.algorithms) or "all"),
        ("trials", str(job.n_trials)),
        ("best", best if job.best_score is not None else "-"),
        ("model", display.text(job.model_id)),
        ("created", display.when(job.created_at)),
        ("started", display.when(job.started_at)),
        ("finished", display.when(job.finished_at)),
    ]
    if job.error:
        rows.append(("error", job.error))
    elif job.message:
        rows.append(("message", job.message))
    for label, value in rows:
        display.add_row(grid, label, str(value))
    return grid


def _leaderboard(items: list[TrialPublic], metric: str) -> Table:
    if any(trial.cluster_sizes for trial in items):
        return _clusterings(items, metric)
    grid = display.table(
        "RANK", "ALGORITHM", "SCORE", "STD", "FIT S/FOLD", title=f"Leaderboard ({metric})", id_first=False
    )
    for trial in items[:LEADERBOARD_ROWS]:
        display.add_row(
            grid,
            str(trial.rank),
            trial.algorithm,
            display.score(trial.score),
            display.score(trial.score_std),
            f"{trial.fit_time:.2f}",
        )
    return grid


def _clusterings(items: list[TrialPublic], metric: str) -> Table:
    """A clustering job's leaderboard: one fit per trial (no spread), the clusters found and the noise left."""
    grid = display.table(
        "RANK", "ALGORITHM", "SCORE", "CLUSTERS", "NOISE", "FIT S", title=f"Leaderboard ({metric})", id_first=False
    )
    for trial in items[:LEADERBOARD_ROWS]:
        display.add_row(
            grid,
            str(trial.rank),
            trial.algorithm,
            display.score(trial.score),
            str(len(trial.cluster_sizes)),
            f"{trial.other_metrics.get('noise_fraction', 0.0):.1%}",
            f"{trial.fit_time:.2f}",
        )
    return grid
