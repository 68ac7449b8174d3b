"""The model package on disk: model.joblib, model_card.json and (optionally) leaderboard.json, model.onnx and
evaluation.json in one folder.

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

from flowml.core.errors import ModelIntegrityError, NotFoundError
from flowml.engine.features import CATEGORICAL_KINDS
from flowml.engine.model import FlowMLModel

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
ONNX_FILE = "model.onnx"
CARD_FILE = "model_card.json"
LEADERBOARD_FILE = "leaderboard.json"
EVALUATION_FILE = "evaluation.json"
# Distributions whose versions must match for a pickle to load and behave the same; optional ones when installed.
LIBRARIES = (
    "scikit-learn",
    "numpy",
    "pandas",
    "scipy",
    "joblib",
    "polars",
    "xgboost",
    "lightgbm",
    "catboost",
    "optuna",
)
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
    card: Mapping[str, Any],
    output_dir: Path,
    *,
    leaderboard: Sequence[Mapping[str, Any]] = (),
    onnx_bytes: bytes | None = None,
) -> tuple[Path, str]:
    """Write the package into `output_dir`; returns model.joblib's path and SHA-256 (also set in the card).

    `onnx_bytes`: the same model as an ONNX graph that passed parity, written as model.onnx; the caller records its
    SHA-256 in the card as `onnx_sha256` (see `onnx_sha256`).
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    model_path = output_dir / MODEL_FILE
    _write_atomic(model_path, lambda f: joblib.dump(model, f, compress=3))
    sha256 = file_sha256(model_path)
    if onnx_bytes is not None:
        _write_atomic(output_dir / ONNX_FILE, lambda f: f.write(onnx_bytes))
    _write_json(output_dir / CARD_FILE, {**card, "model_sha256": sha256})
    if leaderboard:
        _write_json(output_dir / LEADERBOARD_FILE, list(leaderboard))
    return model_path, sha256


def add_evaluation(output_dir: Path, card: Mapping[str, Any], evaluation: Mapping[str, Any] | None) -> None:
    """Add the held-out evaluation (engine/evaluation.py) to a written package, and rewrite the card, which now
    says whether there is one. The card holds model.joblib's hash, not its own, so rewriting it is safe."""
    output_dir = Path(output_dir)
    if evaluation is not None:
        _write_json(output_dir / EVALUATION_FILE, dict(evaluation))
    _write_json(output_dir / CARD_FILE, dict(card))


def onnx_sha256(onnx_bytes: bytes) -> str:
    return hashlib.sha256(onnx_bytes).hexdigest()


def load_package(model_dir: Path, expected_sha256: str | None = None) -> tuple[FlowMLModel, dict[str, Any]]:
    """Verify model.joblib against `expected_sha256` (else the card's `model_sha256`), then unpickle it."""
    model_dir = Path(model_dir)
    model_path, card_path = model_dir / MODEL_FILE, model_dir / CARD_FILE
    if not model_path.is_file() or not card_path.is_file():
        raise NotFoundError(f"no model package in {model_dir} (expected {MODEL_FILE} and {CARD_FILE})")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    expected = expected_sha256 or card.get("model_sha256")
    if not isinstance(expected, str) or not expected:
        raise ModelIntegrityError("model package has no recorded checksum; refusing to load")
    if not hmac.compare_digest(file_sha256(model_path), expected.lower()):
        raise ModelIntegrityError("model file does not match its recorded checksum; refusing to load")
    model = joblib.load(model_path)
    if not isinstance(model, FlowMLModel):
        raise ModelIntegrityError(f"{MODEL_FILE} holds a {type(model).__name__}, not a FlowML model")
    return model, card


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
) -> dict[str, Any]:
    """The card: what the model needs as input, what it predicts, how well, from what data, with which libraries.

    `model_id` is left None for the caller to set; `model_sha256` is filled in by `save_package`. `dtypes` are the
    training frame's dtypes per column, recorded for reference; requests are validated against `kind`.
    """
    plan = model.plan
    return {
        "format_version": FORMAT_VERSION,
        "model_id": None,
        "created_at": datetime.now(UTC).isoformat(),
        "problem_type": model.problem_type.value,
        "target": plan.target,
        "classes": model.classes,
        "metric": metric,
        "cv_score": cv_score,
        "algorithm": algorithm,
        "params": dict(params),
        "input_schema": [_schema_entry(model, name, kind, dtypes) for name, kind in plan.column_kinds.items()],
        "dropped_columns": [{"name": name, "reason": reason} for name, reason in plan.dropped.items()],
        "training_data_sha256": training_data_sha256,
        "n_rows": n_rows,
        "feature_importance": dict(feature_importance),
        "notes": list(notes),
        "library_versions": library_versions(),
        "model_sha256": None,
    }


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
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


def _schema_entry(model: FlowMLModel, name: str, kind: str, dtypes: Mapping[str, str] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "dtype": (dtypes or {}).get(name, KIND_DTYPES[kind]),
        "required": True,
    }
    if kind in CATEGORICAL_KINDS:
        entry["categories"] = model.plan.categories.get(name, [])
    return entry


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
