"""The training request as users send it (REST body, CLI flags).

The seed's README documented `model_types` and `n_trials_per_model`; they are accepted as the seed's names of
`algorithms` and `max_trials_per_algorithm` and folded into those at validation, so the rest of the code knows one
name for each. The seed's algorithm names are the registry's own, so no translation table is needed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from flowml.core.errors import InvalidInputError
from flowml.services.inputs import seed_or_ours

MAX_TRIALS = 1_000_000
MAX_SEED = 2**31 - 1


CLUSTERING = "clustering"
TARGET_FOR_CLUSTERING = (
    "clustering takes no target column; name a known grouping as reference_column to compare with it"
)


class TrainingRequest(BaseModel):
    dataset_id: str
    target_column: str | None = Field(
        default=None, description="The column to predict; leave it out (or null) for problem_type clustering"
    )
    problem_type: Literal["auto", "classification", "binary", "multiclass", "regression", "clustering"] = Field(
        default="auto",
        description="auto: detected from the target; classification (the seed's word): binary with two classes, "
        "multiclass with more; clustering: no target, find the groups in the rows",
    )
    reference_column: str | None = Field(
        default=None,
        max_length=255,
        description="Clustering only: a known grouping (e.g. a species column), kept out of the features and "
        "compared with the clusters found (adjusted Rand and mutual information in the model card)",
    )
    metric: str | None = None
    # allow_inf_nan=False: NaN passes `gt` (every comparison with it is false) and then broke the stored job.
    time_budget: float | None = Field(default=None, gt=0, allow_inf_nan=False, description="Minutes; fractions allowed")
    algorithms: list[str] | None = Field(default=None, description="Default: every algorithm for the task")
    model_types: list[str] | Literal["auto"] | None = Field(
        default=None,
        description='Seed-compatible name of `algorithms` (the same algorithm names); "auto": every algorithm for '
        "the task. Send one of the two",
    )
    preprocessors: list[str] = Field(
        default_factory=list,
        description="Preprocessing steps every trial runs between FlowML's encoding and the estimator, in this order, "
        "their settings tuned with the algorithm's (GET /api/preprocessors lists them, e.g. pca, select_percentile). "
        "Default: none",
    )
    n_folds: int = Field(default=5, ge=2, le=10)
    # Upper bounds keep both in the database's 32-bit INTEGER columns, and the seed in NumPy's and Optuna's range
    # (0 to 2**32 - 1, with one added per algorithm).
    max_trials: int | None = Field(default=None, ge=1, le=MAX_TRIALS)
    max_trials_per_algorithm: int | None = Field(
        default=None,
        ge=1,
        le=MAX_TRIALS,
        description="At most this many trials of each algorithm; when every algorithm has had them, the search ends "
        "before the time budget",
    )
    n_trials_per_model: int | None = Field(
        default=None,
        ge=1,
        le=MAX_TRIALS,
        description="Seed-compatible name of `max_trials_per_algorithm`. Send one of the two",
    )
    reproducible: bool | None = Field(
        default=None,
        description="Run trials in batches told in trial order, so the same seed and max_trials give the same "
        "leaderboard (slower: each batch waits for its slowest trial). Default: on when max_trials is set",
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    priority: bool = False
    name: str | None = Field(default=None, max_length=255)
    project_id: str | None = Field(
        default=None,
        description="The shared project the job (and its model) goes into; default: the dataset's project, or "
        "private when the dataset is private",
    )
    cloned_from: str | None = Field(default=None, description="The job whose settings this one copies (clone)")

    @model_validator(mode="after")
    def _fold_seed_names(self) -> TrainingRequest:
        # seed_or_ours raises InvalidInputError, which pydantic lets through (it is no ValueError): the app answers
        # it like every other user error, 422 with the message.
        seed_algorithms = None if self.model_types == "auto" else self.model_types
        self.algorithms = seed_or_ours("algorithms", self.algorithms, "model_types", seed_algorithms)
        self.max_trials_per_algorithm = seed_or_ours(
            "max_trials_per_algorithm", self.max_trials_per_algorithm, "n_trials_per_model", self.n_trials_per_model
        )
        self.model_types = self.n_trials_per_model = None
        return self

    @model_validator(mode="after")
    def _target_for_task(self) -> TrainingRequest:
        # InvalidInputError, like the seed names above: a 422 whose message says what to send instead.
        if self.problem_type == CLUSTERING:
            if self.target_column is not None:
                raise InvalidInputError(TARGET_FOR_CLUSTERING)
            return self
        if self.target_column is None:
            raise InvalidInputError(
                f"problem_type {self.problem_type} needs a target_column, the column to predict; to find groups in "
                'a table with no target, send problem_type "clustering" and no target_column'
            )
        if self.reference_column is not None:
            raise InvalidInputError(
                "reference_column is for clustering only (a grouping to compare the clusters with); a "
                f"{self.problem_type} job learns its target_column, so leave reference_column out"
            )
        return self
