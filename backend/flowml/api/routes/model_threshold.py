"""A binary model's decision threshold: PUT to save one (used by every prediction from then on), DELETE to go back
to the most likely class. The threshold table the dashboard's slider reads is in the model's evaluation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, EditableModelDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.services import model_threshold
from flowml.services.model_threshold import ChosenBy

router = APIRouter(prefix="/api/results", tags=["results"], dependencies=[Depends(current_user)], responses=signed_in())

_NOTES = {
    403: "You can see the model but may not change it (a viewer of its project)",
    422: "The body is invalid, or the model is not a yes/no (two-class) model",
}
# Costs are amounts the user types (money, minutes, anything): bounded so the arithmetic stays finite.
_MAX_COST = 1e12


class ThresholdCosts(BaseModel):
    """What each kind of mistake costs, in any one unit: the best-cost threshold minimises FP*fp + FN*fn."""

    false_positive: float = Field(ge=0, le=_MAX_COST, description="Cost of predicting the positive class wrongly")
    false_negative: float = Field(ge=0, le=_MAX_COST, description="Cost of missing a real positive")

    @model_validator(mode="after")
    def _some_cost(self) -> ThresholdCosts:
        if self.false_positive == 0 and self.false_negative == 0:
            raise ValueError("at least one of the two costs must be more than 0")
        return self


class ThresholdRequest(BaseModel):
    value: float = Field(gt=0, lt=1, description="Predict the positive class when its probability is >= value")
    chosen_by: ChosenBy = Field(default="manual", description="How the value was chosen")
    costs: ThresholdCosts | None = Field(default=None, description="Required when chosen_by is best_cost")

    @model_validator(mode="after")
    def _costs_when_by_cost(self) -> ThresholdRequest:
        if self.chosen_by == "best_cost" and self.costs is None:
            raise ValueError("a threshold chosen for best cost needs `costs` (false_positive and false_negative)")
        return self


class DecisionThreshold(BaseModel):
    """The threshold as the model card records it (`card.decision_threshold`)."""

    value: float
    chosen_by: ChosenBy
    costs: ThresholdCosts | None
    set_at: datetime
    set_by: str = Field(description="The username of who saved it")


@router.put(
    "/model/{model_id}/threshold",
    response_model=DecisionThreshold,
    responses=error_responses(400, 403, 404, 422, 500, 503, notes=_NOTES),
)
async def set_threshold(ctx: CtxDep, model: EditableModelDep, user: CurrentUser, body: ThresholdRequest) -> Any:
    """Save the decision threshold of a yes/no model: predict (one row, rows, a batch file), ONNX serving and the
    downloadable model.onnx label a row positive when its positive-class probability is >= value."""
    model_threshold.require_binary(model)
    costs = body.costs.model_dump() if body.costs is not None else None
    entry = model_threshold.threshold_entry(body.value, body.chosen_by, costs, user)
    return await model_threshold.set_threshold(ctx, model, entry)


@router.delete(
    "/model/{model_id}/threshold",
    status_code=204,
    response_class=Response,
    responses=error_responses(400, 403, 404, 422, 500, 503, notes=_NOTES),
)
async def clear_threshold(ctx: CtxDep, model: EditableModelDep) -> Response:
    """Go back to predicting the more likely class (the same as a threshold of 0.5, ties aside)."""
    await model_threshold.set_threshold(ctx, model, None)
    return Response(status_code=204)
