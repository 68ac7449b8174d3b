"""Typed, JSON-serializable values that cross process and machine boundaries.

A trial is a pure function of a TrialSpec; it returns a TrialResult. They are Pydantic models so the local
process pool and Celery carry them as JSON (never pickle across the broker) and the receiving side validates them:
a malformed payload is a clear error at the boundary, not a KeyError deep in a fit. `to_dict()` is the wire form
(`model_dump(mode="json")`: enums as their strings), `from_dict()` parses it back (`model_validate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flowml.core.model_card import JsonScalar, ModelCard


class ProblemType(StrEnum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"
    # No target: find the groups in the rows (engine/clustering). Scored by an internal validity index.
    CLUSTERING = "clustering"

    @property
    def is_classification(self) -> bool:
        return self in (ProblemType.BINARY, ProblemType.MULTICLASS)

    @property
    def is_supervised(self) -> bool:
        """Learns a target column (everything but clustering)."""
        return self is not ProblemType.CLUSTERING


class TrialStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


class Validation(StrEnum):
    """How a trial's score is measured: k-fold cross-validation, or one stratified 80/20 split (large data, short
    budgets; engine/final_choice.py decides)."""

    CV = "cv"
    HOLDOUT = "holdout"


class Device(StrEnum):
    """Where a trial computes (engine/devices.py holds each library's parameters for it)."""

    CPU = "cpu"
    CUDA = "cuda"


class ColumnKind(StrEnum):
    """How the engine treats a kept input column (engine/features.py decides)."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"


# One hyperparameter's value: what a search space can produce (engine/space.py) and JSON can carry.
ParamValue = JsonScalar | None
Params = dict[str, ParamValue]


def describe_invalid(exc: ValidationError) -> str:
    """Pydantic's errors as one line, `field: what is wrong; ...`: the reason a refused payload is reported with."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in exc.errors(include_url=False)
    )


class Contract(BaseModel):
    """Base of every boundary model: unknown fields are an error (a payload from another version or a forged one
    fails loudly), assignments are validated like construction, and NaN/inf survive the JSON form (a trial whose
    metric came out undefined says so; cluster/trial_report.py turns it into a failure)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, ser_json_inf_nan="constants")

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form the process pool and Celery carry."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse and validate the wire form; raises pydantic.ValidationError naming each bad field."""
        return cls.model_validate(data)

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated like a new value (what dataclasses.replace was for these types)."""
        return self.model_validate({**self.model_dump(), **changes})


class FeaturePlan(Contract):
    """Which input columns feed the model and how; decided once per job from the training data.

    `column_kinds` maps every kept feature to its kind. `dropped` maps each dropped column to the reason shown to
    the user (id-like, constant, all missing, ...). `categories` holds each categorical column's vocabulary as seen in
    training (for the model card and for reporting unseen values at prediction time).
    """

    # Tolerant: the plan is stored on the job's row, and a row written by an older version must still load.
    model_config = ConfigDict(extra="ignore")

    # None for clustering: no target, every kept column is a feature.
    target: str | None
    column_kinds: dict[str, ColumnKind]
    dropped: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, list[str]] = Field(default_factory=dict)
    # Clustering only: a known grouping left out of the features, compared with the clusters after training.
    reference: str | None = None

    @property
    def features(self) -> list[str]:
        return list(self.column_kinds)


class TrialSpec(Contract):
    """Everything a worker needs to evaluate one configuration with cross-validation."""

    job_id: str
    trial_number: int = Field(ge=0)
    dataset_path: str
    problem_type: ProblemType
    feature_plan: FeaturePlan
    algorithm: str
    params: Params
    metric: str
    n_folds: int = Field(ge=1)
    seed: int
    deadline: float = Field(description="Absolute UTC deadline, seconds since the epoch")
    cancel_path: str | None = None
    n_jobs: int = Field(default=1, ge=1)
    # Where to write the out-of-fold predictions (`<trial_number>.npy`) for ensembling; None = don't keep them.
    oof_dir: str | None = None
    validation: Validation = Validation.CV
    # Set by the cluster's router for a trial sent to a GPU worker.
    device: Device = Device.CPU
    # The dataset's content hash: a remote worker fetches and caches the file by it (ARCHITECTURE.md section 6).
    dataset_sha256: str | None = None
    # From the job: the cluster routes its trials to the `priority` queue.
    priority: bool = False


class TrialResult(Contract):
    """Scores and timings of one trial. `score` is the metric's mean over folds in its natural orientation."""

    job_id: str
    trial_number: int
    algorithm: str
    params: Params
    status: TrialStatus
    metric: str
    score: float | None = None
    score_std: float | None = None
    fold_scores: list[float] = Field(default_factory=list)
    other_metrics: dict[str, float] = Field(default_factory=dict)
    fit_time: float = 0.0
    predict_time_per_row: float = 0.0
    error: str | None = None
    worker: str = "local"
    oof_path: str | None = None
    # Tree nodes of the last fold's model: the final fit's ONNX export time grows with it (engine/export_cost.py).
    model_nodes: int = 0
    # Clustering: rows per cluster, largest first (noise not included; other_metrics has noise_fraction).
    cluster_sizes: list[int] = Field(default_factory=list)


class EnsembleMember(Contract):
    """One configuration of a weighted ensemble the final fit refits (engine/ensemble.py plans them)."""

    algorithm: str
    params: Params
    weight: float = Field(ge=0)
    trial_number: int | None = None
    # Seconds per fold fit: the final fit leaves out members that no longer fit in the time left.
    fit_time: float = 0.0


class LeaderboardRow(Contract):
    """One completed trial as the package's leaderboard.json lists it, best first."""

    # Rows carry the API's trial view too (ids, times): kept as they are, not checked.
    model_config = ConfigDict(extra="allow")

    rank: int | None = None
    trial_number: int
    algorithm: str
    status: TrialStatus = TrialStatus.COMPLETED
    params: Params = Field(default_factory=dict)
    score: float | None = None
    score_std: float | None = None
    fold_scores: list[float] = Field(default_factory=list)
    other_metrics: dict[str, float] = Field(default_factory=dict)
    fit_time: float = 0.0
    predict_time_per_row: float = 0.0
    worker: str = "local"
    error: str | None = None
    validation: Validation | None = None
    cluster_sizes: list[int] = Field(default_factory=list)


class FinalSpec(Contract):
    """Refit the chosen configuration on all rows and write the model package into `output_dir`."""

    job_id: str
    dataset_path: str
    dataset_sha256: str
    problem_type: ProblemType
    feature_plan: FeaturePlan
    algorithm: str
    params: Params
    metric: str
    cv_score: float
    seed: int
    output_dir: str
    deadline: float
    leaderboard: list[LeaderboardRow] = Field(default_factory=list)
    n_jobs: int = Field(default=1, ge=1)
    model_id: str | None = None
    cancel_path: str | None = None
    # Members of a weighted ensemble; empty = the single model above.
    ensemble: list[EnsembleMember] = Field(default_factory=list)
    ensemble_score: float | None = None
    # The ensemble's other metrics, measured as the trials' are (EnsemblePlan.other_metrics); into the card.
    ensemble_metrics: dict[str, float] = Field(default_factory=dict)
    # Said about the choice of model before the final fit (e.g. ensemble members left out); go into the card.
    notes: list[str] = Field(default_factory=list)
    # How long past `deadline` the fit may run before it is stopped and a fallback delivered (engine/executor.py).
    overrun_s: float = Field(default=60.0, ge=0)


class FinalResult(Contract):
    """Where the package was written and what it holds."""

    output_dir: str
    model_path: str
    model_sha256: str
    card: ModelCard
    feature_importance: dict[str, float]
    fit_time: float
    # Set when the chosen model could not be delivered in time and this trial's configuration was instead.
    delivered_trial: int | None = None
