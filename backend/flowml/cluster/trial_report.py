"""What a worker sends back for one trial: the Celery task's result, which the master parses strictly.

Worker token holders are machines, not trusted code (ARCHITECTURE.md section 12). The report therefore carries
what only the worker knows (scores, timings, its error text, the SHA-256 of the out-of-fold predictions it
uploaded) and an echo of the trial it ran (job, number, algorithm, parameters) that the master compares with what
it sent. It never carries a path: the master keeps uploaded predictions where it chooses (services/worker_data.py).
Any other field, a wrong type, a non-finite number or an over-long text makes the report invalid.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from flowml.engine.trial import MAX_ERROR_CHARS
from flowml.engine.types import TrialResult, TrialStatus

SHA256_PATTERN = r"^[0-9a-f]{64}$"
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 255  # worker and algorithm names; the registry's limit (services/workers.MAX_NAME_LENGTH)
# Sanity caps only: the master compares the folds with its own spec and the metrics with the task's metrics.
MAX_FOLD_SCORES = 100
MAX_OTHER_METRICS = 32
MAX_MODEL_NODES = 2**31
# A clustering trial's sizes, one per cluster: a labelling gone to pieces can have thousands; the largest come first.
MAX_CLUSTER_SIZES = 10_000


class TrialReport(BaseModel):
    """One trial's outcome as a worker reports it (JSON through the Celery result backend)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    job_id: str = Field(max_length=MAX_ID_CHARS)
    trial_number: int = Field(ge=0)
    algorithm: str = Field(max_length=MAX_NAME_CHARS)
    params: dict[str, Any]
    # JSON has no enum type: the status arrives as its string value.
    status: Annotated[TrialStatus, Field(strict=False)]
    score: float | None
    score_std: float | None = Field(ge=0)
    fold_scores: list[float] = Field(max_length=MAX_FOLD_SCORES)
    other_metrics: dict[str, float] = Field(max_length=MAX_OTHER_METRICS)
    fit_time: float = Field(ge=0, description="Mean seconds per fold fit")
    predict_time_per_row: float = Field(ge=0)
    error: str | None = Field(max_length=MAX_ERROR_CHARS)
    worker: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    model_nodes: int = Field(ge=0, le=MAX_MODEL_NODES)
    oof_sha256: str | None = Field(
        default=None,
        pattern=SHA256_PATTERN,
        description="Hash of the out-of-fold predictions uploaded for this trial; null or absent: none",
    )
    cluster_sizes: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list,
        max_length=MAX_CLUSTER_SIZES,
        description="Clustering trials: rows per cluster, largest first; empty for every other trial",
    )

    @classmethod
    def of(cls, result: TrialResult, worker: str, oof_sha256: str | None) -> TrialReport:
        """The report of a trial this worker ran. A completed trial whose metric came out undefined (NaN) is
        reported as failed, saying so: the master accepts finite scores only."""
        status, error = TrialStatus(result.status), result.error
        finite = [s for s in result.fold_scores if math.isfinite(s)]
        completed = status is TrialStatus.COMPLETED
        undefined = result.score is None or not math.isfinite(result.score) or len(finite) < len(result.fold_scores)
        if completed and undefined:
            status, error, completed = TrialStatus.FAILED, "the metric is undefined on this data (score is NaN)", False
        return cls(
            job_id=result.job_id,
            trial_number=result.trial_number,
            algorithm=result.algorithm,
            params=result.params,
            status=status,
            score=result.score if completed else None,
            score_std=result.score_std if completed else None,
            fold_scores=finite,
            other_metrics={k: v for k, v in result.other_metrics.items() if math.isfinite(v)},
            fit_time=result.fit_time,
            predict_time_per_row=result.predict_time_per_row,
            error=bounded(error) if error is not None else None,
            worker=worker,
            model_nodes=result.model_nodes,
            oof_sha256=oof_sha256 if completed else None,
            # Largest first, so a cut keeps the clusters that matter; n_clusters in other_metrics still counts all.
            cluster_sizes=list(result.cluster_sizes[:MAX_CLUSTER_SIZES]),
        )


def bounded(text: str) -> str:
    """`text` cut to MAX_ERROR_CHARS, the length a report's error may have."""
    if len(text) <= MAX_ERROR_CHARS:
        return text
    return text[: MAX_ERROR_CHARS - 3] + "..."
