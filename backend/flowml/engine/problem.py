"""What kind of problem a target column poses, whether it can be learned, and its encoding for estimators.

Detection only proposes a problem type (the user may override it); validation then checks the target against the
chosen type and tells the user, in plain words, what is wrong or what was adjusted (dropped rows, fewer folds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowml.core.errors import InvalidInputError
from flowml.engine.types import ProblemType

# An integer target with at most this many distinct values may be a class label (e.g. wine quality 3..9) ...
MAX_INTEGER_CLASSES = 20
# ... but only if the classes are also few relative to the rows; 15 distinct values in 40 rows is a quantity.
MAX_INTEGER_CLASS_RATIO = 0.1
# Stratified folds need at least two rows of each class (one to train on, one to test on).
MIN_FOLDS = 2
# The folds a training request asks for unless it says otherwise (services/jobs/requests.py n_folds).
DEFAULT_FOLDS = 5
# What a request may ask for: "auto" detects; "classification" (the seed's word) is binary or multiclass by count.
PROBLEM_TYPE_CHOICES = ("auto", "binary", "multiclass", "regression")


@dataclass
class TargetCheck:
    """Outcome of `validate_target`: which rows to keep, how many folds fit the data, and notes for the user."""

    keep: np.ndarray  # boolean mask over the input rows: False where the target is missing
    n_missing: int
    n_folds: int
    notes: list[str] = field(default_factory=list)


def detect_problem_type(y: pd.Series) -> ProblemType:
    """Propose binary, multiclass or regression from the target's values and dtype."""
    values = y.dropna()
    if values.empty:
        raise InvalidInputError(f"target column {y.name!r} has no values (every row is missing)")
    if pd.api.types.is_datetime64_any_dtype(values):
        raise InvalidInputError(f"target column {y.name!r} holds dates; pick a numeric or categorical column")
    n_unique = int(values.nunique())
    if n_unique < 2:
        raise InvalidInputError(f"target column {y.name!r} has a single value ({values.iloc[0]!r}); nothing to learn")
    if n_unique == 2 or not _is_numeric(values):
        return _classification(n_unique)
    if _is_integral(values) and n_unique <= MAX_INTEGER_CLASSES and n_unique <= MAX_INTEGER_CLASS_RATIO * len(values):
        return _classification(n_unique)
    return ProblemType.REGRESSION


def resolve_problem_type(y: pd.Series, requested: str) -> ProblemType:
    """The problem type a job trains as: "auto" detects it; "classification" (the seed's word) is binary with two
    classes and multiclass with more; a type named exactly is taken as asked (`validate_target` then checks it)."""
    if requested == "auto":
        return detect_problem_type(y)
    if requested == "classification":
        n_classes = int(y.nunique())  # missing values are no class
        if n_classes < 2:
            raise InvalidInputError(f"classification needs at least 2 classes; target {y.name!r} has {n_classes}")
        return _classification(n_classes)
    return ProblemType(requested)


@dataclass(frozen=True)
class TargetVerdict:
    """What training does with a column as the target for one requested problem type: the type it trains as and
    the notes `validate_target` gives (dropped rows, fewer folds), or the message it refuses the request with."""

    problem_type: ProblemType | None
    message: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.problem_type is not None


def check_target(y: pd.Series, requested: str, n_folds: int = DEFAULT_FOLDS) -> tuple[ProblemType, TargetCheck]:
    """The one gate a target passes before training: resolve the requested type, then validate the target for it.

    Raises InvalidInputError with the message the user is shown (a REST 422, a CLI error); every caller that asks
    "may this column be trained as this type" goes through here, so they cannot disagree.
    """
    _check_scalar_values(y)
    problem = resolve_problem_type(y, requested)
    return problem, validate_target(y, problem, n_folds)


def _check_scalar_values(y: pd.Series) -> None:
    """Refuse a column of lists or records (a nested JSON or Parquet column): its values are neither labels nor
    numbers, and cannot even be counted. A column holds one type, so its first value tells."""
    if y.dtype != object:
        return
    present = y.dropna()
    if not present.empty and isinstance(present.iloc[0], (list, tuple, dict, np.ndarray)):
        raise InvalidInputError(
            f"target column {y.name!r} holds lists or records, not single values; pick a numeric or categorical column"
        )


def judge_target(y: pd.Series, n_folds: int = DEFAULT_FOLDS) -> dict[str, TargetVerdict]:
    """`check_target`'s answer for every choice in PROBLEM_TYPE_CHOICES, without raising.

    Whether a choice is accepted does not depend on `n_folds` (a class needs MIN_FOLDS rows whatever the folds);
    only the notes do, where the rarest class has fewer rows than `n_folds`.
    """
    verdicts: dict[str, TargetVerdict] = {}
    for choice in PROBLEM_TYPE_CHOICES:
        try:
            problem, check = check_target(y, choice, n_folds)
        except InvalidInputError as error:
            verdicts[choice] = TargetVerdict(problem_type=None, message=error.message)
        else:
            verdicts[choice] = TargetVerdict(problem_type=problem, notes=tuple(check.notes))
    return verdicts


def _classification(n_classes: int) -> ProblemType:
    return ProblemType.BINARY if n_classes == 2 else ProblemType.MULTICLASS


def validate_target(y: pd.Series, problem_type: ProblemType, n_folds: int = 5) -> TargetCheck:
    """Check that `y` can be learned as `problem_type` with `n_folds`-fold cross-validation.

    Raises InvalidInputError with a message for the user; rows with a missing target are dropped (not an error)
    and the folds are reduced when the rarest class has fewer rows than folds.
    """
    keep = y.notna().to_numpy()
    n_missing = int((~keep).sum())
    values = y[keep]
    if values.empty:
        raise InvalidInputError(f"target column {y.name!r} has no values (every row is missing)")
    notes = [f"dropped {n_missing} row(s) with a missing target"] if n_missing else []
    if problem_type is ProblemType.REGRESSION:
        _check_regression(values)
        return TargetCheck(keep=keep, n_missing=n_missing, n_folds=n_folds, notes=notes)
    folds = _check_classes(values, problem_type, n_folds, notes)
    return TargetCheck(keep=keep, n_missing=n_missing, n_folds=folds, notes=notes)


def encode_target(y: pd.Series, problem_type: ProblemType) -> tuple[np.ndarray, list[Any] | None]:
    """Estimators see classes as 0..k-1 (xgboost insists); returns the codes and the original labels in order.

    `y` must have no missing values. Regression targets come back as float64 with `None` for classes.
    """
    if problem_type is ProblemType.REGRESSION:
        return y.to_numpy(dtype=np.float64), None
    values = y
    if pd.api.types.is_float_dtype(values) and _is_integral(values):
        # A CSV integer column with gaps is read as float; labels 1.0/2.0 would name outputs "proba_1.0".
        values = values.astype(np.int64)
    raw = values.to_numpy()
    try:
        classes, codes = np.unique(raw, return_inverse=True)
    except TypeError:  # mixed types in an object column cannot be sorted; compare them as text
        classes, codes = np.unique(raw.astype(str), return_inverse=True)
    return codes.astype(np.int64), [c.item() if isinstance(c, np.generic) else c for c in classes]


def _check_regression(values: pd.Series) -> None:
    if not _is_numeric(values):
        sample = ", ".join(repr(v) for v in values.unique()[:3])
        raise InvalidInputError(
            f"regression needs a numeric target; column {values.name!r} has dtype {values.dtype} (e.g. {sample})"
        )
    if not np.isfinite(values.to_numpy(dtype=np.float64)).all():
        raise InvalidInputError(f"target column {values.name!r} contains infinite values")
    if values.nunique() < 2:
        raise InvalidInputError(f"target column {values.name!r} has a single value; nothing to learn")


def _check_classes(values: pd.Series, problem_type: ProblemType, n_folds: int, notes: list[str]) -> int:
    # The class count first: it costs a third of counting each class's rows, and a wrong count needs no more (the
    # dataset stats ask for binary on every column, a million distinct numbers included).
    n_classes = int(values.nunique())  # classes present: a 'category' column's unused categories are none
    if problem_type is ProblemType.BINARY and n_classes != 2:
        raise InvalidInputError(f"binary classification needs exactly 2 classes; target has {n_classes}")
    if problem_type is ProblemType.MULTICLASS and n_classes < 3:
        raise InvalidInputError(f"multiclass classification needs 3 or more classes; target has {n_classes}")
    counts = values.value_counts()
    counts = counts[counts > 0]  # a pandas 'category' column also lists categories no row uses
    # Selected vectorised: a column of a million distinct numbers asked for as classes has a million singletons,
    # and the dataset stats ask that of every column.
    singletons = counts[counts < MIN_FOLDS]
    if len(singletons):
        shown = ", ".join(repr(str(label)) for label in singletons.index[:10])
        more = f" and {len(singletons) - 10} more" if len(singletons) > 10 else ""
        raise InvalidInputError(
            f"class(es) {shown}{more} of target {values.name!r} have fewer than {MIN_FOLDS} rows; "
            "remove those rows or merge rare classes"
        )
    rarest = int(counts.min())
    if rarest < n_folds:
        notes.append(
            f"reduced cross-validation from {n_folds} to {rarest} folds: the rarest class "
            f"({counts.idxmin()!r}) has only {rarest} rows"
        )
        return rarest
    return n_folds


def _is_numeric(values: pd.Series) -> bool:
    # Booleans count as numeric to pandas, but True/False is a label, not a quantity.
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _is_integral(values: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(values):
        return True
    if not pd.api.types.is_float_dtype(values):
        return False
    array = values.dropna().to_numpy(dtype=np.float64)
    return bool(np.isfinite(array).all() and (array == np.round(array)).all())
