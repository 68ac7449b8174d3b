"""`flowml predict`: score a file with a model package written by `flowml train` (or downloaded)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from flowml.cli.errors import user_errors
from flowml.core.errors import InvalidInputError
from flowml.data.formats import extension_of, read_table
from flowml.engine.package import load_package
from flowml.engine.predict import predict_frame, predictions_table

console = Console(stderr=True)


def run_predict(model_dir: Path, data: Path, output: Path) -> None:
    with user_errors():
        if not (model_dir / "model.joblib").exists():
            raise InvalidInputError(f"{model_dir} is not a model package (no model.joblib inside)")
        if not data.exists():
            raise InvalidInputError(f"file not found: {data}")
        model, _card = load_package(model_dir)
        frame = read_table(data, extension=extension_of(data.name), min_columns=1).to_pandas()
        result = predict_frame(model, frame)
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/] {warning}")
        predictions_table(result).to_csv(output, index=False)
        console.print(f"wrote {len(result.predictions)} predictions to {output}")
