"""The search loop: trials asked from the scheduler, dispatched to an executor, told back, within the budget.

The loop owns the studies (ARCHITECTURE.md section 3). It is pure engine code: persistence and events happen in
the listener the caller passes, so the API's job driver and `flowml train` share this loop exactly.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flowml.engine.executor import TrialExecutor
from flowml.engine.export_cost import SECONDS_PER_NODE
from flowml.engine.metrics import better, get_metric, optuna_direction, rank_key
from flowml.engine.preprocessor import Preprocessors, default_preprocessors
from flowml.engine.registry import Algorithm, Registry
from flowml.engine.scheduler import AlgorithmScheduler, Proposal
from flowml.engine.types import FeaturePlan, ProblemType, TrialResult, TrialSpec, TrialStatus

# Below this many seconds left, starting a trial would only waste the remainder of the budget.
MIN_TRIAL_SECONDS = 1.0
# While no trial has finished, the reserve is at most this (see SearchLoop.search_end).
FIRST_TRIAL_RESERVE_SECONDS = 1.0
FIRST_TRIAL_RESERVE_SHARE = 0.1
POLL_SECONDS = 0.5
# The reserve anticipates an ensemble of about this many of the best trials.
EXPECTED_MEMBERS = 4
# The final fit's reserve is capped at this share of the budget: beyond the best model's refit its steps are
# optional and stop at the deadline, so a larger reserve would only leave budget unused.
MAX_RESERVE_SHARE = 0.25
# One trial may take at most this share of the search time (and at least MIN_TRIAL_CAP_SECONDS): a configuration
# that is slow on this data (a 200-tree forest at 10k+ rows, an SVM) is stopped instead of starving the others.
MAX_TRIAL_SHARE = 0.25
MIN_TRIAL_CAP_SECONDS = 10.0


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
    # At most this many trials of each algorithm; the search ends once every algorithm has had them.
    max_trials_per_algorithm: int | None = None
    cancel_path: str | None = None
    oof_dir: str | None = None  # set to keep out-of-fold predictions and build an ensemble at the end
    # A file whose existence means "stop searching now and finish with the best so far" (the user's Stop button).
    stop_path: str | None = None
    validation: str = "cv"
    # Ask trials in batches and tell results in trial order, so the same seed and trial count give the same
    # leaderboard; costs the idle time of waiting for each batch's slowest trial. On when max_trials is set.
    deterministic: bool | None = None
    dataset_sha256: str | None = None  # lets a remote worker fetch the data by hash
    priority: bool = False  # the job's trials go to the cluster's priority queue
    # Preprocessors (engine/preprocessor.py) every trial runs before its estimator, in this order, tuned with it.
    preprocessors: list[str] = field(default_factory=list)

    @property
    def batch_mode(self) -> bool:
        return self.deterministic if self.deterministic is not None else self.max_trials is not None


@dataclass
class PriorTrial:
    """A trial already recorded (after a restart): rebuilds the studies without re-running it."""

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
    stopped: bool = False  # ended early by the user's stop request, not by the budget

    def failure_message(self) -> str:
        """Why there is no best trial, in words for the user."""
        if not self.results:
            return "the time budget ended before any trial could finish; give the job more time"
        errors = sorted({f"{r.algorithm}: {r.error}" for r in self.results if r.error})[:5]
        if not errors:
            return "no trial finished within the time budget; give the job more time"
        return "no trial succeeded. " + "; ".join(errors)


def final_fit_seconds(best: TrialResult, n_folds: int, members: list[TrialResult] | None = None) -> float:
    """Time to allow the final refit on all rows plus an importance fit on 80%, from the trials' fold fits, and
    the ONNX export of the refit models, from their trees' size.

    `members`: the other models of an ensemble, each refit once on all rows."""
    scale = n_folds / max(1, n_folds - 1)  # a fold fit sees (k-1)/k of the rows (and grows trees about as large)
    others = [m for m in members or [] if m is not best]
    fits = 3.0 * best.fit_time * scale + 1.5 * sum(m.fit_time for m in others) * scale
    nodes = (best.model_nodes + sum(m.model_nodes for m in others)) * scale
    return 5.0 + fits + SECONDS_PER_NODE * nodes


def required_final_seconds(best: TrialResult, n_folds: int) -> float:
    """The best model's refit on all rows, which the final fit cannot skip, with margin."""
    return 3.0 + 2.0 * best.fit_time * n_folds / max(1, n_folds - 1)


class SearchListener(Protocol):
    async def trial_started(self, ticket: TrialTicket) -> None: ...

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None: ...

    async def progress(self, progress: float, stage: str, message: str) -> None: ...

    def cancelled(self) -> bool: ...


InFlight = dict["asyncio.Task[TrialResult]", tuple[Proposal, TrialTicket]]


class SearchLoop:
    def __init__(
        self,
        config: SearchConfig,
        registry: Registry,
        executor: TrialExecutor,
        listener: SearchListener,
        preprocessors: Preprocessors | None = None,
    ) -> None:
        """`preprocessors`: where `config.preprocessors` are looked up; the installed ones by default."""
        self.config = config
        self.executor = executor
        self.listener = listener
        self.direction = optuna_direction(get_metric(config.metric, config.problem_type))
        self.scheduler = AlgorithmScheduler(
            self._usable_algorithms(registry),
            config.problem_type,
            self.direction,
            config.seed,
            max_trials_per_algorithm=config.max_trials_per_algorithm,
            preprocessors=[(preprocessors or default_preprocessors()).get(n) for n in config.preprocessors],
            n_rows=config.n_rows,
        )
        self.results: list[TrialResult] = []
        self.best: TrialResult | None = None
        self._asked = 0
        self._reserve = self._initial_reserve()

    def _usable_algorithms(self, registry: Registry) -> list[Algorithm]:
        chosen = [registry.get(name) for name in self.config.algorithms]
        usable = [a for a in chosen if a.supports(self.config.problem_type, self.config.n_rows)]
        if not usable:
            raise ValueError("none of the chosen algorithms supports this problem type and data size")
        return usable

    def _initial_reserve(self) -> float:
        budget = self.config.deadline - self.config.started_at
        return min(max(3.0, 0.15 * budget), MAX_RESERVE_SHARE * budget)

    @property
    def search_end(self) -> float:
        """When trials must be done. Until one has finished, the reserve is kept small: the final fit of a model
        nobody found needs no time, and on a short budget the start-up (imports, the pool, reading the table) can
        take most of it, so the full reserve would end the search before any trial ran and the job without a model."""
        reserve = self._reserve if self.best is not None else min(self._reserve, self._first_trial_reserve())
        return self.config.deadline - reserve

    def _first_trial_reserve(self) -> float:
        budget = self.config.deadline - self.config.started_at
        return max(FIRST_TRIAL_RESERVE_SECONDS, FIRST_TRIAL_RESERVE_SHARE * budget)

    def _better(self, a: float, b: float) -> bool:
        return better(self.direction, a, b)

    def _trial_deadline(self) -> float:
        cap = max(MIN_TRIAL_CAP_SECONDS, MAX_TRIAL_SHARE * (self.search_end - self.config.started_at))
        return min(self.search_end, time.time() + cap)

    # --- bookkeeping -------------------------------------------------------------------------------------------

    def restore(self, prior: list[PriorTrial]) -> None:
        for trial in prior:
            algorithm = str(trial.optuna_params.get("algorithm", ""))
            self.scheduler.restore(algorithm, trial.optuna_params, trial.distributions, trial.value)
            finite = trial.value is not None and math.isfinite(trial.value)
            if finite and trial.result is not None:
                self.results.append(trial.result)
                if self.best is None or self._better(trial.value or 0.0, self.best.score or 0.0):
                    self.best = trial.result
        self._update_reserve()
        self._asked = len(prior)

    def _ask(self) -> tuple[Proposal, TrialTicket] | None:
        proposal = self.scheduler.ask()
        if proposal is None:
            return None
        spec = TrialSpec(
            job_id=self.config.job_id,
            trial_number=self._asked,
            dataset_path=self.config.dataset_path,
            problem_type=self.config.problem_type.value,
            feature_plan=self.config.feature_plan,
            algorithm=proposal.algorithm.name,
            params=proposal.params,
            metric=self.config.metric,
            n_folds=self.config.n_folds,
            seed=self.config.seed,
            deadline=self._trial_deadline(),
            cancel_path=self.config.cancel_path,
            oof_dir=self.config.oof_dir,
            validation=self.config.validation,
            dataset_sha256=self.config.dataset_sha256,
            priority=self.config.priority,
        )
        self._asked += 1
        return proposal, TrialTicket(spec, proposal.optuna_params, proposal.distributions)

    def _tell(self, proposal: Proposal, result: TrialResult) -> None:
        ok = result.status == TrialStatus.COMPLETED and result.score is not None and math.isfinite(result.score)
        folds = 1 if self.config.validation == "holdout" else self.config.n_folds
        cost = result.fit_time * folds + 0.05
        self.scheduler.tell(
            proposal, result.score if ok else None, failed=result.status == TrialStatus.FAILED, cost_seconds=cost
        )
        if ok:
            assert result.score is not None
            if self.best is None or self._better(result.score, self.best.score or 0.0):
                self.best = result
            self._update_reserve()

    def _update_reserve(self) -> None:
        """Keep time for the final fit: importance and refit of the best model, refits of likely ensemble members
        (the next best trials) and the ONNX export, with margin, up to MAX_RESERVE_SHARE of the budget. Only the
        best model's refit is required (the final fit skips or cuts the rest at the deadline), so the reserve
        never drops below what that refit needs, even past the cap."""
        if self.best is None:
            return
        budget = self.config.deadline - self.config.started_at
        estimate = final_fit_seconds(self.best, self.config.n_folds, self._top(EXPECTED_MEMBERS))
        wanted = min(max(estimate, 0.05 * budget), MAX_RESERVE_SHARE * budget)
        self._reserve = max(wanted, required_final_seconds(self.best, self.config.n_folds))

    def _top(self, count: int) -> list[TrialResult]:
        done = [r for r in self.results if r.status == TrialStatus.COMPLETED and r.score is not None]
        done.sort(key=lambda r: rank_key(self.direction, r.score or 0.0))
        return done[:count]

    # --- the loop ----------------------------------------------------------------------------------------------

    def _can_start(self) -> bool:
        if self.config.max_trials is not None and self._asked >= self.config.max_trials:
            return False
        return self.search_end - time.time() > MIN_TRIAL_SECONDS

    def _progress(self) -> float:
        total = self.config.deadline - self.config.started_at
        return max(0.0, min(95.0, 100.0 * (time.time() - self.config.started_at) / total))

    def _stop_requested(self) -> bool:
        return self.config.stop_path is not None and Path(self.config.stop_path).exists()

    async def run(self) -> SearchOutcome:
        in_flight: InFlight = {}
        cancelled = stopped = False
        try:
            while True:
                if self.listener.cancelled():
                    cancelled = True
                    self.executor.cancel(self.config.job_id)
                elif not stopped and self._stop_requested():
                    stopped = True  # trials in flight are abandoned; the best finished one is the result
                    self.executor.cancel(self.config.job_id)
                # In batch mode a new batch starts only when the previous one has been told completely.
                may_fill = not (cancelled or stopped) and (not self.config.batch_mode or not in_flight)
                while may_fill and len(in_flight) < self.executor.capacity and self._can_start():
                    asked = self._ask()
                    if asked is None:
                        break
                    await self.listener.trial_started(asked[1])
                    in_flight[asyncio.create_task(self.executor.run_trial(asked[1].spec))] = asked
                if not in_flight:
                    break
                await self._collect(in_flight)
        finally:
            for task in in_flight:
                task.cancel()
        return SearchOutcome(best=self.best, results=self.results, cancelled=cancelled, stopped=stopped)

    async def _collect(self, in_flight: InFlight) -> None:
        if self.config.batch_mode:
            done, _ = await asyncio.wait(in_flight, timeout=POLL_SECONDS, return_when=asyncio.ALL_COMPLETED)
            if len(done) < len(in_flight) and not self.listener.cancelled() and not self._stop_requested():
                return  # wait for the whole batch, then tell it in trial order
            done = set(in_flight) if len(done) == len(in_flight) else done
        else:
            done, _ = await asyncio.wait(in_flight, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        for task in sorted(done, key=lambda t: in_flight[t][1].spec.trial_number):
            proposal, ticket = in_flight.pop(task)
            result = task.result()
            self._tell(proposal, result)
            self.results.append(result)
            await self.listener.trial_finished(ticket, result)
            await self.listener.progress(self._progress(), "searching", self._summary())

    def _summary(self) -> str:
        done = sum(1 for r in self.results if r.status == TrialStatus.COMPLETED)
        if self.best is None:
            return f"{done} trials finished, none succeeded yet"
        return f"{done} trials finished; best {self.config.metric} {self.best.score:.4f} ({self.best.algorithm})"
