"""Data endpoints for workers: a dataset by hash, out-of-fold predictions back. Join token required."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from flowml.api.deps import CtxDep
from flowml.core.errors import AuthenticationError
from flowml.db.tables import JoinToken
from flowml.services import worker_data, workers

router = APIRouter(prefix="/api/workers", tags=["workers"])


async def _token(ctx: CtxDep, authorization: Annotated[str | None, Header()] = None) -> JoinToken:
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise AuthenticationError("a worker join token is required: send 'Authorization: Bearer <token>'")
    return await workers.verify_token(ctx, secret.strip())


TokenDep = Annotated[JoinToken, Depends(_token)]


class OofStored(BaseModel):
    job_id: str
    trial_number: int
    sha256: str = Field(description="The SHA-256 the master checked the body against")


@router.get(
    "/datasets/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"application/vnd.apache.parquet": {}}, "description": "The dataset as Parquet"}},
)
async def dataset_by_hash(sha256: str, ctx: CtxDep, _token: TokenDep) -> FileResponse:
    """A dataset's Parquet file by its content hash; workers cache it by the same hash."""
    path = await worker_data.dataset_file(ctx, sha256)
    return FileResponse(path, media_type="application/vnd.apache.parquet", filename=f"{sha256}.parquet")


@router.put("/oof/{job_id}/{trial_number}")
async def upload_oof(
    job_id: str,
    trial_number: int,
    request: Request,
    ctx: CtxDep,
    _token: TokenDep,
    x_content_sha256: Annotated[str, Header(description="SHA-256 of the body, checked before it is kept")],
) -> OofStored:
    """A trial's out-of-fold predictions (.npy, float, 2-D) for the job's ensemble."""
    body = await request.body()
    await worker_data.store_oof(ctx, job_id, trial_number, body, x_content_sha256)
    return OofStored(job_id=job_id, trial_number=trial_number, sha256=x_content_sha256.lower())
