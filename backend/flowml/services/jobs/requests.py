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
    reproducible: bool | None = Field(
        default=None,
        description="Run trials in batches told in trial order, so the same seed and max_trials give the same "
        "leaderboard (slower: each batch waits for its slowest trial). Default: on when max_trials is set",
    )
    seed: int = 0
    priority: bool = False
    name: str | None = Field(default=None, max_length=255)
