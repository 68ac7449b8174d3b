"""Typed dependencies: the app context, the job manager, and load-or-404 for each resource."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from flowml.db.tables import Dataset, Job, TrainedModel
from flowml.services import datasets, models
from flowml.services.context import AppContext
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


async def _dataset(dataset_id: str, ctx: CtxDep) -> Dataset:
    return await datasets.get_dataset(ctx, dataset_id)


async def _job(job_id: str, ctx: CtxDep) -> Job:
    return await jobs.get_job(ctx, job_id)


async def _model(model_id: str, ctx: CtxDep) -> TrainedModel:
    return await models.get_model(ctx, model_id)


DatasetDep = Annotated[Dataset, Depends(_dataset)]
JobDep = Annotated[Job, Depends(_job)]
ModelDep = Annotated[TrainedModel, Depends(_model)]
