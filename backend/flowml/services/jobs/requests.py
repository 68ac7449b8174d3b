"""The training request as users send it (REST body, CLI flags)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_TRIALS = 1_000_000
MAX_SEED = 2**31 - 1


class TrainingRequest(BaseModel):
    dataset_id: str
    target_column: str
    problem_type: Literal["auto", "binary", "multiclass", "regression"] = "auto"
    metric: str | None = None
    # allow_inf_nan=False: NaN passes `gt` (every comparison with it is false) and then broke the stored job.
    time_budget: float | None = Field(default=None, gt=0, allow_inf_nan=False, description="Minutes; fractions allowed")
    algorithms: list[str] | None = Field(default=None, description="Default: every algorithm for the task")
    n_folds: int = Field(default=5, ge=2, le=10)
    # Upper bounds keep both in the database's 32-bit INTEGER columns, and the seed in NumPy's and Optuna's range
    # (0 to 2**32 - 1, with one added per algorithm).
    max_trials: int | None = Field(default=None, ge=1, le=MAX_TRIALS)
    reproducible: bool | None = Field(
        default=None,
        description="Run trials in batches told in trial order, so the same seed and max_trials give the same "
        "leaderboard (slower: each batch waits for its slowest trial). Default: on when max_trials is set",
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    priority: bool = False
    name: str | None = Field(default=None, max_length=255)
