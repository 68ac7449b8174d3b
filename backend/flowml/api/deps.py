"""Typed dependencies: the app context, the job manager, and load-or-404 for each resource."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from flowml.core.errors import NotFoundError
from flowml.db.tables import Dataset, Job, TrainedModel
from flowml.services import datasets, models
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


async def _dataset(dataset_id: str, ctx: CtxDep) -> Dataset:
    _known_shape("dataset", dataset_id)
    return await datasets.get_dataset(ctx, dataset_id)


async def _job(job_id: str, ctx: CtxDep) -> Job:
    _known_shape("job", job_id)
    return await jobs.get_job(ctx, job_id)


async def _model(model_id: str, ctx: CtxDep) -> TrainedModel:
    _known_shape("model", model_id)
    return await models.get_model(ctx, model_id)


DatasetDep = Annotated[Dataset, Depends(_dataset)]
JobDep = Annotated[Job, Depends(_job)]
ModelDep = Annotated[TrainedModel, Depends(_model)]
