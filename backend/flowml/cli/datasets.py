"""`flowml datasets list|upload|delete`: datasets on a running server, as the API key's user."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flowml.cli import display
from flowml.cli.remote import DEFAULT_SERVER, ServerOption, connect, console

app = typer.Typer(help="Datasets on a FlowML server (needs FLOWML_API_KEY).", no_args_is_help=True)


@app.command("list")
def list_(server: ServerOption = DEFAULT_SERVER) -> None:
    """List the datasets you can see (an admin sees everyone's)."""
    with connect(server) as client:
        items = client.datasets()
    if not items:
        console.print("No datasets yet: upload one with `flowml datasets upload FILE`.")
        return
    grid = display.table("ID", "NAME", "ROWS", "COLS", "FORMAT", "SIZE", "CREATED (UTC)")
    for item in items:
        display.add_row(
            grid,
            item.id,
            item.name,
            str(item.n_rows),
            str(item.n_cols),
            item.file_format,
            display.size(item.size_bytes),
            display.when(item.created_at),
        )
    console.print(grid)


@app.command()
def upload(
    file: Annotated[
        Path, typer.Argument(help="A table: csv, tsv, xlsx, parquet, json, sqlite, ...", exists=True, dir_okay=False)
    ],
    name: Annotated[str | None, typer.Option(help="The dataset's name (default: the file name)")] = None,
    table: Annotated[str | None, typer.Option(help="SQLite: which table to load")] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel: which sheet (default: the first)")] = None,
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Upload a table; prints the new dataset's id, which `flowml jobs start --dataset` takes."""
    with connect(server) as client:
        dataset = client.upload(file, name=name, table=table, sheet=sheet)
    console.print(
        f"Uploaded [bold]{escape(dataset.name)}[/] as dataset {dataset.id}: "
        f"{dataset.n_rows} rows, {dataset.n_cols} columns."
    )
    for note in dataset.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    target = dataset.suggested_target
    if target:
        kind = dataset.suggested_problem_type
        console.print(f"Suggested target: {escape(target)}{f' ({kind})' if kind else ''}. Train on it with:")
        typer.echo(f"flowml jobs start --dataset {dataset.id} --target {shlex.quote(target)}")


@app.command()
def delete(
    dataset_id: Annotated[str, typer.Argument(help="The dataset's id, as `flowml datasets list` shows it")],
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Delete a dataset (its jobs and models stay)."""
    with connect(server) as client:
        client.delete_dataset(dataset_id)
    console.print(f"Deleted dataset {escape(dataset_id)}.")
