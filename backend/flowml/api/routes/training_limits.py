"""What the server accepts for a training request, so a form offers it instead of copying the server's settings."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from flowml.api.auth import current_user
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import signed_in

router = APIRouter(
    prefix="/api/training", tags=["training"], dependencies=[Depends(current_user)], responses=signed_in()
)


class TrainingLimits(BaseModel):
    default_time_budget: float = Field(
        description="Minutes a job searches when the request names no time_budget (DEFAULT_TIME_BUDGET)"
    )
    max_time_budget: float = Field(description="The largest time_budget accepted, in minutes (MAX_TIME_BUDGET)")
    min_time_budget_exclusive: float = Field(
        default=0.0, description="time_budget must be greater than this; fractions of a minute are allowed"
    )


@router.get("/limits", response_model=TrainingLimits)
async def get_training_limits(ctx: CtxDep) -> TrainingLimits:
    """The time budget's default and range on this server: the dashboard's Train form starts from the default and
    checks the maximum before sending."""
    settings = ctx.settings
    return TrainingLimits(default_time_budget=settings.DEFAULT_TIME_BUDGET, max_time_budget=settings.MAX_TIME_BUDGET)
