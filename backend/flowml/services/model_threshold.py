"""A binary model's decision threshold: validate, record it in the card (SQL and the package's model_card.json)
and bake it into the package's ONNX graph, so every way of predicting (REST, batch file, ONNX serving, the
downloaded graph, `flowml predict` on the package) labels rows by it.

The card in SQL is the system of record (ARCHITECTURE.md section 2): the REST predict paths read the threshold
from it on every request. The package files are rewritten first, the SQL card last, so a failure in between
leaves the previous threshold in force everywhere the SQL card is read.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from flowml.core.errors import InvalidInputError, NotFoundError
from flowml.core.model_card import ModelCard, ThresholdEntry
from flowml.db.tables import TrainedModel, User
from flowml.engine.onnx import ONNX_FILE, with_threshold
from flowml.engine.package import CARD_FILE, onnx_sha256
from flowml.services import models
from flowml.services.context import AppContext

ChosenBy = Literal["best_f1", "best_cost", "manual"]
# Per model id, in this process (a lock is a few bytes; models are not created often enough for this to matter).
_locks: dict[str, asyncio.Lock] = {}


def require_binary(record: TrainedModel) -> None:
    """A threshold separates two classes; any other model is told why it has none."""
    classes = record.classes or []
    if record.problem_type != "binary" or len(classes) != 2:
        kind = {"regression": "a regression model (it predicts a number)", "multiclass": "a multiclass model"}.get(
            record.problem_type, f"a {record.problem_type} model"
        )
        raise InvalidInputError(
            f"A decision threshold applies to yes/no (two-class) models only; this is {kind}, "
            "which always predicts its most likely answer."
        )


def threshold_entry(
    value: float, chosen_by: ChosenBy, costs: dict[str, float] | None, user: User, now: datetime | None = None
) -> ThresholdEntry:
    """The card's `decision_threshold`: the value, how it was chosen (with the costs for best cost), when, by whom."""
    if not 0.0 < value < 1.0:
        raise InvalidInputError(f"the threshold must be between 0 and 1 (exclusive), got {value}")
    if chosen_by == "best_cost" and costs is None:
        raise InvalidInputError("a threshold chosen for best cost needs the costs of a false positive and negative")
    return ThresholdEntry(
        value=float(value),
        chosen_by=chosen_by,
        costs=dict(costs) if costs is not None else None,
        set_at=(now or datetime.now(UTC)).isoformat(),
        set_by=user.username,
    )


async def set_threshold(ctx: AppContext, record: TrainedModel, entry: ThresholdEntry | None) -> ThresholdEntry | None:
    """Save `entry` (from `threshold_entry`) as the model's threshold, or clear it with None (back to the most
    likely class); returns what the card now holds. The caller checked the user may change the model."""
    require_binary(record)
    # One change at a time per model: each rewrite reads the graph the previous one recorded.
    async with _locks.setdefault(record.id, asyncio.Lock()):
        async with ctx.sessions() as session:
            current = await session.get(TrainedModel, record.id)
        if current is None:
            raise NotFoundError(f"model {record.id} not found")
        onnx_bytes = await _rewritten_onnx(ctx, current, entry)
        sha = onnx_sha256(onnx_bytes) if onnx_bytes is not None else None
        await _write_package(ctx, current, entry, sha, onnx_bytes)
        async with ctx.sessions() as session:
            row = await session.get(TrainedModel, record.id)
            if row is None:
                raise NotFoundError(f"model {record.id} not found")
            # A new dict, so the JSON column is seen as changed.
            row.card = with_entry(ModelCard.from_dict(row.card), entry, sha).to_dict()
            session.add(row)
            await session.commit()
        models.forget_loaded(record.id)
    return entry


def with_entry(card: ModelCard, entry: ThresholdEntry | None, onnx_sha: str | None) -> ModelCard:
    """A copy of `card` with the threshold `entry` (or none) and, when the graph was rewritten, its new hash."""
    updated = card.updated({"decision_threshold": entry}) if entry is not None else card.without("decision_threshold")
    return updated.updated({"onnx_sha256": onnx_sha}) if onnx_sha is not None else updated


async def _rewritten_onnx(ctx: AppContext, record: TrainedModel, entry: ThresholdEntry | None) -> bytes | None:
    """The package's model.onnx labelling by the new threshold; None when the model has no usable export."""
    card = ModelCard.from_dict(record.card)
    if card.onnx is None or not card.onnx.usable or not card.onnx_sha256:
        return None
    data = (await models.onnx_file(ctx, record.id))[0]  # checked against the recorded SHA-256
    value = None if entry is None else entry.value
    return await asyncio.to_thread(with_threshold, data, value)


async def _write_package(
    ctx: AppContext, record: TrainedModel, entry: ThresholdEntry | None, onnx_sha: str | None, onnx: bytes | None
) -> None:
    """The package's model_card.json (its own content, plus the threshold and the graph's new hash) and
    model.onnx, in the store (what downloads and other servers read) and in this server's local copy."""
    prefix = record.storage_prefix
    directory: Path = ctx.model_cache / record.id

    def write() -> None:
        package_card = ModelCard.model_validate_json(ctx.store.get_bytes(f"{prefix}/{CARD_FILE}"))
        rewritten = with_entry(package_card, entry, onnx_sha).to_dict()
        files = {CARD_FILE: json.dumps(rewritten, indent=2).encode("utf-8")}
        if onnx is not None:
            files[ONNX_FILE] = onnx
        # The graph before the card: a reader that finds the new card finds the graph it describes.
        for name in sorted(files, key=lambda n: n != ONNX_FILE):
            ctx.store.put_bytes(f"{prefix}/{name}", files[name])
            local = directory / name
            if directory.is_dir():
                tmp = local.with_name(f".{name}.tmp")
                tmp.write_bytes(files[name])
                tmp.replace(local)

    await asyncio.to_thread(write)
