"""Tables a workflow run hands its searches: the rows reaching a Model node (split, maybe preprocessed), stored by
content hash like an upload, so cluster workers fetch them exactly as they fetch a dataset (services/worker_data.py,
with the trial's capability naming that hash).

They go to the artifact store under `workflow-tables/`, so any master process sharing the store can serve them, and
are cached on local disk next to the datasets' Parquet files.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from flowml.services.context import AppContext

PREFIX = "workflow-tables"


def _key(sha256: str) -> str:
    return f"{PREFIX}/{sha256}.parquet"


def local_path(ctx: AppContext, sha256: str) -> Path:
    return ctx.dataset_cache / f"{sha256}.parquet"


async def keep(ctx: AppContext, staged: Path, sha256: str) -> Path:
    """Store the staged Parquet (`sha256` is its content hash) and return its local path, where trials read it."""
    target = local_path(ctx, sha256)

    def store() -> None:
        if not ctx.store.exists(_key(sha256)):
            ctx.store.put_file(_key(sha256), staged)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, target)

    await asyncio.to_thread(store)
    return target


async def find(ctx: AppContext, sha256: str) -> Path | None:
    """The local Parquet of a stored workflow table (fetched from the store once), None when there is none."""
    target = local_path(ctx, sha256)
    if target.exists():
        return target

    def fetch() -> Path | None:
        if not ctx.store.exists(_key(sha256)):
            return None
        return ctx.store.get_file(_key(sha256), target)

    return await asyncio.to_thread(fetch)
