"""Trained models: read, predict (one row, a batch, a file), download the package, its ONNX graph, its evaluation."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
from loguru import logger
from sqlmodel import col, select

from flowml.core.errors import InvalidInputError, ModelIntegrityError, NotFoundError
from flowml.core.model_card import ModelCard
from flowml.db.tables import TrainedModel, User
from flowml.engine.clustering.report_models import ClusterReport
from flowml.engine.model import FlowMLModel
from flowml.engine.onnx import ONNX_FILE, OnnxPredictor
from flowml.engine.package import CLUSTERS_FILE, EVALUATION_FILE, load_package
from flowml.engine.predict import (
    PredictionOutput,
    card_cluster_names,
    card_threshold,
    predict_frame,
    predictions_table,
)
from flowml.engine.types import ProblemType
from flowml.services import access, history
from flowml.services.context import AppContext
from flowml.services.history import ListFilters
from flowml.services.inputs import unicode_only

MAX_ROWS_PER_REQUEST = 10_000
_CACHE_SIZE = 8


@dataclass
class LoadedModel:
    """The native model (always: it validates and prepares requests) and the ONNX session when usable."""

    model: FlowMLModel
    onnx: OnnxPredictor | None

    @property
    def engine(self) -> str:
        return "onnx" if self.onnx is not None else "native"


class _ModelCache:
    """Loaded models by id: unpickling on every request would dominate predict latency."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model_id: str) -> LoadedModel | None:
        with self._lock:
            model = self._items.get(model_id)
            if model is not None:
                self._items.move_to_end(model_id)
            return model

    def drop(self, model_id: str) -> None:
        with self._lock:
            self._items.pop(model_id, None)

    def put(self, model_id: str, model: LoadedModel) -> None:
        with self._lock:
            self._items[model_id] = model
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)


_cache = _ModelCache()


async def list_models(ctx: AppContext, user: User, filters: ListFilters | None = None) -> list[TrainedModel]:
    """Newest first; the models `user` may see (services/access.py), narrowed by the list filters."""
    filters = filters or ListFilters()
    query = access.only_visible(select(TrainedModel).order_by(col(TrainedModel.created_at).desc()), user, TrainedModel)
    async with ctx.sessions() as session:
        rows = (await session.exec(filters.where(query, TrainedModel))).all()
    return [model for model in rows if filters.keep(history.model_texts(model), model.tags)]


async def get_model(ctx: AppContext, model_id: str) -> TrainedModel:
    async with ctx.sessions() as session:
        model = await session.get(TrainedModel, model_id)
    if model is None:
        raise NotFoundError(f"model {model_id} not found")
    return model


async def local_package(ctx: AppContext, record: TrainedModel) -> Path:
    """The package's files on local disk, fetched from the store once."""
    directory = ctx.model_cache / record.id
    if not (directory / "model.joblib").exists():
        directory.mkdir(parents=True, exist_ok=True)
        for key in await asyncio.to_thread(ctx.store.list, record.storage_prefix + "/"):
            await asyncio.to_thread(ctx.store.get_file, key, directory / key.rsplit("/", 1)[-1])
    return directory


async def load_model(ctx: AppContext, record: TrainedModel) -> LoadedModel:
    cached = _cache.get(record.id)
    if cached is not None:
        return cached
    directory = await local_package(ctx, record)
    # load_package checks the SHA-256 recorded in SQL before unpickling anything.
    model, _card = await asyncio.to_thread(load_package, directory, record.sha256)
    loaded = LoadedModel(model, await asyncio.to_thread(_onnx_predictor, directory, record))
    _cache.put(record.id, loaded)
    return loaded


def card_of(record: TrainedModel) -> ModelCard:
    """The model's card as SQL records it, validated (core/model_card.py)."""
    return ModelCard.from_dict(record.card)


def _onnx_predictor(directory: Path, record: TrainedModel) -> OnnxPredictor | None:
    """ONNX Runtime only when the export passed its parity check and the file is the one recorded."""
    card = card_of(record)
    path = directory / ONNX_FILE
    if card.onnx is None or not card.onnx.usable or not path.exists():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != card.onnx_sha256:
        logger.warning("model {}: model.onnx does not match its recorded checksum; serving the native model", record.id)
        return None
    return OnnxPredictor(data, classes=record.classes)


def forget_loaded(model_id: str) -> None:
    """Drop the loaded model from this process's cache: its package changed (a new decision threshold)."""
    _cache.drop(model_id)


def _predict(loaded: LoadedModel, frame: pd.DataFrame, card: ModelCard) -> PredictionOutput:
    """Predictions with what the card in SQL (read on every request) adds: a binary model's saved decision
    threshold, a clustering model's cluster names."""
    runner = loaded.onnx.run_prepared if loaded.onnx is not None else None
    output = predict_frame(loaded.model, frame, runner=runner, threshold=card_threshold(card))
    if output.clustering:
        output.cluster_names = card_cluster_names(card)
    return output


async def predict_rows(ctx: AppContext, model_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        raise InvalidInputError("send at least one row to predict")
    if len(rows) > MAX_ROWS_PER_REQUEST:
        raise InvalidInputError(f"at most {MAX_ROWS_PER_REQUEST} rows per request; use the batch file endpoint")
    unicode_only(rows, "a row")  # Arrow-backed text columns cannot hold it
    record = await get_model(ctx, model_id)
    loaded = await load_model(ctx, record)
    started = time.perf_counter()
    output = await asyncio.to_thread(_predict, loaded, pd.DataFrame.from_records(rows), card_of(record))
    seconds = time.perf_counter() - started
    return {
        "predictions": output.predictions,
        "probabilities": output.probabilities,
        "classes": output.classes,
        "warnings": output.warnings,
        "latency_ms": round(seconds * 1000, 3),
        "engine": loaded.engine,
        **_cluster_fields(output),
        **_seed_fields(output, seconds),
    }


def _cluster_fields(output: PredictionOutput) -> dict[str, Any]:
    """A clustering model's answer: each row's cluster id and name (the ids are also `predictions`); null for a
    supervised model. A card without names (an older package) names a cluster by its id."""
    if not output.clustering:
        return {"clusters": None, "cluster_names": None}
    clusters = [int(c) for c in output.predictions]
    names = output.cluster_names or {}
    return {"clusters": clusters, "cluster_names": [names.get(c, f"cluster {c}") for c in clusters]}


def _seed_fields(output: PredictionOutput, seconds: float) -> dict[str, Any]:
    """The seed README's answer for one row: `prediction`, `probability` (the class probabilities in the order of
    `classes`) and `execution_time` in seconds. With several rows there is no one prediction: both are null."""
    single = len(output.predictions) == 1
    return {
        "prediction": output.predictions[0] if single else None,
        "probability": list(output.probabilities[0].values()) if single and output.probabilities else None,
        "execution_time": round(seconds, 6),
    }


def table_to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """A file read for prediction as pandas. Integers beyond 64 bits (polars reads them as Int128) become floats:
    pandas cannot hold them (Arrow refused the conversion, a 500), and the model sees numbers as floats anyway."""
    wide = [name for name, dtype in frame.schema.items() if dtype in (pl.Int128, pl.UInt128)]
    if wide:
        frame = frame.with_columns(pl.col(wide).cast(pl.Float64))
    return frame.to_pandas()


async def predict_table(
    ctx: AppContext, model_id: str, frame: pd.DataFrame, keep: Sequence[str] = ()
) -> tuple[bytes, list[str]]:
    """Predict a whole uploaded table; returns CSV bytes with the `keep` columns passed through, then `prediction`
    and `proba_<class>` columns."""
    record = await get_model(ctx, model_id)
    output = await predict_output(ctx, record, frame)
    table = predictions_table(output, frame[list(keep)] if keep else None)
    return table.to_csv(index=False).encode(), output.warnings


async def predict_output(ctx: AppContext, record: TrainedModel, frame: pd.DataFrame) -> PredictionOutput:
    """The model's predictions for a frame, as every prediction route makes them (engine, decision threshold)."""
    loaded = await load_model(ctx, record)
    return await asyncio.to_thread(_predict, loaded, frame, card_of(record))


async def package_zip(ctx: AppContext, model_id: str) -> tuple[bytes, str]:
    record = await get_model(ctx, model_id)
    directory = await local_package(ctx, record)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(directory.iterdir()):
            archive.write(file, arcname=file.name)
    return buffer.getvalue(), f"flowml-model-{record.id}.zip"


async def evaluation(ctx: AppContext, model_id: str) -> dict[str, Any]:
    """The held-out evaluation stored with the model (engine/evaluation.py), with the model's id."""
    record = await get_model(ctx, model_id)
    if record.problem_type == ProblemType.CLUSTERING:
        raise NotFoundError(
            f"model {model_id} is a clustering model: it predicts no target, so it has no held-out evaluation; "
            f"its clusters are at /api/results/model/{model_id}/clusters"
        )
    entry = card_of(record).evaluation
    if entry is None:
        raise NotFoundError(
            f"model {model_id} has no evaluation data: it was trained before evaluation was recorded; "
            "train it again to see its confusion matrix, ROC or residuals"
        )
    if not entry.available:
        raise NotFoundError(f"model {model_id} has no evaluation data: {entry.reason or 'reason unknown'}")
    data = await _package_file(ctx, record, EVALUATION_FILE)
    return {"model_id": record.id, **json.loads(data)}


async def cluster_report(ctx: AppContext, model_id: str) -> ClusterReport:
    """A clustering model's report (clusters.json: profiles, projection, silhouette, elbow)."""
    record = await get_model(ctx, model_id)
    if record.problem_type != ProblemType.CLUSTERING:
        raise NotFoundError(
            f"model {model_id} is a {record.problem_type} model of {record.target!r}: only clustering models have "
            f"clusters; its evaluation is at /api/results/model/{model_id}/evaluation"
        )
    try:
        data = await _package_file(ctx, record, CLUSTERS_FILE)
    except NotFoundError:
        raise NotFoundError(
            f"model {model_id} has no cluster report: its package has no {CLUSTERS_FILE} (the report ran out of "
            "time in the final step); the model still assigns clusters"
        ) from None
    return await asyncio.to_thread(ClusterReport.model_validate_json, data)


async def _package_file(ctx: AppContext, record: TrainedModel, name: str) -> bytes:
    """One small file of the package: from the local copy when the model was loaded here, else only that file from
    the store (the Results page needs no model to draw its charts)."""
    cached = ctx.model_cache / record.id / name
    if cached.exists():
        return await asyncio.to_thread(cached.read_bytes)
    return await asyncio.to_thread(ctx.store.get_bytes, f"{record.storage_prefix}/{name}")


async def onnx_file(ctx: AppContext, model_id: str) -> tuple[bytes, str]:
    """model.onnx when the export passed its parity check (only then is it in the package), checked against the
    SHA-256 in the card."""
    record = await get_model(ctx, model_id)
    card = card_of(record)
    entry, expected = card.onnx, card.onnx_sha256
    if entry is None or not entry.usable or not expected:
        reason = (entry.reason if entry is not None else None) or "the model card records no ONNX export"
        raise NotFoundError(f"this model has no ONNX export: {reason}")
    directory = await local_package(ctx, record)
    path = directory / ONNX_FILE
    if not path.exists():
        raise NotFoundError(f"this model has no ONNX export: {ONNX_FILE} is missing from its package")
    data = await asyncio.to_thread(path.read_bytes)
    if hashlib.sha256(data).hexdigest() != expected:
        raise ModelIntegrityError(f"model {record.id}: {ONNX_FILE} does not match its recorded checksum")
    return data, f"flowml-model-{record.id}.onnx"
