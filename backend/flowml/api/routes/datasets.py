"""Datasets: upload, list, get, preview, stats, delete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, DatasetDep, EditableDatasetDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.api.uploads import spool_upload
from flowml.core.errors import InvalidInputError
from flowml.data.schema import ColumnKind
from flowml.db.tables import DatasetPublic, DatasetsPublic
from flowml.db.types import TargetProblemTypeValue
from flowml.services import datasets, history
from flowml.services.history import ListFilters
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


class TargetVerdict(BaseModel):
    """What POST /api/training/start does with this column as the target for one problem-type choice."""

    accepted: bool
    problem_type: TargetProblemTypeValue | None = Field(description="The type it trains as; null when refused")
    message: str | None = Field(description="When refused: the exact message of the 422 training would answer")
    notes: list[str] = Field(description="When accepted: what training adjusts (rows dropped, fewer folds)")


class TargetChecks(BaseModel):
    """The engine's verdicts (engine/problem.py check_target) on the column's real values, per choice."""

    n_folds: int = Field(description="Folds the notes assume (the request's default); acceptance never depends on it")
    auto: TargetVerdict = Field(description="problem_type auto: the type it detects, or why it refuses")
    binary: TargetVerdict
    multiclass: TargetVerdict
    regression: TargetVerdict


class ColumnTargetHint(BaseModel):
    """What the column would be as the prediction target (data/target.py, services/target_checks.py)."""

    eligible: bool = Field(
        description="False for columns FlowML never suggests: ids, free text, dates, constants, and any column "
        "training refuses with problem type auto"
    )
    problem_type: TargetProblemTypeValue | None = Field(
        description="The type Auto trains it as; null when not eligible"
    )
    reason: str = Field(description="Why, in plain words: its values and what makes it look like an outcome")
    checks: TargetChecks = Field(description="What training does with it for auto and each explicit problem type")


class TargetCandidate(BaseModel):
    name: str
    problem_type: TargetProblemTypeValue
    confidence: Literal["high", "medium", "low"] = Field(
        description="high: clearly the outcome (the dashboard pre-selects it); medium or low: a guess to confirm"
    )
    reason: str = Field(description='Why, e.g. "two values, Yes and No; named like an outcome; last usable column"')


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
    target: ColumnTargetHint | None = Field(default=None, description="The column as the prediction target")


class DatasetStats(BaseModel):
    columns: list[ColumnProfile]
    target_candidates: list[TargetCandidate] = Field(
        default_factory=list,
        description="Columns that could be the target, most outcome-like first; `suggested_target` is the first",
    )
    clustering_hint: str | None = Field(
        default=None,
        description="When no column clearly is the outcome: why problem type clustering (no target) may fit, in "
        "words; null when a target stands out",
    )


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetPublic,
    responses=error_responses(
        400,
        403,
        404,
        413,
        415,
        422,
        503,
        notes={403: "A viewer of the project named by project_id", 404: "No such project that the caller may see"},
    ),
)
async def upload_dataset(
    ctx: CtxDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The table: csv, tsv, txt, xlsx, xls, parquet, feather, json, ...")],
    name: Annotated[str | None, Form(max_length=255)] = None,
    table: Annotated[str | None, Form(description="SQLite: which table to load")] = None,
    sheet: Annotated[str | None, Form(description="Excel: which sheet (default: the first)")] = None,
    project_id: Annotated[
        str | None, Form(description="A project to share it in (editor or owner role); default: private")
    ] = None,
) -> Any:
    if not file.filename:
        raise InvalidInputError("the upload has no file name, so its format is unknown")
    # Checked before the file is copied: each of these may end up in the database, which cannot store every string.
    for value, what in ((file.filename, "the file name"), (name, "name"), (table, "table"), (sheet, "sheet")):
        if value is not None:
            storable_text(value, what)
    if project_id:
        await history.check_project_for_work(ctx, user, project_id)
    path = await spool_upload(file, ctx.settings.upload_dir, ctx.settings.max_upload_bytes)
    try:
        return await datasets.create_dataset(
            ctx,
            upload_path=path,
            filename=file.filename,
            name=name,
            table=table,
            sheet=sheet,
            owner_id=user.id,
            project_id=project_id or None,
        )
    finally:
        path.unlink(missing_ok=True)


@router.get("", response_model=DatasetsPublic)
async def list_datasets(
    ctx: CtxDep,
    user: CurrentUser,
    q: Annotated[str | None, Query(max_length=255, description="Words to find in the name")] = None,
    project_id: Annotated[str | None, Query(description='A project id, or "private"')] = None,
) -> Any:
    items = await datasets.list_datasets(ctx, user, ListFilters(q=q, project_id=project_id))
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
    responses=error_responses(404, 503),
)
async def dataset_stats(ctx: CtxDep, dataset: DatasetDep) -> dict[str, Any]:
    return await datasets.stats(ctx, dataset)


@router.delete(
    "/{dataset_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        403,
        404,
        409,
        503,
        notes={403: "A viewer of the dataset's project", 409: "A training job on this dataset is still running"},
    ),
)
async def delete_dataset(ctx: CtxDep, dataset: EditableDatasetDep) -> Response:
    await datasets.delete_dataset(ctx, dataset.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
