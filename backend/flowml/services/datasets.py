"""Dataset use-cases: ingest an uploaded file, list, read, profile, delete.

Parsing, Parquet writing, hashing and profiling run in worker threads (polars and hashlib release the GIL), never
on the event loop, so one large or hostile upload cannot stall other users' requests. The Parquet copy is stored
once per SHA-256; rows in `datasets` reference it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import polars as pl
from sqlmodel import col, func, select

from flowml.core.errors import ConflictError, NotFoundError
from flowml.data.formats import extension_of, sha256_of_bytes, write_parquet_bytes
from flowml.data.ingest import inspect_file
from flowml.data.limits import ReadLimits
from flowml.data.profile import preview_rows
from flowml.db.tables import Dataset, Job, JobStatus, User
from flowml.services import access, target_checks
from flowml.services.context import AppContext
from flowml.services.history import ListFilters

MAX_PREVIEW_ROWS = 1000


def dataset_key(sha256: str) -> str:
    return f"datasets/{sha256}.parquet"


async def create_dataset(
    ctx: AppContext,
    *,
    upload_path: Path,
    filename: str,
    name: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    owner_id: str | None = None,
    project_id: str | None = None,
) -> Dataset:
    """Parse the file at `upload_path` (already size-checked), store it as Parquet, and record it.

    Every check on the content (format, encoding, width, decompression bombs, within the settings' limits) runs
    before anything is stored, so a refused file leaves no object and no row.
    """
    extension = extension_of(filename)
    limits = ReadLimits.from_settings(ctx.settings)
    ingested = await asyncio.to_thread(
        inspect_file, upload_path, extension=extension, table=table, sheet=sheet, limits=limits
    )
    df = ingested.df
    parquet, sha = await asyncio.to_thread(_stored_form, df)
    # The engine's verdict on every column as a target, judged while the frame is in memory: it picks the
    # suggested target now and answers the stats later (services/target_checks.py).
    checks = await asyncio.to_thread(target_checks.judge_frame, df)
    target_checks.remember(sha, checks)
    suggested = target_checks.rank(ingested.profile, df.height, checks).suggested
    key = dataset_key(sha)
    stored_now = not await asyncio.to_thread(ctx.store.exists, key)
    if stored_now:
        await asyncio.to_thread(ctx.store.put_bytes, key, parquet)
    try:
        profile = ingested.profile
        dataset = Dataset(
            name=(name or Path(filename).name)[:255],
            file_format=extension.lstrip("."),
            sha256=sha,
            size_bytes=len(parquet),
            n_rows=df.height,
            n_cols=df.width,
            suggested_target=suggested.name if suggested else None,
            suggested_problem_type=suggested.problem_type if suggested else None,
            table_name=table,
            storage_key=key,
            columns=[{"name": c, "kind": str(ingested.kinds[c]), "dtype": str(df[c].dtype)} for c in df.columns],
            notes=list(ingested.notes),
            profile=profile,
            owner_id=owner_id,
            project_id=project_id,
        )
        async with ctx.sessions() as session:
            session.add(dataset)
            await session.commit()
            await session.refresh(dataset)
        return dataset
    except BaseException:
        if stored_now:  # leave nothing half-written: the object exists only if a row references it
            await asyncio.to_thread(ctx.store.delete, key)
        raise


def _stored_form(df: pl.DataFrame) -> tuple[bytes, str]:
    """The dataset's Parquet bytes and their SHA-256: both CPU work on up to MAX_DECOMPRESSED_SIZE_MB, so together
    in one worker thread, never on the event loop."""
    parquet = write_parquet_bytes(df)
    return parquet, sha256_of_bytes(parquet)


async def list_datasets(ctx: AppContext, user: User, filters: ListFilters | None = None) -> list[Dataset]:
    """Newest first; the datasets `user` may see (services/access.py), narrowed by the list filters (`q` searches
    the name and target suggestion; datasets carry no tags)."""
    filters = filters or ListFilters()
    query = access.only_visible(select(Dataset).order_by(col(Dataset.created_at).desc()), user, Dataset)
    async with ctx.sessions() as session:
        rows = (await session.exec(filters.where(query, Dataset))).all()
    return [d for d in rows if filters.keep([d.name, d.suggested_target], [])]


async def get_dataset(ctx: AppContext, dataset_id: str) -> Dataset:
    async with ctx.sessions() as session:
        dataset = await session.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFoundError(f"dataset {dataset_id} not found")
    return dataset


async def local_parquet(ctx: AppContext, dataset: Dataset) -> Path:
    """The dataset's Parquet on local disk, fetched once from the store and cached by hash."""
    path = ctx.dataset_cache / f"{dataset.sha256}.parquet"
    if not path.exists():
        await asyncio.to_thread(ctx.store.get_file, dataset.storage_key, path)
    return path


async def preview(ctx: AppContext, dataset_id: str, limit: int) -> dict[str, Any]:
    dataset = await get_dataset(ctx, dataset_id)
    path = await local_parquet(ctx, dataset)
    limit = max(1, min(limit, MAX_PREVIEW_ROWS))
    df = await asyncio.to_thread(lambda: pl.read_parquet(path, n_rows=limit))
    return {"columns": df.columns, "rows": preview_rows(df, limit), "total_rows": dataset.n_rows}


async def stats(ctx: AppContext, dataset: Dataset) -> dict[str, Any]:
    """The stored column profile, each column with what it would be as the target (`target`: problem type and
    why, or why it is never suggested, and `checks`: what training does with it for Auto and each explicit
    problem type), and the columns ranked as targets (`target_candidates`, most outcome-like first, each with its
    reason and confidence). The checks are the engine's, judged once per stored table (services/target_checks.py);
    the ranking is worked out on every call, so datasets stored before it existed get it too."""
    checks = target_checks.cached_checks(dataset.sha256)
    if checks is None:
        path = await local_parquet(ctx, dataset)
        checks = await asyncio.to_thread(target_checks.judge_parquet, path, dataset.sha256)
    analysis = target_checks.rank(dataset.profile, dataset.n_rows, checks)
    hints = {column.name: column for column in analysis.columns}
    columns = [
        {
            **entry,
            "target": {
                "eligible": hints[entry["name"]].eligible,
                "problem_type": hints[entry["name"]].problem_type,
                "reason": hints[entry["name"]].reason,
                "checks": target_checks.column_checks_json(checks, entry["name"]),
            },
        }
        for entry in dataset.profile
    ]
    candidates = [
        {"name": c.name, "problem_type": c.problem_type, "confidence": c.confidence, "reason": c.reason}
        for c in analysis.candidates
    ]
    return {"columns": columns, "target_candidates": candidates, "clustering_hint": analysis.clustering_hint}


async def delete_dataset(ctx: AppContext, dataset_id: str) -> None:
    dataset = await get_dataset(ctx, dataset_id)
    async with ctx.sessions() as session:
        active = (
            await session.exec(
                select(func.count())
                .select_from(Job)
                .where(Job.dataset_id == dataset_id, col(Job.status).in_([s.value for s in _ACTIVE]))
            )
        ).one()
        if active:
            raise ConflictError("a training job on this dataset is still running; cancel it first")
        row = await session.get(Dataset, dataset_id)
        if row is not None:
            await session.delete(row)
        await session.commit()
        others = (
            await session.exec(select(func.count()).select_from(Dataset).where(Dataset.sha256 == dataset.sha256))
        ).one()
    if not others:
        await asyncio.to_thread(ctx.store.delete, dataset.storage_key)
        (ctx.dataset_cache / f"{dataset.sha256}.parquet").unlink(missing_ok=True)


_ACTIVE = (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.RUNNING)
