"""How a job's scores were validated, in the words every page shows: one sentence, made in one place.

The API returns it (JobPublic.validation_label, TrainedModelPublic.validation_label) and the evaluation's source
sentence uses it, so the job header, the model card and the evaluation tab cannot disagree.
"""

from __future__ import annotations

from typing import Literal

ValidationMethod = Literal["cv", "holdout"]

# The share of rows a holdout split keeps for validation; engine/trial.py splits by HOLDOUT_FRACTION, which a test
# checks agrees with this.
HOLDOUT_PERCENT = 20
NOT_RECORDED = "not recorded"
# A clustering job has no target to hold out: each trial's score describes the groups it found in every row.
CLUSTERING_VALIDATION = "no held-out rows: each trial is scored by a validity index on all rows"


def validation_label(method: str | None, folds: int | None) -> str:
    """'5-fold cross-validation', '20% holdout split', or 'not recorded' (jobs from before it was kept)."""
    if method == "holdout":
        return f"{HOLDOUT_PERCENT}% holdout split"
    if method == "cv" and folds is not None and folds >= 2:
        return f"{folds}-fold cross-validation"
    return NOT_RECORDED


def validation_folds(method: str, folds: int) -> int:
    """The number of fits a trial's score averages: 1 for a holdout split."""
    return 1 if method == "holdout" else folds
