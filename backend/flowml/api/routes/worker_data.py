"""Data endpoints for workers: a dataset by hash, out-of-fold predictions back. Join token required, and the
capability of a trial the master sent that names this dataset, or this job and trial (cluster/signing.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses
from flowml.cluster.signing import CAPABILITY_HEADER
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


async def request_join_token(request: Request) -> JoinToken:
    """`_token` for code that runs before routing (api/request_bodies.py checks the OOF upload's caller before its
    body is read)."""
    return await _token(request.app.state.ctx, request.headers.get("authorization"))


CapabilityHeader = Annotated[
    str | None,
    Header(
        alias=CAPABILITY_HEADER,
        description="The capability that came with the trial's task; it names the dataset, job and trial it covers",
    ),
]
_CAPABILITY_NOTE = "No capability, an expired one, or one issued for another dataset, job or trial"
_HASH_NOTES = {
    403: _CAPABILITY_NOTE,
    404: "No dataset has this hash",
    422: "Not a SHA-256 (64 lowercase hex characters)",
}


class OofStored(BaseModel):
    job_id: str
    trial_number: int
    sha256: str = Field(description="The SHA-256 the master checked the body against")


class DatasetSource(BaseModel):
    sha256: str
    url: str | None = Field(
        description="A presigned URL to GET the Parquet from the object store directly; null: fetch it from the master"
    )
    expires_in: int | None = Field(description="Seconds the URL stays valid; null when there is no URL")


@router.get("/datasets/{sha256}/source", responses=error_responses(401, 403, 404, 422, 503, notes=_HASH_NOTES))
async def dataset_source(
    sha256: str, ctx: CtxDep, _token: TokenDep, capability: CapabilityHeader = None
) -> DatasetSource:
    """Where a worker reads a dataset from: the bucket itself when STORAGE_MODE=s3, else the master."""
    url = await worker_data.dataset_direct_url(ctx, sha256, capability)
    return DatasetSource(sha256=sha256, url=url, expires_in=worker_data.DIRECT_URL_SECONDS if url is not None else None)


@router.get(
    "/datasets/{sha256}",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/vnd.apache.parquet": {}}, "description": "The dataset as Parquet"},
        **error_responses(401, 403, 404, 422, 503, notes=_HASH_NOTES),
    },
)
async def dataset_by_hash(
    sha256: str, ctx: CtxDep, _token: TokenDep, capability: CapabilityHeader = None
) -> FileResponse:
    """A dataset's Parquet file by its content hash; workers cache it by the same hash."""
    path = await worker_data.dataset_file(ctx, sha256, capability)
    return FileResponse(path, media_type="application/vnd.apache.parquet", filename=f"{sha256}.parquet")


@router.put(
    "/oof/{job_id}/{trial_number}",
    responses=error_responses(
        401,
        403,
        404,
        409,
        413,
        422,
        notes={
            403: _CAPABILITY_NOTE,
            409: "The job is not running, so it takes no more trial results",
            422: "The body does not hash to X-Content-SHA256, is not a 2-D float .npy array, or a parameter is invalid",
        },
    ),
    # The body is read raw (request.body()), so FastAPI cannot see it; documented here for clients and the fuzzer.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_oof(
    job_id: str,
    trial_number: int,
    request: Request,
    ctx: CtxDep,
    _token: TokenDep,
    x_content_sha256: Annotated[str, Header(description="SHA-256 of the body, checked before it is kept")],
    capability: CapabilityHeader = None,
) -> OofStored:
    """A trial's out-of-fold predictions (.npy, float, 2-D) for the job's ensemble."""
    body = await request.body()
    await worker_data.store_oof(ctx, job_id, trial_number, body, x_content_sha256, capability)
    return OofStored(job_id=job_id, trial_number=trial_number, sha256=x_content_sha256.lower())
