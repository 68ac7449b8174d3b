"""`flowml models list|download|onnx|predict`: trained models on a running server, as the API key's user."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flowml.cli import display
from flowml.cli.remote import DEFAULT_SERVER, ServerOption, connect, console, output_file

app = typer.Typer(help="Trained models on a FlowML server (needs FLOWML_API_KEY).", no_args_is_help=True)

ModelIdArgument = Annotated[str, typer.Argument(help="The model's id, as `flowml models list` shows it")]


@app.command("list")
def list_(server: ServerOption = DEFAULT_SERVER) -> None:
    """List the models you can see (an admin sees everyone's), newest first."""
    with connect(server) as client:
        items = client.models()
    if not items:
        console.print("No models yet: a training job that completes makes one (`flowml jobs start`).")
        return
    grid = display.table("ID", "ALGORITHM", "TARGET", "TASK", "METRIC", "CV SCORE", "SIZE", "CREATED (UTC)")
    for model in items:
        display.add_row(
            grid,
            model.id,
            model.algorithm,
            display.text(model.target),
            model.problem_type,
            model.metric,
            display.score(model.cv_score),
            display.size(model.size_bytes),
            display.when(model.created_at),
        )
    console.print(grid)


@app.command()
def download(
    model_id: ModelIdArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip file to write")] = Path("model.zip"),
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Download the model package as a zip; unzipped, `flowml predict FOLDER DATA` uses it offline."""
    target = output_file(output)
    with connect(server) as client:
        client.download(model_id, target)
    console.print(f"Saved model {escape(model_id)} to {escape(str(target))} ({display.size(target.stat().st_size)}).")


@app.command()
def onnx(
    model_id: ModelIdArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .onnx file to write")] = Path("model.onnx"),
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Download the model as an ONNX graph, for ONNX Runtime in any language."""
    target = output_file(output)
    with connect(server) as client:
        client.download_onnx(model_id, target)
    console.print(f"Saved model {escape(model_id)} as ONNX to {escape(str(target))}.")


@app.command()
def predict(
    model_id: ModelIdArgument,
    input_file: Annotated[
        Path,
        typer.Option("--input", "-i", help="Rows to predict: csv, xlsx, parquet, ...", exists=True, dir_okay=False),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The CSV to write")] = Path("predictions.csv"),
    server: ServerOption = DEFAULT_SERVER,
) -> None:
    """Predict every row of a file on the server, into a CSV.

    Writes the rows with a `prediction` column and, for classifiers, `proba_<class>` columns."""
    target = output_file(output)
    with connect(server) as client:
        warnings = client.predict_file(model_id, input_file, target)
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    console.print(f"Wrote {_count_rows(target)} predictions to {escape(str(target))}.")


def _count_rows(path: Path) -> int:
    # csv, not a line count: a quoted text cell may hold line breaks.
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)
