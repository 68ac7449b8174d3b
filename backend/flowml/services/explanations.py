"""Explanations per prediction: the engine's Explainer for a stored model, and its results as JSON or table columns.

A tree model explains from its own trees. Any other model (and every ensemble) needs a sample of its training rows
as the background of SHAP's sampled explainer: it is read once per model and process from the job's dataset in the
artifact store (the same Parquet the model was trained on), BACKGROUND_ROWS rows with a fixed seed.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from flowml.core.errors import InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, TrainedModel
from flowml.engine.explain import BACKGROUND_ROWS, TOP_COLUMNS, Explainer, Explanation, Progress
from flowml.engine.features import match_flag_spellings
from flowml.engine.types import ProblemType
from flowml.services import datasets, models
from flowml.services.context import AppContext

MAX_EXPLAINED_ROWS = 100  # per JSON request; a file scored with explanations runs in the background instead
CONTRIBUTION_PREFIX = "contribution_"
TOP_REASONS = 3  # contributions written out in words in the scored file's `top_reasons` column
_CACHE_SIZE = 8
SCALE_WORDS = {"probability": "probability", "log_odds": "log-odds", "margin": "softmax margin", "value": "value"}


class _ExplainerCache:
    """Explainers by model id: building one may read the training data (sampled explainer)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Explainer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Explainer | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, explainer: Explainer) -> None:
        with self._lock:
            self._items[key] = explainer
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)


_cache = _ExplainerCache()


def check_model_explainable(record: TrainedModel) -> None:
    """Explanations say what pushed a prediction of a target; a clustering model predicts none."""
    if record.problem_type == ProblemType.CLUSTERING:
        raise InvalidInputError(
            "a clustering model's assignments have no explanations per row; its cluster profiles (GET "
            f"/api/results/model/{record.id}/clusters) say which columns set each cluster apart"
        )


async def explainer_for(ctx: AppContext, record: TrainedModel) -> Explainer:
    check_model_explainable(record)
    # Keyed by the package's checksum too: a refitted or re-saved model is a different model.
    key = f"{record.id}:{record.sha256}"
    cached = _cache.get(key)
    if cached is not None:
        return cached
    loaded = await models.load_model(ctx, record)
    explainer = await asyncio.to_thread(Explainer, loaded.model)
    if explainer.needs_background:
        background = await training_sample(ctx, record, list(loaded.model.plan.features))
        explainer = await asyncio.to_thread(Explainer, loaded.model, background)
    _cache.put(key, explainer)
    return explainer


async def training_sample(ctx: AppContext, record: TrainedModel, columns: list[str]) -> pd.DataFrame:
    """BACKGROUND_ROWS rows of the model's training data (its input columns only)."""
    async with ctx.sessions() as session:
        dataset = await session.get(Dataset, record.dataset_id)
    if dataset is None:
        raise NotFoundError(
            f"this {record.algorithm} model is explained against a sample of its training data, and its dataset "
            f"({record.dataset_id}) was deleted; tree models (random forest, boosting) explain without it"
        )
    return await asyncio.to_thread(_sample_parquet, await datasets.local_parquet(ctx, dataset), columns)


def _sample_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pl.scan_parquet(path)
    present = [c for c in columns if c in frame.collect_schema().names()]
    table = frame.select(present).collect()
    if table.height > BACKGROUND_ROWS:
        table = table.sample(n=BACKGROUND_ROWS, seed=0)
    return table.to_pandas()


async def explain_frame(
    ctx: AppContext, record: TrainedModel, frame: pd.DataFrame, progress: Progress | None = None
) -> list[Explanation]:
    explainer = await explainer_for(ctx, record)
    # The same spelling fix the prediction gets (a JSON `true` for a Yes/No column), so both see the same row.
    prepared = match_flag_spellings(frame, explainer.model.plan)
    return await asyncio.to_thread(explainer.explain, prepared, progress)


def check_explainable(record: TrainedModel, rows: list[dict[str, Any]]) -> None:
    check_model_explainable(record)
    if len(rows) > MAX_EXPLAINED_ROWS:
        raise InvalidInputError(
            f"explanations are computed for at most {MAX_EXPLAINED_ROWS} rows per request; "
            "score a file with explain=true (POST .../predict/batch) for more"
        )


async def explain_rows(ctx: AppContext, record: TrainedModel, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON explanations for a predict request's rows: the top contributions plus the others' sum."""
    check_explainable(record, rows)
    explanations = await explain_frame(ctx, record, pd.DataFrame.from_records(rows))
    return [as_json(e) for e in explanations]


def as_json(explanation: Explanation) -> dict[str, Any]:
    return {
        "base_value": explanation.base_value,
        "output_value": explanation.output_value,
        "output_scale": explanation.output_scale,
        "explained_class": explanation.explained_class,
        "method": explanation.method,
        "contributions": [
            {"column": c.column, "value": c.value, "contribution": c.contribution} for c in explanation.top(TOP_COLUMNS)
        ],
    }


def explanation_columns(explanations: list[Explanation], columns: list[str]) -> pd.DataFrame:
    """The scored file's explanation columns, the same on every row so a spreadsheet can sort and filter them:
    `explained` (what the numbers add up to), `base_value`, one `contribution_<column>` per input column, and
    `top_reasons`, the largest few in words."""
    table: dict[str, list[Any]] = {
        "explained": [describe(e) for e in explanations],
        "base_value": [e.base_value for e in explanations],
    }
    by_column = [{c.column: c.contribution for c in e.contributions} for e in explanations]
    for name in columns:
        table[f"{CONTRIBUTION_PREFIX}{name}"] = [row[name] for row in by_column]
    table["top_reasons"] = [
        "; ".join(f"{c.column}={_cell(c.value)} ({c.contribution:+.4g})" for c in e.contributions[:TOP_REASONS])
        for e in explanations
    ]
    return pd.DataFrame(table)


def describe(explanation: Explanation) -> str:
    """What base + contributions add up to, in words: "probability of Yes", "log-odds of Yes", "value"."""
    scale = SCALE_WORDS[explanation.output_scale]
    return f"{scale} of {explanation.explained_class}" if explanation.explained_class is not None else scale


def _cell(value: Any) -> str:
    return "missing" if value is None else str(value)
