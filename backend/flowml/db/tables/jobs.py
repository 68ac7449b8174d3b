"""Training jobs and their trials: the system of record for the search (ARCHITECTURE.md section 2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import computed_field
from sqlmodel import Field, SQLModel

from flowml.core.validation import CLUSTERING_VALIDATION, validation_label
from flowml.db.types import RESPONSE_CONFIG, EnumString, ProblemTypeValue, json_column, new_id, time_column, utcnow


class JobKind(StrEnum):
    """What drives a job: a training search (services/jobs/driver.py), a workflow run (services/workflow_runs.py), or
    one Model node's search inside a workflow run (driven by that run, hidden from the jobs list)."""

    TRAINING = "training"
    WORKFLOW = "workflow"
    WORKFLOW_MODEL = "workflow_model"


class JobStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}


# The stages the driver and manager write, in order; the dashboard shows them as the job's steps.
JobStage = Literal["queued", "preparing", "searching", "finalizing", "done"]


class TrialState(StrEnum):
    """A trial row's status: "running" from the row's creation until the engine's TrialStatus (engine/types.py, the
    other four values; db imports only core, so they are spelled out here and a test keeps them in step) comes back."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


class JobBase(SQLModel):
    name: str = Field(max_length=255)
    dataset_id: str = Field(max_length=32, index=True)
    # None for clustering: it learns no target.
    target_column: str | None = Field(default=None, max_length=255)
    # Clustering only: a known grouping kept out of the features, compared with the clusters afterwards.
    reference_column: str | None = Field(default=None, max_length=255)
    problem_type: str = Field(max_length=32)
    metric: str = Field(max_length=64)
    time_budget: float  # minutes, as the seed's API
    n_folds: int = 5
    max_trials: int | None = None
    # At most this many trials of each algorithm (the seed's n_trials_per_model); None: no cap.
    max_trials_per_algorithm: int | None = None
    # Batches told in trial order (same seed and trial count, same leaderboard); None: on when max_trials is set.
    reproducible: bool | None = None
    seed: int = 0
    priority: bool = False
    # A plain string column (not a database enum) so adding a state later needs no enum migration.
    status: JobStatus = Field(default=JobStatus.PENDING, sa_type=sa.String(16), index=True)
    progress: float = 0.0
    stage: str = Field(default="queued", max_length=32)
    message: str = Field(default="", max_length=1000)
    n_trials: int = 0
    best_score: float | None = None
    best_algorithm: str | None = None
    model_id: str | None = Field(default=None, max_length=32)
    error: str | None = None
    # The validation the search actually used ("cv" or "holdout", engine/final_choice.py) and its fold count (1 for
    # a holdout; may be below n_folds when a class is too small for it). None until the search starts, and for jobs
    # from before it was recorded.
    validation: str | None = Field(default=None, max_length=16)
    validation_folds: int | None = None
    # The analyst's own words about the job; tags are short labels to find it again.
    notes: str = Field(default="", max_length=5000)
    # The job whose settings this one copied ("clone"), if any.
    cloned_from: str | None = Field(default=None, max_length=32)
    # The shared project it belongs to (projects.id); None: private to its owner.
    project_id: str | None = Field(default=None, max_length=32, index=True)
    kind: JobKind = Field(default=JobKind.TRAINING, sa_type=sa.String(16))
    # Workflow runs and their Model nodes' searches: the workflow and the run (workflow_runs.id) they belong to.
    workflow_id: str | None = Field(default=None, max_length=32)
    workflow_run_id: str | None = Field(default=None, max_length=32, index=True)


class Job(JobBase, table=True):
    __tablename__ = "jobs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    algorithms: list[str] = Field(default_factory=list, sa_column=json_column())
    # The preprocessors every trial runs between the encoding and the estimator, in order (engine/preprocessor.py).
    preprocessors: list[str] = Field(default_factory=list, sa_column=json_column())
    tags: list[str] = Field(default_factory=list, sa_column=json_column())
    # The user it belongs to (users.id); None for rows from before accounts existed, which admins see.
    owner_id: str | None = Field(default=None, max_length=32, index=True)
    feature_plan: dict[str, Any] | None = Field(default=None, sa_column=json_column(nullable=True))
    dataset_sha256: str = Field(default="", max_length=64)
    cancel_requested: bool = False
    # The driver's lease: exactly one orchestrator process drives a job (ARCHITECTURE.md section 3).
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = Field(default=None, sa_column=time_column())
    # Last time the driver was known alive; after a restart, budget spent = heartbeat_at - started_at.
    heartbeat_at: datetime | None = Field(default=None, sa_column=time_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False, index=True))
    queued_at: datetime | None = Field(default=None, sa_column=time_column())
    started_at: datetime | None = Field(default=None, sa_column=time_column())
    finished_at: datetime | None = Field(default=None, sa_column=time_column())
    deadline: datetime | None = Field(default=None, sa_column=time_column())


_VALIDATION_LABEL = (
    "The validation the search used, in words: '5-fold cross-validation', '20% holdout split' or 'not recorded' "
    "(clustering: how its scores come about instead, since it has no target to hold out)"
)


class JobPublic(JobBase):
    model_config = RESPONSE_CONFIG

    id: str
    # Narrower than the table's strings: a job's problem type is resolved ("auto" decided) before the row is written.
    problem_type: ProblemTypeValue
    stage: JobStage = "queued"
    algorithms: list[str]
    preprocessors: list[str] = []
    tags: list[str] = []
    owner_id: str | None = None
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    deadline: datetime | None

    @computed_field(description=_VALIDATION_LABEL)  # type: ignore[prop-decorator]
    @property
    def validation_label(self) -> str:
        if self.problem_type == "clustering":
            return CLUSTERING_VALIDATION
        return validation_label(self.validation, self.validation_folds)


class JobsPublic(SQLModel):
    model_config = RESPONSE_CONFIG

    items: list[JobPublic]
    count: int


class TrialBase(SQLModel):
    trial_number: int
    algorithm: str = Field(max_length=64)
    # A plain string column like the job's status: a new state needs no enum migration.
    status: TrialState = Field(default=TrialState.RUNNING, sa_type=EnumString(TrialState))
    score: float | None = None
    score_std: float | None = None
    fit_time: float = 0.0
    predict_time_per_row: float = 0.0
    worker: str = Field(default="local", max_length=255)
    error: str | None = None
    # "cv" (score_std is the spread over folds) or "holdout" (one split: there is no spread); None for old rows.
    validation: str | None = Field(default=None, max_length=16)


class Trial(TrialBase, table=True):
    __tablename__ = "trials"
    __table_args__ = (sa.UniqueConstraint("job_id", "trial_number", name="uq_trials_job_number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    job_id: str = Field(foreign_key="jobs.id", index=True, max_length=32, ondelete="CASCADE")
    params: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # What Optuna saw (prefixed names and distributions), so a restarted driver can rebuild the study.
    optuna_params: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    optuna_distributions: dict[str, str] = Field(default_factory=dict, sa_column=json_column())
    fold_scores: list[float] = Field(default_factory=list, sa_column=json_column())
    other_metrics: dict[str, float] = Field(default_factory=dict, sa_column=json_column())
    # Clustering: rows per cluster, largest first, noise left out (engine TrialResult.cluster_sizes); [] otherwise.
    cluster_sizes: list[int] = Field(default_factory=list, sa_column=json_column())
    started_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=time_column())


class TrialPublic(TrialBase):
    model_config = RESPONSE_CONFIG

    rank: int | None = None
    status: TrialState = TrialState.RUNNING
    params: dict[str, Any]
    fold_scores: list[float]
    other_metrics: dict[str, float]
    cluster_sizes: list[int] = Field(
        default_factory=list, description="Clustering: rows per cluster, largest first, noise left out; [] otherwise"
    )
    started_at: datetime
    finished_at: datetime | None
