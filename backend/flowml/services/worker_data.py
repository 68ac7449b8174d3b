"""Data that moves between the master and its workers, by content hash (ARCHITECTURE.md section 6).

Workers fetch a job's dataset by its SHA-256 and send back each trial's out-of-fold predictions, which the master
checks against the hash the worker claims before the ensemble may read them. Either needs, besides the join token,
the capability of a trial the master sent (cluster/signing.py) naming that very dataset, or that job and trial:
a token alone reaches no data. No path is built from anything but
a validated hash, a job id from the database and an integer.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import numpy as np
from sqlmodel import select

from flowml.cluster.signing import TrialCapability
from flowml.core.errors import ConflictError, InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, Job, JobStatus
from flowml.services import workflow_tables
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.inputs import is_id
from flowml.services.jobs.paths import oof_dir

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Long enough for a slow link to finish a large download, short enough that a leaked URL soon stops working.
DIRECT_URL_SECONDS = 15 * 60


async def _dataset(ctx: AppContext, sha256: str, capability: str | None) -> Dataset | None:
    """The upload with this hash; None when it is a workflow run's table instead (checked by the caller)."""
    if not SHA256.fullmatch(sha256):
        raise InvalidInputError("not a SHA-256 (64 lowercase hex characters)")
    TrialCapability.verify(ctx.signing_key, capability).require_dataset(sha256)
    async with ctx.sessions() as session:
        return (await session.exec(select(Dataset).where(Dataset.sha256 == sha256))).first()


def _no_dataset(sha256: str) -> NotFoundError:
    return NotFoundError(f"no dataset with hash {sha256[:12]}...")


async def dataset_file(ctx: AppContext, sha256: str, capability: str | None) -> Path:
    """The Parquet file of the dataset with this content hash, for a trial that uses it: an upload, or the rows a
    workflow run handed one of its searches (services/workflow_tables.py)."""
    dataset = await _dataset(ctx, sha256, capability)
    if dataset is not None:
        return await local_parquet(ctx, dataset)
    staged = await workflow_tables.find(ctx, sha256)
    if staged is None:
        raise _no_dataset(sha256)
    return staged


async def dataset_direct_url(ctx: AppContext, sha256: str, capability: str | None) -> str | None:
    """A short-lived URL a worker may read the dataset's Parquet from without the master (S3 mode), else None.

    The URL carries its own signature, so the worker needs no bucket credentials; it checks the hash of what it
    reads, and falls back to `dataset_file` through the master when the bucket is out of its reach.
    """
    dataset = await _dataset(ctx, sha256, capability)
    if dataset is None:
        if await workflow_tables.find(ctx, sha256) is None:
            raise _no_dataset(sha256)
        return None  # a workflow run's table: served by the master, which has it at hand
    return await asyncio.to_thread(ctx.store.download_url, dataset.storage_key, DIRECT_URL_SECONDS)


async def store_oof(
    ctx: AppContext, job_id: str, trial_number: int, body: bytes, claimed_sha256: str, capability: str | None
) -> Path:
    """Keep a trial's out-of-fold predictions for the job's ensemble, after checking the trial's capability, then
    hash and format."""
    if trial_number < 0:
        raise InvalidInputError("trial number must be 0 or more")
    if not is_id(job_id):
        raise NotFoundError(f"job {job_id} not found")
    TrialCapability.verify(ctx.signing_key, capability).require_trial(job_id, trial_number)
    if hashlib.sha256(body).hexdigest() != claimed_sha256.lower():
        raise InvalidInputError("checksum mismatch: the body does not hash to X-Content-SHA256")
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"job {job_id} not found")
    if JobStatus(job.status) != JobStatus.RUNNING:
        raise ConflictError(f"job {job_id} is {job.status}; it takes no more trial results")
    _check_npy(body)
    target = oof_dir(ctx, job_id) / f"{trial_number}.npy"
    await asyncio.to_thread(_write_atomically, target, body)
    return target


def _check_npy(body: bytes) -> None:
    """A float array, readable without unpickling anything: the ensemble loads it with allow_pickle=False."""
    try:
        array = np.load(io.BytesIO(body), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InvalidInputError(f"not a NumPy .npy array: {exc}") from None
    if not isinstance(array, np.ndarray) or array.ndim != 2 or array.dtype.kind != "f":
        raise InvalidInputError("out-of-fold predictions must be a 2-D float array")


def _write_atomically(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temp, target)
