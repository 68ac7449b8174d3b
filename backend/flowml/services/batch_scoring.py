"""Scoring a file in the background, with explanations per row, and the columns passed through to the scored file.

Explaining thousands of rows takes seconds to minutes (the sampled explainer runs the model a few thousand times
per row), longer than an HTTP request should wait, so POST .../predict/batch?explain=true starts an asyncio task in
this API process and answers 202 with a batch id. The task's status and its result CSV live in the artifact store
(`batches/<model id>/<batch id>/`), so every API process can answer GET for it; a status that stops moving (the
process ended mid-run) is reported as failed after STALE_AFTER.

Nothing here survives a restart except what is in the store: a batch cut short is reported failed, never resumed.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pandas as pd
from loguru import logger
from pydantic import BaseModel, Field

from flowml.core.errors import ConflictError, FlowMLError, InvalidInputError, NotFoundError
from flowml.core.model_card import ModelCard
from flowml.db.tables import TrainedModel, User
from flowml.engine.predict import (
    CLUSTER_COLUMN,
    CLUSTER_NAME_COLUMN,
    PREDICTION_COLUMN,
    PROBA_PREFIX,
    predictions_table,
)
from flowml.services import explanations, models
from flowml.services.context import AppContext

STALE_AFTER = timedelta(minutes=10)  # a running batch whose status has not moved for this long has died
PROGRESS_EVERY_SECONDS = 1.0  # status writes while running: enough for a progress bar, few store writes
ID_REASON_PREFIX = "identifier"  # dropped_columns reasons that mark an id column (engine/features.py)
# A column whose name says it identifies a row: `id`, `order_id`, `customer key`, `Code`, `EmployeeNumber`,
# `customerId`; not `paid` or `humid` (the camelCase form needs the capital).
ID_WORD = re.compile(r"(^|[_\s-])(id|key|number|no|code|uuid)$", re.IGNORECASE)
ID_CAMEL = re.compile(r"[a-z0-9](Id|ID|Number|Key|No|Code)$")
# What a scored file writes after the kept columns (a supervised model the first, a clustering model the others).
OUTPUT_COLUMNS = (PREDICTION_COLUMN, CLUSTER_COLUMN, CLUSTER_NAME_COLUMN)
_tasks: set[asyncio.Task[None]] = set()  # running batches; a task only weakly referenced could be collected


class BatchStatus(BaseModel):
    """A background scoring run: where it is, and what it will write."""

    batch_id: str
    model_id: str
    state: Literal["running", "done", "failed"]
    rows_total: int
    rows_done: int = Field(description="Rows explained so far")
    explain: bool
    keep_columns: list[str]
    error: str | None = Field(default=None, description="Why the batch failed, for the user")
    warnings: list[str] = Field(default_factory=list, description="What the model could not encode faithfully")
    created_at: datetime
    updated_at: datetime
    owner_id: str | None = Field(default=None, exclude=True)


class PassThroughColumns(BaseModel):
    """Which columns of a file to score can be copied into the scored file, and which are suggested."""

    columns: list[str] = Field(description="The model's input columns, then the columns it dropped in training")
    suggested: list[str] = Field(
        description="Columns to keep by default: the ones dropped as identifiers in training, else the first "
        "column named like an id"
    )


def pass_through(record: TrainedModel) -> PassThroughColumns:
    card = ModelCard.from_dict(record.card)
    inputs = [entry.name for entry in card.input_schema]
    dropped = [entry for entry in card.dropped_columns if entry.name != record.target]
    ids = [e.name for e in dropped if e.reason.startswith(ID_REASON_PREFIX)]
    columns = inputs + [e.name for e in dropped]
    if not ids:
        ids = next(([name] for name in columns if looks_like_id(name)), [])
    return PassThroughColumns(columns=columns, suggested=ids)


def looks_like_id(name: str) -> bool:
    return bool(ID_WORD.search(name) or ID_CAMEL.search(name))


def check_keep_columns(frame: pd.DataFrame, keep: Sequence[str]) -> list[str]:
    """The columns to pass through, each named once; 422 naming any the file lacks or that would clash."""
    unique = list(dict.fromkeys(keep))
    unknown = [name for name in unique if name not in frame.columns]
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        raise InvalidInputError(
            f"keep_columns: the file has no column {shown}; its columns are: {', '.join(map(str, frame.columns))}"
        )
    clashing = [name for name in unique if name in OUTPUT_COLUMNS or name.startswith(PROBA_PREFIX)]
    if clashing:
        raise InvalidInputError(
            f"keep_columns: {', '.join(map(repr, clashing))} would clash with the scored file's own "
            f"{', '.join(map(repr, OUTPUT_COLUMNS))} and {PROBA_PREFIX}<class> columns; rename the column in the file"
        )
    return unique


async def start(ctx: AppContext, record: TrainedModel, frame: pd.DataFrame, keep: list[str], user: User) -> BatchStatus:
    """Record the batch, start scoring it in the background, and return its first status."""
    # Fail now, not in the background, when the model cannot be explained here (e.g. its training data is gone).
    await explanations.explainer_for(ctx, record)
    now = datetime.now(UTC)
    status = BatchStatus(
        batch_id=uuid.uuid4().hex,
        model_id=record.id,
        state="running",
        rows_total=len(frame),
        rows_done=0,
        explain=True,
        keep_columns=keep,
        created_at=now,
        updated_at=now,
        owner_id=user.id,
    )
    await asyncio.to_thread(_save, ctx, status)
    task = asyncio.create_task(_run(ctx, record, frame, status))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return status


async def get_status(ctx: AppContext, record: TrainedModel, batch_id: str, user: User) -> BatchStatus:
    """The batch's status; 404 for an unknown id, another model's batch or another user's (admins see all)."""
    if not re.fullmatch(r"[0-9a-f]{32}", batch_id):
        raise NotFoundError(f"batch {batch_id!r} not found")
    try:
        data = await asyncio.to_thread(ctx.store.get_bytes, _key(record.id, batch_id, "status.json"))
    except NotFoundError:
        raise NotFoundError(f"batch {batch_id} of model {record.id} not found") from None
    status = BatchStatus.model_validate_json(data)
    if status.owner_id != user.id and user.role != "admin":
        raise NotFoundError(f"batch {batch_id} of model {record.id} not found")
    if status.state == "running" and datetime.now(UTC) - status.updated_at > STALE_AFTER:
        status.state = "failed"
        status.error = (
            f"the batch stopped making progress at {status.rows_done} of {status.rows_total} rows (the server "
            "restarted or stopped while scoring); score the file again"
        )
    return status


async def result_csv(ctx: AppContext, record: TrainedModel, batch_id: str, user: User) -> bytes:
    status = await get_status(ctx, record, batch_id, user)
    if status.state == "failed":
        raise ConflictError(f"batch {batch_id} failed, so it has no result: {status.error}")
    if status.state != "done":
        raise ConflictError(
            f"batch {batch_id} is still running ({status.rows_done} of {status.rows_total} rows explained); "
            "ask for its status and download the result when it is done"
        )
    return await asyncio.to_thread(ctx.store.get_bytes, _key(record.id, batch_id, "result.csv"))


async def _run(ctx: AppContext, record: TrainedModel, frame: pd.DataFrame, status: BatchStatus) -> None:
    try:
        output = await models.predict_output(ctx, record, frame)
        status.warnings = output.warnings
        table = predictions_table(output, frame[status.keep_columns] if status.keep_columns else None)
        last_write = time.monotonic()

        def progress(done: int) -> None:  # runs in the explaining thread
            nonlocal last_write
            status.rows_done = done
            if time.monotonic() - last_write >= PROGRESS_EVERY_SECONDS:
                last_write = time.monotonic()
                _save(ctx, status)

        rows = await explanations.explain_frame(ctx, record, frame, progress)
        columns = list((await explanations.explainer_for(ctx, record)).columns)
        table = pd.concat([table, explanations.explanation_columns(rows, columns)], axis=1)
        body = table.to_csv(index=False).encode()
        await asyncio.to_thread(ctx.store.put_bytes, _key(record.id, status.batch_id, "result.csv"), body)
        status.state, status.rows_done = "done", len(frame)
    except FlowMLError as exc:
        status.state, status.error = "failed", exc.message
    except Exception as exc:  # any failure must reach the user as a status, not vanish with the task
        logger.exception("batch {} of model {} failed", status.batch_id, record.id)
        status.state, status.error = "failed", f"scoring failed: {type(exc).__name__}: {exc}"
    await asyncio.to_thread(_save, ctx, status)


def _save(ctx: AppContext, status: BatchStatus) -> None:
    status.updated_at = datetime.now(UTC)
    data: dict[str, Any] = {**status.model_dump(mode="json"), "owner_id": status.owner_id}
    ctx.store.put_bytes(_key(status.model_id, status.batch_id, "status.json"), json.dumps(data).encode())


def _key(model_id: str, batch_id: str, name: str) -> str:
    return f"batches/{model_id}/{batch_id}/{name}"
