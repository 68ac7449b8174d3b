"""`flowml workflow`: check, run and export a workflow file (JSON or YAML) on this machine, without a server
(flowml/workflows/execute.py, export_python.py), or submit it to a server to run there. Exit codes: 0 every node
done or cached, 1 a node failed (or the run was cancelled), 2 the file or the graph is invalid (each problem printed
with its node id), or any other user error."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flowml.cli.errors import user_errors
from flowml.cli.remote import DEFAULT_SERVER, ServerOption, connect, output_file
from flowml.cli.remote import console as remote_console
from flowml.core.errors import InvalidInputError
from flowml.workflows.catalogue import DatasetSettings, NodeType
from flowml.workflows.execute import LocalDatasets, WorkflowResult, check, execute
from flowml.workflows.export_python import to_python
from flowml.workflows.files import dump_workflow, load_workflow, save_workflow
from flowml.workflows.graph import WorkflowGraph
from flowml.workflows.validate import LocatedError

if TYPE_CHECKING:
    from flowml.client import Client

app = typer.Typer(
    help="Workflows (graphs of nodes) from JSON or YAML files: run or export them here, or submit them to a server.",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)
INVALID_EXIT = 2
FAILED_EXIT = 1
INTERRUPTED_EXIT = 130
_STATUS_STYLE = {"done": "green", "cached": "cyan", "failed": "red", "skipped": "yellow", "cancelled": "yellow"}
RUN_FINAL = {"completed", "failed", "cancelled"}
POLL_SECONDS = 1.0


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


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="A workflow file: .yaml, .yml or .json")],
    python: Annotated[
        bool, typer.Option("--python", help="A runnable Python script of the pipeline, not the graph")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (.py, or .json/.yaml for the graph); default: stdout"),
    ] = None,
) -> None:
    """Write the workflow as a Python script (--python) that runs the same steps with the same seeds, or as JSON or
    YAML (by the output's suffix). Dataset paths in the script are relative to the script's folder."""
    with user_errors():
        graph = load_workflow(file)
        base_dir = file.resolve().parent
        if not python:
            if output is None:
                typer.echo(dump_workflow(graph, "json"), nl=False)
            else:
                save_workflow(graph, output_file(output))
                console.print(f"wrote {escape(str(output))}")
            return
        errors = check(graph, base_dir=base_dir)
        if errors:
            _print_errors(errors)
            raise typer.Exit(code=INVALID_EXIT)
        script_dir = output.resolve().parent if output is not None else base_dir
        text = to_python(graph, dataset_paths=_script_paths(graph, base_dir, script_dir), title=file.stem)
        if output is None:
            typer.echo(text, nl=False)
            return
        output_file(output).write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(output))}: run it with `python {escape(str(output))}`")


def _script_paths(graph: WorkflowGraph, base_dir: Path, script_dir: Path) -> dict[str, str]:
    """Each Dataset node's path as the script at `script_dir` finds it: as written beside the workflow file, else
    rewritten relative to the script (an absolute or ~ path is kept)."""
    paths: dict[str, str] = {}
    for node in graph.nodes:
        settings = _dataset_settings(node.type, node.settings)
        if settings is None or settings.path is None:
            continue
        written = settings.path
        if script_dir == base_dir or Path(written).is_absolute() or written.startswith("~"):
            paths[node.id] = written
        else:
            paths[node.id] = os.path.relpath(base_dir / written, script_dir)
    return paths


def _dataset_settings(node_type: NodeType, raw: Any) -> DatasetSettings | None:
    """A Dataset node's settings; None for another node, or for settings that do not parse (validation, here or on
    the server, reports those with their node)."""
    if node_type is not NodeType.DATASET:
        return None
    try:
        return DatasetSettings.model_validate(raw or {})
    except ValidationError:
        return None


@app.command("submit")
def submit_command(
    file: Annotated[Path, typer.Argument(help="A workflow file: .yaml, .yml or .json")],
    server: ServerOption = DEFAULT_SERVER,
    name: Annotated[
        str | None, typer.Option(help="The workflow's name on the server (default: the file's name without suffix)")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow the run: node states as they change, then the evaluation tables")
    ] = False,
) -> None:
    """Run a workflow on a server (needs FLOWML_API_KEY): upload each Dataset node's file, save the workflow (a new
    one, or a new version of yours with the same name), validate it there and start a run."""
    title = name or file.stem
    with connect(server) as client:
        graph = load_workflow(file)
        remote = _uploaded(client, graph, file.resolve().parent)
        workflow = _saved(client, title, remote)
        errors = _server_errors(client, workflow["id"])
        if errors:
            _print_errors(errors)
            raise typer.Exit(code=INVALID_EXIT)
        run = client.http.post(f"{_workflow_path(workflow['id'])}/run", {"base_version": workflow["version"]})
        remote_console.print(
            f"workflow {escape(title)} ({workflow['id']}, version {workflow['version']}): run {run['run_id']} "
            f"{run['status']} as job {run['job_id']} on {escape(client.server)}"
        )
        if not wait:
            return
        try:
            final = _follow(client, workflow["id"], str(run["run_id"]))
        except KeyboardInterrupt:  # as `flowml jobs watch`: stop following, leave the run alone
            err_console.print(f"stopped following; run {run['run_id']} goes on on the server")
            raise typer.Exit(code=INTERRUPTED_EXIT) from None
    _print_run(final)
    if final["status"] != "completed":
        raise typer.Exit(code=FAILED_EXIT)


def _uploaded(client: Client, graph: WorkflowGraph, base_dir: Path) -> WorkflowGraph:
    """The graph with each Dataset node's `path` uploaded and replaced by the new dataset's id (a file named by
    several nodes is uploaded once)."""
    local = LocalDatasets(base_dir)
    ids: dict[Path, str] = {}
    data = graph.model_dump(mode="json")
    for node in data["nodes"]:
        settings = _dataset_settings(NodeType(node["type"]), node["data"].get("settings"))
        if settings is None or settings.path is None:
            continue
        path = local.resolve(settings.path).resolve()
        if not path.is_file():
            raise InvalidInputError(f"dataset node {node['id']!r}: file not found: {path}")
        if path not in ids:
            dataset = client.upload(path)
            remote_console.print(f"uploaded {escape(path.name)} as dataset {dataset.id} ({dataset.n_rows} rows)")
            ids[path] = dataset.id
        kept = {k: v for k, v in node["data"]["settings"].items() if k != "path"}
        node["data"]["settings"] = {**kept, "dataset_id": ids[path]}
    return WorkflowGraph.model_validate(data)


def _saved(client: Client, title: str, graph: WorkflowGraph) -> dict[str, Any]:
    """Your workflow named `title`, saved with this graph (a new version when it changed), or a new workflow."""
    from flowml.client.http import segment  # here: `flowml --help` must not import the client

    me = client.me()
    listed = client.http.get("/api/workflows", {"q": title})["items"]
    mine = [w for w in listed if w["name"] == title and w["owner_id"] == me.id]
    body = {"graph": graph.model_dump(mode="json")}
    if mine:
        response = client.http.send("PUT", f"/api/workflows/{segment(mine[0]['id'])}", json=body)
        saved: dict[str, Any] = response.json()
        return saved
    return client.http.post("/api/workflows", {"name": title, **body})


def _server_errors(client: Client, workflow_id: str) -> list[LocatedError]:
    answer = client.http.post(f"{_workflow_path(workflow_id)}/validate")
    return [LocatedError.model_validate(error) for error in answer["errors"]]


def _follow(client: Client, workflow_id: str, run_id: str) -> dict[str, Any]:
    """Poll the run until it ends, printing each node's state when it changes (from queued on); returns the final
    RunDetail."""
    from flowml.client.http import segment

    started = time.monotonic()
    seen: dict[str, str] = {}
    while True:
        run = client.http.get(f"{_workflow_path(workflow_id)}/runs/{segment(run_id)}")
        for node_id, state in run.get("nodes", {}).items():
            if seen.get(node_id, "queued") != state["status"]:
                seen[node_id] = state["status"]
                _print_node_state(int(time.monotonic() - started), node_id, state)
        if run["status"] in RUN_FINAL:
            return run
        time.sleep(POLL_SECONDS)


def _print_node_state(elapsed: int, node_id: str, state: dict[str, Any]) -> None:
    status = str(state["status"])
    shown = f"[{_STATUS_STYLE[status]}]{status}[/]" if status in _STATUS_STYLE else status
    detail = f": {escape(str(state['error']))}" if state.get("error") else ""
    remote_console.print(f"\\[{elapsed // 60:02d}:{elapsed % 60:02d}] {escape(node_id)} {shown}{detail}")


def _print_run(run: dict[str, Any]) -> None:
    for node_id, state in run.get("nodes", {}).items():
        table = (state.get("outputs") or {}).get("table")
        if isinstance(table, list) and state["status"] in ("done", "cached"):
            _print_evaluation(node_id, table)
    style = "green" if run["status"] == "completed" else "red"
    error = f": {escape(str(run['error']))}" if run.get("error") else ""
    remote_console.print(f"run {run['id']} [{style}]{run['status']}[/]{error}")


def _workflow_path(workflow_id: str) -> str:
    from flowml.client.http import segment

    return f"/api/workflows/{segment(workflow_id)}"


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
