"""`flowml.AutoML`: the training run as a scikit-learn estimator.

    from flowml import AutoML
    model = AutoML(time_budget=60).fit(X_train, y_train)
    model.predict(X_test); model.predict_proba(X_test); model.leaderboard_

`fit` is the run `flowml train` and the server make (engine/run.py through automl/local_run.py): the same seed,
max_trials, folds and rows give the same leaderboard and model. `save` writes the package they write; `load` reads
theirs. Trials run in worker processes (spawned): a script calling `fit` needs the usual
`if __name__ == "__main__":` guard, as with any multiprocessing code.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from loguru import logger
from rich.console import Console
from rich.markup import escape
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if

from flowml.automl.local_run import LocalPlan, LocalRunSpec, run_local
from flowml.automl.package_files import PackageFiles, package_folder
from flowml.automl.progress import ProgressBar
from flowml.automl.sync import run_sync
from flowml.core.errors import InvalidInputError
from flowml.core.model_card import ModelCard
from flowml.data.columns import normalize_frame
from flowml.data.formats import validate_table
from flowml.data.frames import as_pandas, as_polars, as_series, leaderboard_frame
from flowml.data.ingest import inspect_frame
from flowml.engine.metrics import get_metric, score, signed_score
from flowml.engine.model import FlowMLModel
from flowml.engine.package import LEADERBOARD_FILE, load_package
from flowml.engine.predict import PredictionOutput, card_threshold, predict_frame
from flowml.engine.problem import DEFAULT_FOLDS, MIN_FOLDS, PROBLEM_TYPE_CHOICES
from flowml.engine.run import NoEvents, RunEvents
from flowml.engine.types import ProblemType

Task = Literal["auto", "binary", "multiclass", "regression"]
MIN_BUDGET_S = 5.0  # as `flowml train --time-budget`: less leaves no time for a trial and the final fit
MAX_FOLDS = 10
DEFAULT_TARGET = "target"
_TASKS: dict[ProblemType, Task] = {
    ProblemType.BINARY: "binary",
    ProblemType.MULTICLASS: "multiclass",
    ProblemType.REGRESSION: "regression",
}


class AutoML(BaseEstimator):
    """Searches FlowML's algorithms and their settings within `time_budget` seconds and keeps the best model (or a
    weighted ensemble), refitted on every row.

    Parameters are plain values, as scikit-learn expects (`get_params`, `set_params`, `clone`):
    time_budget: seconds for the whole fit, final fit included. metric: what to optimize (default: the task's, e.g.
    roc_auc for two classes, rmse for regression). algorithms: names to search (default: all for the task).
    preprocessors: preprocessing steps every trial runs before its model, in order (e.g. ["pca"]; default none). n_jobs:
    trials at once, -1 for one per CPU. seed, max_trials: the same seed and max_trials give the same leaderboard.
    task: "auto" decides from y. folds: cross-validation folds. verbose: 0 silent, 1 a progress bar and notes.
    """

    def __init__(
        self,
        time_budget: float = 60.0,
        metric: str | None = None,
        algorithms: Sequence[str] | None = None,
        preprocessors: Sequence[str] | None = None,
        n_jobs: int = -1,
        seed: int = 0,
        max_trials: int | None = None,
        task: Task = "auto",
        folds: int = DEFAULT_FOLDS,
        verbose: int = 1,
    ) -> None:
        self.time_budget = time_budget
        self.metric = metric
        self.algorithms = algorithms
        self.preprocessors = preprocessors
        self.n_jobs = n_jobs
        self.seed = seed
        self.max_trials = max_trials
        self.task = task
        self.folds = folds
        self.verbose = verbose

    # Fitting

    def fit(self, X: Any, y: Any) -> Self:
        """Search and fit on X (pandas, polars or a 2-D NumPy array, whose columns are called x0, x1, ...) and y."""
        started = time.time()
        self._check_params()
        features = as_pandas(X)
        names = [str(column) for column in features.columns]
        if len(set(names)) != len(names):
            raise InvalidInputError("X has duplicate column names")
        target = _target_name(y, names)
        labels = as_series(y, target)
        if len(labels) != len(features):
            raise InvalidInputError(f"X has {len(features)} rows but y has {len(labels)}")
        frame = features.reset_index(drop=True).set_axis(names, axis=1)
        frame[target] = labels.to_numpy()
        table, notes = normalize_frame(as_polars(frame))
        validate_table(table)
        # The engine sees clean names (as for a file); predict renames the caller's columns the same way.
        renames = dict(zip(frame.columns, table.columns, strict=False)) if table.width == frame.shape[1] else {}
        spec = LocalRunSpec(
            target=renames.get(target, target),
            task=self.task,
            metric=self.metric,
            algorithms=list(self.algorithms) if self.algorithms else None,
            preprocessors=list(self.preprocessors) if self.preprocessors else [],
            folds=self.folds,
            max_trials=self.max_trials,
            seed=self.seed,
            time_budget=float(self.time_budget),
            started_at=started,
            workers=_workers(self.n_jobs),
            quiet=not self.verbose,
        )
        console = Console(stderr=True)
        with _engine_logs(self.verbose), tempfile.TemporaryDirectory(prefix="flowml-automl-") as tmp:
            workdir = Path(tmp)
            progress: AbstractContextManager[RunEvents] = (
                ProgressBar(console) if self.verbose else nullcontext(NoEvents())
            )
            with progress as events:
                _, outcome = run_sync(
                    run_local(
                        inspect_frame(table, notes),
                        spec,
                        output=workdir / "package",
                        workdir=workdir,
                        events=events,
                        planned=(lambda plan: _announce(console, plan, spec)) if self.verbose else None,
                    )
                )
            package = Path(outcome.location)
            model, card = load_package(package)
            files = PackageFiles.read(package)
        self._set_fitted(model, card, files, names, {k: v for k, v in renames.items() if k != v and k != target})
        self.leaderboard_ = leaderboard_frame([row.model_dump() for row in outcome.leaderboard])
        return self

    def _check_params(self) -> None:
        if not float(self.time_budget) >= MIN_BUDGET_S:
            raise InvalidInputError(f"time_budget must be at least {MIN_BUDGET_S:g} seconds")
        if self.task not in PROBLEM_TYPE_CHOICES:
            raise InvalidInputError(f"task must be one of {', '.join(PROBLEM_TYPE_CHOICES)}; got {self.task!r}")
        if not MIN_FOLDS <= self.folds <= MAX_FOLDS:
            raise InvalidInputError(f"folds must be between {MIN_FOLDS} and {MAX_FOLDS}")
        if self.max_trials is not None and self.max_trials < 1:
            raise InvalidInputError("max_trials must be at least 1")
        if isinstance(self.algorithms, str):
            raise InvalidInputError("algorithms must be a list of names, e.g. ['lightgbm']")
        if isinstance(self.preprocessors, str):
            raise InvalidInputError("preprocessors must be a list of names, e.g. ['pca']")

    def _set_fitted(
        self,
        model: FlowMLModel,
        card: ModelCard,
        files: PackageFiles,
        feature_names: list[str],
        renames: dict[str, str],
    ) -> None:
        self.best_model_ = model
        self.model_card_ = card
        self.package_ = files
        self.problem_type_ = model.problem_type
        self.metric_ = card.metric
        self.feature_names_in_ = np.asarray(feature_names, dtype=object)
        self.n_features_in_ = len(feature_names)
        self._renames = renames
        if model.classes is not None:
            self.classes_ = np.asarray(model.classes)

    # Predicting

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (as y had them) or numbers, one per row of X."""
        return np.asarray(self._predict(X).predictions)

    def _is_classifier(self) -> bool:
        return self._fitted().is_classifier

    @available_if(_is_classifier)
    def predict_proba(self, X: Any) -> np.ndarray:
        """One column per class, in the order of `classes_`."""
        output = self._predict(X)
        names = [str(label) for label in self.classes_]
        return np.asarray([[row[name] for name in names] for row in output.probabilities or []], dtype=np.float64)

    def score(self, X: Any, y: Any) -> float:
        """The optimized metric on (X, y), signed so that greater is better (scikit-learn's rule: -rmse, -log_loss)."""
        model = self._fitted()
        metric = get_metric(self.metric_, model.problem_type)
        truth = as_series(y, DEFAULT_TARGET)
        if not model.is_classifier:
            value = score(metric, truth.to_numpy(dtype=np.float64), self.predict(X))
            return signed_score(metric, value)
        classes = pd.Index(self.classes_)
        codes = classes.get_indexer(truth)
        if (codes < 0).any():
            unseen = ", ".join(repr(v) for v in truth[codes < 0].unique()[:5])
            raise InvalidInputError(f"y has labels the model never saw in training: {unseen}")
        output = self._predict(X)
        predicted = classes.get_indexer(pd.Index(output.predictions))
        proba = None
        if metric.needs_proba:
            names = [str(label) for label in self.classes_]
            proba = np.asarray([[row[n] for n in names] for row in output.probabilities or []], dtype=np.float64)
        return signed_score(metric, score(metric, codes, predicted, proba))

    def _predict(self, X: Any) -> PredictionOutput:
        model = self._fitted()
        frame = as_pandas(X)
        if isinstance(X, np.ndarray) and frame.shape[1] == self.n_features_in_:
            frame.columns = list(self.feature_names_in_)  # NumPy in, NumPy out: the columns by position
        frame = frame.rename(columns=self._renames)
        output = predict_frame(model, frame, threshold=card_threshold(self.model_card_))
        for warning in output.warnings:
            warnings.warn(warning, UserWarning, stacklevel=3)
        return output

    def _fitted(self) -> FlowMLModel:
        model: FlowMLModel | None = getattr(self, "best_model_", None)
        if model is None:
            raise NotFittedError("this AutoML is not fitted yet: call fit(X, y) first")
        return model

    # The package

    def save(self, path: str | Path) -> Path:
        """Write the model package `flowml train` writes (a folder), or the server's download (a path ending in
        .zip). `flowml predict`, the server's import and `AutoML.load` read it."""
        self._fitted()
        return self.package_.write(Path(path))

    @classmethod
    def load(cls, path: str | Path) -> AutoML:
        """A fitted AutoML from a package folder or zip (from `save`, `flowml train` or a server's download).

        Loading unpickles the model: load only packages from someone you trust. `feature_names_in_` are then the
        model's input columns (the package does not record the columns it dropped)."""
        with package_folder(Path(path)) as folder:
            model, card = load_package(folder)
            files = PackageFiles.read(folder)
        validation = card.validation
        folds = validation.folds if validation is not None and validation.method == "cv" else None
        estimator = cls(metric=card.metric, task=_TASKS[model.problem_type], folds=folds or DEFAULT_FOLDS)
        estimator._set_fitted(model, card, files, list(model.plan.features), {})
        board = files.files.get(LEADERBOARD_FILE)
        estimator.leaderboard_ = leaderboard_frame(json.loads(board) if board else [])
        return estimator

    def to_onnx(self, path: str | Path) -> Path:
        """Write the model as an ONNX graph (for ONNX Runtime in any language), when its export passed the parity
        check at training; otherwise say why there is none."""
        self._fitted()
        graph = self.package_.onnx()
        if graph is None:
            entry = self.model_card_.onnx
            reason = (entry.reason if entry is not None else None) or "the model card records no ONNX export"
            raise InvalidInputError(f"this model has no ONNX export: {reason}")
        target = Path(path)
        target.write_bytes(graph)
        return target

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # Text, categories and missing values are the engine's to handle; only the task says what kind of estimator
        # this is before it is fitted.
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        if self.task in (ProblemType.BINARY.value, ProblemType.MULTICLASS.value):
            from sklearn.utils import ClassifierTags

            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
        elif self.task == ProblemType.REGRESSION.value:
            from sklearn.utils import RegressorTags

            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
        return tags


@contextmanager
def _engine_logs(verbose: int) -> Iterator[None]:
    """verbose=0: the engine's log lines (an ensemble skipped, a trial retried) are not shown either."""
    if verbose:
        yield
        return
    logger.disable("flowml")
    try:
        yield
    finally:
        logger.enable("flowml")


def _target_name(y: Any, features: list[str]) -> str:
    """y's own name when it has one that no feature has, else "target" (with underscores until it is free)."""
    name = getattr(y, "name", None)
    if isinstance(name, str) and name and name not in features:
        return name
    candidate = DEFAULT_TARGET
    while candidate in features:
        candidate = f"_{candidate}"
    return candidate


def _workers(n_jobs: int) -> int:
    """joblib's rule: -1 is every CPU, -2 all but one, ...; at least one."""
    cpus = os.cpu_count() or 1
    return max(1, n_jobs if n_jobs > 0 else cpus + 1 + n_jobs)


def _announce(console: Console, plan: LocalPlan, spec: LocalRunSpec) -> None:
    for note in plan.table.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    for column, reason in plan.table.data.plan.dropped.items():
        console.print(f"[dim]column {escape(repr(column))} not used: {escape(reason)}[/]")
    console.print(
        f"[bold]{plan.table.problem.value}[/] on {plan.table.data.n_rows} rows, optimizing [bold]{plan.metric.name}[/]"
        f" for {spec.time_budget:g} s with {len(plan.algorithms)} algorithms"
    )
    if (steps := plan.steps_line()) is not None:
        console.print(escape(steps))
