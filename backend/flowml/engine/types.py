"""Plain, JSON-serializable values that cross process and machine boundaries.

A trial is a pure function of a TrialSpec; it returns a TrialResult. Both are dataclasses of plain values so the
local process pool and (later) Celery can carry them as JSON: never pickle across the broker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class ProblemType(StrEnum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"

    @property
    def is_classification(self) -> bool:
        return self is not ProblemType.REGRESSION


class TrialStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


@dataclass
class FeaturePlan:
    """Which input columns feed the model and how; decided once per job from the training data.

    `column_kinds` maps every kept feature to one of: numeric, categorical, boolean, datetime, text.
    `dropped` maps each dropped column to the reason shown to the user (id-like, constant, all missing, ...).
    `categories` holds each categorical column's vocabulary as seen in training (for the model card and for
    reporting unseen values at prediction time).
    """

    target: str
    column_kinds: dict[str, str]
    dropped: dict[str, str] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)

    @property
    def features(self) -> list[str]:
        return list(self.column_kinds)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeaturePlan:
        return cls(**data)


@dataclass
class TrialSpec:
    """Everything a worker needs to evaluate one configuration with cross-validation."""

    job_id: str
    trial_number: int
    dataset_path: str
    problem_type: str
    feature_plan: dict[str, Any]
    algorithm: str
    params: dict[str, Any]
    metric: str
    n_folds: int
    seed: int
    deadline: float
    cancel_path: str | None = None
    n_jobs: int = 1
    # Where to write the out-of-fold predictions (`<trial_number>.npy`) for ensembling; None = don't keep them.
    oof_dir: str | None = None
    # "cv": k-fold; "holdout": one stratified 80/20 split (large data, short budgets).
    validation: str = "cv"
    # "cpu" or "cuda" (engine/devices.py); set by the cluster's router for a trial sent to a GPU worker.
    device: str = "cpu"
    # The dataset's content hash: a remote worker fetches and caches the file by it (ARCHITECTURE.md section 6).
    dataset_sha256: str | None = None
    # From the job: the cluster routes its trials to the `priority` queue.
    priority: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialSpec:
        return cls(**data)


@dataclass
class TrialResult:
    """Scores and timings of one trial. `score` is the metric's mean over folds in its natural orientation."""

    job_id: str
    trial_number: int
    algorithm: str
    params: dict[str, Any]
    status: str
    metric: str
    score: float | None = None
    score_std: float | None = None
    fold_scores: list[float] = field(default_factory=list)
    other_metrics: dict[str, float] = field(default_factory=dict)
    fit_time: float = 0.0
    predict_time_per_row: float = 0.0
    error: str | None = None
    worker: str = "local"
    oof_path: str | None = None
    # Tree nodes of the last fold's model: the final fit's ONNX export time grows with it (engine/export_cost.py).
    model_nodes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialResult:
        return cls(**data)


@dataclass
class FinalSpec:
    """Refit the chosen configuration on all rows and write the model package into `output_dir`."""

    job_id: str
    dataset_path: str
    dataset_sha256: str
    problem_type: str
    feature_plan: dict[str, Any]
    algorithm: str
    params: dict[str, Any]
    metric: str
    cv_score: float
    seed: int
    output_dir: str
    deadline: float
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    n_jobs: int = 1
    model_id: str | None = None
    cancel_path: str | None = None
    # Members of a weighted ensemble ({"algorithm", "params", "weight"}); empty = the single model above.
    ensemble: list[dict[str, Any]] = field(default_factory=list)
    ensemble_score: float | None = None
    # The ensemble's other metrics, measured as the trials' are (EnsemblePlan.other_metrics); into the card.
    ensemble_metrics: dict[str, float] = field(default_factory=dict)
    # Said about the choice of model before the final fit (e.g. ensemble members left out); go into the card.
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FinalSpec:
        return cls(**data)


@dataclass
class FinalResult:
    """Where the package was written and what it holds."""

    output_dir: str
    model_path: str
    model_sha256: str
    card: dict[str, Any]
    feature_importance: dict[str, float]
    fit_time: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FinalResult:
        return cls(**data)
