"""The metrics a job can optimize, as one explicit registry a UI can list.

Classification metrics receive labels encoded 0..k-1 (see `problem.encode_target`) and probabilities with one column
per class in that order; the number of classes is the width of the probability matrix, so a fold that happens to
miss a class still scores against all of them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn import metrics as skm

from flowml.core.errors import InvalidInputError
from flowml.engine.types import ProblemType

MetricFn = Callable[[np.ndarray, np.ndarray, np.ndarray | None], float]

BINARY = frozenset({ProblemType.BINARY})
MULTICLASS = frozenset({ProblemType.MULTICLASS})
CLASSIFICATION = BINARY | MULTICLASS
REGRESSION = frozenset({ProblemType.REGRESSION})
CLUSTERING = frozenset({ProblemType.CLUSTERING})


@dataclass(frozen=True)
class MetricSpec:
    """One metric: `fn(y_true, y_pred, y_proba)` returns the value in its natural orientation.

    Clustering's internal validity indices have no `fn`: they score rows against their labels, not predictions
    against a target, and engine/clustering/validity.py computes them by name."""

    name: str
    label: str
    tasks: frozenset[ProblemType]
    greater_is_better: bool
    needs_proba: bool
    fn: MetricFn | None
    # The values the metric can take: the master refuses a worker's score outside them (cluster/result_check.py).
    bounds: tuple[float, float] = (-math.inf, math.inf)

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "tasks": sorted(t.value for t in self.tasks),
            "greater_is_better": self.greater_is_better,
        }


def _proba(y_proba: np.ndarray | None) -> np.ndarray:
    if y_proba is None:
        raise ValueError("this metric needs predicted probabilities")
    # float32 probabilities (xgboost) miss summing to 1 by float noise, which scikit-learn warns or raises about.
    proba = np.asarray(y_proba, dtype=np.float64)
    return proba / proba.sum(axis=1, keepdims=True)


def _roc_auc(y: np.ndarray, _: np.ndarray, p: np.ndarray | None) -> float:
    return float(skm.roc_auc_score(y, _proba(p)[:, 1]))


def _roc_auc_ovr(y: np.ndarray, _: np.ndarray, p: np.ndarray | None) -> float:
    proba = _proba(p)
    labels = np.arange(proba.shape[1])
    return float(skm.roc_auc_score(y, proba, multi_class="ovr", labels=labels))


def _log_loss(y: np.ndarray, _: np.ndarray, p: np.ndarray | None) -> float:
    proba = _proba(p)
    return float(skm.log_loss(y, proba, labels=np.arange(proba.shape[1])))


def _accuracy(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.accuracy_score(y, yp))


def _balanced_accuracy(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.balanced_accuracy_score(y, yp))


def _f1(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.f1_score(y, yp, pos_label=1, zero_division=0))


def _f1_macro(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.f1_score(y, yp, average="macro", zero_division=0))


def _precision(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.precision_score(y, yp, pos_label=1, zero_division=0))


def _recall(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.recall_score(y, yp, pos_label=1, zero_division=0))


def _r2(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.r2_score(y, yp))


def _rmse(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.root_mean_squared_error(y, yp))


def _mae(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.mean_absolute_error(y, yp))


def _mape(y: np.ndarray, yp: np.ndarray, _: np.ndarray | None) -> float:
    return float(skm.mean_absolute_percentage_error(y, yp))


UNIT = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)
AT_MOST_ONE = (-math.inf, 1.0)  # R²: 1 is a perfect fit, a model worse than the mean goes below 0 without limit

# The first metric listed for a task is its default.
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("roc_auc", "ROC AUC", BINARY, True, True, _roc_auc, bounds=UNIT),
    MetricSpec("log_loss", "Log loss", CLASSIFICATION, False, True, _log_loss, bounds=NON_NEGATIVE),
    MetricSpec("accuracy", "Accuracy", CLASSIFICATION, True, False, _accuracy, bounds=UNIT),
    MetricSpec("balanced_accuracy", "Balanced accuracy", CLASSIFICATION, True, False, _balanced_accuracy, bounds=UNIT),
    MetricSpec("f1", "F1", BINARY, True, False, _f1, bounds=UNIT),
    MetricSpec("precision", "Precision", BINARY, True, False, _precision, bounds=UNIT),
    MetricSpec("recall", "Recall", BINARY, True, False, _recall, bounds=UNIT),
    MetricSpec("f1_macro", "F1 (macro)", MULTICLASS, True, False, _f1_macro, bounds=UNIT),
    MetricSpec("roc_auc_ovr", "ROC AUC (one-vs-rest)", MULTICLASS, True, True, _roc_auc_ovr, bounds=UNIT),
    MetricSpec("r2", "R²", REGRESSION, True, False, _r2, bounds=AT_MOST_ONE),
    MetricSpec("rmse", "RMSE", REGRESSION, False, False, _rmse, bounds=NON_NEGATIVE),
    MetricSpec("mae", "MAE", REGRESSION, False, False, _mae, bounds=NON_NEGATIVE),
    MetricSpec("mape", "MAPE", REGRESSION, False, False, _mape, bounds=NON_NEGATIVE),
    MetricSpec("silhouette", "Silhouette", CLUSTERING, True, False, None, bounds=(-1.0, 1.0)),
    MetricSpec("calinski_harabasz", "Calinski-Harabasz", CLUSTERING, True, False, None, bounds=NON_NEGATIVE),
    MetricSpec("davies_bouldin", "Davies-Bouldin", CLUSTERING, False, False, None, bounds=NON_NEGATIVE),
)
_BY_NAME: dict[str, MetricSpec] = {m.name: m for m in METRICS}
_DEFAULTS: dict[ProblemType, str] = {
    ProblemType.BINARY: "roc_auc",
    ProblemType.MULTICLASS: "log_loss",
    ProblemType.REGRESSION: "r2",
    ProblemType.CLUSTERING: "silhouette",
}


def metrics_for(task: ProblemType) -> list[MetricSpec]:
    return [m for m in METRICS if task in m.tasks]


def default_metric(task: ProblemType) -> MetricSpec:
    return _BY_NAME[_DEFAULTS[task]]


def get_metric(name: str, task: ProblemType) -> MetricSpec:
    """The metric called `name`, refusing names that are unknown or do not apply to `task`."""
    allowed = ", ".join(m.name for m in metrics_for(task))
    spec = _BY_NAME.get(name)
    if spec is None:
        raise InvalidInputError(f"unknown metric {name!r} for {task.value}; allowed: {allowed}")
    if task not in spec.tasks:
        raise InvalidInputError(f"metric {name!r} does not apply to {task.value} problems; allowed: {allowed}")
    return spec


def score(metric: MetricSpec, y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray | None = None) -> float:
    """The metric's value in its natural orientation (higher AUC is better, lower RMSE is better)."""
    if metric.needs_proba and y_proba is None:
        raise ValueError(f"metric {metric.name!r} needs predicted probabilities")
    if metric.fn is None:
        raise ValueError(f"metric {metric.name!r} scores clusters, not predictions (engine/clustering/validity.py)")
    return metric.fn(np.asarray(y_true), np.asarray(y_pred), y_proba)


Direction = Literal["maximize", "minimize"]


def signed_score(metric: MetricSpec | Direction, value: float) -> float:
    """The value flipped so that greater is always better (what scikit-learn scorers return).

    The one "which score is better" rule: every comparison below, and every caller's, goes through it. `metric` may
    be an Optuna direction where only that is at hand (the scheduler's studies)."""
    maximize = metric == "maximize" if isinstance(metric, str) else metric.greater_is_better
    return value if maximize else -value


def better(metric: MetricSpec | Direction, a: float, b: float) -> bool:
    """Whether score `a` is strictly better than score `b` (a tie is not better)."""
    return signed_score(metric, a) > signed_score(metric, b)


def gain(metric: MetricSpec | Direction, new: float, old: float) -> float:
    """How much better `new` is than `old`, in the metric's units: positive when better, negative when worse."""
    return signed_score(metric, new) - signed_score(metric, old)


def rank_key(metric: MetricSpec | Direction, value: float) -> float:
    """A sort key that puts the best score first in an ascending sort."""
    return -signed_score(metric, value)


def best_index(metric: MetricSpec | Direction, values: Sequence[float]) -> int:
    """The position of the best score in `values` (the first one on a tie); `values` must not be empty."""
    if not values:
        raise ValueError("no scores to choose the best of")
    return min(range(len(values)), key=lambda i: rank_key(metric, values[i]))


def best_of(metric: MetricSpec | Direction, values: Sequence[float]) -> float:
    """The best score in `values`; `values` must not be empty."""
    return values[best_index(metric, values)]


def all_scores(
    task: ProblemType, y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray | None = None
) -> dict[str, float]:
    """Every metric of `task` that can be computed here, for the leaderboard's extra columns.

    A metric that cannot be computed on this data (no probabilities; a fold with one class for AUC) is left out
    rather than failing the trial: these are informational, the trial's own metric is scored by `score`.
    """
    out: dict[str, float] = {}
    for metric in metrics_for(task):
        if metric.needs_proba and y_proba is None:
            continue
        try:
            with warnings.catch_warnings():  # undefined values come back as NaN and are left out below
                warnings.simplefilter("ignore")
                value = score(metric, y_true, y_pred, y_proba)
        except ValueError:
            continue
        if math.isfinite(value):
            out[metric.name] = value
    return out


def optuna_direction(metric: MetricSpec) -> Direction:
    return "maximize" if metric.greater_is_better else "minimize"
