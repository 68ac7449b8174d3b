"""max_trials_per_algorithm (the seed's n_trials_per_model): each algorithm is asked at most that often, trials
recorded before a restart included, and the scheduler then runs dry so the search ends before its budget."""

from __future__ import annotations

from collections import Counter

from flowml.engine.algorithms import default_registry
from flowml.engine.scheduler import AlgorithmScheduler
from flowml.engine.types import ProblemType

NAMES = ["naive_bayes", "decision_tree", "logistic_regression"]


def scheduler(cap: int | None) -> AlgorithmScheduler:
    algorithms = [default_registry().get(name) for name in NAMES]
    return AlgorithmScheduler(algorithms, ProblemType.BINARY, "maximize", seed=0, max_trials_per_algorithm=cap)


def drain(chosen: AlgorithmScheduler, limit: int = 100) -> Counter[str]:
    asked: Counter[str] = Counter()
    for index in range(limit):
        proposal = chosen.ask()
        if proposal is None:
            break
        asked[proposal.algorithm.name] += 1
        chosen.tell(proposal, 0.5 + index / 1000, failed=False, cost_seconds=0.1)
    return asked


def test_each_algorithm_gets_at_most_its_cap_then_none() -> None:
    assert drain(scheduler(4)) == {name: 4 for name in NAMES}


def test_without_a_cap_the_scheduler_keeps_proposing() -> None:
    assert sum(drain(scheduler(None), limit=30).values()) == 30


def test_trials_restored_after_a_restart_count_against_the_cap() -> None:
    first = scheduler(3)
    proposal = first.ask()
    assert proposal is not None
    restarted = scheduler(3)
    for _ in range(2):
        restarted.restore(proposal.algorithm.name, proposal.optuna_params, proposal.distributions, 0.6)
    asked = drain(restarted)
    assert asked[proposal.algorithm.name] == 1
    assert sum(asked.values()) == 3 * len(NAMES) - 2
