"""Typed dependencies: the app context, the job manager, and load-or-404 for each resource the caller may see
(and load-or-403 for one they are about to change). The rule itself is services/access.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from flowml.api.auth import CurrentUser
from flowml.core.errors import NotFoundError
from flowml.db.tables import Dataset, Job, TrainedModel
from flowml.services import access, datasets, models
from flowml.services.context import AppContext
from flowml.services.inputs import is_id
from flowml.services.jobs import service as jobs
from flowml.services.jobs.manager import JobManager


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def get_manager(request: Request) -> JobManager:
    manager: JobManager = request.app.state.manager
    return manager


CtxDep = Annotated[AppContext, Depends(get_ctx)]
ManagerDep = Annotated[JobManager, Depends(get_manager)]


def _known_shape(kind: str, value: str) -> None:
    """A path id that cannot be one FlowML made is a 404 without a query (PostgreSQL errors on some, e.g. NUL)."""
    if not is_id(value):
        raise NotFoundError(f"{kind} {value} not found")


async def _dataset(dataset_id: str, ctx: CtxDep, user: CurrentUser) -> Dataset:
    _known_shape("dataset", dataset_id)
    dataset = await datasets.get_dataset(ctx, dataset_id)
    roles = await access.roles_of(ctx, user)
    access.check_see("dataset", dataset_id, user, dataset.owner_id, dataset.project_id, roles)
    return dataset


async def _job(job_id: str, ctx: CtxDep, user: CurrentUser) -> Job:
    _known_shape("job", job_id)
    job = await jobs.get_job(ctx, job_id)
    roles = await access.roles_of(ctx, user)
    access.check_see("job", job_id, user, job.owner_id, job.project_id, roles)
    return job


async def _model(model_id: str, ctx: CtxDep, user: CurrentUser) -> TrainedModel:
    _known_shape("model", model_id)
    model = await models.get_model(ctx, model_id)
    roles = await access.roles_of(ctx, user)
    access.check_see("model", model_id, user, model.owner_id, model.project_id, roles)
    return model


async def _dataset_to_change(dataset: Annotated[Dataset, Depends(_dataset)], ctx: CtxDep, user: CurrentUser) -> Dataset:
    access.check_change("dataset", user, dataset.owner_id, dataset.project_id, await access.roles_of(ctx, user))
    return dataset


async def _job_to_change(job: Annotated[Job, Depends(_job)], ctx: CtxDep, user: CurrentUser) -> Job:
    access.check_change("job", user, job.owner_id, job.project_id, await access.roles_of(ctx, user))
    return job


async def _model_to_change(
    model: Annotated[TrainedModel, Depends(_model)], ctx: CtxDep, user: CurrentUser
) -> TrainedModel:
    access.check_change("model", user, model.owner_id, model.project_id, await access.roles_of(ctx, user))
    return model


DatasetDep = Annotated[Dataset, Depends(_dataset)]
JobDep = Annotated[Job, Depends(_job)]
ModelDep = Annotated[TrainedModel, Depends(_model)]
# The same, for a request that changes the resource: a viewer of its project gets a 403 (services/access.py).
EditableDatasetDep = Annotated[Dataset, Depends(_dataset_to_change)]
EditableJobDep = Annotated[Job, Depends(_job_to_change)]
EditableModelDep = Annotated[TrainedModel, Depends(_model_to_change)]
