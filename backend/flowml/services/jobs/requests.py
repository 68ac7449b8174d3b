"""The training request as users send it (REST body, CLI flags)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TrainingRequest(BaseModel):
    dataset_id: str
    target_column: str
    problem_type: Literal["auto", "binary", "multiclass", "regression"] = "auto"
    metric: str | None = None
    time_budget: float | None = Field(default=None, gt=0, description="Minutes; fractions allowed")
    algorithms: list[str] | None = Field(default=None, description="Default: every algorithm for the task")
    n_folds: int = Field(default=5, ge=2, le=10)
    max_trials: int | None = Field(default=None, ge=1)
    seed: int = 0
    priority: bool = False
    name: str | None = Field(default=None, max_length=255)
