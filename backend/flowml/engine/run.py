"""One training run, the pipeline every front end shares: search, single model or ensemble, final fit, held-out
evaluation, package.

`flowml train` (cli/train.py), the server's job driver (services/jobs/driver.py) and the Python estimator
(flowml.automl) are adapters over `run_training`: each prepares a `RunRequest` and plugs in its ports (where
events go, where artifacts live, how a cancel or stop is signalled, which executor runs trials, which trials ran
before a restart). Nothing here knows about SQL, HTTP or terminals, so the same inputs give the same leaderboard,
model card and predictions whichever front end asked.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import pandas as pd
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field

from flowml.core.errors import FlowMLError, InvalidInputError
from flowml.core.model_card import ModelCard
from flowml.core.validation import validation_folds
from flowml.engine.algorithms import default_registry
from flowml.engine.card_facts import delivery_facts
from flowml.engine.evaluation import attach_evaluation
from flowml.engine.executor import TrialExecutor, run_final_with_fallback
from flowml.engine.features import plan_features
from flowml.engine.final_choice import FinalChoice, choose_validation, final_choice
from flowml.engine.metrics import MetricSpec, get_metric, rank_key
from flowml.engine.pool import TaskKilled
from flowml.engine.problem import validate_target
from flowml.engine.registry import Registry
from flowml.engine.search import PriorTrial, SearchConfig, SearchLoop, SearchOutcome, TrialTicket
from flowml.engine.types import (
    FeaturePlan,
    FinalResult,
    FinalSpec,
    LeaderboardRow,
    ProblemType,
    TrialResult,
    TrialStatus,
    Validation,
)

# Where the run's progress stands when the final fit starts (the search reports 0-95 by time).
FINALIZING_PROGRESS = 96.0
# Fewer rows than this cannot form two clusters of more than one row and a meaningful silhouette.
MIN_CLUSTERING_ROWS = 10


class RunCancelled(Exception):
    """The user cancelled the run; nothing was delivered."""


# --- data ------------------------------------------------------------------------------------------------------


class PreparedData(BaseModel):
    """What a run needs to know about its table before it starts, decided the same way for every front end."""

    plan: FeaturePlan
    n_rows: int = Field(description="Rows with a target (every row, for clustering)")
    n_folds: int = Field(
        description="The folds cross-validation can use: fewer than asked when a class is small; 1 for clustering"
    )
    validation: Validation
    notes: list[str] = Field(default_factory=list, description="What was adjusted (dropped rows, fewer folds)")


def prepare_data(
    frame: pd.DataFrame,
    target: str | None,
    problem: ProblemType,
    kinds: Mapping[str, str],
    n_folds: int,
    budget_seconds: float,
    reference: str | None = None,
) -> PreparedData:
    """Check the target for `problem`, plan the features and choose the validation (blocking: call in a thread).

    `problem` is already resolved (engine/problem.py `check_target` turns "auto" into a type); `kinds` are the
    columns' kinds as the upload inferred them. Clustering takes no `target`; its `reference` is a known grouping
    kept out of the features, which the final fit compares the clusters with. Raises InvalidInputError for a target
    or table training refuses."""
    if problem is ProblemType.CLUSTERING:
        return _prepare_clustering(frame, target, kinds, reference)
    if target is None:
        raise InvalidInputError(f"a {problem.value} model needs a target column; without one, choose clustering")
    check = validate_target(frame[target], problem, n_folds)
    plan = plan_features(frame, target, dict(kinds))
    if not plan.column_kinds:
        raise InvalidInputError("no usable feature columns remain after dropping ids, constants and empty columns")
    n_rows = int(check.keep.sum())
    validation = Validation(choose_validation(n_rows, len(plan.features), budget_seconds))
    return PreparedData(plan=plan, n_rows=n_rows, n_folds=check.n_folds, validation=validation, notes=check.notes)


def _prepare_clustering(
    frame: pd.DataFrame, target: str | None, kinds: Mapping[str, str], reference: str | None
) -> PreparedData:
    """Every row and every usable column but the reference. A clustering trial fits once on all rows (its score is
    an internal validity index, not a held-out one): recorded as one-fold cross-validation, so that the final
    refit's time is estimated as one trial's fit (search.py `final_fit_seconds` scales by k/(k-1), 1 here) and no
    holdout split is claimed that never existed."""
    if target is not None:
        raise InvalidInputError(
            "clustering takes no target column; name a known grouping as reference_column to compare with it"
        )
    plan = plan_features(frame, None, dict(kinds), reference=reference)
    if not plan.column_kinds:
        raise InvalidInputError("no usable feature columns remain after dropping ids, constants and empty columns")
    if len(frame) < MIN_CLUSTERING_ROWS:
        raise InvalidInputError(f"clustering needs at least {MIN_CLUSTERING_ROWS} rows; the table has {len(frame)}")
    return PreparedData(plan=plan, n_rows=len(frame), n_folds=1, validation=Validation.CV)


class RunRequest(BaseModel):
    """Everything that decides what a run produces. Same request (and same data), same leaderboard and model."""

    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(description="Names the run's trials and the tasks to kill on cancel")
    dataset_path: str = Field(description="The table as Parquet (as the server stores an upload)")
    dataset_sha256: str
    problem: ProblemType
    plan: FeaturePlan
    n_rows: int = Field(description="Rows with a target (PreparedData.n_rows)")
    metric: str
    algorithms: list[str] = Field(description="Chosen already (Registry.choose) and in that order")
    preprocessors: list[str] = Field(
        default_factory=list, description="Steps every trial runs before its estimator (engine/preprocessor.py)"
    )
    n_folds: int = Field(description="The folds asked for; trials lower them themselves where a class is small")
    folds_used: int | None = Field(default=None, description="PreparedData.n_folds; None = n_folds")
    seed: int
    started_at: float = Field(description="Unix time the budget started")
    deadline: float = Field(description="Unix time by which the run, final fit included, ends")
    validation: Validation = Validation.CV
    max_trials: int | None = None
    max_trials_per_algorithm: int | None = None
    deterministic: bool | None = Field(default=None, description="None: trials in seeded batches iff max_trials")
    priority: bool = False
    model_id: str | None = Field(default=None, description="Recorded in the card")


# --- ports -----------------------------------------------------------------------------------------------------


class RunEvents(Protocol):
    """Where the run reports what it does (a database and event bus, a progress bar, nothing)."""

    async def trial_started(self, ticket: TrialTicket) -> None: ...

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None: ...

    async def progress(self, progress: float, stage: str, message: str) -> None: ...


class RunControl(Protocol):
    """How the user ends a run: cancel (nothing is delivered) or stop (finish now with the best so far).

    Trials run in other processes or on other machines, so the signals they watch are files."""

    @property
    def cancel_path(self) -> str | None: ...

    @property
    def stop_path(self) -> str | None: ...

    def cancelled(self) -> bool: ...


class ArtifactStorage(Protocol):
    """Where the run's files go: out-of-fold predictions while it runs, the package at the end."""

    def oof_dir(self) -> Path: ...

    def package_dir(self) -> Path: ...

    async def keep(self, package_dir: Path) -> str:
        """Persist the finished package; returns where it now is."""
        ...


class NoEvents:
    """Events nobody listens to."""

    async def trial_started(self, ticket: TrialTicket) -> None:
        return None

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        return None

    async def progress(self, progress: float, stage: str, message: str) -> None:
        return None


@dataclass(frozen=True)
class FileControl:
    """Cancel and stop by the existence of files; with no paths the run is never cancelled or stopped."""

    cancel_path: str | None = None
    stop_path: str | None = None

    def cancelled(self) -> bool:
        return self.cancel_path is not None and Path(self.cancel_path).exists()


@dataclass(frozen=True)
class DirectoryStorage:
    """The package written straight into `package`; out-of-fold predictions in `scratch` (the caller removes it)."""

    package: Path
    scratch: Path

    def oof_dir(self) -> Path:
        return self.scratch / "oof"

    def package_dir(self) -> Path:
        # Absolute: the final fit runs in a worker process, which must write to the same place.
        return self.package.resolve()

    async def keep(self, package_dir: Path) -> str:
        return str(package_dir)


@dataclass
class RunPorts:
    executor: TrialExecutor
    storage: ArtifactStorage
    events: RunEvents = field(default_factory=NoEvents)
    control: RunControl = field(default_factory=FileControl)
    registry: Registry | None = None  # None: the default registry (built-ins and installed plugins)
    prior: Sequence[PriorTrial] = ()  # trials recorded before a restart: the run resumes from them


# --- outcome ---------------------------------------------------------------------------------------------------


@dataclass
class RunOutcome:
    location: str  # where ArtifactStorage.keep put the package
    final: FinalResult  # the package; its card is the one written to model_card.json
    leaderboard: list[LeaderboardRow]  # as leaderboard.json has it: best first
    best: TrialResult  # the best trial (an ensemble, when delivered, is led by it)
    choice: FinalChoice  # single model or ensemble, as planned before the final fit
    search: SearchOutcome

    @property
    def card(self) -> ModelCard:
        return self.final.card

    @property
    def cv_score(self) -> float:
        """The best trial's score (the card's cv_score is the delivered model's: the ensemble's when one was)."""
        return self.best.score if self.best.score is not None else math.nan


def leaderboard_rows(
    results: Sequence[TrialResult], metric: MetricSpec, validation: Validation | None = None
) -> list[LeaderboardRow]:
    """The leaderboard: every completed trial with a finite score, best first (ties: earlier trial first), ranked
    from 1. The one place rows are made: the package's leaderboard.json, `flowml train`'s table and the Python
    estimator's `leaderboard_` all come from here."""
    done = [r for r in results if r.status == TrialStatus.COMPLETED and r.score is not None and math.isfinite(r.score)]
    done.sort(key=lambda r: (rank_key(metric, r.score or 0.0), r.trial_number))
    return [
        LeaderboardRow(
            rank=rank,
            trial_number=r.trial_number,
            algorithm=r.algorithm,
            status=r.status,
            params=r.params,
            score=r.score,
            score_std=r.score_std,
            fold_scores=[s for s in r.fold_scores if math.isfinite(s)],
            other_metrics={k: v for k, v in r.other_metrics.items() if math.isfinite(v)},
            fit_time=r.fit_time,
            predict_time_per_row=r.predict_time_per_row,
            worker=r.worker,
            validation=validation,
            cluster_sizes=list(r.cluster_sizes),
        )
        for rank, r in enumerate(done, start=1)
    ]


# --- the run ---------------------------------------------------------------------------------------------------


class _Listener:
    """The search loop's listener, made of the events and control ports."""

    def __init__(self, events: RunEvents, control: RunControl) -> None:
        self.events = events
        self.control = control

    async def trial_started(self, ticket: TrialTicket) -> None:
        await self.events.trial_started(ticket)

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        await self.events.trial_finished(ticket, result)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        await self.events.progress(progress, stage, message)

    def cancelled(self) -> bool:
        return self.control.cancelled()


def search_config(request: RunRequest, control: RunControl, oof_dir: Path) -> SearchConfig:
    """The search loop's configuration for `request`, with the control's signal files and the out-of-fold folder."""
    supervised = request.problem.is_supervised
    return SearchConfig(
        job_id=request.job_id,
        dataset_path=request.dataset_path,
        problem_type=request.problem,
        feature_plan=request.plan,
        metric=request.metric,
        algorithms=list(request.algorithms),
        # A clustering trial fits once on all rows whatever the folds asked (see `_prepare_clustering`).
        n_folds=request.n_folds if supervised else 1,
        seed=request.seed,
        started_at=request.started_at,
        deadline=request.deadline,
        n_rows=request.n_rows,
        max_trials=request.max_trials,
        max_trials_per_algorithm=request.max_trials_per_algorithm,
        cancel_path=control.cancel_path,
        oof_dir=str(oof_dir),
        stop_path=control.stop_path,
        validation=request.validation.value,
        deterministic=request.deterministic,
        dataset_sha256=request.dataset_sha256,
        priority=request.priority,
        preprocessors=list(request.preprocessors),
    )


async def run_training(request: RunRequest, ports: RunPorts) -> RunOutcome:
    """Search, choose, fit, evaluate, package. Raises RunCancelled when the user cancelled, FlowMLError when no
    trial succeeded or the final fit failed."""
    registry = ports.registry or default_registry()
    metric = get_metric(request.metric, request.problem)
    oof_dir = ports.storage.oof_dir()
    config = search_config(request, ports.control, oof_dir)
    await ports.events.progress(0.0, "searching", f"searching {len(request.algorithms)} algorithms")
    loop = SearchLoop(config, registry, ports.executor, _Listener(ports.events, ports.control))
    loop.restore(list(ports.prior))
    searched = await loop.run()
    if searched.cancelled or ports.control.cancelled():
        raise RunCancelled()
    if searched.best is None:
        raise FlowMLError(searched.failure_message())
    if searched.stopped:
        logger.info("search stopped early by the user after {} trials", len(searched.results))
    best = searched.best
    choice = await asyncio.to_thread(final_choice, config, searched)
    if choice.note:
        logger.info(choice.note)
    what = f"an ensemble of {len(choice.ensemble)} models" if choice.ensemble else best.algorithm
    await ports.events.progress(FINALIZING_PROGRESS, "finalizing", f"fitting {what} on all rows")
    # Clustering scores come from one fit on all rows: no validation to name on the leaderboard.
    leaderboard = leaderboard_rows(
        searched.results, metric, request.validation if request.problem.is_supervised else None
    )
    package_dir = ports.storage.package_dir()
    package_dir.mkdir(parents=True, exist_ok=True)
    spec = FinalSpec(
        job_id=request.job_id,
        dataset_path=request.dataset_path,
        dataset_sha256=request.dataset_sha256,
        problem_type=request.problem,
        feature_plan=request.plan,
        metric=request.metric,
        seed=request.seed,
        output_dir=str(package_dir),
        leaderboard=leaderboard,
        model_id=request.model_id,
        cancel_path=ports.control.cancel_path,
        overrun_s=final_overrun_seconds(request.deadline - request.started_at),
        **choice.spec_fields(),
    )
    try:
        final = await run_final_with_fallback(ports.executor, spec)
    except (TaskKilled, RuntimeError) as exc:
        if ports.control.cancelled():
            raise RunCancelled() from None
        raise FlowMLError(f"the final fit of {best.algorithm} failed: {exc}") from None
    choice = delivered_choice(choice, final, searched.results)
    best = choice.best
    final.card = await asyncio.to_thread(_finish_card, request, final, choice, package_dir, oof_dir, registry)
    location = await ports.storage.keep(package_dir)
    return RunOutcome(
        location=location, final=final, leaderboard=leaderboard, best=best, choice=choice, search=searched
    )


def final_overrun_seconds(budget: float) -> float:
    """How long the final fit may run past the deadline before it is stopped and a fallback delivered: a tenth of
    the budget, at least 5 s (a refit's estimate from fold fits errs) and at most 60 s."""
    return min(60.0, max(5.0, 0.1 * budget))


def delivered_choice(choice: FinalChoice, final: FinalResult, results: Sequence[TrialResult]) -> FinalChoice:
    """The choice as delivered: a fallback's trial (engine/executor.py), or the best model alone when an ensemble's
    final fit stopped after its refit, so the card and the held-out evaluation describe the model in the package."""
    if final.delivered_trial is not None:
        trial = next((r for r in results if r.trial_number == final.delivered_trial), None)
        if trial is not None:
            return replace(choice, best=trial, ensemble=[], ensemble_score=None, ensemble_metrics={}, note=None)
    if choice.ensemble and final.card.algorithm != "ensemble":
        return replace(choice, ensemble=[], ensemble_score=None, ensemble_metrics={})
    return choice


def _finish_card(
    request: RunRequest,
    final: FinalResult,
    choice: FinalChoice,
    package_dir: Path,
    oof_dir: Path,
    registry: Registry,
) -> ModelCard:
    """The card's delivery facts, then the held-out evaluation from the search's out-of-fold predictions (still on
    disk), both written into the package (blocking). A clustering model has neither a validation nor a held-out
    evaluation (attach_evaluation says so in the card); its delivered trial is recorded all the same."""
    folds = request.folds_used if request.folds_used is not None else request.n_folds
    supervised = request.problem.is_supervised
    card = final.card.updated(
        delivery_facts(
            final.card,
            best_trial=choice.best.trial_number,
            best_algorithm=choice.best.algorithm,
            ensemble=choice.ensemble,
            validation=request.validation.value if supervised else None,
            folds=validation_folds(request.validation.value, folds) if supervised else None,
            target=request.plan.target,
            registry=registry,
        )
    )
    return attach_evaluation(
        package_dir,
        card,
        dataset_path=request.dataset_path,
        plan=request.plan,
        task=request.problem,
        n_folds=request.n_folds,
        oof_dir=oof_dir,
        best_trial=choice.best.trial_number,
        ensemble=choice.ensemble,
        validation=request.validation.value,
    )
