"""Keep a leaderboard trial as its own model: start its refit, follow it, list a job's kept trials."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from flowml.api.auth import current_user
from flowml.api.deps import EditableJobDep, JobDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.services.refits import Refit, RefitManager

router = APIRouter(prefix="/api/results", tags=["results"], dependencies=[Depends(current_user)], responses=signed_in())

TrialNumber = Annotated[int, Path(ge=0, le=1_000_000, description="The trial's number in its job")]


def get_refits(request: Request) -> RefitManager:
    refits: RefitManager = request.app.state.refits
    return refits


RefitsDep = Annotated[RefitManager, Depends(get_refits)]


class RefitView(BaseModel):
    """A trial being kept as its own model: refit on all rows in the background, then a model like the job's."""

    id: str = Field(description="The refit's id; the kept model gets the same id")
    job_id: str
    trial_number: int
    state: Literal["running", "completed", "failed"]
    model_id: str | None = Field(description="The kept model, once completed")
    error: str | None = Field(description="Why the refit failed; nothing was kept. Asking again retries")
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, refit: Refit) -> RefitView:
        return cls(
            id=refit.id,
            job_id=refit.job_id,
            trial_number=refit.trial_number,
            state=refit.state,
            model_id=refit.model_id,
            error=refit.error,
            started_at=refit.started_at,
            finished_at=refit.finished_at,
        )


class RefitList(BaseModel):
    items: list[RefitView] = Field(description="Kept trials and refits this server knows of, by trial number")


@router.post(
    "/job/{job_id}/trials/{trial_number}/model",
    response_model=RefitView,
    status_code=202,
    responses={
        200: {"model": RefitView, "description": "Already kept, or being kept: that refit"},
        **error_responses(
            403,
            404,
            409,
            503,
            notes={
                403: "A viewer of the job's project may not add models to it",
                404: "The job or the trial is not found",
                409: "The job has not finished, the trial did not complete, or the job's dataset was deleted",
                503: "This server runs no training (or the artifact store failed)",
            },
        ),
    },
)
async def keep_trial(job: EditableJobDep, trial_number: TrialNumber, refits: RefitsDep, response: Response) -> Any:
    """Refit the trial's algorithm and parameters on all rows as a model of its own (202: started). Asking again
    answers with the kept model or the refit in progress (200)."""
    refit, started = await refits.keep(job, trial_number)
    if not started:
        response.status_code = 200
    return RefitView.of(refit)


@router.get(
    "/job/{job_id}/trials/{trial_number}/model",
    response_model=RefitView,
    responses=error_responses(404, notes={404: "The job is not found, or this trial was never kept"}),
)
async def refit_status(job: JobDep, trial_number: TrialNumber, refits: RefitsDep) -> Any:
    return RefitView.of(await refits.status(job.id, trial_number))


@router.get("/job/{job_id}/refits", response_model=RefitList, responses=error_responses(404))
async def job_refits(job: JobDep, refits: RefitsDep) -> Any:
    return RefitList(items=[RefitView.of(r) for r in await refits.for_job(job.id)])
