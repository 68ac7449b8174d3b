"""Explanations per prediction and background batch scoring: the shapes the predict routes return with
`explain=true`, a batch's status and result, and the columns a scored file can pass through.

The predict routes themselves (POST .../predict and .../predict/batch) are in routes/results.py."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, ModelDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.services import batch_scoring
from flowml.services.batch_scoring import BatchStatus, PassThroughColumns

router = APIRouter(prefix="/api/results", tags=["results"], dependencies=[Depends(current_user)], responses=signed_in())


class ContributionOut(BaseModel):
    column: str = Field(description='An input column as sent (or "other columns": the sum of the rest)')
    value: Any = Field(description="The row's value in that column as sent; null when missing or for the rest")
    contribution: float = Field(description="Signed: how much the column moved the output from the base value")


class RowExplanation(BaseModel):
    """Why one row got its prediction: base_value + the contributions = output_value."""

    base_value: float = Field(description="The output with no column known (the training rows' average)")
    output_value: float = Field(description="The model's output for this row on `output_scale`")
    output_scale: Literal["probability", "log_odds", "margin", "value"] = Field(
        description="probability: of `explained_class`; log_odds: of `explained_class` (boosted trees, binary); "
        "margin: the class's softmax input (boosted trees, multiclass); value: the predicted number"
    )
    explained_class: str | None = Field(
        description="Binary: the positive class; multiclass: the predicted class; null for regression"
    )
    method: Literal["tree", "sampled"] = Field(
        description="tree: exact SHAP from the model's trees; sampled: SHAP's permutation explainer against a "
        "sample of the training rows"
    )
    contributions: list[ContributionOut] = Field(
        description='The 10 largest by size, largest first, then "other columns" with the rest\'s sum'
    )


class BatchAccepted(BatchStatus):
    """202: the batch runs in the background; poll `status_url`, then download `result_url`."""

    status_url: str
    result_url: str

    @classmethod
    def of(cls, status: BatchStatus) -> BatchAccepted:
        base = f"/api/results/model/{status.model_id}/predict/batch/{status.batch_id}"
        return cls(**status.model_dump(), status_url=base, result_url=f"{base}/result")


@router.get(
    "/model/{model_id}/pass-through",
    response_model=PassThroughColumns,
    responses=error_responses(404),
)
async def pass_through_columns(model: ModelDep) -> Any:
    """Columns a scored file can carry over from the scored one (`keep_columns`), and which to keep by default."""
    return batch_scoring.pass_through(model)


@router.get(
    "/model/{model_id}/predict/batch/{batch_id}",
    response_model=BatchStatus,
    responses=error_responses(404, notes={404: "No such batch for this model and user"}),
)
async def batch_status(ctx: CtxDep, model: ModelDep, user: CurrentUser, batch_id: str) -> Any:
    return await batch_scoring.get_status(ctx, model, batch_id, user)


@router.get(
    "/model/{model_id}/predict/batch/{batch_id}/result",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": "The kept columns, `prediction`, `proba_<class>`, then `explained`, `base_value`, one "
            "`contribution_<column>` per input column and `top_reasons`",
        },
        **error_responses(404, 409, notes={409: "The batch is still running, or failed: detail says which"}),
    },
)
async def batch_result(ctx: CtxDep, model: ModelDep, user: CurrentUser, batch_id: str) -> Response:
    body = await batch_scoring.result_csv(ctx, model, batch_id, user)
    headers = {"Content-Disposition": f'attachment; filename="predictions-{model.id}-explained.csv"'}
    return Response(content=body, media_type="text/csv", headers=headers)
