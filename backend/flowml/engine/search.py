"""The search loop: one Optuna study driven with ask/tell, trials dispatched to an executor.

The loop owns the study (ARCHITECTURE.md section 3). It is pure engine code: persistence and events happen in the
listener the caller passes, so the API's job driver and `flowml train` share this loop exactly.
"""

from __future__ import annotations

import asyncio
import math
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import optuna
from optuna.distributions import distribution_to_json, json_to_distribution
from optuna.trial import TrialState

from flowml.engine.ensemble import EnsemblePlan, select_ensemble
from flowml.engine.executor import TrialExecutor
from flowml.engine.features import load_frame
from flowml.engine.metrics import get_metric, optuna_direction
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.registry import Algorithm, Registry, Suggest
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus

# An algorithm that failed this many times is not tried again in the job.
MAX_FAILURES_PER_ALGORITHM = 2
# Below this many seconds left, starting a trial would only waste the remainder of the budget.
MIN_TRIAL_SECONDS = 1.0
POLL_SECONDS = 0.5


@dataclass
class SearchConfig:
    job_id: str
    dataset_path: str
    problem_type: ProblemType
    feature_plan: FeaturePlan
    metric: str
    algorithms: list[str]
    n_folds: int
    seed: int
    started_at: float  # unix time the job started (for progress)
    deadline: float  # unix time by which the whole job, final fit included, must end
    n_rows: int
    max_trials: int | None = None
    cancel_path: str | None = None
    oof_dir: str | None = None  # set to keep out-of-fold predictions and build an ensemble at the end
    validation: str = "cv"


@dataclass
class PriorTrial:
    """A trial already recorded (after a restart): rebuilds the study without re-running it."""

    optuna_params: dict[str, Any]
    distributions: dict[str, str]
    value: float | None
    result: TrialResult | None = None  # a completed trial's result: it competes for best after the restart


@dataclass
class TrialTicket:
    """What the listener gets when a trial starts: enough to persist it and to rebuild the study later."""

    spec: TrialSpec
    optuna_params: dict[str, Any]
    distributions: dict[str, str]


@dataclass
class SearchOutcome:
    best: TrialResult | None
    results: list[TrialResult] = field(default_factory=list)
    cancelled: bool = False

    def failure_message(self) -> str:
        """Why there is no best trial, in words for the user."""
        if not self.results:
            return "the time budget ended before any trial could finish; give the job more time"
        errors = sorted({f"{r.algorithm}: {r.error}" for r in self.results if r.error})[:5]
        if not errors:
            return "no trial finished within the time budget; give the job more time"
        return "no trial succeeded. " + "; ".join(errors)


def final_fit_seconds(best: TrialResult, n_folds: int, members: list[TrialResult] | None = None) -> float:
    """Time to allow the final refit on all rows plus an importance fit on 80%, from the trials' fold fits.

    `members`: the other models of an ensemble, each refit once on all rows."""
    scale = n_folds / max(1, n_folds - 1)  # a fold fit sees (k-1)/k of the rows
    others = sum(m.fit_time for m in members or [] if m is not best)
    return 5.0 + 3.0 * best.fit_time * scale + 1.5 * others * scale


# Ensemble selection scores candidates hundreds of times; beyond this many rows a random subset is as informative.
ENSEMBLE_MAX_ROWS = 20_000
# The reserve anticipates an ensemble of about this many of the best trials.
EXPECTED_MEMBERS = 4


class SearchListener(Protocol):
    async def trial_started(self, ticket: TrialTicket) -> None: ...

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None: ...

    async def progress(self, progress: float, stage: str, message: str) -> None: ...

    def cancelled(self) -> bool: ...


class SearchLoop:
    def __init__(
        self, config: SearchConfig, registry: Registry, executor: TrialExecutor, listener: SearchListener
    ) -> None:
        self.config = config
        self.executor = executor
        self.listener = listener
        self.algorithms = self._usable_algorithms(registry)
        self.direction = optuna_direction(get_metric(config.metric, config.problem_type))
        optuna.logging.set_verbosity(optuna.logging.WARNING)  # our own logs report every trial
        with warnings.catch_warnings():
            # multivariate/group/constant_liar are flagged experimental; we pin Optuna's version and rely on them.
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            self.study = optuna.create_study(
                direction=self.direction,
                sampler=optuna.samplers.TPESampler(
                    seed=config.seed, multivariate=True, group=True, constant_liar=True, n_startup_trials=5
                ),
            )
        self.results: list[TrialResult] = []
        self.best: TrialResult | None = None
        self._failures: dict[str, int] = {}
        self._asked = 0
        self._reserve = self._initial_reserve()

    def _usable_algorithms(self, registry: Registry) -> list[Algorithm]:
        chosen = [registry.get(name) for name in self.config.algorithms]
        usable = [a for a in chosen if a.supports(self.config.problem_type, self.config.n_rows)]
        if not usable:
            raise ValueError("none of the chosen algorithms supports this problem type and data size")
        return sorted(usable, key=lambda a: a.cost)

    def _initial_reserve(self) -> float:
        budget = self.config.deadline - self.config.started_at
        return min(max(3.0, 0.15 * budget), 0.35 * budget)

    @property
    def search_end(self) -> float:
        return self.config.deadline - self._reserve

    def _better(self, a: float, b: float) -> bool:
        return a > b if self.direction == "maximize" else a < b

    # --- study bookkeeping -------------------------------------------------------------------------------------

    def restore(self, prior: list[PriorTrial]) -> None:
        for trial in prior:
            distributions = {k: json_to_distribution(v) for k, v in trial.distributions.items()}
            finite = trial.value is not None and math.isfinite(trial.value)
            self.study.add_trial(
                optuna.trial.create_trial(
                    params=trial.optuna_params,
                    distributions=distributions,
                    value=trial.value if finite else None,
                    state=TrialState.COMPLETE if finite else TrialState.FAIL,
                )
            )
            if finite and trial.result is not None:
                self.results.append(trial.result)
                if self.best is None or self._better(trial.value or 0.0, self.best.score or 0.0):
                    self.best = trial.result
                    self._update_reserve(trial.result)
        self._asked = len(prior)

    def _enqueue_defaults(self) -> None:
        tried = {t.params.get("algorithm") for t in self.study.trials}
        for algo in self.algorithms:
            if algo.name in tried:
                continue
            params = {f"{algo.name}__{k}": v for k, v in algo.default_params(self.config.problem_type).items()}
            self.study.enqueue_trial({"algorithm": algo.name, **params}, skip_if_exists=True)

    def _ask(self) -> tuple[optuna.Trial, TrialTicket] | None:
        names = [a.name for a in self.algorithms]
        for _ in range(20):  # skip algorithms that keep failing without wasting a dispatch
            trial = self.study.ask()
            name = trial.suggest_categorical("algorithm", names)
            if self._failures.get(str(name), 0) >= MAX_FAILURES_PER_ALGORITHM:
                self.study.tell(trial, state=TrialState.FAIL)
                continue
            algo = next(a for a in self.algorithms if a.name == name)
            params = algo.search_space(Suggest(trial, algo.name), self.config.problem_type)
            spec = TrialSpec(
                job_id=self.config.job_id,
                trial_number=self._asked,
                dataset_path=self.config.dataset_path,
                problem_type=self.config.problem_type.value,
                feature_plan=self.config.feature_plan.to_dict(),
                algorithm=algo.name,
                params=params,
                metric=self.config.metric,
                n_folds=self.config.n_folds,
                seed=self.config.seed,
                deadline=self.search_end,
                cancel_path=self.config.cancel_path,
                oof_dir=self.config.oof_dir,
                validation=self.config.validation,
            )
            self._asked += 1
            distributions = {k: distribution_to_json(v) for k, v in trial.distributions.items()}
            return trial, TrialTicket(spec=spec, optuna_params=dict(trial.params), distributions=distributions)
        return None

    def _tell(self, trial: optuna.Trial, result: TrialResult) -> None:
        ok = result.status == TrialStatus.COMPLETED and result.score is not None and math.isfinite(result.score)
        if ok:
            assert result.score is not None
            self.study.tell(trial, result.score)
            if self.best is None or self._better(result.score, self.best.score or 0.0):
                self.best = result
            self._update_reserve(result)
        else:
            self.study.tell(trial, state=TrialState.FAIL)
            if result.status == TrialStatus.FAILED:
                self._failures[result.algorithm] = self._failures.get(result.algorithm, 0) + 1

    def _update_reserve(self, result: TrialResult) -> None:
        """Keep time for the final fit: importance and refit of the best model, and refits of likely ensemble
        members (the next best trials), with margin."""
        if self.best is None:
            return
        budget = self.config.deadline - self.config.started_at
        estimate = final_fit_seconds(self.best, self.config.n_folds, self._top(EXPECTED_MEMBERS))
        self._reserve = min(max(estimate, 0.05 * budget), 0.35 * budget)

    def _top(self, count: int) -> list[TrialResult]:
        done = [r for r in self.results if r.status == TrialStatus.COMPLETED and r.score is not None]
        done.sort(key=lambda r: -(r.score or 0.0) if self.direction == "maximize" else (r.score or 0.0))
        return done[:count]

    # --- the loop ----------------------------------------------------------------------------------------------

    def _can_start(self) -> bool:
        if self.config.max_trials is not None and self._asked >= self.config.max_trials:
            return False
        return self.search_end - time.time() > MIN_TRIAL_SECONDS

    def _progress(self) -> float:
        total = self.config.deadline - self.config.started_at
        return max(0.0, min(95.0, 100.0 * (time.time() - self.config.started_at) / total))

    async def run(self) -> SearchOutcome:
        self._enqueue_defaults()
        in_flight: dict[asyncio.Task[TrialResult], tuple[optuna.Trial, TrialTicket]] = {}
        cancelled = False
        try:
            while True:
                if self.listener.cancelled():
                    cancelled = True
                    self.executor.cancel(self.config.job_id)
                while len(in_flight) < self.executor.capacity and not cancelled and self._can_start():
                    asked = self._ask()
                    if asked is None:
                        break
                    await self.listener.trial_started(asked[1])
                    in_flight[asyncio.create_task(self.executor.run_trial(asked[1].spec))] = asked
                if not in_flight:
                    break
                done, _ = await asyncio.wait(in_flight, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    trial, ticket = in_flight.pop(task)
                    result = task.result()
                    self._tell(trial, result)
                    self.results.append(result)
                    await self.listener.trial_finished(ticket, result)
                    await self.listener.progress(self._progress(), "searching", self._summary())
        finally:
            for task in in_flight:
                task.cancel()
        return SearchOutcome(best=self.best, results=self.results, cancelled=cancelled)

    def _summary(self) -> str:
        done = sum(1 for r in self.results if r.status == TrialStatus.COMPLETED)
        if self.best is None:
            return f"{done} trials finished, none succeeded yet"
        return f"{done} trials finished; best {self.config.metric} {self.best.score:.4f} ({self.best.algorithm})"


def choose_ensemble(config: SearchConfig, results: list[TrialResult]) -> EnsemblePlan | None:
    """Greedy ensemble over the job's trials (blocking: numpy work; run it in a thread from async code)."""
    if not config.oof_dir:
        return None
    frame = load_frame(config.dataset_path)
    target = frame[config.feature_plan.target]
    check = validate_target(target, config.problem_type, config.n_folds)
    y, _ = encode_target(target[check.keep], config.problem_type)
    metric = get_metric(config.metric, config.problem_type)
    subset = _subset(len(y), config.seed)
    plan = select_ensemble(_restricted(results, subset), y[subset], config.problem_type, metric)
    return plan


def _subset(n_rows: int, seed: int) -> np.ndarray:
    if n_rows <= ENSEMBLE_MAX_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, ENSEMBLE_MAX_ROWS, replace=False))


def _restricted(results: list[TrialResult], subset: np.ndarray) -> list[TrialResult]:
    """Results whose out-of-fold files hold only the subset's rows (written next to the originals)."""
    if len(subset) == 0 or all(r.oof_path is None for r in results):
        return results
    out: list[TrialResult] = []
    for result in results:
        if result.oof_path is None:
            continue
        full = np.load(result.oof_path, allow_pickle=False)
        if full.shape[0] == len(subset):
            out.append(result)
            continue
        path = result.oof_path.removesuffix(".npy") + ".subset.npy"
        np.save(path, full[subset], allow_pickle=False)
        out.append(replace(result, oof_path=path))
    return out


# Large data on a short budget: one holdout split instead of k folds (k fits would leave time for few trials).
HOLDOUT_MIN_ROWS = 20_000
HOLDOUT_MAX_BUDGET_SECONDS = 900


def choose_validation(n_rows: int, budget_seconds: float) -> str:
    return "holdout" if n_rows >= HOLDOUT_MIN_ROWS and budget_seconds <= HOLDOUT_MAX_BUDGET_SECONDS else "cv"


@dataclass
class FinalChoice:
    """What the final fit builds and by when: the best trial alone, or an ensemble led by it."""

    best: TrialResult
    ensemble: list[dict[str, Any]]
    ensemble_score: float | None
    deadline: float
    note: str | None = None


def final_choice(config: SearchConfig, outcome: SearchOutcome) -> FinalChoice:
    """Pick single model or ensemble (blocking; call from a thread). The ensemble is kept only if its members'
    refits fit in the time left; the final deadline never cuts the best model's own refit short."""
    assert outcome.best is not None
    best = outcome.best
    single_deadline = max(config.deadline, time.time() + final_fit_seconds(best, config.n_folds))
    plan = choose_ensemble(config, outcome.results)
    if plan is None:
        return FinalChoice(best, [], None, single_deadline)
    needed = final_fit_seconds(best, config.n_folds, plan.members)
    if time.time() + needed > config.deadline:
        return FinalChoice(best, [], None, single_deadline, note="ensemble skipped: its refits would overrun")
    ordered = sorted(plan.to_spec(), key=lambda m: m["trial_number"] != best.trial_number)
    return FinalChoice(best, ordered, plan.score, config.deadline)
