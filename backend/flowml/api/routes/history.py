"""Experiment history: rename a job or a model, its notes and tags, moving it (or a dataset) between projects, and a
job's settings to train again (clone). The list filters are query parameters of the list routes themselves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, DatasetDep, EditableDatasetDep, EditableJobDep, EditableModelDep, JobDep, ModelDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables import DatasetPublic, Job, JobPublic, TrainedModel, TrainedModelPublic
from flowml.services import history
from flowml.services.history import DatasetMove, HistoryEdit, ItemAccess
from flowml.services.jobs.requests import TrainingRequest

router = APIRouter(tags=["history"], dependencies=[Depends(current_user)], responses=signed_in())

_EDIT_NOTES = {
    403: "A viewer of the item's project; or a move into or out of a project by someone other than its owner or an "
    "admin, or into a project where the caller is a viewer",
    404: "No such item (or project to move it into) that the caller may see",
}


@router.patch(
    "/api/training/jobs/{job_id}",
    response_model=JobPublic,
    responses=error_responses(400, 403, 404, 422, notes=_EDIT_NOTES),
)
async def edit_job(ctx: CtxDep, user: CurrentUser, job: EditableJobDep, body: HistoryEdit) -> Any:
    """Rename the job, set its notes or tags, or move it into a project (`project_id`) or back to private
    (`project_id: null`). Fields left out stay as they are."""
    return await history.edit(ctx, user, Job, job.id, body)


@router.patch(
    "/api/results/model/{model_id}",
    response_model=TrainedModelPublic,
    responses=error_responses(400, 403, 404, 422, notes=_EDIT_NOTES),
)
async def edit_model(ctx: CtxDep, user: CurrentUser, model: EditableModelDep, body: HistoryEdit) -> Any:
    """Rename the model, set its notes or tags, or move it into a project or back to private."""
    return await history.edit(ctx, user, TrainedModel, model.id, body)


@router.get("/api/training/jobs/{job_id}/clone", response_model=TrainingRequest, responses=error_responses(404))
async def clone_job(job: JobDep) -> Any:
    """The job's settings as a training request: change what you want (a longer `time_budget`, other
    `algorithms`) and POST it to /api/training/start. It records `cloned_from`, and keeps the job's project."""
    return history.clone_request(job)


@router.get("/api/training/jobs/{job_id}/access", response_model=ItemAccess, responses=error_responses(404))
async def job_access(ctx: CtxDep, user: CurrentUser, job: JobDep) -> Any:
    """What the caller may do with this job (the dashboard shows or hides its editing controls by it)."""
    return await history.item_access(ctx, user, "job", job.owner_id, job.project_id)


@router.get("/api/results/model/{model_id}/access", response_model=ItemAccess, responses=error_responses(404))
async def model_access(ctx: CtxDep, user: CurrentUser, model: ModelDep) -> Any:
    """What the caller may do with this model."""
    return await history.item_access(ctx, user, "model", model.owner_id, model.project_id)


@router.patch(
    "/api/datasets/{dataset_id}",
    response_model=DatasetPublic,
    responses=error_responses(400, 403, 404, 422, notes=_EDIT_NOTES),
)
async def move_dataset(ctx: CtxDep, user: CurrentUser, dataset: EditableDatasetDep, body: DatasetMove) -> Any:
    """Share the dataset in a project (`project_id`) or make it private again (`project_id: null`). Its jobs and
    models stay where they are."""
    return await history.move_dataset(ctx, user, dataset.id, body.project_id)


@router.get("/api/datasets/{dataset_id}/access", response_model=ItemAccess, responses=error_responses(404))
async def dataset_access(ctx: CtxDep, user: CurrentUser, dataset: DatasetDep) -> Any:
    """What the caller may do with this dataset (the Data page offers the project menu by it)."""
    return await history.item_access(ctx, user, "dataset", dataset.owner_id, dataset.project_id)
