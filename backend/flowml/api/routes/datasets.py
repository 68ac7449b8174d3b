"""Datasets: upload, list, get, preview, stats, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from flowml.api.deps import CtxDep, DatasetDep
from flowml.api.uploads import spool_upload
from flowml.core.errors import InvalidInputError
from flowml.db.tables import DatasetPublic, DatasetsPublic
from flowml.services import datasets

router = APIRouter(prefix="/api/datasets", tags=["datasets"])


@router.post("/upload", status_code=status.HTTP_201_CREATED, response_model=DatasetPublic)
async def upload_dataset(
    ctx: CtxDep,
    file: Annotated[UploadFile, File(description="The table: csv, tsv, txt, xlsx, xls, parquet, feather, json, ...")],
    name: Annotated[str | None, Form(max_length=255)] = None,
    table: Annotated[str | None, Form(description="SQLite: which table to load")] = None,
    sheet: Annotated[str | None, Form(description="Excel: which sheet (default: the first)")] = None,
) -> Any:
    if not file.filename:
        raise InvalidInputError("the upload has no file name, so its format is unknown")
    path = await spool_upload(file, ctx.settings.upload_dir, ctx.settings.max_upload_bytes)
    try:
        return await datasets.create_dataset(
            ctx, upload_path=path, filename=file.filename, name=name, table=table, sheet=sheet
        )
    finally:
        path.unlink(missing_ok=True)


@router.get("", response_model=DatasetsPublic)
async def list_datasets(ctx: CtxDep) -> Any:
    items = await datasets.list_datasets(ctx)
    return {"items": items, "count": len(items)}


@router.get("/{dataset_id}", response_model=DatasetPublic)
async def get_dataset(dataset: DatasetDep) -> Any:
    return dataset


@router.get("/{dataset_id}/preview")
async def preview_dataset(
    ctx: CtxDep, dataset: DatasetDep, limit: Annotated[int, Query(ge=1, le=datasets.MAX_PREVIEW_ROWS)] = 50
) -> dict[str, Any]:
    return await datasets.preview(ctx, dataset.id, limit)


@router.get("/{dataset_id}/stats")
async def dataset_stats(dataset: DatasetDep) -> dict[str, Any]:
    return {"columns": dataset.profile}


@router.delete("/{dataset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_dataset(ctx: CtxDep, dataset: DatasetDep) -> Response:
    await datasets.delete_dataset(ctx, dataset.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
