"""Typed dependencies: the app context, the job manager, and load-or-404 for each resource the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from flowml.api.auth import CurrentUser
from flowml.core.errors import NotFoundError
from flowml.db.tables import Dataset, Job, TrainedModel, User
from flowml.services import datasets, models, users
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


def _visible(kind: str, value: str, user: User, owner_id: str | None) -> None:
    """Another member's resource is a 404, the same answer as one that does not exist: ids are not confirmed."""
    if not users.can_see(user, owner_id):
        raise NotFoundError(f"{kind} {value} not found")


async def _dataset(dataset_id: str, ctx: CtxDep, user: CurrentUser) -> Dataset:
    _known_shape("dataset", dataset_id)
    dataset = await datasets.get_dataset(ctx, dataset_id)
    _visible("dataset", dataset_id, user, dataset.owner_id)
    return dataset


async def _job(job_id: str, ctx: CtxDep, user: CurrentUser) -> Job:
    _known_shape("job", job_id)
    job = await jobs.get_job(ctx, job_id)
    _visible("job", job_id, user, job.owner_id)
    return job


async def _model(model_id: str, ctx: CtxDep, user: CurrentUser) -> TrainedModel:
    _known_shape("model", model_id)
    model = await models.get_model(ctx, model_id)
    _visible("model", model_id, user, model.owner_id)
    return model


DatasetDep = Annotated[Dataset, Depends(_dataset)]
JobDep = Annotated[Job, Depends(_job)]
ModelDep = Annotated[TrainedModel, Depends(_model)]
