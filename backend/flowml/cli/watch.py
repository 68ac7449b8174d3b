"""Follow a training job on the server until it ends: a line whenever its progress or best score changes, then a
summary and the exit code (0 when it produced a model).

It polls GET /api/training/jobs/{id} instead of listening on the WebSocket: a request every few seconds costs the
server nothing, passes any proxy, and needs no reconnect logic when the server restarts during a long job.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from flowml.cli import display
from flowml.cli.errors import err_console
from flowml.cli.remote import console

if TYPE_CHECKING:
    from flowml.client import Client

FINAL = {"completed", "failed", "cancelled"}
DEFAULT_INTERVAL = 2.0


def follow(client: Client, job_id: str, interval: float = DEFAULT_INTERVAL) -> dict[str, Any]:
    """Poll until the job reaches a final state; returns that last state."""
    from flowml.client.http import segment  # here: `flowml --help` imports this module, not the client

    started = time.monotonic()
    last = ""
    while True:
        job = client.http.get(f"/api/training/jobs/{segment(job_id)}")
        line = progress_line(job)
        if line != last:
            elapsed = int(time.monotonic() - started)
            typer.echo(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {line}")
            last = line
        if job["status"] in FINAL:
            return job
        time.sleep(interval)


def progress_line(job: dict[str, Any]) -> str:
    parts = [
        f"{job['status']:<9}",
        f"{job['stage']:<10}",
        f"{float(job['progress']):5.1f}%",
        f"{job['n_trials']} trials",
    ]
    if job.get("best_score") is not None:
        parts.append(f"best {job['metric']} {display.score(job['best_score'])} ({job['best_algorithm']})")
    return "  ".join(parts)


def report(job: dict[str, Any]) -> int:
    """Say how the job ended; the exit code is 0 only when it produced a model, so scripts can chain on it."""
    job_id = job["id"]
    if job["status"] == "completed":
        console.print(
            f"Job {job_id} [green]completed[/]: best {escape(job['metric'])} {display.score(job['best_score'])} "
            f"with {escape(display.text(job['best_algorithm']))}."
        )
        model_id = job.get("model_id")
        if model_id:
            console.print(f"Model {model_id}. Download it or predict with it:")
            typer.echo(f"flowml models download {model_id} --output model.zip")
            typer.echo(f"flowml models predict {model_id} --input rows.csv --output predictions.csv")
        return 0
    if job["status"] == "failed":
        err_console.print(f"[bold red]error:[/] job {job_id} failed: {escape(display.text(job.get('error')))}")
    else:
        err_console.print(f"[bold red]error:[/] job {job_id} was {job['status']}; it produced no model")
    return 1


def follow_and_exit(client: Client, job_id: str, interval: float = DEFAULT_INTERVAL) -> None:
    """Follow the job, then end the command with report()'s exit code; Ctrl-C stops watching, not the job."""
    try:
        job = follow(client, job_id, interval)
    except KeyboardInterrupt:
        err_console.print(
            "\nStopped watching. The job keeps running on the server; cancel it with "
            f"`flowml jobs cancel {escape(job_id)}`."
        )
        raise typer.Exit(code=130) from None
    raise typer.Exit(code=report(job))
