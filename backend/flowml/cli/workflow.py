"""`flowml workflow`: check and run a workflow file (JSON or YAML) on this machine, without a server
(flowml/workflows/execute.py). Exit codes: 0 every node done or cached, 1 a node failed, 2 the file or the
graph is invalid (each problem printed with its node id)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flowml.cli.errors import user_errors
from flowml.workflows.execute import WorkflowResult, check, execute
from flowml.workflows.files import load_workflow
from flowml.workflows.graph import WorkflowGraph
from flowml.workflows.validate import LocatedError

app = typer.Typer(
    help="Workflows (graphs of nodes) from JSON or YAML files, run on this machine.", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)
INVALID_EXIT = 2
FAILED_EXIT = 1
_STATUS_STYLE = {"done": "green", "cached": "cyan", "failed": "red", "skipped": "yellow"}


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="A workflow file: .yaml, .yml or .json")],
) -> None:
    """Check a workflow file: ports, cycles, settings, the dataset files and their columns."""
    with user_errors():
        graph = load_workflow(file)
        errors = check(graph, base_dir=file.resolve().parent)
    if errors:
        _print_errors(errors)
        raise typer.Exit(code=INVALID_EXIT)
    console.print(f"{escape(file.name)}: valid ({len(graph.nodes)} nodes, {len(graph.edges)} edges)")


@app.command("run")
def run_command(
    file: Annotated[Path, typer.Argument(help="A workflow file: .yaml, .yml or .json")],
    cache: Annotated[
        Path | None,
        typer.Option(help="Folder keeping node outputs between runs: unchanged nodes are loaded, not re-run"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder for Deploy nodes' model packages")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's per-node states as JSON")] = False,
    workers: Annotated[
        int | None, typer.Option(help="Trial processes for AutoML nodes (default: LOCAL_WORKERS)")
    ] = None,
) -> None:
    """Validate, then run every node in dependency order; print each node's status and the evaluation tables."""
    with user_errors():
        graph = load_workflow(file)
        base_dir = file.resolve().parent
        errors = check(graph, base_dir=base_dir)
        if errors:
            _print_errors(errors)
            raise typer.Exit(code=INVALID_EXIT)
        result = execute(
            graph,
            base_dir=base_dir,
            cache_dir=cache,
            output_dir=output,
            workers=workers if workers is not None else _local_workers(),
        )
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    else:
        _print_result(graph, result)
    if not result.ok:
        raise typer.Exit(code=FAILED_EXIT)


def _local_workers() -> int:
    from flowml.cli.startup import load_settings

    return load_settings().LOCAL_WORKERS


def _print_errors(errors: list[LocatedError]) -> None:
    err_console.print(f"[bold red]the workflow is not valid[/] ({len(errors)} problem{'s' * (len(errors) != 1)}):")
    for error in errors:
        where = error.node_id or "workflow"
        field = f" [{error.field}]" if error.field else ""
        err_console.print(f"  {escape(where)}{escape(field)}: {escape(error.message)}")


def _print_result(graph: WorkflowGraph, result: WorkflowResult) -> None:
    types = {node.id: node.type.value for node in graph.nodes}
    table = Table(title="Nodes")
    for column in ("node", "type", "status", "seconds", "detail"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    for node_id, state in result.nodes.items():
        seconds = (
            f"{(state.finished_at - state.started_at).total_seconds():.2f}"
            if state.started_at and state.finished_at
            else ""
        )
        style = _STATUS_STYLE.get(state.status, "")
        table.add_row(
            escape(node_id), types.get(node_id, ""), f"[{style}]{state.status}[/]", seconds, escape(state.error or "")
        )
    console.print(table)
    for node_id, rows in result.evaluations().items():
        _print_evaluation(node_id, rows)


def _print_evaluation(node_id: str, rows: list[dict[str, Any]]) -> None:
    metrics = [key for key in rows[0] if key not in ("node_id", "label", "algorithm")] if rows else []
    table = Table(title=f"Evaluation {node_id} (test rows)")
    for column in ("model", "algorithm", *metrics):
        table.add_column(column, justify="left" if column in ("model", "algorithm") else "right")
    for row in rows:
        table.add_row(escape(str(row["label"])), escape(str(row["algorithm"])), *(_score(row[m]) for m in metrics))
    console.print(table)


def _score(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.5f}"
