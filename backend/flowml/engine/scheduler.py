"""Which algorithm gets the next trial, and with which parameters.

One Optuna study per algorithm (TPE, multivariate, constant liar for trials in flight) rather than one study with
the algorithm as a categorical: TPE learns each space on its own, and the choice between algorithms becomes an
explicit, cost-aware policy (the idea behind FLAML's small-budget strength):
1. warm start: every algorithm's known-good defaults once, cheapest first, then the further warm starts an
   algorithm asks for (`Algorithm.warm_starts`: k-means over every number of clusters);
2. then algorithms are drawn with weights that fall with their rank (by best score so far) and with the square
   root of their measured cost per trial, so winners get most trials and cheap near-winners keep some.
The draw uses a seeded generator, so the same seed and the same results give the same choices. An algorithm that
failed MAX_FAILURES_PER_ALGORITHM times, or was asked its `max_trials_per_algorithm`, gets no more trials.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import optuna
from optuna.distributions import distribution_to_json, json_to_distribution
from optuna.trial import TrialState

from flowml.engine.metrics import better, rank_key
from flowml.engine.preprocessor import Preprocessor, join_params
from flowml.engine.registry import Algorithm
from flowml.engine.types import ProblemType

# An algorithm that failed this many times is not tried again in the job.
MAX_FAILURES_PER_ALGORITHM = 2
# Rank temperature: the second-best algorithm gets exp(-1/T) of the best one's weight (before cost).
RANK_TEMPERATURE = 1.5
# Cost floor (seconds per trial), so the cheapest algorithms don't take every trial.
MIN_COST_SECONDS = 0.2


@dataclass
class _Arm:
    algorithm: Algorithm
    study: optuna.Study
    asked: int = 0
    failures: int = 0
    best: float | None = None
    costs: list[float] = field(default_factory=list)
    cap: int | None = None  # trials this algorithm may be asked for in the job; None: no cap
    warm: int = 1  # the first this many trials are its queued warm starts (Algorithm.warm_starts)

    @property
    def cost(self) -> float:
        return max(MIN_COST_SECONDS, float(np.median(self.costs))) if self.costs else self.algorithm.cost

    @property
    def usable(self) -> bool:
        return self.failures < MAX_FAILURES_PER_ALGORITHM and (self.cap is None or self.asked < self.cap)


@dataclass
class Proposal:
    """One asked trial: the algorithm, its parameters, and what to persist to rebuild the study later."""

    algorithm: Algorithm
    trial: optuna.Trial
    params: dict[str, Any]
    optuna_params: dict[str, Any]
    distributions: dict[str, str]


class AlgorithmScheduler:
    def __init__(
        self,
        algorithms: list[Algorithm],
        task: ProblemType,
        direction: Literal["minimize", "maximize"],
        seed: int,
        *,
        max_trials_per_algorithm: int | None = None,
        preprocessors: Sequence[Preprocessor] = (),
        n_rows: int | None = None,
    ) -> None:
        """`n_rows`: the job's rows, for spaces whose ranges depend on them (`Algorithm.space_for`)."""
        self.task = task
        self.n_rows = n_rows
        # Every trial runs these steps (engine/preprocessor.py); their parameters are searched in each algorithm's
        # study next to the algorithm's own, since the best clipping or projection depends on the model.
        self.preprocessors = list(preprocessors)
        self.direction = direction
        self._rng = np.random.default_rng(seed)
        optuna.logging.set_verbosity(optuna.logging.WARNING)  # our own logs report every trial
        self.arms: dict[str, _Arm] = {}
        for index, algo in enumerate(sorted(algorithms, key=lambda a: a.cost)):
            with warnings.catch_warnings():
                # multivariate/constant_liar are flagged experimental; we pin Optuna's version and rely on them.
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                sampler = optuna.samplers.TPESampler(
                    seed=seed + index, multivariate=True, constant_liar=True, n_startup_trials=4
                )
            study = optuna.create_study(direction=direction, sampler=sampler)
            starts = [algo.default_params(task)] if n_rows is None else algo.warm_starts(task, n_rows)
            steps = {step.optuna_prefix + k: v for step in self.preprocessors for k, v in step.default_params().items()}
            for start in starts:
                study.enqueue_trial({**{algo.optuna_prefix + k: v for k, v in start.items()}, **steps})
            self.arms[algo.name] = _Arm(algo, study, cap=max_trials_per_algorithm, warm=len(starts))

    def _better(self, a: float, b: float) -> bool:
        return better(self.direction, a, b)

    def restore(
        self, algorithm: str, optuna_params: dict[str, Any], distributions: dict[str, str], value: float | None
    ) -> None:
        """Add a trial recorded earlier (a resumed job) to its algorithm's study without running it again."""
        arm = self.arms.get(algorithm)
        if arm is None:
            return
        params = {k: v for k, v in optuna_params.items() if k != "algorithm"}
        dists = {k: json_to_distribution(v) for k, v in distributions.items() if k != "algorithm"}
        finite = value is not None and math.isfinite(value)
        if arm.asked == 0:
            arm.study = _without_queue(arm.study)
            arm.warm = 0  # resumed: the sampler takes over from the trials recorded
        arm.study.add_trial(
            optuna.trial.create_trial(
                params=params,
                distributions=dists,
                value=value if finite else None,
                state=TrialState.COMPLETE if finite else TrialState.FAIL,
            )
        )
        arm.asked += 1
        if finite:
            assert value is not None
            if arm.best is None or self._better(value, arm.best):
                arm.best = value

    def ask(self) -> Proposal | None:
        arm = self._choose()
        if arm is None:
            return None
        trial = arm.study.ask()
        steps = [(step.name, step.sample(trial)) for step in self.preprocessors]
        params = join_params(arm.algorithm.sample(trial, self.task, self.n_rows), steps)
        arm.asked += 1
        return Proposal(
            algorithm=arm.algorithm,
            trial=trial,
            params=params,
            optuna_params={"algorithm": arm.algorithm.name, **trial.params},
            distributions={k: distribution_to_json(v) for k, v in trial.distributions.items()},
        )

    def tell(self, proposal: Proposal, value: float | None, *, failed: bool, cost_seconds: float) -> None:
        arm = self.arms[proposal.algorithm.name]
        if value is not None and math.isfinite(value):
            arm.study.tell(proposal.trial, value)
            if arm.best is None or self._better(value, arm.best):
                arm.best = value
            arm.costs.append(cost_seconds)
        else:
            arm.study.tell(proposal.trial, state=TrialState.FAIL)
            if failed:
                arm.failures += 1

    def _choose(self) -> _Arm | None:
        usable = [a for a in self.arms.values() if a.usable]
        if not usable:
            return None
        fresh = [a for a in usable if a.asked < a.warm]
        if fresh:
            # Round by round: every algorithm's first warm start, cheapest first (arms are in cost order), before
            # any algorithm's second.
            return min(fresh, key=lambda a: a.asked)
        scored = [a for a in usable if a.best is not None]
        if not scored:
            return min(usable, key=lambda a: a.asked)
        ranked = sorted(scored, key=lambda a: rank_key(self.direction, a.best or 0.0))
        weights = np.array(
            [math.exp(-rank / RANK_TEMPERATURE) / math.sqrt(arm.cost) for rank, arm in enumerate(ranked)]
        )
        return ranked[int(self._rng.choice(len(ranked), p=weights / weights.sum()))]


def _without_queue(study: optuna.Study) -> optuna.Study:
    """A fresh study with the same sampler: a restored algorithm must not re-run its enqueued defaults."""
    fresh = optuna.create_study(direction=study.direction, sampler=study.sampler)
    return fresh
