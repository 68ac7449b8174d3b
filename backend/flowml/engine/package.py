"""The model package on disk: model.joblib, model_card.json and (optionally) leaderboard.json, model.onnx,
evaluation.json and, for a clustering model, clusters.json (its report) in one folder.

Unpickling runs code, so a package is only loaded after model.joblib's SHA-256 matches the one recorded for it
(by the caller's database, or else by the card). The card holds model.joblib's hash, never its own: it is written
after the joblib, from the joblib's bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import joblib
import numpy as np
import pandas as pd
from pydantic import ValidationError

from flowml.core.errors import ModelIntegrityError, NotFoundError
from flowml.core.model_card import DroppedColumn, InputColumn, ModelCard
from flowml.engine.algorithms import default_registry
from flowml.engine.clustering.report_models import ClusterReport
from flowml.engine.features import CATEGORICAL_KINDS, VOCABULARY_KINDS, to_category_strings
from flowml.engine.model import FlowMLModel

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
ONNX_FILE = "model.onnx"
CARD_FILE = "model_card.json"
LEADERBOARD_FILE = "leaderboard.json"
EVALUATION_FILE = "evaluation.json"
CLUSTERS_FILE = "clusters.json"
# Distributions whose versions must match for a pickle to load and behave the same, besides those each algorithm
# declares (`Algorithm.requires`); recorded when installed.
BASE_LIBRARIES = ("scikit-learn", "numpy", "pandas", "scipy", "joblib", "polars", "optuna")
# The dtype `prepare_X` casts each kind to: what a prediction request must be readable as.
KIND_DTYPES = {
    "numeric": "float64",
    "categorical": "string",
    "boolean": "string",
    "text": "string",
    "datetime": "datetime64[ns]",
}


def save_package(
    model: FlowMLModel,
    card: ModelCard,
    output_dir: Path,
    *,
    leaderboard: Sequence[Mapping[str, Any]] = (),
    onnx_bytes: bytes | None = None,
    cluster_report: ClusterReport | None = None,
) -> tuple[Path, str]:
    """Write the package into `output_dir`; returns model.joblib's path and SHA-256 (also set in the card).

    `onnx_bytes`: the same model as an ONNX graph that passed parity, written as model.onnx; the caller records its
    SHA-256 in the card as `onnx_sha256` (see `onnx_sha256`). `cluster_report`: a clustering model's report,
    written as clusters.json (`read_cluster_report`).
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    model_path = output_dir / MODEL_FILE
    _write_atomic(model_path, lambda f: joblib.dump(model, f, compress=3))
    sha256 = file_sha256(model_path)
    if onnx_bytes is not None:
        _write_atomic(output_dir / ONNX_FILE, lambda f: f.write(onnx_bytes))
    _write_json(output_dir / CARD_FILE, card.updated({"model_sha256": sha256}).to_dict())
    if leaderboard:
        _write_json(output_dir / LEADERBOARD_FILE, list(leaderboard))
    if cluster_report is not None:
        _write_json(output_dir / CLUSTERS_FILE, cluster_report.model_dump(mode="json"))
    return model_path, sha256


def read_cluster_report(model_dir: Path) -> ClusterReport | None:
    """A clustering package's report (clusters.json); None when the package has none (a supervised model, or a
    final fit that ran out of time before the report)."""
    path = Path(model_dir) / CLUSTERS_FILE
    if not path.is_file():
        return None
    try:
        return ClusterReport.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise ModelIntegrityError(
            f"{CLUSTERS_FILE} is not a valid cluster report: {exc.error_count()} problem(s)"
        ) from exc


def add_evaluation(output_dir: Path, card: ModelCard, evaluation: Mapping[str, Any] | None) -> None:
    """Add the held-out evaluation (engine/evaluation.py) to a written package, and rewrite the card, which now
    says whether there is one. The card holds model.joblib's hash, not its own, so rewriting it is safe."""
    output_dir = Path(output_dir)
    if evaluation is not None:
        _write_json(output_dir / EVALUATION_FILE, dict(evaluation))
    _write_json(output_dir / CARD_FILE, card.to_dict())


def write_card(output_dir: Path, card: ModelCard) -> None:
    """Rewrite a written package's card (it holds model.joblib's hash, not its own, so this is safe)."""
    _write_json(Path(output_dir) / CARD_FILE, card.to_dict())


def onnx_sha256(onnx_bytes: bytes) -> str:
    return hashlib.sha256(onnx_bytes).hexdigest()


def load_package(model_dir: Path, expected_sha256: str | None = None) -> tuple[FlowMLModel, ModelCard]:
    """Verify model.joblib against `expected_sha256` (else the card's `model_sha256`), then unpickle it."""
    model_dir = Path(model_dir)
    model_path, card_path = model_dir / MODEL_FILE, model_dir / CARD_FILE
    if not model_path.is_file() or not card_path.is_file():
        raise NotFoundError(f"no model package in {model_dir} (expected {MODEL_FILE} and {CARD_FILE})")
    card = read_card(card_path)
    expected = expected_sha256 or card.model_sha256
    if not isinstance(expected, str) or not expected:
        raise ModelIntegrityError("model package has no recorded checksum; refusing to load")
    if not hmac.compare_digest(file_sha256(model_path), expected.lower()):
        raise ModelIntegrityError("model file does not match its recorded checksum; refusing to load")
    model = joblib.load(model_path)
    if not isinstance(model, FlowMLModel):
        raise ModelIntegrityError(f"{MODEL_FILE} holds a {type(model).__name__}, not a FlowML model")
    return model, card


def read_card(path: Path) -> ModelCard:
    """A package's model_card.json, validated (cards from earlier versions load: see core/model_card.py)."""
    try:
        return ModelCard.model_validate_json(Path(path).read_bytes())
    except ValidationError as exc:
        raise ModelIntegrityError(f"{CARD_FILE} is not a valid model card: {exc.error_count()} problem(s)") from exc


def build_model_card(
    model: FlowMLModel,
    *,
    metric: str,
    cv_score: float | None,
    algorithm: str,
    params: Mapping[str, Any],
    training_data_sha256: str,
    n_rows: int,
    feature_importance: Mapping[str, float],
    dtypes: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
    frame: pd.DataFrame | None = None,
) -> ModelCard:
    """The card: what the model needs as input, what it predicts, how well, from what data, with which libraries.

    `model_id` is left None for the caller to set; `model_sha256` is filled in by `save_package`. `dtypes` are the
    training frame's dtypes per column, recorded for reference; requests are validated against `kind`. `frame`,
    the training rows, gives each input its seen values with their types, range and typical value (see
    `_schema_entry`); without it they are worked out from the vocabulary and dtypes alone.
    """
    plan = model.plan
    return ModelCard(
        format_version=FORMAT_VERSION,
        model_id=None,
        created_at=datetime.now(UTC).isoformat(),
        problem_type=model.problem_type.value,
        target=plan.target,
        classes=model.classes,
        metric=metric,
        cv_score=cv_score,
        algorithm=algorithm,
        params=dict(params),
        input_schema=[_schema_entry(model, name, kind, dtypes, frame) for name, kind in plan.column_kinds.items()],
        dropped_columns=[DroppedColumn(name=name, reason=reason) for name, reason in plan.dropped.items()],
        training_data_sha256=training_data_sha256,
        n_rows=n_rows,
        feature_importance=dict(feature_importance),
        notes=list(notes),
        library_versions=library_versions(),
        model_sha256=None,
    )


def libraries() -> tuple[str, ...]:
    """BASE_LIBRARIES and every distribution a registered algorithm requires, each once."""
    required = (name for algo in default_registry() for name in algo.requires)
    return tuple(dict.fromkeys((*BASE_LIBRARIES, *required)))


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in libraries():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _schema_entry(
    model: FlowMLModel, name: str, kind: str, dtypes: Mapping[str, str] | None, frame: pd.DataFrame | None
) -> InputColumn:
    """One input as a form or client needs it: what to offer and what to send.

    `categories` are the seen values as the model compares them (text); `values` are the same values, in the same
    order, as JSON with the training data's types: a column of Yes/No text gives "Yes", a real bool column `true`,
    a 0/1 column `1`. Sending one of `values` is always read as that category. Numeric and date inputs get `min`,
    `max` and a `typical` value (the median); every input with data gets `typical`, a value to start a form with.
    """
    dtype = (dtypes or {}).get(name, KIND_DTYPES[kind])
    entry: dict[str, Any] = {"name": name, "kind": kind, "dtype": dtype, "required": True}
    column = frame[name] if frame is not None and name in frame.columns else None
    if kind in CATEGORICAL_KINDS:
        entry["categories"] = model.plan.categories.get(name, [])
    if kind in VOCABULARY_KINDS:
        categories = entry["categories"]
        entry["values"] = (
            _typed_values(column, categories) if column is not None else _values_from_dtype(categories, dtype)
        )
        if entry["values"]:
            entry["typical"] = entry["values"][0]  # the vocabulary is most frequent first
    elif column is not None:
        entry.update(_range_and_typical(column, kind))
    return InputColumn.model_validate(entry)


def _typed_values(column: pd.Series, categories: Sequence[str]) -> list[Any]:
    """For each category (its text spelling), the first training value spelled that way, as plain JSON."""
    spelled = pd.DataFrame({"text": to_category_strings(column), "raw": column.astype(object)})
    first = spelled.dropna(subset=["text"]).drop_duplicates("text").set_index("text")["raw"]
    return [_plain(first[c]) if c in first.index else c for c in categories]


def _values_from_dtype(categories: Sequence[str], dtype: str) -> list[Any]:
    """The typed values when only the dtype is known: bool and number columns read back from their spellings."""
    if dtype == "bool":
        return [c == "True" for c in categories]
    if dtype.startswith(("int", "uint", "Int", "UInt", "float", "Float")):
        numbers = [float(c) for c in categories]
        return [int(n) if n.is_integer() else n for n in numbers]
    return list(categories)


def _range_and_typical(column: pd.Series, kind: str) -> dict[str, Any]:
    present = column.dropna()
    if present.empty:
        return {}
    if kind == "numeric":
        numbers = pd.to_numeric(present, errors="coerce").astype(np.float64)
        numbers = numbers[np.isfinite(numbers)]
        if numbers.empty:
            return {}
        median = float(numbers.median())
        whole = bool((numbers == numbers.round()).all())
        low, high = float(numbers.min()), float(numbers.max())
        if whole:  # counts and ages read best without ".0", and a form offers whole steps for them
            return {"min": int(low), "max": int(high), "typical": round(median)}
        return {"min": low, "max": high, "typical": median}
    if kind == "datetime":
        dates = pd.to_datetime(present, errors="coerce").dropna()
        if dates.empty:
            return {}
        return {
            "min": dates.min().isoformat(),
            "max": dates.max().isoformat(),
            "typical": dates.sort_values().iloc[len(dates) // 2].isoformat(),
        }
    # Text: the most common value, a realistic example of what the column holds.
    return {"typical": _plain(present.astype(str).value_counts().index[0])}


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as the JSON value it stands for; whole floats stay floats (JSON has one number)."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _write_json(path: Path, payload: Any) -> None:
    text = json.dumps(payload, indent=2, default=_json_default)
    _write_atomic(path, lambda f: f.write(text.encode("utf-8")))


def _json_default(value: Any) -> Any:
    # numpy scalars in params or classes (e.g. a class label read as numpy.int64) are plain JSON values.
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file in the same folder, then rename: a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
