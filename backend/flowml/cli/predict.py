"""`flowml predict`: score a file with a model package written by `flowml train` (or downloaded)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from flowml.cli.errors import user_errors
from flowml.cli.model_trust import trained_here, untrusted_warning
from flowml.cli.startup import load_settings
from flowml.core.errors import InvalidInputError
from flowml.data.formats import extension_of, read_table
from flowml.engine.package import MODEL_FILE, file_sha256, load_package
from flowml.engine.predict import card_cluster_names, card_threshold, predict_frame, predictions_table

console = Console(stderr=True)


def run_predict(model_dir: Path, data: Path, output: Path, *, trust: bool = False) -> None:
    """`trust`: the user vouches for the package (--trust), so loading it needs no warning."""
    with user_errors():
        model_path = model_dir / MODEL_FILE
        if not model_path.exists():
            raise InvalidInputError(f"{model_dir} is not a model package (no {MODEL_FILE} inside)")
        if not data.exists():
            raise InvalidInputError(f"file not found: {data}")
        digest = file_sha256(model_path)
        known = trained_here(load_settings(), digest)
        if not trust and not known:
            console.print(f"[yellow]warning:[/] {escape(untrusted_warning(model_dir))}", soft_wrap=True)
        # A package this machine trained is loaded only with the bytes it recorded, whatever the card now says.
        model, card = load_package(model_dir, expected_sha256=digest if known else None)
        frame = read_table(data, extension=extension_of(data.name), min_columns=1).to_pandas()
        # A binary model's saved decision threshold (in its card) decides the class, as the server's predict does.
        result = predict_frame(model, frame, threshold=card_threshold(card))
        if result.clustering:  # the names the card gave the clusters go beside their ids
            result.cluster_names = card_cluster_names(card)
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/] {warning}")
        predictions_table(result).to_csv(output, index=False)
        console.print(f"wrote {len(result.predictions)} predictions to {output}")
