"""What each node does when a workflow runs on this machine: the values that flow along edges and the functions
that make them. `execute.py` decides the order, the caching and the per-node states; this module only computes.

Tables flow as pandas frames with their column kinds (the data layer's, as an upload would have them), the
target, the problem type and the seed of the split that made them: models are seeded with it, so the same seeds
give the same test scores.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from flowml.automl.local_run import LocalRunSpec, run_local
from flowml.automl.sync import run_sync
from flowml.core.errors import InvalidInputError
from flowml.core.model_card import ModelCard
from flowml.data.columns import normalize_frame
from flowml.data.formats import extension_of, validate_table
from flowml.data.frames import as_polars
from flowml.data.ingest import IngestedTable, inspect_file, inspect_frame
from flowml.engine.clustering.validity import measure
from flowml.engine.features import plan_features
from flowml.engine.metrics import default_metric, get_metric, metrics_for, score
from flowml.engine.model import FlowMLModel
from flowml.engine.package import ONNX_FILE, build_model_card, load_package, save_package
from flowml.engine.problem import check_target
from flowml.engine.registry import Registry
from flowml.engine.run import NoEvents, RunOutcome
from flowml.engine.types import ProblemType
from flowml.workflows.catalogue import ModelSettings, PreprocessingSettings, SplitSettings
from flowml.workflows.prep import fit_preprocessing

MIN_SEARCH_BUDGET_S = 5.0  # as flowml.AutoML and `flowml train`: less leaves no time for a trial and the final fit
SEARCH_FOLDS = 5


@dataclass(frozen=True)
class Table:
    """Rows flowing along a table, train or test edge."""

    frame: pd.DataFrame
    kinds: dict[str, str]  # every column's kind, the target's included
    target: str | None
    problem: ProblemType
    seed: int = 0  # the split's seed once split; models are fitted with it
    notes: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        return {
            "rows": len(self.frame),
            "columns": self.frame.shape[1],
            "target": self.target,
            "preview": preview(self.frame),
        }


PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 50
PREVIEW_TEXT = 200


def preview(frame: pd.DataFrame) -> dict[str, Any]:
    """The first rows as JSON for the canvas's outputs panel: missing values as null, dates as ISO text, long text
    cut, at most PREVIEW_COLUMNS columns (a one-hot table can be wide)."""
    head = frame.iloc[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    parsed = json.loads(head.to_json(orient="split", index=False, date_format="iso", default_handler=str))
    rows = [[v[:PREVIEW_TEXT] if isinstance(v, str) else v for v in row] for row in parsed["data"]]
    return {"columns": [str(c) for c in head.columns], "rows": rows}


@dataclass
class FittedModel:
    """A model node's output: the engine's model, its card and (for a search) the leaderboard. `renames` maps the
    columns it was given to the clean names the search saw (a search reads its table as an upload would)."""

    model: FlowMLModel
    card: ModelCard
    mode: str
    algorithm: str
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)
    # The search's ONNX graph when its final fit exported one that passed parity (the card's `onnx` says so); a
    # single fit has none. A Deploy node's package carries it, so the model is served through ONNX Runtime.
    onnx_bytes: bytes | None = None

    def _rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns=self.renames) if self.renames else frame

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict(self._rows(frame))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray | None:
        return self.model.predict_proba(self._rows(frame))

    def encoded(self, frame: pd.DataFrame) -> np.ndarray:
        """The matrix the estimator sees (its pipeline less the estimator): what clusters are measured on."""
        X, _ = self.model.prepare(self._rows(frame))
        return np.asarray(self.model.pipeline[:-1].transform(X), dtype=np.float64)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, "algorithm": self.algorithm, "params": self.card.params}
        if self.leaderboard:
            out["trials"] = len(self.leaderboard)
            out["cv_score"] = self.card.cv_score
            out["metric"] = self.card.metric
        return out


# -- dataset and split ---------------------------------------------------------------------------------------------


def read_dataset(path: Path, target: str | None) -> Table:
    """The file read and typed as `flowml train` reads it; rows without a target are left out (nothing to learn or
    score on them)."""
    if not path.is_file():
        raise InvalidInputError(f"file not found: {path}")
    ingested = inspect_file(path, extension=extension_of(path.name))
    kinds = {column: str(kind) for column, kind in ingested.kinds.items()}
    return table_from_frame(ingested.df.to_pandas(), kinds, target, notes=list(ingested.notes), source=path.name)


def table_from_frame(
    frame: pd.DataFrame, kinds: dict[str, str], target: str | None, *, notes: list[str], source: str
) -> Table:
    """A Dataset node's table from rows already typed (a file read here, or a server's stored upload)."""
    if target is None:
        return Table(frame, kinds, None, ProblemType.CLUSTERING, notes=tuple(notes))
    if target not in frame.columns:
        raise InvalidInputError(f"target {target!r} is not a column of {source}")
    missing = int(frame[target].isna().sum())
    if missing:
        frame = frame[frame[target].notna()].reset_index(drop=True)
        notes = [*notes, f"{missing} row(s) without a target left out"]
    problem, check = check_target(frame[target], "auto")
    return Table(frame, kinds, target, problem, notes=tuple([*notes, *check.notes]))


def split(table: Table, settings: SplitSettings) -> tuple[Table, Table]:
    frame = table.frame
    if settings.mode == "time":
        column = _column(table, settings.order_column, "order_column")
        ordered = frame.sort_values(column, kind="stable")
        n_test = max(1, round(len(ordered) * settings.test_size))
        train, test = ordered.iloc[:-n_test], ordered.iloc[-n_test:]
    elif settings.mode == "group":
        column = _column(table, settings.group_column, "group_column")
        splitter = GroupShuffleSplit(n_splits=1, test_size=settings.test_size, random_state=settings.seed)
        train_rows, test_rows = next(splitter.split(frame, groups=frame[column].astype(str)))
        train, test = frame.iloc[train_rows], frame.iloc[test_rows]
    else:
        stratify = None
        if settings.stratify and table.problem.is_classification and table.target is not None:
            stratify = frame[table.target].astype(str)
        train, test = train_test_split(
            frame, test_size=settings.test_size, random_state=settings.seed, stratify=stratify
        )
    if len(train) == 0 or len(test) == 0:
        raise InvalidInputError(f"the split leaves no rows on one side ({len(train)} train, {len(test)} test)")
    return replace(table, frame=train, seed=settings.seed), replace(table, frame=test, seed=settings.seed)


def _column(table: Table, name: str | None, field_name: str) -> str:
    if name is None or name not in table.frame.columns:
        raise InvalidInputError(f"{field_name} {name!r} is not a column of the rows reaching the split")
    return name


# -- preprocessing -------------------------------------------------------------------------------------------------


def preprocess(train: Table, test: Table | None, settings: PreprocessingSettings) -> tuple[Table, Table | None, Any]:
    """Fit on the training rows only, apply to the test rows; returns both and the fitted preprocessing."""
    fitted, train_frame = fit_preprocessing(
        train.frame, train.target, train.kinds, train.problem, settings, seed=train.seed
    )
    kinds = {column: "numeric" for column in train_frame.columns if column != train.target}
    if train.target is not None:
        kinds[train.target] = train.kinds[train.target]
    new_train = replace(train, frame=train_frame, kinds=kinds)
    new_test = replace(test, frame=fitted.transform(test.frame), kinds=kinds) if test is not None else None
    return new_train, new_test, fitted


# -- models --------------------------------------------------------------------------------------------------------


def fit_model(train: Table, settings: ModelSettings, registry: Registry, *, workers: int) -> FittedModel:
    """A model node run on this machine, blocking: one fit, or a search in `workers` local processes (the Python
    API's form; a workflow run calls fit_single and its runner's searcher instead)."""
    if settings.mode == "single":
        return fit_single(train, settings, registry)
    return run_sync(search_locally(train, settings, workers=workers))


def fit_single(train: Table, settings: ModelSettings, registry: Registry) -> FittedModel:
    """A single-mode model node: one fit of one algorithm (blocking)."""
    return _fit_single(train, settings, registry)


def _fit_single(train: Table, settings: ModelSettings, registry: Registry) -> FittedModel:
    if settings.algorithm is None:
        raise InvalidInputError("single mode needs an algorithm")
    if train.target is None:
        raise InvalidInputError("a single model needs a target: choose one on the dataset node")
    algorithm = registry.get(settings.algorithm)
    algorithm.require_task(train.problem)
    params = {**algorithm.default_params(train.problem), **settings.params}
    features = {c: k for c, k in train.kinds.items() if c != train.target}
    plan = plan_features(train.frame, train.target, features)
    model = FlowMLModel.train(train.frame, plan, train.problem, algorithm, params, seed=train.seed)
    metric = settings.metric or default_metric(train.problem).name
    card = build_model_card(
        model,
        metric=metric,
        cv_score=None,  # a single fit has no cross-validation; its scores are the evaluation node's
        algorithm=algorithm.name,
        params=params,
        training_data_sha256=_frame_sha256(train.frame),
        n_rows=len(train.frame),
        feature_importance={},
        frame=train.frame,
    )
    return FittedModel(model, card, "single", algorithm.name)


@dataclass(frozen=True)
class SearchInput:
    """What a search model node hands the training run: its rows typed as an upload would be, the run's settings,
    and the renames between the node's column names and the clean names the search sees."""

    table: IngestedTable
    spec: LocalRunSpec
    renames: dict[str, str]


def search_input(train: Table, settings: ModelSettings, *, workers: int) -> SearchInput:
    """The training job's search (automl/local_run.py, as `flowml.AutoML.fit` runs it) set up on the training rows:
    clusters are found without the target, and the rows are read as an upload would be."""
    if settings.time_budget_s < MIN_SEARCH_BUDGET_S:
        raise InvalidInputError(f"time_budget_s must be at least {MIN_SEARCH_BUDGET_S:g} seconds for a search")
    clustering = settings.mode == "clustering"
    frame = train.frame
    if clustering and train.target is not None:
        frame = frame.drop(columns=[train.target])
    if not clustering and train.target is None:
        raise InvalidInputError("an automl model needs a target: choose one on the dataset node")
    table, notes = normalize_frame(as_polars(frame.reset_index(drop=True)))
    validate_table(table)
    renames = dict(zip(frame.columns, table.columns, strict=True)) if table.width == frame.shape[1] else {}
    target = None if clustering or train.target is None else renames.get(train.target, train.target)
    spec = LocalRunSpec(
        target=target,
        task="clustering" if clustering else train.problem.value,
        metric=settings.metric,
        algorithms=list(settings.algorithms) if settings.algorithms else None,
        folds=SEARCH_FOLDS,
        max_trials=None,
        seed=train.seed,
        time_budget=settings.time_budget_s,
        started_at=time.time(),
        workers=workers,
        quiet=True,
    )
    kept = {old: new for old, new in renames.items() if old != new}
    return SearchInput(inspect_frame(table, notes), spec, kept)


def searched_model(package: Path, mode: str, outcome: RunOutcome, renames: dict[str, str]) -> FittedModel:
    """A search's delivered model, loaded from its package, as the node's output."""
    model, card = load_package(package)
    board = [row.model_dump(mode="json") for row in outcome.leaderboard]
    graph = package / ONNX_FILE
    onnx_bytes = graph.read_bytes() if graph.is_file() and card.onnx_sha256 else None
    return FittedModel(model, card, mode, outcome.best.algorithm, board, renames, onnx_bytes)


async def search_locally(train: Table, settings: ModelSettings, *, workers: int) -> FittedModel:
    """The search in `workers` processes of this machine (what `flowml workflow run` uses)."""
    prepared = await asyncio.to_thread(search_input, train, settings, workers=workers)
    # The search's clock starts when the rows are ready, as a training job's starts when its data is prepared.
    spec = replace(prepared.spec, started_at=time.time())
    with tempfile.TemporaryDirectory(prefix="flowml-workflow-") as tmp:
        workdir = Path(tmp)
        _, outcome = await run_local(
            prepared.table, spec, output=workdir / "package", workdir=workdir, events=NoEvents()
        )
        return await asyncio.to_thread(searched_model, Path(outcome.location), settings.mode, outcome, prepared.renames)


def _frame_sha256(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


# -- evaluation ----------------------------------------------------------------------------------------------------


def evaluate(model: FittedModel, test: Table, metrics: Sequence[str] | None) -> dict[str, float | None]:
    """The model's scores on the test rows: the named metrics, or every one of its task that can be computed."""
    problem = model.model.problem_type
    chosen = [get_metric(name, problem) for name in metrics] if metrics else metrics_for(problem)
    if problem is ProblemType.CLUSTERING:
        frame = test.frame.drop(columns=[test.target]) if test.target is not None else test.frame
        validity = measure(model.encoded(frame), model.predict(frame), seed=test.seed).scores()
        return {metric.name: validity.get(metric.name) for metric in chosen}
    truth = test.frame[test.target] if test.target is not None else None
    if truth is None:
        raise InvalidInputError("the test rows have no target to score against")
    predicted = model.predict(test.frame)
    proba = model.predict_proba(test.frame)
    if model.model.classes is not None:
        classes = pd.Index(model.model.classes)
        y_true = classes.get_indexer(pd.Index(truth))
        if (y_true < 0).any():
            raise InvalidInputError("the test rows have labels the model never saw in training")
        y_pred = classes.get_indexer(pd.Index(predicted))
    else:
        y_true, y_pred = truth.to_numpy(dtype=np.float64), predicted
    out: dict[str, float | None] = {}
    for metric in chosen:
        if metric.needs_proba and proba is None:
            out[metric.name] = None
            continue
        try:
            value = score(metric, y_true, y_pred, proba)
        except ValueError:
            value = math.nan
        out[metric.name] = value if math.isfinite(value) else None
    return out


# -- deploy --------------------------------------------------------------------------------------------------------


def write_package(model: FittedModel, directory: Path) -> dict[str, Any]:
    """The model package `flowml train --output` writes (model.joblib, model_card.json, leaderboard.json, and
    model.onnx when the search exported one)."""
    # getattr: a model cached by an earlier FlowML has no such attribute (the cache key holds the version, but a
    # missing graph only costs ONNX serving, never the package).
    onnx_bytes = getattr(model, "onnx_bytes", None)
    _, sha256 = save_package(model.model, model.card, directory, leaderboard=model.leaderboard, onnx_bytes=onnx_bytes)
    return {"path": str(directory), "model_sha256": sha256}
