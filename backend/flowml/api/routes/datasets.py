"""Datasets: upload, list, get, preview, stats, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, DatasetDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.api.uploads import spool_upload
from flowml.core.errors import InvalidInputError
from flowml.data.schema import ColumnKind
from flowml.db.tables import DatasetPublic, DatasetsPublic
from flowml.services import datasets, users
from flowml.services.inputs import seed_or_ours, storable_text

router = APIRouter(
    prefix="/api/datasets", tags=["datasets"], dependencies=[Depends(current_user)], responses=signed_in()
)

# One cell as data/jsonsafe.py writes it: dates become ISO text, NaN null; nested columns stay lists or objects.
CellValue = str | int | float | bool | list[Any] | dict[str, Any] | None


class DatasetPreview(BaseModel):
    columns: list[str] = Field(description="Column names in table order")
    rows: list[dict[str, CellValue]] = Field(description="The first rows, one object per row keyed by column name")
    total_rows: int = Field(description="Rows in the whole dataset")


class HistogramBin(BaseModel):
    start: float
    end: float
    count: int


class TopValue(BaseModel):
    value: CellValue
    count: int


class ColumnProfile(BaseModel):
    """Per-column statistics (data/profile.py). The optional fields appear only for the kinds that have them."""

    name: str
    kind: ColumnKind
    dtype: str
    missing: int
    missing_pct: float = Field(description="0-100")
    unique: int = Field(description="Distinct values, missing ones left out")
    min: float | str | None = Field(default=None, description="Numeric: a number; datetime: ISO text")
    max: float | str | None = Field(default=None, description="Numeric: a number; datetime: ISO text")
    mean: float | None = Field(default=None, description="Numeric columns only")
    std: float | None = Field(default=None, description="Numeric columns only")
    median: float | None = Field(default=None, description="Numeric columns only")
    histogram: list[HistogramBin] | None = Field(default=None, description="Numeric columns only")
    top_values: list[TopValue] | None = Field(
        default=None, description="Categorical, boolean and text columns: the most frequent first"
    )


class DatasetStats(BaseModel):
    columns: list[ColumnProfile]


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetPublic,
    responses=error_responses(400, 413, 415, 422, 503),
)
async def upload_dataset(
    ctx: CtxDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The table: csv, tsv, txt, xlsx, xls, parquet, feather, json, ...")],
    name: Annotated[str | None, Form(max_length=255)] = None,
    table: Annotated[str | None, Form(description="SQLite: which table to load")] = None,
    sheet: Annotated[str | None, Form(description="Excel: which sheet (default: the first)")] = None,
) -> Any:
    if not file.filename:
        raise InvalidInputError("the upload has no file name, so its format is unknown")
    # Checked before the file is copied: each of these may end up in the database, which cannot store every string.
    for value, what in ((file.filename, "the file name"), (name, "name"), (table, "table"), (sheet, "sheet")):
        if value is not None:
            storable_text(value, what)
    path = await spool_upload(file, ctx.settings.upload_dir, ctx.settings.max_upload_bytes)
    try:
        return await datasets.create_dataset(
            ctx, upload_path=path, filename=file.filename, name=name, table=table, sheet=sheet, owner_id=user.id
        )
    finally:
        path.unlink(missing_ok=True)


@router.get("", response_model=DatasetsPublic)
async def list_datasets(ctx: CtxDep, user: CurrentUser) -> Any:
    items = await datasets.list_datasets(ctx, users.owner_filter(user))
    return {"items": items, "count": len(items)}


@router.get("/{dataset_id}", response_model=DatasetPublic, responses=error_responses(404))
async def get_dataset(dataset: DatasetDep) -> Any:
    return dataset


DEFAULT_PREVIEW_ROWS = 50


@router.get("/{dataset_id}/preview", response_model=DatasetPreview, responses=error_responses(404, 422, 503))
async def preview_dataset(
    ctx: CtxDep,
    dataset: DatasetDep,
    limit: Annotated[
        int | None, Query(ge=1, le=datasets.MAX_PREVIEW_ROWS, description=f"Rows (default {DEFAULT_PREVIEW_ROWS})")
    ] = None,
    rows: Annotated[
        int | None,
        Query(ge=1, le=datasets.MAX_PREVIEW_ROWS, description="Seed-compatible name of `limit`; send one of the two"),
    ] = None,
) -> dict[str, Any]:
    count = seed_or_ours("limit", limit, "rows", rows)
    return await datasets.preview(ctx, dataset.id, DEFAULT_PREVIEW_ROWS if count is None else count)


# exclude_unset: a column's profile keeps only the keys its kind has, as stored, instead of gaining nulls.
@router.get(
    "/{dataset_id}/stats",
    response_model=DatasetStats,
    response_model_exclude_unset=True,
    responses=error_responses(404),
)
async def dataset_stats(dataset: DatasetDep) -> dict[str, Any]:
    return {"columns": dataset.profile}


@router.delete(
    "/{dataset_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 409, 503, notes={409: "A training job on this dataset is still running"}),
)
async def delete_dataset(ctx: CtxDep, dataset: DatasetDep) -> Response:
    await datasets.delete_dataset(ctx, dataset.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
